// Wire types of the relay API (relay/api/openapi.json is the contract; names stay snake_case).

export type Role = "owner" | "administrator" | "monitoring" | "backup" | "call_data";
export const GRANTABLE_ROLES: readonly Role[] = ["administrator", "monitoring", "backup", "call_data"];

// Policy action names (relay/policy/access_policy.cc) as listed in System.allowed_actions.
export type SystemAction =
  | "view_system"
  | "read_system_information"
  | "read_licences"
  | "read_registration_status"
  | "edit_system_name"
  | "delete_system"
  | "manage_authorisations"
  | "add_system_to_group"
  | "monitoring"
  | "alerts"
  | "backup"
  | "firmware_update"
  | "call_data"
  | "smtp_setting"
  | "remote_configuration";

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Company {
  id: number;
  name: string;
}

export interface UserMe {
  id: number;
  email: string;
  name: string;
  language: string;
  company: Company;
  company_admin: boolean;
}

export interface Session {
  user: UserMe;
  csrf_token: string;
}

export interface UserRef {
  id: number;
  email: string;
}

export interface UserListItem {
  id: number;
  email: string;
  name: string;
}

export interface ServerStatus {
  version: string;
  server_time: string;
}

export interface ConfirmationCode {
  code: string;
  expires_at: string;
  expired: boolean;
}

// A7: the state of a device.
export type DeviceState = "waiting_for_pairing" | "paired" | "restricted" | "error" | "unknown";

export interface System {
  id: number;
  name: string;
  serial: string;
  owner: UserRef;
  created_at: string;
  first_registration_at: string | null;
  paired: boolean;
  online: boolean;
  last_seen_at: string | null;
  model: string;
  firmware: string;
  opt_in: { monitoring: boolean; remote_configuration: boolean };
  maintenance: { active: boolean; until: string | null };
  state: DeviceState;
  state_reasons: string[];
  confirmation_code: ConfirmationCode | null;
  roles: Role[];
  allowed_actions: SystemAction[];
}

export interface SystemInformation {
  serial: string;
  model: string;
  firmware: string;
  agent_version: string;
  hostname: string;
  online: boolean;
  last_seen_at: string | null;
  first_registration_at: string | null;
  // Reported by the PBX (sysinfo "information"); absent until it has reported them.
  hardware_revision?: string;
  booted_at?: string | null;
  uptime_s?: number | null;
  // The firmware version the operator requires (null: none set).
  minimum_firmware?: string | null;
}

export interface Authorisation {
  id: number;
  user: UserRef;
  system: { id: number; name: string; serial: string };
  roles: Role[];
  created_at: string;
  updated_at: string;
}

export interface Group {
  id: number;
  name: string;
  description: string;
  default_role: Role | null;
  owner: UserRef;
  members: number;
  systems: number;
  public: boolean;
  created_at: string;
  member: boolean;
}

export interface GroupMember {
  user_id: number;
  email: string;
  name: string;
  role: Role | null;
  joined_at: string;
}

export interface GroupSystem {
  system_id: number;
  serial: string;
  name: string;
  added_at: string;
}

export interface ApiToken {
  id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export interface ApiTokenCreated extends ApiToken {
  token: string;
}

export interface NewsItem {
  id: number;
  title: string;
  body: string;
  published_at: string;
}

export interface OidcInfo {
  enabled: boolean;
  name: string;
}
