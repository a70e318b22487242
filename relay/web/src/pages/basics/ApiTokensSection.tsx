import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { ClipboardCopy, Plus, Trash2, TriangleAlert } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { errorText } from "../../api/errors";
import { useListQuery } from "../../api/list";
import {
  deleteApiToken,
  TOKEN_SORT_KEYS,
  TOKENS_PATH,
  TOKENS_RESOURCE,
  useCreateApiToken,
  useDeleteApiToken,
} from "../../api/tokens";
import type { ApiToken, ApiTokenCreated } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import Dialog from "../../components/Dialog";
import { DataList, defaultListState, useListState, type Column, type ListSelection } from "../../components/list";
import { useNotify } from "../../components/Notifications";
import { copyText } from "../../components/clipboard";
import { formatDateTime } from "../../components/format";
import { MAX_TOKEN_DAYS, MAX_TOKEN_NAME_CHARS, tokenSchema, toNewApiToken, type TokenFormValues } from "./tokenForm";

const DEFAULTS = defaultListState("created", "desc");

// The user's API tokens: list (filter, sort, paging, edit mode), create (the secret is
// shown once, in the dialog that created it) and delete single or selected tokens.
export default function ApiTokensSection() {
  const { t, i18n } = useTranslation("basics");
  const notify = useNotify();
  const client = useQueryClient();
  // Own URL parameters: the account page may hold other state in its address.
  const [state, setState] = useListState(DEFAULTS, TOKEN_SORT_KEYS, { urlPrefix: "tokens_" });
  const tokens = useListQuery<ApiToken>(TOKENS_RESOURCE, TOKENS_PATH, state);
  const remove = useDeleteApiToken();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ApiToken | null>(null);

  const date = useCallback(
    (value: string | null, missing: string) => formatDateTime(value, i18n.language) || missing,
    [i18n.language],
  );

  const columns = useMemo<Column<ApiToken>[]>(
    () => [
      { id: "name", header: t("account.tokens.columns.name"), cell: (token) => token.name, sortable: true },
      {
        id: "created",
        header: t("account.tokens.columns.created"),
        cell: (token) => date(token.created_at, ""),
        sortable: true,
      },
      {
        id: "lastUsed",
        header: t("account.tokens.columns.lastUsed"),
        cell: (token) => date(token.last_used_at, t("common:dates.never")),
        hideBelow: 640,
      },
      {
        id: "expires",
        header: t("account.tokens.columns.expires"),
        cell: (token) => date(token.expires_at, t("account.tokens.noExpiry")),
      },
    ],
    [t, date],
  );

  const selection = useMemo<ListSelection<ApiToken>>(
    () => ({
      canSelect: () => true,
      deleteRows: async (rows) => {
        const results = await Promise.allSettled(rows.map((row) => deleteApiToken(row.id)));
        await client.invalidateQueries({ queryKey: [TOKENS_RESOURCE] });
        return results;
      },
      confirmText: (count) => t("account.tokens.deleteSelected", { count }),
    }),
    [client, t],
  );

  const rowActions = useCallback(
    (token: ApiToken) => (
      <button
        type="button"
        className="button icon"
        aria-label={t("account.tokens.deleteLabel", { name: token.name })}
        title={t("account.tokens.deleteLabel", { name: token.name })}
        data-testid={`token-delete-${token.id}`}
        onClick={() => setDeleting(token)}
      >
        <Trash2 aria-hidden size={16} />
      </button>
    ),
    [t],
  );

  const confirmDelete = () => {
    if (!deleting) return;
    remove.mutate(deleting.id, {
      onSuccess: () => notify.success(t("account.tokens.deleted")),
      onError: (error) => notify.error(errorText(t, error)),
      onSettled: () => setDeleting(null),
    });
  };

  return (
    <>
      <DataList<ApiToken>
        caption={t("account.tokens.caption")}
        columns={columns}
        rowKey={(token) => token.id}
        state={state}
        onStateChange={setState}
        data={tokens.data}
        isLoading={tokens.isPending}
        isFetching={tokens.isFetching}
        error={tokens.error}
        onRetry={() => void tokens.refetch()}
        emptyText={t("account.tokens.empty")}
        noMatchText={t("account.tokens.noMatch")}
        filterLabel={t("account.tokens.filter")}
        toolbar={
          <button type="button" className="button primary" onClick={() => setCreating(true)}>
            <Plus aria-hidden size={16} />
            {t("account.tokens.create")}
          </button>
        }
        selection={selection}
        rowActions={rowActions}
        rowLabel={(token) => token.name}
        testId="tokens-table"
      />
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={deleting !== null}
        title={t("account.tokens.deleteTitle")}
        text={t("account.tokens.deleteText", { name: deleting?.name ?? "" })}
        confirmLabel={t("account.tokens.delete")}
        danger
        busy={remove.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      />
    </>
  );
}

// The dialog's content lives only while it is open, so the secret is gone from memory as
// soon as the dialog closes, and the next opening starts with an empty form.
export function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation("basics");
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setCreated(null);
    onClose();
  };
  return (
    <Dialog
      open={open}
      title={created ? t("account.tokens.createdTitle") : t("account.tokens.createTitle")}
      onClose={close}
      dismissible={!busy}
    >
      {created ? (
        <CreatedToken token={created} onDone={close} />
      ) : (
        <CreateTokenForm onCreated={setCreated} onCancel={close} onBusy={setBusy} />
      )}
    </Dialog>
  );
}

function CreateTokenForm({
  onCreated,
  onCancel,
  onBusy,
}: {
  onCreated: (token: ApiTokenCreated) => void;
  onCancel: () => void;
  onBusy: (busy: boolean) => void;
}) {
  const { t } = useTranslation("basics");
  const create = useCreateApiToken();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<TokenFormValues>({ resolver: zodResolver(tokenSchema), defaultValues: { name: "", days: "" } });

  const submit = handleSubmit((values) => {
    onBusy(true);
    create.mutate(toNewApiToken(values), {
      onSuccess: onCreated,
      onSettled: () => onBusy(false),
    });
  });

  const limits = { max: MAX_TOKEN_NAME_CHARS };
  return (
    <form className="basics-form" noValidate onSubmit={(event) => void submit(event)} data-testid="token-create-form">
      <div className="field">
        <label htmlFor="token-name">{t("account.tokens.name")}</label>
        <input
          id="token-name"
          type="text"
          autoComplete="off"
          maxLength={MAX_TOKEN_NAME_CHARS}
          data-autofocus=""
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? "token-name-hint token-name-error" : "token-name-hint"}
          {...register("name")}
        />
        <p id="token-name-hint" className="field-hint">
          {t("account.tokens.nameHint")}
        </p>
        {errors.name?.message && (
          <p id="token-name-error" className="field-error">
            {t(errors.name.message, limits)}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="token-days">{t("account.tokens.days")}</label>
        <input
          id="token-days"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          aria-invalid={errors.days ? true : undefined}
          aria-describedby={errors.days ? "token-days-hint token-days-error" : "token-days-hint"}
          {...register("days")}
        />
        <p id="token-days-hint" className="field-hint">
          {t("account.tokens.daysHint", { max: MAX_TOKEN_DAYS })}
        </p>
        {errors.days?.message && (
          <p id="token-days-error" className="field-error">
            {t(errors.days.message, { max: MAX_TOKEN_DAYS })}
          </p>
        )}
      </div>
      {create.error && (
        <p className="notice danger basics-form-error" role="alert">
          {errorText(t, create.error)}
        </p>
      )}
      <div className="basics-form-buttons">
        <button type="button" className="button" onClick={onCancel} disabled={create.isPending}>
          {t("common:actions.cancel")}
        </button>
        <button type="submit" className="button primary" disabled={create.isPending}>
          {create.isPending ? t("account.tokens.creating") : t("account.tokens.submit")}
        </button>
      </div>
    </form>
  );
}

function CreatedToken({ token, onDone }: { token: ApiTokenCreated; onDone: () => void }) {
  const { t } = useTranslation("basics");
  const notify = useNotify();
  const [copyFailed, setCopyFailed] = useState(false);
  // The form's buttons are gone: put focus where the next step is.
  const copyButton = useRef<HTMLButtonElement>(null);
  useEffect(() => copyButton.current?.focus(), []);
  const copy = async () => {
    const copied = await copyText(token.token);
    setCopyFailed(!copied);
    if (copied) notify.success(t("account.tokens.copied"));
  };
  return (
    <div className="token-created" data-testid="token-created">
      <p className="notice warning token-warning" role="alert">
        <TriangleAlert aria-hidden size={18} />
        <span>{t("account.tokens.createdWarning")}</span>
      </p>
      <div className="field">
        <label htmlFor="token-secret">{t("account.tokens.token")}</label>
        <div className="token-secret-row">
          <input
            id="token-secret"
            className="mono token-secret"
            type="text"
            readOnly
            value={token.token}
            onFocus={(event) => event.currentTarget.select()}
            data-testid="token-secret"
          />
          <button ref={copyButton} type="button" className="button" onClick={() => void copy()}>
            <ClipboardCopy aria-hidden size={16} />
            {t("account.tokens.copy")}
          </button>
        </div>
      </div>
      {copyFailed && (
        <p className="notice danger basics-form-error" role="alert">
          {t("account.tokens.copyFailed")}
        </p>
      )}
      <div className="basics-form-buttons">
        <button type="button" className="button primary" onClick={onDone}>
          {t("account.tokens.done")}
        </button>
      </div>
    </div>
  );
}
