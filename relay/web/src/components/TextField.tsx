import { useId, type InputHTMLAttributes, type Ref } from "react";

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  label: string;
  hint?: string;
  error?: string; // translated; marks the field invalid
  initialFocus?: boolean; // focused first when its dialog opens (Dialog looks for data-autofocus)
  ref?: Ref<HTMLInputElement>; // e.g. from react-hook-form's register()
}

// A labelled one-line text field with its hint and error, both tied to the input for screen
// readers. Spread register("name") into it.
export function TextField({ label, hint, error, initialFocus = false, ref, ...input }: TextFieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        ref={ref}
        id={id}
        type="text"
        autoComplete="off"
        data-autofocus={initialFocus ? "" : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export default TextField;
