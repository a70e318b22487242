import { describe, expect, it } from "vitest";
import type { SystemAction } from "../../api/types";
import { systemPageLinks } from "../../layout/navigation";
import { codeActions, pairCommand, preconditions, stateView } from "./systemLogic";
import { makeSystem } from "./testData";

describe("stateView", () => {
  it("shows a waiting system as information without reasons", () => {
    expect(stateView({ state: "waiting_for_pairing", state_reasons: [] })).toEqual({
      state: "waiting_for_pairing",
      tone: "info",
      reasons: [],
    });
  });

  it("shows a healthy paired system as success", () => {
    expect(stateView({ state: "paired", state_reasons: [] }).tone).toBe("success");
  });

  it("names every missing precondition of a restricted system", () => {
    const view = stateView({ state: "restricted", state_reasons: ["maintenance_inactive", "firmware_too_old"] });
    expect(view.tone).toBe("warning");
    expect(view.state).toBe("restricted");
    expect(view.reasons).toEqual(["maintenance_inactive", "firmware_too_old"]);
  });

  it("gives the reason of an error in words", () => {
    const view = stateView({ state: "error", state_reasons: ["code_expired"] });
    expect(view.tone).toBe("danger");
    expect(view.reasons).toEqual(["code_expired"]);
  });

  it("reads a reason it does not know as another problem", () => {
    expect(stateView({ state: "error", state_reasons: ["broker_unreachable"] }).reasons).toEqual(["other"]);
  });

  it("reads a state it does not know as unknown", () => {
    const view = stateView({ state: "sleeping" as never, state_reasons: [] });
    expect(view.state).toBe("unknown");
    expect(view.tone).toBe("neutral");
  });
});

describe("preconditions", () => {
  it("reports the firmware as too old only when the relay says so", () => {
    const system = makeSystem({ state: "restricted", state_reasons: ["firmware_too_old"], maintenance: { active: true, until: null } });
    expect(preconditions(system)).toEqual({ maintenanceActive: true, firmwareOk: false });
  });

  it("reports the firmware as fine for a paired system without that reason", () => {
    const system = makeSystem({ state: "restricted", state_reasons: ["maintenance_inactive"] });
    expect(preconditions(system)).toEqual({ maintenanceActive: false, firmwareOk: true });
  });

  it("does not judge the firmware of a system that has not reported", () => {
    expect(preconditions(makeSystem({ state: "unknown", state_reasons: ["never_seen"] })).firmwareOk).toBeNull();
    expect(preconditions(makeSystem({ state: "waiting_for_pairing" })).firmwareOk).toBeNull();
  });
});

describe("systemPageLinks", () => {
  const keys = (actions: SystemAction[]) =>
    systemPageLinks(makeSystem({ id: 5, allowed_actions: actions })).map((link) => link.key);

  it("always offers the system information", () => {
    expect(keys([])).toEqual(["information"]);
    expect(systemPageLinks(makeSystem({ id: 5, allowed_actions: [] }))[0]?.to).toBe("/systems/5");
  });

  it("offers management pages only when allowed", () => {
    expect(keys(["view_system", "read_system_information", "monitoring"])).toEqual(["information", "monitoring"]);
  });

  it("offers every page to a user allowed everything", () => {
    expect(
      keys([
        "read_licences",
        "read_registration_status",
        "monitoring",
        "alerts",
        "backup",
        "call_data",
        "smtp_setting",
        "remote_configuration",
      ]),
    ).toEqual([
      "information",
      "licences",
      "telephones",
      "accounts",
      "monitoring",
      "alerts",
      "backup",
      "calls",
      "smtp",
      "remoteConfiguration",
    ]);
  });

  it("links to the page paths of the system", () => {
    const links = systemPageLinks(makeSystem({ id: 9, allowed_actions: ["remote_configuration", "call_data"] }));
    expect(links.map((link) => link.to)).toEqual([
      "/systems/9",
      "/systems/9/calls",
      "/systems/9/remote-configuration",
    ]);
  });
});

describe("codeActions", () => {
  it("offers copy, renew and cancel for a valid code to its manager", () => {
    expect(codeActions(makeSystem())).toEqual({ manage: true, copy: true, renew: true, cancel: true });
  });

  it("offers no copy for an expired code, but renew and cancel", () => {
    const system = makeSystem({
      state: "error",
      state_reasons: ["code_expired"],
      confirmation_code: { code: "ABCD-EFGH-JKLM", expires_at: "2020-01-01T00:00:00Z", expired: true },
    });
    expect(codeActions(system)).toEqual({ manage: true, copy: false, renew: true, cancel: true });
  });

  it("offers only a new code when there is none", () => {
    expect(codeActions(makeSystem({ confirmation_code: null }))).toEqual({
      manage: true,
      copy: false,
      renew: true,
      cancel: false,
    });
  });

  it("offers nothing for a paired system", () => {
    expect(codeActions(makeSystem({ paired: true, state: "paired", confirmation_code: null })).manage).toBe(false);
  });

  it("offers nothing to a user who may not edit the system", () => {
    const system = makeSystem({ roles: ["monitoring"], allowed_actions: ["view_system", "read_system_information"] });
    expect(codeActions(system)).toEqual({ manage: false, copy: false, renew: false, cancel: false });
  });
});

describe("pairCommand", () => {
  it("is the agent's pair command with the code", () => {
    expect(pairCommand("ABCD-EFGH-JKLM")).toBe("ccc-agent pair ABCD-EFGH-JKLM");
  });
});
