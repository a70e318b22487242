import { Search } from "lucide-react";
import { forwardRef, useId } from "react";

export interface FilterBoxProps {
  label: string; // visible label
  placeholder?: string;
  value: string;
  onChange: (text: string) => void; // every keystroke; the list state debounces
}

// The text filter of a list: a search field with a visible label.
export const FilterBox = forwardRef<HTMLInputElement, FilterBoxProps>(function FilterBox(
  { label, placeholder, value, onChange },
  ref,
) {
  const id = useId();
  return (
    <div className="dl-filter">
      <label htmlFor={id} className="dl-filter-label">
        {label}
      </label>
      <span className="dl-filter-field">
        <Search aria-hidden size={16} className="dl-filter-icon" />
        <input
          ref={ref}
          id={id}
          type="search"
          className="input dl-filter-input"
          value={value}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onChange(event.target.value)}
        />
      </span>
    </div>
  );
});

export default FilterBox;
