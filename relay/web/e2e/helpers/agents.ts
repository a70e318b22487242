import { execFile, spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, openSync } from "node:fs";
import { promisify } from "node:util";
import { fixture, type AgentFolder } from "./fixture";

const run = promisify(execFile);

// A simulated PBX's agent, driven like an installer would: `ccc-agent pair CODE` with the
// code read on screen, then `ccc-agent run`. Started agents are listed in the fixture's
// pid_file so the launcher stops any a failed spec left behind; setpriv kills them with
// this worker too.
const running = new Map<string, ChildProcess>();

export async function pairAgent(agent: AgentFolder, code: string): Promise<string> {
  try {
    const { stdout } = await run(fixture.agent_binary, ["pair", code, "--config", agent.config], {
      timeout: 30_000,
    });
    return stdout;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`ccc-agent pair ${code} for ${agent.serial} exited with ${e.code}: ${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

export function startAgent(agent: AgentFolder): ChildProcess {
  const log = openSync(agent.log, "a");
  const child = spawn(
    "setpriv",
    ["--pdeathsig", "KILL", "--", fixture.agent_binary, "run", "--config", agent.config],
    { stdio: ["ignore", log, log] },
  );
  if (child.pid === undefined) throw new Error(`could not start ccc-agent for ${agent.serial}`);
  appendFileSync(fixture.pid_file, `${child.pid}\n`);
  running.set(agent.serial, child);
  return child;
}

export async function stopAgents(): Promise<void> {
  const children = [...running.values()];
  running.clear();
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
}

// The operator's part: a paired system is "paired" (not "restricted") only while its
// maintenance contract runs (FEATURES A6/A7).
export async function setMaintenance(serial: string): Promise<void> {
  await run(
    fixture.relay_binary,
    ["admin", "--config", fixture.relay_config, "system", "maintenance", "--serial", serial, "--until", fixture.maintenance_until],
    { timeout: 30_000 },
  );
}
