import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import type { UserListItem } from "../../api/types";
import { useUserSearch } from "../../api/users";
import { SearchPicker, type PickerProps } from "../../components/pickers/SearchPicker";
import { useCurrentUser } from "../../layout/SessionContext";
import type { PickedUser } from "./schemas";

function pickedUser(user: UserListItem): PickedUser {
  return { id: user.id, email: user.email, name: user.name };
}

function userText(user: PickedUser): string {
  return user.email;
}

// Choose a colleague (a user of the own company, never oneself) by e-mail or name.
export function UserPicker({ exclude, ...picker }: PickerProps<PickedUser>) {
  const { t } = useTranslation("access");
  const me = useCurrentUser();
  const offer = useCallback(
    (users: UserListItem[]) => users.filter((user) => user.id !== me.id && !exclude?.has(user.id)),
    [me.id, exclude],
  );
  return (
    <SearchPicker<UserListItem, PickedUser>
      {...picker}
      useSearch={useUserSearch}
      offer={offer}
      toValue={pickedUser}
      toText={userText}
      optionKey={(user) => user.id}
      renderOption={(user) => (
        <span className="picker-option">
          <span className="picker-option-main">{user.email}</span>
          {user.name && <span className="picker-option-sub">{user.name}</span>}
        </span>
      )}
      placeholder={t("picker.user.placeholder")}
      noneText={() => t("picker.user.none")}
    />
  );
}
