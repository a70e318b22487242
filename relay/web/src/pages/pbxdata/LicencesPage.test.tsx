import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiError, mockApi } from "../basics/testApi";
import LicencesPage from "./LicencesPage";
import { makeLicences, renderAt } from "./testSupport";

function renderLicences(language?: "en" | "de") {
  return renderAt("/systems/:systemId/licences", <LicencesPage />, "/systems/4/licences", language);
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("LicencesPage", () => {
  it("shows device information, licences with their use and the modules by slot", async () => {
    mockApi({ "GET /systems/4/licences": { body: makeLicences() } });
    renderLicences();
    const table = await screen.findByTestId("licences-table");
    expect(screen.getByTestId("page-licences")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Licences" })).toBeInTheDocument();
    const device = screen.getByRole("region", { name: "Device" });
    expect(within(device).getByText("Rev. C")).toBeInTheDocument();
    expect(within(device).getByText("00:09:52:00:00:04")).toHaveClass("mono");
    expect(within(device).getByText("12 days, 4 hours")).toBeInTheDocument();
    expect(within(device).getByText("2.6.6")).toBeInTheDocument();

    const users = within(table).getByRole("row", { name: /Users/ });
    expect(users).toHaveTextContent("12 of 20 in use (60 %)");
    expect(within(users).getByRole("cell", { name: /in use/ }).querySelector("meter")).toHaveAttribute("value", "12");
    expect(within(table).getByRole("row", { name: /VoIP channels/ })).toHaveTextContent("none available");

    const modules = within(screen.getByTestId("modules-table")).getAllByRole("row").slice(1);
    expect(modules.map((row) => row.textContent)).toEqual(["1COMmander 4S0 module4", "2COMmander 8a/b module8"]);
  });

  it("says plainly when the system has not reported yet", async () => {
    mockApi({ "GET /systems/4/licences": apiError(404, "no_data") });
    renderLicences();
    expect(await screen.findByTestId("licences-not-reported")).toHaveTextContent("Not reported yet");
    expect(screen.queryByTestId("system-not-found")).toBeNull();
  });

  it("tells an unknown system from one that has not reported", async () => {
    mockApi({ "GET /systems/4/licences": apiError(404, "not_found") });
    renderLicences();
    expect(await screen.findByTestId("system-not-found")).toBeInTheDocument();
  });

  it("answers a refusal in words", async () => {
    mockApi({ "GET /systems/4/licences": apiError(403, "forbidden") });
    renderLicences("de");
    expect(await screen.findByRole("alert")).toHaveTextContent("umfassen die Lizenzen nicht");
  });

  it("says when there are no licences or modules", async () => {
    mockApi({ "GET /systems/4/licences": { body: makeLicences({ licences: [], modules: [], hardware_revision: "" }) } });
    renderLicences();
    expect(await screen.findByText("The PBX reports no licences.")).toBeInTheDocument();
    expect(screen.getByText("No expansion modules are fitted.")).toBeInTheDocument();
    expect(screen.queryByTestId("licences-table")).toBeNull();
  });
});
