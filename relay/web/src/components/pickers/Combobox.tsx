import { useEffect, useId, useState, type KeyboardEvent, type ReactNode, type Ref } from "react";
import "./pickers.css";

export interface ComboboxProps<T> {
  label: string;
  hint?: string;
  error?: string; // translated validation message
  placeholder?: string;
  inputText: string;
  onInputText: (text: string) => void; // every keystroke (the caller debounces searches)
  options: readonly T[];
  optionKey: (option: T) => string | number;
  renderOption: (option: T) => ReactNode;
  onSelect: (option: T) => void;
  // Announced politely and shown under the field while the list is open, e.g.
  // "4 suggestions" or "Nobody matches".
  statusText: string;
  inputRef?: Ref<HTMLInputElement>;
  onBlur?: () => void;
  disabled?: boolean;
  // Focus this field first when its dialog opens (Dialog looks for data-autofocus).
  initialFocus?: boolean;
  testId?: string;
}

// An editable combobox with a list of suggestions (WAI-ARIA APG "combobox with listbox
// popup", list autocomplete). Focus stays in the text field; the highlighted suggestion is
// exposed through aria-activedescendant:
//   ArrowDown / ArrowUp  open the list, move the highlight (wrapping around)
//   Alt+ArrowDown        open the list without highlighting
//   Enter                choose the highlighted suggestion (the form is not submitted)
//   Escape               close the list; with the list closed, clear the text
//   Tab                  close the list and move on
// Clicking a suggestion chooses it too.
export function Combobox<T>({
  label,
  hint,
  error,
  placeholder,
  inputText,
  onInputText,
  options,
  optionKey,
  renderOption,
  onSelect,
  statusText,
  inputRef,
  onBlur,
  disabled = false,
  initialFocus = false,
  testId,
}: ComboboxProps<T>) {
  const baseId = useId();
  const inputId = `${baseId}-input`;
  const listId = `${baseId}-list`;
  const hintId = `${baseId}-hint`;
  const errorId = `${baseId}-error`;
  const statusId = `${baseId}-status`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  // New suggestions: a highlight beyond the end would point at nothing.
  const count = options.length;
  useEffect(() => {
    setActive((index) => (index >= count ? -1 : index));
  }, [count]);

  const optionId = (index: number) => `${baseId}-option-${index}`;
  const expanded = open && count > 0;

  useEffect(() => {
    if (!expanded || active < 0) return;
    // jsdom has no scrollIntoView.
    document.getElementById(`${baseId}-option-${active}`)?.scrollIntoView?.({ block: "nearest" });
  }, [expanded, active, baseId]);

  const choose = (index: number) => {
    const option = options[index];
    if (option === undefined) return;
    onSelect(option);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown": {
        event.preventDefault();
        if (event.altKey) {
          setOpen(true);
          return;
        }
        if (!open) {
          setOpen(true);
          setActive(count > 0 ? 0 : -1);
          return;
        }
        if (count > 0) setActive((index) => (index + 1) % count);
        return;
      }
      case "ArrowUp": {
        event.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(count - 1);
          return;
        }
        if (count > 0) setActive((index) => (index <= 0 ? count - 1 : index - 1));
        return;
      }
      case "Enter": {
        if (!open) return; // a closed list lets Enter submit the form
        event.preventDefault();
        if (active >= 0) choose(active);
        else setOpen(false);
        return;
      }
      case "Escape": {
        // Inside a dialog, Escape would close the whole dialog: only the list closes.
        if (open) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          setActive(-1);
        } else if (inputText !== "") {
          event.preventDefault();
          event.stopPropagation();
          onInputText("");
        }
        return;
      }
      case "Tab": {
        setOpen(false);
        setActive(-1);
        return;
      }
      default:
        return;
    }
  };

  const describedBy = [hint ? hintId : undefined, error ? errorId : undefined, open ? statusId : undefined]
    .filter(Boolean)
    .join(" ");

  return (
    <div className="field combobox" data-testid={testId}>
      <label htmlFor={inputId}>{label}</label>
      <div className="combobox-anchor">
        <input
          ref={inputRef}
          id={inputId}
          type="text"
          role="combobox"
          className="input"
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          disabled={disabled}
          data-autofocus={initialFocus ? "" : undefined}
          value={inputText}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(event) => {
            onInputText(event.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onClick={() => setOpen(true)}
          onKeyDown={onKeyDown}
          onBlur={() => {
            setOpen(false);
            setActive(-1);
            onBlur?.();
          }}
        />
        <ul
          id={listId}
          role="listbox"
          aria-label={label}
          className="combobox-list popup-list"
          hidden={!expanded}
        >
          {options.map((option, index) => (
            <li
              key={optionKey(option)}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              className={index === active ? "combobox-option active" : "combobox-option"}
              // Keep focus in the field: choosing must not blur it first.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(index)}
            >
              {renderOption(option)}
            </li>
          ))}
        </ul>
      </div>
      <p id={statusId} className="field-hint combobox-status" role="status" aria-live="polite">
        {open ? statusText : ""}
      </p>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export default Combobox;
