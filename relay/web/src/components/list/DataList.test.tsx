import { act, fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { renderWithProviders } from "../../test/renderWithProviders";
import DataList from "./DataList";
import { defaultListState, type ListState } from "./listState";
import type { Column, DataListProps, ListSelection } from "./types";
import { FILTER_DEBOUNCE_MS, useListState } from "./useListState";

interface Row {
  id: number;
  name: string;
  serial: string;
  deletable: boolean;
}

const rows: Row[] = [
  { id: 1, name: "Alpha", serial: "SER-001", deletable: true },
  { id: 2, name: "Beta", serial: "SER-002", deletable: true },
  { id: 3, name: "Gamma", serial: "SER-003", deletable: false },
];

const columns: Column<Row>[] = [
  { id: "name", header: "Name", cell: (row) => row.name, sortable: true },
  { id: "serial", header: "Serial number", cell: (row) => row.serial, sortable: true, hideBelow: 900 },
  { id: "kind", header: "Kind", cell: () => "PBX" },
];

const initial = defaultListState("name");

type Props = DataListProps<Row>;

function props(overrides: Partial<Props> = {}): Props {
  return {
    caption: "Systems",
    columns,
    rowKey: (row) => row.id,
    rowLabel: (row) => row.name,
    state: initial,
    onStateChange: vi.fn(),
    data: { items: rows, total: 10000 },
    isLoading: false,
    error: null,
    onRetry: vi.fn(),
    emptyText: "There are no systems yet.",
    noMatchText: "No system matches.",
    ...overrides,
  };
}

function selection(deleteRows: ListSelection<Row>["deleteRows"] = vi.fn()): ListSelection<Row> {
  return {
    canSelect: (row) => row.deletable,
    deleteRows,
    confirmText: (count) => `Delete ${count} systems?`,
  };
}

// A parent that owns the state like a page does, with a fixed page of data.
function Stateful(overrides: Partial<Props>) {
  const [state, setState] = useState<ListState>(initial);
  return <DataList {...props(overrides)} state={state} onStateChange={setState} />;
}

describe("DataList", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("renders the rows, the caption and the range", () => {
    renderWithProviders(<DataList {...props({ testId: "systems-table" })} />);
    const table = screen.getByRole("table", { name: "Systems" });
    expect(table).toBe(screen.getByTestId("systems-table"));
    expect(within(table).getAllByRole("row")).toHaveLength(1 + rows.length);
    expect(within(table).getByRole("cell", { name: "Beta" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("1–3 of 10,000");
    expect(screen.getByRole("columnheader", { name: /serial number/i })).toHaveClass("dl-hide-below-900");
  });

  it("shows German texts when the language is German", () => {
    renderWithProviders(<DataList {...props()} />, { language: "de" });
    expect(screen.getByRole("status")).toHaveTextContent("1–3 von 10.000");
    expect(screen.getByRole("navigation", { name: "Seiten" })).toBeInTheDocument();
  });

  it("marks the sorted column and asks for the other direction on a click", async () => {
    const user = userEvent.setup();
    const onStateChange = vi.fn();
    const { rerender } = renderWithProviders(<DataList {...props({ onStateChange, state: { ...initial, offset: 100 } })} />);
    const nameHeader = screen.getByRole("columnheader", { name: /name/i });
    expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
    expect(screen.getByRole("columnheader", { name: /serial/i })).not.toHaveAttribute("aria-sort");
    expect(screen.getByRole("columnheader", { name: "Kind" })).not.toHaveAttribute("aria-sort");
    expect(within(screen.getByRole("columnheader", { name: "Kind" })).queryByRole("button")).toBeNull();

    await user.click(within(nameHeader).getByRole("button", { name: "Name" }));
    expect(onStateChange).toHaveBeenLastCalledWith({ ...initial, sort: "name", order: "desc", offset: 0 });

    await user.click(screen.getByRole("button", { name: "Serial number" }));
    expect(onStateChange).toHaveBeenLastCalledWith({ ...initial, sort: "serial", order: "asc", offset: 0 });

    rerender(<DataList {...props({ onStateChange, state: { ...initial, order: "desc" } })} />);
    expect(screen.getByRole("columnheader", { name: /name/i })).toHaveAttribute("aria-sort", "descending");
  });

  it("shows the empty text when there are no entries at all", () => {
    renderWithProviders(<DataList {...props({ data: { items: [], total: 0 } })} />);
    expect(screen.getByText("There are no systems yet.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).toBeNull();
    expect(screen.queryByRole("button", { name: "Clear filter" })).toBeNull();
    expect(screen.getByRole("status")).toHaveTextContent("No entries");
  });

  it("says the filter matches nothing and clears the filter on request", async () => {
    const user = userEvent.setup();
    const onStateChange = vi.fn();
    const state = { ...initial, q: "zzz" };
    renderWithProviders(<DataList {...props({ state, onStateChange, data: { items: [], total: 0 } })} />);
    expect(screen.getByText("No system matches.")).toBeInTheDocument();
    expect(screen.queryByText("There are no systems yet.")).toBeNull();
    const input = screen.getByLabelText("Filter");
    expect(input).toHaveValue("zzz");

    await user.click(screen.getByRole("button", { name: "Clear filter" }));
    expect(onStateChange).toHaveBeenLastCalledWith({ ...state, q: "", offset: 0 });
    expect(input).toHaveValue("");
    expect(input).toHaveFocus();
  });

  it("shows a loading state while there is nothing to show yet", () => {
    renderWithProviders(<DataList {...props({ data: undefined, isLoading: true })} />);
    expect(screen.getByRole("table")).toHaveAttribute("aria-busy", "true");
    expect(screen.getByRole("status")).toHaveTextContent("Loading…");
  });

  it("keeps the rows and marks the table busy while refreshing", () => {
    renderWithProviders(<DataList {...props({ isFetching: true })} />);
    expect(screen.getByRole("table")).toHaveAttribute("aria-busy", "true");
    expect(screen.getAllByRole("row")).toHaveLength(1 + rows.length);
    expect(screen.getByText("Updating…")).toBeInTheDocument();
  });

  it("shows a translated error with a retry button", async () => {
    const user = userEvent.setup();
    const onRetry = vi.fn();
    renderWithProviders(
      <DataList {...props({ data: undefined, error: new ApiError(403, "forbidden", "Forbidden"), onRetry })} />,
    );
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("You do not have the rights for this.");
    expect(alert).not.toHaveTextContent("Forbidden");
    expect(screen.queryByRole("table")).toBeNull();

    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it("moves between pages and resets to the first page for a new page size", async () => {
    const user = userEvent.setup();
    const onStateChange = vi.fn();
    renderWithProviders(<DataList {...props({ onStateChange, state: { ...initial, offset: 50 } })} />);
    expect(screen.getByText("Page 2 of 200")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(onStateChange).toHaveBeenLastCalledWith({ ...initial, offset: 100 });
    await user.click(screen.getByRole("button", { name: "Last page" }));
    expect(onStateChange).toHaveBeenLastCalledWith({ ...initial, offset: 9950 });
    await user.selectOptions(screen.getByLabelText("Rows per page"), "100");
    expect(onStateChange).toHaveBeenLastCalledWith({ ...initial, limit: 100, offset: 0 });
  });

  it("does not leave the first page backwards", async () => {
    const user = userEvent.setup();
    const onStateChange = vi.fn();
    renderWithProviders(<DataList {...props({ onStateChange })} />);
    const previous = screen.getByRole("button", { name: "Previous page" });
    expect(previous).toHaveAttribute("aria-disabled", "true");
    await user.click(previous);
    expect(onStateChange).not.toHaveBeenCalled();
  });

  it("shows the typed filter at once and filters once typing pauses", () => {
    // fireEvent rather than user-event: user-event waits on real timers between keys.
    vi.useFakeTimers();
    const seen: string[] = [];
    function Page() {
      const [state, setState] = useListState(initial, ["name", "serial"]);
      seen.push(state.q);
      return <DataList {...props()} state={state} onStateChange={setState} />;
    }
    renderWithProviders(<Page />, { route: "/systems?offset=50" });
    const input = screen.getByLabelText("Filter");
    for (const text of ["b", "be", "bet"]) {
      fireEvent.change(input, { target: { value: text } });
      act(() => vi.advanceTimersByTime(FILTER_DEBOUNCE_MS / 2));
    }
    expect(input).toHaveValue("bet");
    expect(seen.at(-1)).toBe("");

    act(() => vi.advanceTimersByTime(FILTER_DEBOUNCE_MS / 2));
    expect(seen.at(-1)).toBe("bet");
    expect(input).toHaveValue("bet");
    expect(seen).not.toContain("b");
  });

  it("offers edit mode only with a selection", () => {
    renderWithProviders(<DataList {...props()} />);
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
    expect(screen.queryByRole("checkbox")).toBeNull();
  });

  it("selects all selectable rows on the page in edit mode", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Stateful selection={selection()} />);
    const edit = screen.getByRole("button", { name: "Edit" });
    expect(edit).toHaveAttribute("aria-pressed", "false");
    expect(screen.queryByRole("checkbox")).toBeNull();

    await user.click(edit);
    expect(edit).toHaveAttribute("aria-pressed", "true");
    const all = screen.getByRole("checkbox", { name: "Select all entries on this page" });
    await user.click(all);
    expect(screen.getByRole("checkbox", { name: "Select Alpha" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Select Beta" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Select Gamma" })).not.toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Select Gamma" })).toBeDisabled();
    expect(all).toBeChecked();
    expect(screen.getByRole("button", { name: "Delete selected (2)" })).not.toHaveAttribute("aria-disabled");
    expect(screen.getByRole("status")).toHaveTextContent("2 selected");

    await user.click(screen.getByRole("checkbox", { name: "Select Beta" }));
    expect(all).not.toBeChecked();
    expect((all as HTMLInputElement).indeterminate).toBe(true);

    await user.click(all);
    expect(screen.getByRole("checkbox", { name: "Select Beta" })).toBeChecked();
    await user.click(all);
    expect(screen.getByRole("checkbox", { name: "Select Alpha" })).not.toBeChecked();
    expect(screen.getByRole("button", { name: "Delete selected (0)" })).toHaveAttribute("aria-disabled", "true");
  });

  it("drops the selection when the page changes", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Stateful selection={selection()} />);
    await user.click(screen.getByRole("button", { name: "Edit" }));
    await user.click(screen.getByRole("checkbox", { name: "Select Alpha" }));
    expect(screen.getByRole("button", { name: "Delete selected (1)" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(screen.getByRole("checkbox", { name: "Select Alpha" })).not.toBeChecked();
    expect(screen.getByRole("button", { name: "Delete selected (0)" })).toBeInTheDocument();
  });

  it("deletes after confirmation and reports what failed, keeping it selected", async () => {
    const user = userEvent.setup();
    const deleteRows = vi.fn(
      async (): Promise<PromiseSettledResult<unknown>[]> => [
        { status: "fulfilled", value: undefined },
        { status: "rejected", reason: new ApiError(404, "not_found", "gone") },
      ],
    );
    renderWithProviders(<Stateful selection={selection(deleteRows)} />);
    await user.click(screen.getByRole("button", { name: "Edit" }));
    await user.click(screen.getByRole("checkbox", { name: "Select all entries on this page" }));
    await user.click(screen.getByRole("button", { name: "Delete selected (2)" }));

    const dialog = screen.getByRole("alertdialog", { name: "Delete entries" });
    expect(dialog).toHaveTextContent("Delete 2 systems?");
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    expect(deleteRows).not.toHaveBeenCalled();

    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(deleteRows).toHaveBeenCalledWith([rows[0], rows[1]]);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.getByTestId("toast-success")).toHaveTextContent("1 entry deleted.");
    const failure = screen.getByTestId("toast-error");
    expect(failure).toHaveTextContent("1 entry could not be deleted.");
    expect(failure).toHaveTextContent("Beta: This item does not exist or is not visible to you.");
    expect(screen.getByRole("checkbox", { name: "Select Alpha" })).not.toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Select Beta" })).toBeChecked();
    expect(screen.getByRole("button", { name: "Delete selected (1)" })).toBeInTheDocument();
  });

  it("does not delete when the confirmation is cancelled with Escape, and returns focus", async () => {
    const user = userEvent.setup();
    const deleteRows = vi.fn();
    renderWithProviders(<Stateful selection={selection(deleteRows)} />);
    await user.click(screen.getByRole("button", { name: "Edit" }));
    await user.click(screen.getByRole("checkbox", { name: "Select Alpha" }));
    const opener = screen.getByRole("button", { name: "Delete selected (1)" });
    await user.click(opener);
    expect(screen.getByRole("alertdialog")).toBeInTheDocument();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(opener).toHaveFocus();
    expect(deleteRows).not.toHaveBeenCalled();
  });

  it("goes to the last page when the current one became empty", () => {
    const onStateChange = vi.fn();
    renderWithProviders(
      <DataList {...props({ onStateChange, state: { ...initial, offset: 150 }, data: { items: [], total: 120 } })} />,
    );
    expect(onStateChange).toHaveBeenCalledWith({ ...initial, offset: 100 });
  });
});
