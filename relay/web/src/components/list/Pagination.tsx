import { ChevronLeft, ChevronRight, ChevronsLeft, ChevronsRight, type LucideIcon } from "lucide-react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { PAGE_SIZES } from "./listState";

export interface PaginationProps {
  offset: number;
  limit: number;
  total: number;
  onPage: (offset: number) => void;
  onPageSize: (limit: number) => void; // the caller goes back to the first page
}

export function lastPageOffset(total: number, limit: number): number {
  return total <= 0 ? 0 : Math.floor((total - 1) / limit) * limit;
}

// First/previous/next/last and the page size. Buttons at the edge stay focusable
// (aria-disabled) so focus does not vanish when the last page is reached.
export function Pagination({ offset, limit, total, onPage, onPageSize }: PaginationProps) {
  const { t } = useTranslation("list");
  const sizeId = useId();
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.min(pages, Math.floor(offset / limit) + 1);
  const last = lastPageOffset(total, limit);
  const atStart = offset <= 0;
  const atEnd = offset >= last;

  const button = (label: string, Icon: LucideIcon, target: number, disabled: boolean) => (
    <button
      type="button"
      className="button icon"
      aria-label={label}
      title={label}
      aria-disabled={disabled || undefined}
      onClick={() => {
        if (!disabled) onPage(target);
      }}
    >
      <Icon aria-hidden size={16} />
    </button>
  );

  return (
    <nav className="dl-pagination" aria-label={t("pagination.label")}>
      <div className="dl-page-size">
        <label htmlFor={sizeId}>{t("pagination.pageSize")}</label>
        <select
          id={sizeId}
          className="input"
          value={limit}
          onChange={(event) => onPageSize(Number(event.target.value))}
        >
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </div>
      <div className="dl-page-buttons">
        {button(t("pagination.first"), ChevronsLeft, 0, atStart)}
        {button(t("pagination.previous"), ChevronLeft, Math.max(0, offset - limit), atStart)}
        <span className="dl-page-number">{t("pagination.page", { page, pages })}</span>
        {button(t("pagination.next"), ChevronRight, Math.min(last, offset + limit), atEnd)}
        {button(t("pagination.last"), ChevronsRight, last, atEnd)}
      </div>
    </nav>
  );
}

export default Pagination;
