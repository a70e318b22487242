import { RotateCcw } from "lucide-react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import {
  ACCOUNT_SORT_KEYS,
  ACCOUNT_STATUSES,
  FLEET_ACCOUNT_SORT_KEYS,
  updatedAtOf,
  useAccounts,
  type ProviderAccount,
  type Scope,
} from "../../api/pbxdata";
import { DataList, defaultListState, useListState, type Column } from "../../components/list";
import { oneOf, parseId, useUrlFilters } from "./filters";
import { FilterSelect, LastReport, OrNone, RefusalNotice, RelativeTime, SystemCell, SystemFilter, refusalOf } from "./frame";
import { Badge, StatusLegend, accountStatusLook, accountStatusText, usePbxTexts } from "./statuses";

const DEFAULTS = defaultListState("name");
const FILTER_KEYS = ["status", "system_id"] as const;

// Providers and accounts (FEATURES E2) of one system, or of every system the user may see
// (E3, systemId null): filter by text and status; sort; every status in words.
export function AccountsView({ systemId }: { systemId: number | null }) {
  const { t } = useTranslation("pbxdata");
  const texts = usePbxTexts();
  const fleet = systemId === null;
  const [state, setState] = useListState(DEFAULTS, fleet ? FLEET_ACCOUNT_SORT_KEYS : ACCOUNT_SORT_KEYS);
  const [values, setFilters] = useUrlFilters(FILTER_KEYS);
  const status = oneOf(ACCOUNT_STATUSES, values.status);
  const filterSystemId = fleet ? parseId(values.system_id) : null;
  const scope: Scope = systemId === null ? { systemId: null, filterSystemId } : { systemId };
  const list = useAccounts(scope, state, { status });
  const filtered = status !== null || filterSystemId !== null;

  const columns = useMemo<Column<ProviderAccount>[]>(() => {
    const all: Column<ProviderAccount>[] = [
      {
        id: "name",
        header: t("accounts.columns.name"),
        sortable: true,
        cell: (row) => <span className="pbx-strong">{row.name}</span>,
      },
      {
        id: "provider",
        header: t("accounts.columns.provider"),
        sortable: true,
        cell: (row) => <OrNone value={row.provider} none={texts.notGiven} />,
      },
      {
        id: "number",
        header: t("accounts.columns.number"),
        hideBelow: 640,
        cell: (row) => <OrNone value={row.number} none={texts.notGiven} className="pbx-nowrap" />,
      },
      {
        id: "stun",
        header: t("accounts.columns.stunServer"),
        hideBelow: 1200,
        cell: (row) =>
          row.stun_server ? <span className="mono">{row.stun_server}</span> : <span className="pbx-muted">{t("accounts.noStun")}</span>,
      },
      {
        id: "status",
        header: t("accounts.columns.status"),
        sortable: true,
        cell: (row) => (
          <Badge
            look={accountStatusLook(row.status)}
            text={accountStatusText(texts, row.status)}
            testId={row.system ? `account-status-${row.system.id}-${row.id}` : `account-status-${row.id}`}
          />
        ),
      },
      {
        id: "since",
        header: t("accounts.columns.since"),
        sortable: true,
        hideBelow: 900,
        cell: (row) => <RelativeTime iso={row.since} />,
      },
    ];
    if (fleet) {
      all.unshift({
        id: "system",
        header: t("accounts.columns.system"),
        sortable: true,
        cell: (row) => (row.system ? <SystemCell system={row.system} /> : null),
      });
    }
    return all;
  }, [t, texts, fleet]);

  const refusal = refusalOf(list.error);
  if (refusal) return <RefusalNotice error={list.error} area="registrations" systemId={systemId} />;

  const updatedAt = updatedAtOf(list.data);
  let emptyText: string;
  if (filtered) emptyText = t("accounts.noMatch");
  else if (fleet) emptyText = t("accounts.fleetNone");
  else emptyText = updatedAt ? t("accounts.noneReported") : t("accounts.neverReported");

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
          label={t("accounts.statusFilter")}
          value={status}
          allLabel={t("page.all")}
          options={ACCOUNT_STATUSES.map((value) => ({ value, label: texts.accountStatus[value] }))}
          onChange={(value) => setFilters({ status: value })}
          testId="status-filter"
        />
        {filtered && (
          <button type="button" className="button" onClick={() => setFilters({ status: null, system_id: null })}>
            <RotateCcw aria-hidden size={16} />
            {t("page.resetFilters")}
          </button>
        )}
      </div>
      <StatusLegend of="accounts" />
      <DataList
        caption={t("accounts.caption")}
        columns={columns}
        rowKey={(row) => (row.system ? `${row.system.id}/${row.id}` : row.id)}
        state={state}
        onStateChange={setState}
        data={list.data}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        emptyText={emptyText}
        noMatchText={t("accounts.noMatch")}
        filterLabel={t("accounts.filter")}
        rowLabel={(row) => row.name}
        testId="accounts-table"
      />
    </>
  );
}
