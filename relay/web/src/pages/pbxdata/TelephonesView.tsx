import { RotateCcw } from "lucide-react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import {
  FLEET_TELEPHONE_SORT_KEYS,
  TELEPHONE_KINDS,
  TELEPHONE_SORT_KEYS,
  TELEPHONE_STATUSES,
  updatedAtOf,
  useTelephones,
  type Scope,
  type Telephone,
} from "../../api/pbxdata";
import { DataList, defaultListState, useListState, type Column } from "../../components/list";
import { oneOf, parseId, useUrlFilters } from "./filters";
import { FilterSelect, LastReport, OrNone, RefusalNotice, RelativeTime, SystemCell, SystemFilter, refusalOf } from "./frame";
import {
  Badge,
  IconText,
  StatusLegend,
  telephoneKindIcon,
  telephoneKindText,
  telephoneStatusLook,
  telephoneStatusText,
  usePbxTexts,
} from "./statuses";

const DEFAULTS = defaultListState("name");
const FILTER_KEYS = ["status", "kind", "system_id"] as const;

// Telephone status (FEATURES E1) of one system, or of every system the user may see (E3,
// systemId null): filter by text, status and device type; sort; every status in words.
export function TelephonesView({ systemId }: { systemId: number | null }) {
  const { t } = useTranslation("pbxdata");
  const texts = usePbxTexts();
  const fleet = systemId === null;
  const [state, setState] = useListState(DEFAULTS, fleet ? FLEET_TELEPHONE_SORT_KEYS : TELEPHONE_SORT_KEYS);
  const [values, setFilters] = useUrlFilters(FILTER_KEYS);
  const status = oneOf(TELEPHONE_STATUSES, values.status);
  const kind = oneOf(TELEPHONE_KINDS, values.kind);
  const filterSystemId = fleet ? parseId(values.system_id) : null;
  const scope: Scope = systemId === null ? { systemId: null, filterSystemId } : { systemId };
  const list = useTelephones(scope, state, { status, kind });
  const filtered = status !== null || kind !== null || filterSystemId !== null;

  const columns = useMemo<Column<Telephone>[]>(() => {
    const all: Column<Telephone>[] = [
      {
        id: "name",
        header: t("telephones.columns.name"),
        sortable: true,
        cell: (row) => <span className="pbx-strong">{row.name}</span>,
      },
      {
        id: "extension",
        header: t("telephones.columns.extension"),
        sortable: true,
        cell: (row) => <OrNone value={row.extension} none={texts.notGiven} />,
      },
      {
        id: "kind",
        header: t("telephones.columns.kind"),
        sortable: true,
        hideBelow: 640,
        cell: (row) => (
          <span className="pbx-two-lines">
            <IconText icon={telephoneKindIcon(row.kind)} text={telephoneKindText(texts, row.kind)} />
            {row.kind === "dect" && row.dect_base_id && (
              <span className="pbx-muted">{t("telephones.dectBase", { id: row.dect_base_id })}</span>
            )}
          </span>
        ),
      },
      {
        id: "mac",
        header: t("telephones.columns.mac"),
        hideBelow: 900,
        cell: (row) => <OrNone value={row.mac} none={texts.notGiven} className="mono" />,
      },
      {
        id: "model",
        header: t("telephones.columns.model"),
        hideBelow: 1200,
        cell: (row) => <OrNone value={row.model} none={texts.notGiven} />,
      },
      {
        id: "status",
        header: t("telephones.columns.status"),
        sortable: true,
        cell: (row) => (
          <Badge
            look={telephoneStatusLook(row.status)}
            text={telephoneStatusText(texts, row.status)}
            testId={row.system ? `telephone-status-${row.system.id}-${row.id}` : `telephone-status-${row.id}`}
          />
        ),
      },
      {
        id: "since",
        header: t("telephones.columns.since"),
        sortable: true,
        hideBelow: 900,
        cell: (row) => <RelativeTime iso={row.since} />,
      },
    ];
    if (fleet) {
      all.unshift({
        id: "system",
        header: t("telephones.columns.system"),
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
  if (filtered) emptyText = t("telephones.noMatch");
  else if (fleet) emptyText = t("telephones.fleetNone");
  else emptyText = updatedAt ? t("telephones.noneReported") : t("telephones.neverReported");

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
          label={t("telephones.statusFilter")}
          value={status}
          allLabel={t("page.all")}
          options={TELEPHONE_STATUSES.map((value) => ({ value, label: texts.telephoneStatus[value] }))}
          onChange={(value) => setFilters({ status: value })}
          testId="status-filter"
        />
        <FilterSelect
          label={t("telephones.kindFilter")}
          value={kind}
          allLabel={t("page.all")}
          options={TELEPHONE_KINDS.map((value) => ({ value, label: texts.telephoneKind[value] }))}
          onChange={(value) => setFilters({ kind: value })}
          testId="kind-filter"
        />
        {filtered && (
          <button type="button" className="button" onClick={() => setFilters({ status: null, kind: null, system_id: null })}>
            <RotateCcw aria-hidden size={16} />
            {t("page.resetFilters")}
          </button>
        )}
      </div>
      <StatusLegend of="telephones" />
      <DataList
        caption={t("telephones.caption")}
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
        noMatchText={t("telephones.noMatch")}
        filterLabel={t("telephones.filter")}
        rowLabel={(row) => row.name}
        testId="telephones-table"
      />
    </>
  );
}
