import { readFileSync } from "node:fs";

// What tests/e2e/run_portal_e2e.py started and prepared (its write_fixture()).
export interface User {
  email: string;
  name: string;
  password: string;
}

export interface SystemRef {
  id: number;
  name: string;
  serial: string;
}

export interface AgentFolder {
  serial: string;
  config: string; // agent.toml without credentials; `ccc-agent pair` brings them
  dir: string;
  log: string;
}

export interface Fixture {
  portal_url: string;
  company: string;
  other_company: string;
  // calls and watcher hold no role until e2e/calls.spec.ts grants them one on calls_system.
  users: { admin: User; monitor: User; member: User; other: User; calls: User; watcher: User };
  seeded_systems: (SystemRef & { created_by: "admin" | "monitor" })[];
  other_company_systems: SystemRef[];
  agents: AgentFolder[];
  // Paired by the launcher with maintenance running; its agent delivers three days of call
  // history and keeps making calls.
  calls_system: SystemRef;
  agent_binary: string;
  relay_binary: string;
  relay_config: string;
  maintenance_until: string; // YYYY-MM-DD
  pid_file: string;
  screenshot_dir: string;
  output_dir: string;
}

function load(): Fixture {
  const file = process.env.E2E_FIXTURE;
  if (!file) throw new Error("E2E_FIXTURE is not set: start the tests with tests/e2e/run_portal_e2e.py");
  return JSON.parse(readFileSync(file, "utf8")) as Fixture;
}

export const fixture: Fixture = load();

export function seeded(name: string): SystemRef {
  const system = fixture.seeded_systems.find((s) => s.name === name);
  if (!system) throw new Error(`no seeded system named ${name}`);
  return system;
}

export function agentFolder(index: number): AgentFolder {
  const agent = fixture.agents[index];
  if (!agent) throw new Error(`the launcher prepared no agent #${index}`);
  return agent;
}
