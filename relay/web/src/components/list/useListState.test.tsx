import { act } from "@testing-library/react";
import { useNavigate } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { renderHookWithProviders } from "../../test/renderWithProviders";
import { defaultListState } from "./listState";
import { FILTER_DEBOUNCE_MS, useListState, type ListStateOptions } from "./useListState";

const defaults = defaultListState("name");
const sortKeys = ["name", "serial"];

function setup(route: string, opts?: ListStateOptions) {
  return renderHookWithProviders(
    () => {
      const [state, setState] = useListState(defaults, sortKeys, opts);
      return { state, setState, navigate: useNavigate() };
    },
    { route },
  );
}

describe("useListState", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads the state from the URL", () => {
    const { result } = setup("/systems?q=abc&sort=serial&order=desc&limit=25&offset=50");
    expect(result.current.state).toEqual({ q: "abc", sort: "serial", order: "desc", limit: 25, offset: 50 });
  });

  it("applies a filter change only after the debounce, on the first page", () => {
    const { result, location } = setup("/systems?offset=100");
    act(() => result.current.setState({ ...result.current.state, q: "ber", offset: 0 }));
    act(() => vi.advanceTimersByTime(FILTER_DEBOUNCE_MS - 1));
    expect(result.current.state.q).toBe("");
    expect(result.current.state.offset).toBe(100);

    act(() => vi.advanceTimersByTime(1));
    expect(result.current.state).toMatchObject({ q: "ber", offset: 0 });
    expect(location().search).toBe("?q=ber");
  });

  it("restarts the debounce on every keystroke and keeps the last text", () => {
    const { result } = setup("/systems");
    act(() => result.current.setState({ ...result.current.state, q: "b" }));
    act(() => vi.advanceTimersByTime(FILTER_DEBOUNCE_MS - 50));
    act(() => result.current.setState({ ...result.current.state, q: "be" }));
    act(() => vi.advanceTimersByTime(FILTER_DEBOUNCE_MS - 50));
    expect(result.current.state.q).toBe("");
    act(() => vi.advanceTimersByTime(50));
    expect(result.current.state.q).toBe("be");
  });

  it("cancels a pending filter when the text returns to the current one", () => {
    const { result, location } = setup("/systems?q=a");
    act(() => result.current.setState({ ...result.current.state, q: "ab" }));
    act(() => result.current.setState({ ...result.current.state, q: "a" }));
    act(() => vi.advanceTimersByTime(FILTER_DEBOUNCE_MS * 2));
    expect(result.current.state.q).toBe("a");
    expect(location().search).toBe("?q=a");
  });

  it("applies a sort change at once as a new history entry", () => {
    const { result, location } = setup("/systems");
    act(() => result.current.setState({ ...result.current.state, sort: "serial", order: "desc" }));
    expect(result.current.state).toMatchObject({ sort: "serial", order: "desc" });
    expect(location().search).toBe("?sort=serial&order=desc");

    act(() => void result.current.navigate(-1));
    expect(result.current.state).toEqual(defaults);
  });

  it("replaces the history entry for filter keystrokes", () => {
    const { result, location } = setup("/systems");
    act(() => result.current.setState({ ...result.current.state, sort: "serial" }));
    act(() => result.current.setState({ ...result.current.state, q: "x" }));
    act(() => vi.advanceTimersByTime(FILTER_DEBOUNCE_MS));
    expect(location().search).toBe("?sort=serial&q=x");

    // Back skips the keystrokes and leaves the list page's sorted entry.
    act(() => void result.current.navigate(-1));
    expect(location().search).toBe("");
  });

  it("takes a pending filter along with a page change, from the first page", () => {
    const { result } = setup("/systems?offset=50");
    act(() => result.current.setState({ ...result.current.state, q: "x", offset: 0 }));
    act(() => result.current.setState({ ...result.current.state, offset: 100 }));
    expect(result.current.state).toMatchObject({ q: "x", offset: 0 });
    act(() => vi.advanceTimersByTime(FILTER_DEBOUNCE_MS));
    expect(result.current.state).toMatchObject({ q: "x", offset: 0 });
  });

  it("keeps other URL parameters and uses the prefix", () => {
    const { result, location } = setup("/groups/1?tab=members&m_q=old", { urlPrefix: "m_" });
    expect(result.current.state.q).toBe("old");
    act(() => result.current.setState({ ...result.current.state, sort: "serial" }));
    const search = new URLSearchParams(location().search);
    expect(search.get("tab")).toBe("members");
    expect(search.get("m_q")).toBe("old");
    expect(search.get("m_sort")).toBe("serial");
    expect(search.has("sort")).toBe(false);
  });

  it("keeps the same state object while the URL does not change", () => {
    const { result, rerender } = setup("/systems?q=a");
    const first = result.current.state;
    rerender();
    expect(result.current.state).toBe(first);
  });
});
