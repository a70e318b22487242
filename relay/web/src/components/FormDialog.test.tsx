import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiError } from "../api/client";
import { renderWithProviders } from "../test/renderWithProviders";
import FormDialog from "./FormDialog";

const schema = z.object({ name: z.string().min(1, "required") });

// A rename-like dialog: one field, `send` decides how the request ends.
function Harness({
  send,
  errorMessage,
}: {
  send: (name: string) => Promise<unknown>;
  errorMessage?: (error: unknown) => string | null;
}) {
  const [open, setOpen] = useState(true);
  const [pending, setPending] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      <FormDialog
        open={open}
        title="Rename"
        onClose={() => setOpen(false)}
        pending={pending}
        schema={schema}
        defaultValues={{ name: "Old" }}
        submitLabel="Rename it"
        errorMessage={errorMessage}
        onSubmit={async (values) => {
          setPending(true);
          try {
            await send(values.name);
            setOpen(false);
          } finally {
            setPending(false);
          }
        }}
      >
        {(form) => (
          <>
            <label htmlFor="name">Name</label>
            <input id="name" {...form.register("name")} />
            {form.formState.errors.name && <p>Name is missing</p>}
          </>
        )}
      </FormDialog>
    </>
  );
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("FormDialog", () => {
  it("submits the checked values and lets the caller close it", async () => {
    const send = vi.fn().mockResolvedValue(undefined);
    renderWithProviders(<Harness send={send} />);
    const user = userEvent.setup();
    expect(screen.getByRole("dialog", { name: "Rename" })).toBeInTheDocument();
    const field = screen.getByLabelText("Name");
    await user.clear(field);
    await user.type(field, "New");
    await user.click(screen.getByRole("button", { name: "Rename it" }));
    expect(send).toHaveBeenCalledWith("New");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("does not send values the schema refuses", async () => {
    const send = vi.fn().mockResolvedValue(undefined);
    renderWithProviders(<Harness send={send} />);
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText("Name"));
    await user.click(screen.getByRole("button", { name: "Rename it" }));
    expect(await screen.findByText("Name is missing")).toBeInTheDocument();
    expect(send).not.toHaveBeenCalled();
  });

  it("disables its buttons and ignores Escape while the request runs", async () => {
    const reply = deferred();
    renderWithProviders(<Harness send={() => reply.promise} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Rename it" }));
    const dialog = screen.getByRole("dialog", { name: "Rename" });
    expect(await screen.findByText("Saving…")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeDisabled();
    expect(screen.getByRole("button", { name: /Saving/ })).toBeDisabled();
    await user.keyboard("{Escape}");
    expect(dialog).toBeInTheDocument();
    reply.resolve();
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("shows the server's refusal in words and stays open", async () => {
    renderWithProviders(<Harness send={() => Promise.reject(new ApiError(403, "forbidden", "no"))} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Rename it" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("You do not have the rights for this.");
    expect(screen.getByRole("dialog", { name: "Rename" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Rename it" })).toBeEnabled();
  });

  it("uses the caller's sentence for an error it knows better", async () => {
    renderWithProviders(
      <Harness
        send={() => Promise.reject(new ApiError(409, "conflict", "taken"))}
        errorMessage={(error) => (error instanceof ApiError && error.status === 409 ? "That name is taken." : null)}
      />,
    );
    await userEvent.setup().click(screen.getByRole("button", { name: "Rename it" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("That name is taken.");
  });

  it("starts from the default values again when opened anew", async () => {
    renderWithProviders(<Harness send={vi.fn()} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Name"), " edited");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Open" }));
    expect(screen.getByLabelText("Name")).toHaveValue("Old");
  });
});
