import { screen, within } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { renderWithProviders } from "../../test/renderWithProviders";
import HelpPage from "./HelpPage";
import LegalPage from "./LegalPage";

function renderLegal(document: string, language: "en" | "de" = "en") {
  return renderWithProviders(
    <Routes>
      <Route path="/legal/:document" element={<LegalPage />} />
    </Routes>,
    { route: `/legal/${document}`, language },
  );
}

describe("LegalPage", () => {
  it("lists the third-party components with their licences", () => {
    renderLegal("open-source");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Open-source licences");
    const table = screen.getByTestId("open-source-table");
    const react = within(table).getByRole("rowheader", { name: "React" }).closest("tr")!;
    expect(react).toHaveTextContent("MIT");
    expect(within(table).getByRole("rowheader", { name: "Eclipse Mosquitto" })).toBeInTheDocument();
    expect(within(table).getByText("Public domain")).toBeInTheDocument();
  });

  it("shows the privacy policy in German", () => {
    renderLegal("privacy", "de");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Datenschutzerklärung");
    expect(screen.getByRole("link", { name: "Lizenzvereinbarung" })).toHaveAttribute("href", "/legal/licence");
  });

  it("has a not-found state for unknown documents", () => {
    renderLegal("terms");
    expect(screen.getByTestId("page-legal")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Document not found");
    expect(screen.getAllByRole("link")).toHaveLength(3);
  });
});

describe("HelpPage", () => {
  it("explains pairing with the agent command and names roles like the rest of the portal", () => {
    renderWithProviders(<HelpPage />, { route: "/help", language: "de" });
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Online-Hilfe");
    expect(screen.getByText(/ccc-agent pair CODE/)).toBeInTheDocument();
    expect(screen.getByText("Eigentümer")).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 2 }).length).toBeGreaterThanOrEqual(6);
  });
});
