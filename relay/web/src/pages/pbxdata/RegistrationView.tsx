import { RotateCcw } from "lucide-react";
import { useMemo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { updatedAtOf, type Scope, type SystemRef } from "../../api/pbxdata";
import type { Page } from "../../api/types";
import {
  DataList,
  defaultListState,
  useListState,
  type Column,
  type ListState,
  type SetListState,
} from "../../components/list";
import { oneOf, parseId, useUrlFilters } from "./filters";
import { FilterSelect, LastReport, RefusalNotice, RelativeTime, SystemCell, SystemFilter, refusalOf } from "./frame";
import { Badge, StatusLegend, usePbxTexts, type Look, type PbxTexts } from "./statuses";

// What telephones (E1) and provider accounts (E2) have in common: one registration per
// row, with a status since a time and, in the fleet views (E3), the system it belongs to.
export interface RegistrationRow {
  id: string;
  name: string;
  status: string;
  since: string | null;
  system?: SystemRef;
}

// The differences between the two lists besides their own columns and filters. `area` is
// the i18n prefix and names the legend and the table for the browser tests.
export interface RegistrationKind<S extends string> {
  area: "telephones" | "accounts";
  statusTestId: string; // data-testid prefix of the status badges, e.g. "telephone-status"
  statuses: readonly S[];
  statusLook: (status: string) => Look;
  statusText: (texts: PbxTexts, status: string) => string;
  sortKeys: readonly string[];
  fleetSortKeys: readonly string[];
}

const DEFAULTS = defaultListState("name");
const FRAME_FILTER_KEYS = ["status", "system_id"] as const;

export interface RegistrationFrame<S extends string, K extends string> {
  systemId: number | null; // null: every system the user may see
  fleet: boolean;
  state: ListState;
  setState: SetListState;
  values: Record<K | (typeof FRAME_FILTER_KEYS)[number], string | null>; // filters as in the URL
  setFilters: (patch: Partial<Record<K | (typeof FRAME_FILTER_KEYS)[number], string | null>>) => void;
  filterKeys: readonly (K | (typeof FRAME_FILTER_KEYS)[number])[];
  status: S | null;
  filterSystemId: number | null;
  scope: Scope;
}

// List state and URL filters of a registration list: status and (fleet) system, plus the
// area's own filters `extraKeys`.
export function useRegistrationFrame<S extends string, K extends string = never>(
  systemId: number | null,
  kind: RegistrationKind<S>,
  extraKeys: readonly K[] = [],
): RegistrationFrame<S, K> {
  const fleet = systemId === null;
  const [state, setState] = useListState(DEFAULTS, fleet ? kind.fleetSortKeys : kind.sortKeys);
  const filterKeys = [...FRAME_FILTER_KEYS, ...extraKeys];
  const [values, setFilters] = useUrlFilters(filterKeys);
  const status = oneOf(kind.statuses, values.status);
  const filterSystemId = fleet ? parseId(values.system_id) : null;
  const scope: Scope = systemId === null ? { systemId: null, filterSystemId } : { systemId };
  return { systemId, fleet, state, setState, values, setFilters, filterKeys, status, filterSystemId, scope };
}

export interface RegistrationViewProps<T extends RegistrationRow, S extends string, K extends string> {
  kind: RegistrationKind<S>;
  frame: RegistrationFrame<S, K>;
  list: {
    data: Page<T> | undefined;
    isLoading: boolean;
    isFetching: boolean;
    error: unknown;
    refetch: () => unknown;
  };
  columns: Column<T>[]; // the area's own, shown between the name and the status
  extraFilters?: ReactNode; // the area's own filters, after the status filter
  extraFiltered?: boolean; // one of them is set
}

// The list frame of the telephone and account pages: last report, filters, legend and the
// list with status and "since" columns; a refusal (no access, not paired) instead of it.
export function RegistrationView<T extends RegistrationRow, S extends string, K extends string>({
  kind,
  frame,
  list,
  columns,
  extraFilters,
  extraFiltered = false,
}: RegistrationViewProps<T, S, K>) {
  const { t } = useTranslation("pbxdata");
  const texts = usePbxTexts();
  const { area, statusLook, statusText, statusTestId } = kind;
  const { fleet, status, filterSystemId } = frame;
  // The frame's own keys are in every frame's key set; TypeScript cannot see that for a generic K.
  const setFilters = frame.setFilters as (patch: Partial<Record<string, string | null>>) => void;
  const filtered = status !== null || extraFiltered || filterSystemId !== null;

  const allColumns = useMemo<Column<T>[]>(() => {
    const all: Column<T>[] = [
      ...columns,
      {
        id: "status",
        header: t(`${area}.columns.status`),
        sortable: true,
        cell: (row) => (
          <Badge
            look={statusLook(row.status)}
            text={statusText(texts, row.status)}
            testId={row.system ? `${statusTestId}-${row.system.id}-${row.id}` : `${statusTestId}-${row.id}`}
          />
        ),
      },
      {
        id: "since",
        header: t(`${area}.columns.since`),
        sortable: true,
        hideBelow: 900,
        cell: (row) => <RelativeTime iso={row.since} />,
      },
    ];
    if (fleet) {
      all.unshift({
        id: "system",
        header: t(`${area}.columns.system`),
        sortable: true,
        cell: (row) => (row.system ? <SystemCell system={row.system} /> : null),
      });
    }
    return all;
  }, [columns, t, texts, fleet, area, statusLook, statusText, statusTestId]);

  const refusal = refusalOf(list.error);
  if (refusal) return <RefusalNotice error={list.error} area="registrations" systemId={frame.systemId} />;

  const updatedAt = updatedAtOf(list.data);
  let emptyText: string;
  if (filtered) emptyText = t(`${area}.noMatch`);
  else if (fleet) emptyText = t(`${area}.fleetNone`);
  else emptyText = updatedAt ? t(`${area}.noneReported`) : t(`${area}.neverReported`);

  const reset = Object.fromEntries(frame.filterKeys.map((key) => [key, null]));

  return (
    <>
      {!fleet && <LastReport iso={updatedAt} loaded={list.data !== undefined} />}
      <div className="pbx-filters" role="group" aria-label={t("page.filters")}>
        {fleet && (
          <SystemFilter
            systemId={filterSystemId}
            onChange={(id) => setFilters({ system_id: id === null ? null : String(id) })}
            action="read_registration_status"
          />
        )}
        <FilterSelect
          label={t(`${area}.statusFilter`)}
          value={status}
          allLabel={t("page.all")}
          options={kind.statuses.map((value) => ({ value, label: statusText(texts, value) }))}
          onChange={(value) => setFilters({ status: value })}
          testId="status-filter"
        />
        {extraFilters}
        {filtered && (
          <button type="button" className="button" onClick={() => setFilters(reset)}>
            <RotateCcw aria-hidden size={16} />
            {t("page.resetFilters")}
          </button>
        )}
      </div>
      <StatusLegend of={area} />
      <DataList
        caption={t(`${area}.caption`)}
        columns={allColumns}
        rowKey={(row) => (row.system ? `${row.system.id}/${row.id}` : row.id)}
        state={frame.state}
        onStateChange={frame.setState}
        data={list.data}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        emptyText={emptyText}
        noMatchText={t(`${area}.noMatch`)}
        filterLabel={t(`${area}.filter`)}
        rowLabel={(row) => row.name}
        testId={`${area}-table`}
      />
    </>
  );
}
