import { zodResolver } from "@hookform/resolvers/zod";
import type { ReactNode } from "react";
import { useForm, type DefaultValues, type FieldValues, type UseFormReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { errorText } from "../api/errors";
import Dialog, { type DialogProps } from "./Dialog";
import { FormButtons } from "./FormButtons";

export type DialogFormApi<Input extends FieldValues, Output> = UseFormReturn<Input, unknown, Output>;

export interface DialogFormProps<Input extends FieldValues, Output> {
  schema: z.ZodType<Output, z.ZodTypeDef, Input>; // checks the fields; messages are the caller's keys
  defaultValues: DefaultValues<NoInfer<Input>>; // read once, when the dialog opens
  submitLabel: string;
  pending: boolean; // the request runs: buttons disabled, the submit button says so
  // Sends the checked values. A rejection is shown above the buttons in words (errorText,
  // or `errorMessage` where it has a better sentence); a field's own error can be set on
  // `form` instead. Closing afterwards is the caller's choice.
  onSubmit: (values: Output, form: DialogFormApi<Input, Output>) => Promise<unknown> | void;
  onCancel: () => void;
  errorMessage?: (error: unknown) => string | null;
  children: (form: DialogFormApi<Input, Output>) => ReactNode; // the fields
  className?: string; // of the <form>, for the area's spacing
}

// The form of a dialog: fields, the server's refusal and Cancel / submit. It holds the
// react-hook-form state, so it must be mounted only while its dialog is open (Dialog
// renders its content only then): every opening starts from `defaultValues`.
export function DialogForm<Input extends FieldValues, Output>({
  schema,
  defaultValues,
  submitLabel,
  pending,
  onSubmit,
  onCancel,
  errorMessage,
  children,
  className,
}: DialogFormProps<Input, Output>) {
  const { t } = useTranslation();
  const form = useForm<Input, unknown, Output>({ resolver: zodResolver(schema), defaultValues });
  const rootError = form.formState.errors.root?.message;
  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit(values, form);
    } catch (error) {
      form.setError("root", { message: errorMessage?.(error) ?? errorText(t, error) });
    }
  });
  return (
    <form className={className} noValidate onSubmit={(event) => void submit(event)}>
      {children(form)}
      {rootError && (
        <p className="notice danger" role="alert">
          {rootError}
        </p>
      )}
      <FormButtons pending={pending} submitLabel={submitLabel} onCancel={onCancel} />
    </form>
  );
}

export type FormDialogProps<Input extends FieldValues, Output> = Omit<DialogFormProps<Input, Output>, "onCancel"> &
  Pick<DialogProps, "open" | "title" | "onClose" | "size">;

// A dialog that is one form (create, rename, grant, add …): title, the fields as children,
// submit with its pending state and the server's refusal in words. Escape, the close
// button and Cancel do nothing while the request runs.
export function FormDialog<Input extends FieldValues, Output>({
  open,
  title,
  onClose,
  size,
  ...formProps
}: FormDialogProps<Input, Output>) {
  const close = () => {
    if (!formProps.pending) onClose();
  };
  return (
    <Dialog open={open} title={title} onClose={close} dismissible={!formProps.pending} size={size}>
      <DialogForm {...formProps} onCancel={close} />
    </Dialog>
  );
}

export default FormDialog;
