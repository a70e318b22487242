import { ShieldCheck } from "lucide-react";
import { useId, type Ref } from "react";
import { useTranslation } from "react-i18next";
import type { Role } from "../../api/types";
import { ROLE_VALUES, sortRoles, type GrantableRole } from "./schemas";
import "./access.css";

// Roles as small labelled chips (text, not colour, carries the meaning).
export function RoleChips({ roles }: { roles: readonly Role[] }) {
  const { t } = useTranslation("common");
  if (roles.length === 0) return <span className="access-muted">{t("roles.none")}</span>;
  return (
    <ul className="access-chips">
      {sortRoles(roles).map((role) => (
        <li key={role} className="access-chip">
          <ShieldCheck aria-hidden size={14} />
          {t(`roles.${role}`)}
        </li>
      ))}
    </ul>
  );
}

export interface RoleCheckboxesProps {
  legend: string;
  value: readonly GrantableRole[];
  onChange: (roles: GrantableRole[]) => void;
  onBlur?: () => void;
  error?: string;
  firstRef?: Ref<HTMLInputElement>; // focused when validation fails
  disabled?: boolean;
}

// One checkbox per grantable role; at least one must be ticked (checked by the form schema).
export function RoleCheckboxes({ legend, value, onChange, onBlur, error, firstRef, disabled }: RoleCheckboxesProps) {
  const { t } = useTranslation(["access", "common"]);
  const id = useId();
  const errorId = `${id}-error`;
  const toggle = (role: GrantableRole, checked: boolean) => {
    const next = checked ? [...value.filter((r) => r !== role), role] : value.filter((r) => r !== role);
    onChange(sortRoles(next));
  };
  return (
    <fieldset
      className={error ? "access-fieldset invalid" : "access-fieldset"}
      aria-describedby={error ? errorId : undefined}
    >
      <legend>{legend}</legend>
      {ROLE_VALUES.map((role, index) => (
        <div key={role} className="access-check">
          <input
            ref={index === 0 ? firstRef : undefined}
            id={`${id}-${role}`}
            type="checkbox"
            checked={value.includes(role)}
            disabled={disabled}
            onChange={(event) => toggle(role, event.target.checked)}
            onBlur={onBlur}
            aria-describedby={`${id}-${role}-hint`}
          />
          <div className="access-check-text">
            <label htmlFor={`${id}-${role}`}>{t(`common:roles.${role}`)}</label>
            <span id={`${id}-${role}-hint`} className="field-hint">
              {t(`access:roleHints.${role}`)}
            </span>
          </div>
        </div>
      ))}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export interface RoleSelectProps {
  label: string;
  value: "" | GrantableRole;
  onChange: (role: "" | GrantableRole) => void;
  // Text of the "" choice: "No default role" on a group, "Group default (Monitoring)" on a member.
  emptyLabel: string;
  hint?: string;
  selectRef?: Ref<HTMLSelectElement>;
  disabled?: boolean;
}

export function RoleSelect({ label, value, onChange, emptyLabel, hint, selectRef, disabled }: RoleSelectProps) {
  const { t } = useTranslation("common");
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        ref={selectRef}
        id={id}
        value={value}
        disabled={disabled}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => {
          const next = event.target.value;
          onChange(next === "" ? "" : (ROLE_VALUES.find((role) => role === next) ?? ""));
        }}
      >
        <option value="">{emptyLabel}</option>
        {ROLE_VALUES.map((role) => (
          <option key={role} value={role}>
            {t(`roles.${role}`)}
          </option>
        ))}
      </select>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
