import { useMemo, useState, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { useUserSearch } from "../../api/users";
import type { SystemAction } from "../../api/types";
import { errorText } from "../../api/errors";
import { useCurrentUser } from "../../layout/SessionContext";
import Combobox from "./Combobox";
import type { PickedSystem, PickedUser } from "./schemas";
import { systemsAllowing, useSystemSearch } from "./systemSearch";
import { useDebouncedValue } from "./useDebouncedValue";

export const SEARCH_DEBOUNCE_MS = 200;

interface PickerProps<T> {
  value: T | null;
  onChange: (value: T | null) => void;
  label: string;
  hint?: string;
  error?: string;
  exclude?: ReadonlySet<number>; // ids not to offer (e.g. members already in the group)
  inputRef?: Ref<HTMLInputElement>;
  onBlur?: () => void;
  debounceMs?: number;
  initialFocus?: boolean;
  testId?: string;
}

// Choose a colleague (a user of the own company, never oneself) by e-mail or name.
export function UserPicker({
  value,
  onChange,
  label,
  hint,
  error,
  exclude,
  inputRef,
  onBlur,
  debounceMs = SEARCH_DEBOUNCE_MS,
  initialFocus,
  testId,
}: PickerProps<PickedUser>) {
  const { t } = useTranslation("access");
  const me = useCurrentUser();
  const [text, setText] = useState(value?.email ?? "");
  const q = useDebouncedValue(text, debounceMs);
  // The chosen user's e-mail in the field is not a search.
  const search = useUserSearch(value && text === value.email ? "" : q);
  const options = useMemo(
    () => (search.data?.items ?? []).filter((user) => user.id !== me.id && !exclude?.has(user.id)),
    [search.data, me.id, exclude],
  );

  let status: string;
  if (search.error) status = errorText(t, search.error);
  else if (!search.data) status = t("picker.searching");
  else if (options.length === 0) status = t("picker.user.none");
  else status = t("picker.suggestions", { count: options.length });

  return (
    <Combobox
      label={label}
      hint={hint}
      error={error}
      placeholder={t("picker.user.placeholder")}
      inputText={text}
      onInputText={(next) => {
        setText(next);
        if (value) onChange(null);
      }}
      options={options}
      optionKey={(user) => user.id}
      renderOption={(user) => (
        <span className="access-option">
          <span className="access-option-main">{user.email}</span>
          {user.name && <span className="access-option-sub">{user.name}</span>}
        </span>
      )}
      onSelect={(user) => {
        setText(user.email);
        onChange({ id: user.id, email: user.email, name: user.name });
      }}
      statusText={status}
      inputRef={inputRef}
      onBlur={onBlur}
      initialFocus={initialFocus}
      testId={testId}
    />
  );
}

export function systemText(system: { name: string; serial: string }): string {
  return `${system.name} (${system.serial})`;
}

// Choose one system, among those on which the user may do `action`.
export function SystemPicker({
  value,
  onChange,
  label,
  hint,
  error,
  exclude,
  inputRef,
  onBlur,
  action,
  debounceMs = SEARCH_DEBOUNCE_MS,
  initialFocus,
  testId,
}: PickerProps<PickedSystem> & { action: SystemAction }) {
  const { t } = useTranslation("access");
  const [text, setText] = useState(value ? systemText(value) : "");
  const q = useDebouncedValue(text, debounceMs);
  const search = useSystemSearch(value && text === systemText(value) ? "" : q);
  const options = useMemo(
    () => systemsAllowing(search.data?.items ?? [], action, exclude),
    [search.data, action, exclude],
  );

  let status: string;
  if (search.error) status = errorText(t, search.error);
  else if (!search.data) status = t("picker.searching");
  else if (options.length > 0) status = t("picker.suggestions", { count: options.length });
  else if (search.data.items.length > 0) status = t("picker.system.noneAllowed");
  else status = t("picker.system.none");

  return (
    <Combobox
      label={label}
      hint={hint}
      error={error}
      placeholder={t("picker.system.placeholder")}
      inputText={text}
      onInputText={(next) => {
        setText(next);
        if (value) onChange(null);
      }}
      options={options}
      optionKey={(system) => system.id}
      renderOption={(system) => (
        <span className="access-option">
          <span className="access-option-main">{system.name}</span>
          <span className="access-option-sub mono">{system.serial}</span>
        </span>
      )}
      onSelect={(system) => {
        setText(systemText(system));
        onChange({ id: system.id, name: system.name, serial: system.serial });
      }}
      statusText={status}
      inputRef={inputRef}
      onBlur={onBlur}
      initialFocus={initialFocus}
      testId={testId}
    />
  );
}
