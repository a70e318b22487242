import { useMemo, useState, type ReactNode, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../../api/errors";
import Combobox from "./Combobox";
import { useDebouncedValue } from "./useDebouncedValue";

export const SEARCH_DEBOUNCE_MS = 200;

// What every picker takes: the chosen entry (null while nothing is chosen) and its field.
export interface PickerProps<T> {
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

export interface SearchPickerProps<Item, Value> extends PickerProps<Value> {
  // The server search (a React Query hook; always the same function).
  useSearch: (q: string) => { data?: { items: Item[] } | undefined; error: unknown };
  offer: (items: Item[]) => Item[]; // the matches that may be chosen
  toValue: (item: Item) => Value;
  toText: (value: Value) => string; // what the field shows once chosen
  optionKey: (item: Item) => string | number;
  renderOption: (item: Item) => ReactNode;
  placeholder: string;
  noneText: (matches: Item[]) => string; // nothing to offer among these matches
}

// Search-as-you-type with suggestions in a combobox: the typed text searches once it
// settles; choosing fills the field; typing again forgets the choice.
export function SearchPicker<Item, Value>({
  value,
  onChange,
  label,
  hint,
  error,
  inputRef,
  onBlur,
  debounceMs = SEARCH_DEBOUNCE_MS,
  initialFocus,
  testId,
  useSearch,
  offer,
  toValue,
  toText,
  optionKey,
  renderOption,
  placeholder,
  noneText,
}: SearchPickerProps<Item, Value>) {
  const { t } = useTranslation("common");
  const [text, setText] = useState(value ? toText(value) : "");
  const q = useDebouncedValue(text, debounceMs);
  // The chosen entry's text in the field is not a search.
  const search = useSearch(value && text === toText(value) ? "" : q);
  const matches = search.data?.items;
  const options = useMemo(() => offer(matches ?? []), [matches, offer]);

  let status: string;
  if (search.error) status = errorText(t, search.error);
  else if (!matches) status = t("picker.searching");
  else if (options.length > 0) status = t("picker.suggestions", { count: options.length });
  else status = noneText(matches);

  return (
    <Combobox
      label={label}
      hint={hint}
      error={error}
      placeholder={placeholder}
      inputText={text}
      onInputText={(next) => {
        setText(next);
        if (value) onChange(null);
      }}
      options={options}
      optionKey={optionKey}
      renderOption={renderOption}
      onSelect={(item) => {
        const chosen = toValue(item);
        setText(toText(chosen));
        onChange(chosen);
      }}
      statusText={status}
      inputRef={inputRef}
      onBlur={onBlur}
      initialFocus={initialFocus}
      testId={testId}
    />
  );
}
