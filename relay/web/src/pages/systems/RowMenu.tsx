import { Ellipsis, Pencil } from "lucide-react";
import { memo, useEffect, useId, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import { Link } from "react-router";
import type { System } from "../../api/types";
import { systemPageLinks } from "../../layout/navigation";
import { can } from "./systemLogic";
import type { SystemTexts } from "./texts";
import "./systems.css";

interface RowMenuProps {
  system: System;
  texts: SystemTexts;
  onRename?: (system: System) => void;
}

// A row's "more" button (disclosure pattern): it opens a short list of the system's pages
// the user may open, plus Rename when allowed. Closed, it is a single button, so a long
// list stays cheap. Escape or leaving it closes the list and keeps the focus on the button;
// arrow keys move between the entries. The list is placed fixed beside the button (below,
// or above when the window has no room), so the table's scroll box never cuts it off;
// scrolling or resizing closes it.
export const RowMenu = memo(function RowMenu({ system, texts, onRename }: RowMenuProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLUListElement>(null);
  const [place, setPlace] = useState<CSSProperties | undefined>(undefined);

  useLayoutEffect(() => {
    if (!open || !button.current) return;
    const rect = button.current.getBoundingClientRect();
    const height = panel.current?.offsetHeight ?? 0;
    const right = Math.max(8, window.innerWidth - rect.right);
    const fitsBelow = rect.bottom + 4 + height <= window.innerHeight || rect.top < height + 4;
    setPlace(fitsBelow ? { top: rect.bottom + 4, right } : { bottom: window.innerHeight - rect.top + 4, right });
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onMove = (event: Event) => {
      if (!(event.target instanceof Node && panel.current?.contains(event.target))) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    window.addEventListener("resize", onMove);
    window.addEventListener("scroll", onMove, true);
    root.current?.querySelector<HTMLElement>(".row-menu-item")?.focus({ preventScroll: true });
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      window.removeEventListener("resize", onMove);
      window.removeEventListener("scroll", onMove, true);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!open) return;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const items = [...(root.current?.querySelectorAll<HTMLElement>(".row-menu-item") ?? [])];
    if (items.length === 0) return;
    event.preventDefault();
    const index = items.indexOf(document.activeElement as HTMLElement);
    const step = event.key === "ArrowDown" ? 1 : -1;
    items[(index + step + items.length) % items.length]?.focus();
  };

  const links = open ? systemPageLinks(system) : [];
  const rename = onRename && can(system, "edit_system_name");
  return (
    <div
      ref={root}
      className="row-menu"
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        if (open && !root.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        className="button icon"
        aria-label={texts.menuOpen(system.name)}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        data-testid={`menu-${system.id}`}
        onClick={() => {
          setPlace(undefined);
          setOpen((value) => !value);
        }}
      >
        <Ellipsis aria-hidden size={18} />
      </button>
      {open && (
        <ul id={panelId} ref={panel} className="row-menu-panel popup-list" style={place}>
          {links.map((link) => (
            <li key={link.key}>
              <Link className="row-menu-item" to={link.to} onClick={() => setOpen(false)}>
                {texts.page[link.key]}
              </Link>
            </li>
          ))}
          {rename && (
            <li className="row-menu-separated">
              <button
                type="button"
                className="row-menu-item"
                onClick={() => {
                  close();
                  onRename(system);
                }}
              >
                <Pencil aria-hidden size={14} />
                {texts.menuRename}
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
});

export default RowMenu;
