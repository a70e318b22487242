import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import {
  ACCOUNT_SORT_KEYS,
  ACCOUNT_STATUSES,
  FLEET_ACCOUNT_SORT_KEYS,
  useAccounts,
  type ProviderAccount,
} from "../../api/pbxdata";
import type { Column } from "../../components/list";
import { OrNone } from "./frame";
import { RegistrationView, useRegistrationFrame, type RegistrationKind } from "./RegistrationView";
import { accountStatusLook, accountStatusText, usePbxTexts } from "./statuses";

const ACCOUNTS: RegistrationKind<(typeof ACCOUNT_STATUSES)[number]> = {
  area: "accounts",
  statusTestId: "account-status",
  statuses: ACCOUNT_STATUSES,
  statusLook: accountStatusLook,
  statusText: accountStatusText,
  sortKeys: ACCOUNT_SORT_KEYS,
  fleetSortKeys: FLEET_ACCOUNT_SORT_KEYS,
};

// Providers and accounts (FEATURES E2) of one system, or of every system the user may see
// (E3, systemId null): filter by text and status; sort; every status in words.
export function AccountsView({ systemId }: { systemId: number | null }) {
  const { t } = useTranslation("pbxdata");
  const texts = usePbxTexts();
  const frame = useRegistrationFrame(systemId, ACCOUNTS);
  const list = useAccounts(frame.scope, frame.state, { status: frame.status });

  const columns = useMemo<Column<ProviderAccount>[]>(
    () => [
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
    ],
    [t, texts],
  );

  return <RegistrationView kind={ACCOUNTS} frame={frame} list={list} columns={columns} />;
}
