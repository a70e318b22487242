import { act, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../test/renderWithProviders";
import { NOTIFICATION_TIMEOUT_MS, useNotify } from "./Notifications";

function Buttons() {
  const notify = useNotify();
  return (
    <>
      <button type="button" onClick={() => notify.success("Saved.")}>
        ok
      </button>
      <button type="button" onClick={() => notify.error("Two failed.", ["A: gone", "B: forbidden"])}>
        fail
      </button>
    </>
  );
}

describe("Notifications", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("announces notifications in a polite live region", () => {
    renderWithProviders(<Buttons />);
    const region = screen.getByRole("region", { name: "Notifications" });
    expect(region).toHaveAttribute("aria-live", "polite");
    fireEvent.click(screen.getByRole("button", { name: "fail" }));
    expect(region).toHaveTextContent("Two failed.");
    expect(screen.getByText("B: forbidden")).toBeInTheDocument();
  });

  it("removes a notification after the timeout", () => {
    vi.useFakeTimers();
    renderWithProviders(<Buttons />);
    fireEvent.click(screen.getByRole("button", { name: "ok" }));
    act(() => vi.advanceTimersByTime(NOTIFICATION_TIMEOUT_MS - 1));
    expect(screen.getByText("Saved.")).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1));
    expect(screen.queryByText("Saved.")).toBeNull();
  });

  it("keeps a notification while the pointer rests on it", () => {
    vi.useFakeTimers();
    renderWithProviders(<Buttons />);
    fireEvent.click(screen.getByRole("button", { name: "ok" }));
    fireEvent.mouseEnter(screen.getByTestId("toast-success"));
    act(() => vi.advanceTimersByTime(NOTIFICATION_TIMEOUT_MS * 2));
    expect(screen.getByText("Saved.")).toBeInTheDocument();
    fireEvent.mouseLeave(screen.getByTestId("toast-success"));
    act(() => vi.advanceTimersByTime(NOTIFICATION_TIMEOUT_MS));
    expect(screen.queryByText("Saved.")).toBeNull();
  });

  it("closes a notification with its dismiss button", () => {
    renderWithProviders(<Buttons />);
    fireEvent.click(screen.getByRole("button", { name: "ok" }));
    fireEvent.click(screen.getByRole("button", { name: "Dismiss notification" }));
    expect(screen.queryByText("Saved.")).toBeNull();
  });
});
