import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import {
  FLEET_TELEPHONE_SORT_KEYS,
  TELEPHONE_KINDS,
  TELEPHONE_SORT_KEYS,
  TELEPHONE_STATUSES,
  useTelephones,
  type Telephone,
} from "../../api/pbxdata";
import type { Column } from "../../components/list";
import { oneOf } from "./filters";
import { FilterSelect, OrNone } from "./frame";
import { RegistrationView, useRegistrationFrame, type RegistrationKind } from "./RegistrationView";
import {
  IconText,
  telephoneKindIcon,
  telephoneKindText,
  telephoneStatusLook,
  telephoneStatusText,
  usePbxTexts,
} from "./statuses";

const TELEPHONES: RegistrationKind<(typeof TELEPHONE_STATUSES)[number]> = {
  area: "telephones",
  statusTestId: "telephone-status",
  statuses: TELEPHONE_STATUSES,
  statusLook: telephoneStatusLook,
  statusText: telephoneStatusText,
  sortKeys: TELEPHONE_SORT_KEYS,
  fleetSortKeys: FLEET_TELEPHONE_SORT_KEYS,
};
const EXTRA_FILTER_KEYS = ["kind"] as const;

// Telephone status (FEATURES E1) of one system, or of every system the user may see (E3,
// systemId null): filter by text, status and device type; sort; every status in words.
export function TelephonesView({ systemId }: { systemId: number | null }) {
  const { t } = useTranslation("pbxdata");
  const texts = usePbxTexts();
  const frame = useRegistrationFrame(systemId, TELEPHONES, EXTRA_FILTER_KEYS);
  const kind = oneOf(TELEPHONE_KINDS, frame.values.kind);
  const list = useTelephones(frame.scope, frame.state, { status: frame.status, kind });

  const columns = useMemo<Column<Telephone>[]>(
    () => [
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
    ],
    [t, texts],
  );

  return (
    <RegistrationView
      kind={TELEPHONES}
      frame={frame}
      list={list}
      columns={columns}
      extraFiltered={kind !== null}
      extraFilters={
        <FilterSelect
          label={t("telephones.kindFilter")}
          value={kind}
          allLabel={t("page.all")}
          options={TELEPHONE_KINDS.map((value) => ({ value, label: texts.telephoneKind[value] }))}
          onChange={(value) => frame.setFilters({ kind: value })}
          testId="kind-filter"
        />
      }
    />
  );
}
