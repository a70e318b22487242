import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import type { System, SystemAction } from "../../api/types";
import { SearchPicker, type PickerProps } from "./SearchPicker";
import { systemsAllowing, useSystemSearch } from "./systemSearch";

export interface PickedSystem {
  id: number;
  name: string;
  serial: string;
}

export function systemText(system: { name: string; serial: string }): string {
  return `${system.name} (${system.serial})`;
}

function pickedSystem(system: System): PickedSystem {
  return { id: system.id, name: system.name, serial: system.serial };
}

// Choose one system, among those on which the user may do `action`.
export function SystemPicker({ action, exclude, ...picker }: PickerProps<PickedSystem> & { action: SystemAction }) {
  const { t } = useTranslation("common");
  const offer = useCallback((systems: System[]) => systemsAllowing(systems, action, exclude), [action, exclude]);
  return (
    <SearchPicker<System, PickedSystem>
      {...picker}
      useSearch={useSystemSearch}
      offer={offer}
      toValue={pickedSystem}
      toText={systemText}
      optionKey={(system) => system.id}
      renderOption={(system) => (
        <span className="picker-option">
          <span className="picker-option-main">{system.name}</span>
          <span className="picker-option-sub mono">{system.serial}</span>
        </span>
      )}
      placeholder={t("picker.system.placeholder")}
      noneText={(matches) => (matches.length > 0 ? t("picker.system.noneAllowed") : t("picker.system.none"))}
    />
  );
}
