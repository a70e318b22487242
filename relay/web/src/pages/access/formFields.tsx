import type { ComponentType } from "react";
import { Controller, type Control, type FieldError, type FieldPath, type FieldValues } from "react-hook-form";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import type { PickerProps } from "../../components/pickers/SearchPicker";
import { SystemPicker, type PickedSystem } from "../../components/pickers/SystemPicker";
import { UserPicker } from "./Pickers";
import { RoleCheckboxes, RoleSelect, type RoleCheckboxesProps, type RoleSelectProps } from "./Roles";
import type { GrantableRole, PickedUser } from "./schemas";

// The pickers and role controls of the access forms bound to a react-hook-form field by
// name: value, change, blur, the ref that validation focuses, and the field's validation
// message (a key under access:validation) in words. The form's schema decides the field's
// type; `name` must be a field of that type.

interface Bound<T extends FieldValues, O> {
  control: Control<T, unknown, O>;
  name: FieldPath<T>;
}

function validationText(t: TFunction<"access">, error: FieldError | undefined): string | undefined {
  return error?.message ? t(`validation.${error.message}`) : undefined;
}

type Unbound = "value" | "onChange" | "onBlur" | "inputRef" | "error";

// A picker (UserPicker, SystemPicker) as a form field.
function pickerField<V, P extends PickerProps<V>>(Picker: ComponentType<P>) {
  return function PickerField<T extends FieldValues, O>({ control, name, ...picker }: Bound<T, O> & Omit<P, Unbound>) {
    const { t } = useTranslation("access");
    return (
      <Controller
        control={control}
        name={name}
        render={({ field, fieldState }) => {
          const bound = {
            ...picker,
            value: field.value as V | null,
            onChange: field.onChange,
            onBlur: field.onBlur,
            inputRef: field.ref,
            error: validationText(t, fieldState.error),
          } as unknown as P; // `picker` is P without the bound props, which are added here
          return <Picker {...bound} />;
        }}
      />
    );
  };
}

export const UserField = pickerField<PickedUser, PickerProps<PickedUser>>(UserPicker);
export const SystemField = pickerField<PickedSystem, Parameters<typeof SystemPicker>[0]>(SystemPicker);

export function RolesField<T extends FieldValues, O>({
  control,
  name,
  legend,
}: Bound<T, O> & Pick<RoleCheckboxesProps, "legend">) {
  const { t } = useTranslation("access");
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <RoleCheckboxes
          legend={legend}
          value={field.value as GrantableRole[]}
          onChange={field.onChange}
          onBlur={field.onBlur}
          firstRef={field.ref}
          error={validationText(t, fieldState.error)}
        />
      )}
    />
  );
}

export function RoleField<T extends FieldValues, O>({
  control,
  name,
  ...select
}: Bound<T, O> & Pick<RoleSelectProps, "label" | "emptyLabel" | "hint">) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <RoleSelect
          {...select}
          value={field.value as "" | GrantableRole}
          onChange={field.onChange}
          selectRef={field.ref}
        />
      )}
    />
  );
}
