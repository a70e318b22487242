import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { StrictMode, useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../test/renderWithProviders";
import ConfirmDialog from "./ConfirmDialog";
import Dialog from "./Dialog";

function Opener({ dismissible = true }: { dismissible?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Rename
      </button>
      <Dialog open={open} title="Rename system" onClose={() => setOpen(false)} dismissible={dismissible}>
        <label>
          Name <input data-autofocus />
        </label>
      </Dialog>
    </>
  );
}

describe("Dialog", () => {
  it("opens labelled by its title, focuses the marked field and closes with Escape", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Opener />);
    expect(screen.queryByRole("dialog")).toBeNull();
    const opener = screen.getByRole("button", { name: "Rename" });
    await user.click(opener);

    expect(screen.getByRole("dialog", { name: "Rename system" })).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(opener).toHaveFocus();
  });

  it("stays open when mounted open under StrictMode", () => {
    const onClose = vi.fn();
    renderWithProviders(
      <StrictMode>
        <Dialog open title="Details" onClose={onClose}>
          text
        </Dialog>
      </StrictMode>,
    );
    expect(screen.getByRole("dialog", { name: "Details" })).toHaveAttribute("open");
    expect(onClose).not.toHaveBeenCalled();
  });

  it("closes with its close button", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Opener />);
    await user.click(screen.getByRole("button", { name: "Rename" }));
    await user.click(screen.getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("stays open on Escape while not dismissible", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Opener dismissible={false} />);
    await user.click(screen.getByRole("button", { name: "Rename" }));
    await user.keyboard("{Escape}");
    expect(screen.getByRole("dialog", { name: "Rename system" })).toBeInTheDocument();
  });
});

describe("ConfirmDialog", () => {
  it("ignores both buttons while busy", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    renderWithProviders(
      <ConfirmDialog
        open
        busy
        danger
        title="Delete system"
        text="Delete Alpha?"
        confirmLabel="Delete"
        busyLabel="Deleting…"
        onConfirm={onConfirm}
        onCancel={onCancel}
      />,
    );
    const dialog = screen.getByRole("alertdialog", { name: "Delete system" });
    expect(dialog).toHaveAccessibleDescription("Delete Alpha?");
    await user.click(screen.getByRole("button", { name: "Deleting…" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.keyboard("{Escape}");
    expect(onConfirm).not.toHaveBeenCalled();
    expect(onCancel).not.toHaveBeenCalled();
  });

  it("confirms with the confirm button", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn();
    renderWithProviders(
      <ConfirmDialog open title="Renew code" text="Renew?" confirmLabel="Renew" onConfirm={onConfirm} onCancel={vi.fn()} />,
    );
    expect(screen.getByRole("button", { name: "Renew" })).toHaveFocus();
    await user.click(screen.getByRole("button", { name: "Renew" }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});
