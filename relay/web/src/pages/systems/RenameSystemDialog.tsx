import { useTranslation } from "react-i18next";
import { useRenameSystem } from "../../api/systems";
import type { System } from "../../api/types";
import FormDialog from "../../components/FormDialog";
import { useNotify } from "../../components/Notifications";
import TextField from "../../components/TextField";
import { renameSystemSchema } from "./systemForms";
import "./systems.css";

interface RenameSystemDialogProps {
  system: System | null; // open while set
  onClose: () => void;
}

// Rename a system (D2, edit_system_name).
export default function RenameSystemDialog({ system, onClose }: RenameSystemDialogProps) {
  const { t } = useTranslation("systems");
  const notify = useNotify();
  const rename = useRenameSystem();
  return (
    <FormDialog
      open={system !== null}
      title={t("rename.title")}
      onClose={onClose}
      size="small"
      pending={rename.isPending}
      schema={renameSystemSchema}
      defaultValues={{ name: system?.name ?? "" }}
      submitLabel={t("rename.submit")}
      className="systems-form"
      onSubmit={async (values) => {
        if (!system || values.name === system.name) {
          onClose();
          return;
        }
        const renamed = await rename.mutateAsync({ id: system.id, name: values.name });
        notify.success(t("rename.done", { name: renamed.name }));
        onClose();
      }}
    >
      {(form) => {
        const { errors } = form.formState;
        return (
          <TextField
            label={t("rename.name")}
            error={errors.name?.message && t(errors.name.message)}
            initialFocus
            {...form.register("name")}
          />
        );
      }}
    </FormDialog>
  );
}
