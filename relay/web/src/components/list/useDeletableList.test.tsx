import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { renderWithProviders } from "../../test/renderWithProviders";
import ConfirmDialog from "../ConfirmDialog";
import DataList from "./DataList";
import { defaultListState, type ListState } from "./listState";
import { useDeletableList, type DeleteOneMutation, type DeletableListOptions } from "./useDeletableList";

interface Row {
  id: number;
  name: string;
}

const ROWS: Row[] = [
  { id: 1, name: "Alpha" },
  { id: 2, name: "Beta" },
  { id: 3, name: "Gamma" },
];

const queried: ListState[] = [];
function useRows(state: ListState) {
  queried.push(state);
  const data = { items: ROWS, total: ROWS.length };
  return { data, isLoading: false, isFetching: false, error: null, refetch: vi.fn() };
}

// Deletes one row after `outcome` settles, reporting pending like a mutation.
function mutation(outcome: () => Promise<void>): DeleteOneMutation & { ids: number[] } {
  const ids: number[] = [];
  return {
    ids,
    isPending: false,
    mutate: (id, callbacks) => {
      ids.push(id);
      outcome().then(callbacks.onSuccess, callbacks.onError);
    },
  };
}

// A list page the way the portal's pages use the hook.
function Page(props: Partial<DeletableListOptions<Row>>) {
  const rows = useDeletableList<Row>({
    defaults: defaultListState("name"),
    sortKeys: ["name"],
    useList: useRows,
    canSelect: (row) => row.id !== 3,
    confirmText: (count) => `Delete ${count} rows?`,
    deleteRows: vi.fn(),
    deletedText: (row) => `${row.name} deleted.`,
    ...props,
  });
  return (
    <>
      <DataList
        caption="Rows"
        columns={[{ id: "name", header: "Name", cell: (row: Row) => row.name, sortable: true }]}
        rowKey={(row) => row.id}
        rowLabel={(row) => row.name}
        emptyText="None"
        rowActions={(row) => (
          <button type="button" onClick={() => rows.askDelete(row)}>
            Remove {row.name}
          </button>
        )}
        {...rows.listProps}
      />
      <ConfirmDialog
        title="Delete row"
        text={rows.deleting ? `Delete ${rows.deleting.name}?` : ""}
        confirmLabel="Delete it"
        {...rows.confirmProps}
      />
    </>
  );
}

describe("useDeletableList", () => {
  it("queries the list with the state from the URL", () => {
    renderWithProviders(<Page />, { route: "/?q=al&sort=name&order=desc" });
    expect(queried.at(-1)).toMatchObject({ q: "al", sort: "name", order: "desc" });
    expect(screen.getByRole("table", { name: "Rows" })).toBeInTheDocument();
  });

  it("deletes the selected rows and reports the one that failed, keeping it selected", async () => {
    const deleteRows = vi.fn(
      async (): Promise<PromiseSettledResult<unknown>[]> => [
        { status: "fulfilled", value: undefined },
        { status: "rejected", reason: new ApiError(403, "forbidden", "no") },
      ],
    );
    renderWithProviders(<Page deleteRows={deleteRows} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Edit" }));
    expect(screen.getByRole("checkbox", { name: "Select Gamma" })).toBeDisabled();
    await user.click(screen.getByRole("checkbox", { name: "Select all entries on this page" }));
    await user.click(screen.getByRole("button", { name: "Delete selected (2)" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete entries" });
    expect(dialog).toHaveTextContent("Delete 2 rows?");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));

    expect(deleteRows).toHaveBeenCalledWith([ROWS[0], ROWS[1]]);
    const failure = await screen.findByTestId("toast-error");
    expect(failure).toHaveTextContent("1 entry could not be deleted.");
    expect(failure).toHaveTextContent("Beta: You do not have the rights for this.");
    expect(screen.getByRole("checkbox", { name: "Select Beta" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Select Alpha" })).not.toBeChecked();
  });

  it("deletes one row after confirmation and says so", async () => {
    const deleteOne = mutation(() => Promise.resolve());
    const onDeleted = vi.fn();
    renderWithProviders(<Page deleteOne={deleteOne} onDeleted={onDeleted} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Remove Beta" }));
    expect(screen.getByRole("alertdialog", { name: "Delete row" })).toHaveTextContent("Delete Beta?");
    await user.click(screen.getByRole("button", { name: "Delete it" }));

    expect(deleteOne.ids).toEqual([2]);
    expect(await screen.findByTestId("toast-success")).toHaveTextContent("Beta deleted.");
    expect(onDeleted).toHaveBeenCalledWith(ROWS[1]);
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
  });

  it("reports the refusal of a single deletion in words", async () => {
    const deleteOne = mutation(() => Promise.reject(new ApiError(404, "not_found", "gone")));
    const onDeleted = vi.fn();
    renderWithProviders(<Page deleteOne={deleteOne} onDeleted={onDeleted} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Remove Alpha" }));
    await user.click(screen.getByRole("button", { name: "Delete it" }));

    expect(await screen.findByTestId("toast-error")).toHaveTextContent(
      "This item does not exist or is not visible to you.",
    );
    expect(onDeleted).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
  });

  it("cancels a single deletion without deleting", async () => {
    const deleteOne = mutation(() => Promise.resolve());
    renderWithProviders(<Page deleteOne={deleteOne} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Remove Alpha" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(deleteOne.ids).toEqual([]);
  });
});
