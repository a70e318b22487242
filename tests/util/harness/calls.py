"""Call data end to end: what the PBX simulator holds (ccc-sim-calls, the agent's own
simulator and config reader), what an agent's outbox collected (its "calls" stream and
cursor) and what the relay stored (relay.db `calls`), and the exactly-once check between
them (issue 5: "a crash never loses or repeats" a call)."""
import json
import sqlite3
import subprocess
import time
from pathlib import Path

from .ports import wait_for
from .processes import Agent, Relay, binary

CALL_FIELDS = ("id", "start_ms", "duration_s", "direction", "result", "external_number",
               "external_name", "billing_number", "billing_name", "real_name", "own_number",
               "call_type")
CURSOR_KEY = "calls"  # agent/collect/call_collector.h kCallsCursorKey
STREAM = "calls"
_SIGN = 1 << 63
_U64 = (1 << 64) - 1


def now_ms() -> int:
    return int(time.time() * 1000)


def sim_calls(config: Path, after: int = 0, until_id: int | None = None,
              at_ms: int | None = None, limit: int | None = None) -> list[dict]:
    """The simulator's calls for an agent config: id > after (0: from at_ms - history_days,
    where a fresh agent starts), id <= until_id, ended by at_ms (default now), ascending."""
    return [json.loads(line) for line in sim_call_lines(config, after, until_id, at_ms, limit)]


def sim_call_lines(config: Path, after: int = 0, until_id: int | None = None,
                   at_ms: int | None = None, limit: int | None = None) -> list[str]:
    """sim_calls as the exact body text the agent stores for each call."""
    return _run_sim(config, after, until_id, at_ms, limit).splitlines()


def sim_call_count(config: Path, after: int = 0, at_ms: int | None = None) -> int:
    return int(_run_sim(config, after, None, at_ms, None, "--count"))


def _run_sim(config, after, until_id, at_ms, limit, *extra) -> str:
    cmd = [str(binary("ccc-sim-calls")), "--config", str(config), "--after", str(after)]
    if until_id is not None:
        cmd += ["--until-id", str(until_id)]
    if at_ms is not None:
        cmd += ["--now-ms", str(at_ms)]
    if limit is not None:
        cmd += ["--limit", str(limit)]
    result = subprocess.run(cmd + list(extra), capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {result.returncode}: {result.stderr}")
    return result.stdout


def _read(path: Path, queries: list[tuple[str, tuple]]) -> list[list[tuple]]:
    """Runs the queries in ONE read transaction (one WAL snapshot), on a fresh read-only
    connection, so that the answers are consistent with each other."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("BEGIN")
        answers = [conn.execute(sql, params).fetchall() for sql, params in queries]
        conn.execute("COMMIT")
        return answers
    finally:
        conn.close()


class OutboxCalls:
    """The "calls" part of an agent's outbox.db (agent/outbox/outbox_sql.h), read-only."""

    def __init__(self, agent: Agent):
        self.path = agent.outbox_path

    def state(self) -> dict:
        """{"last_seq", "acked", "dropped", "cursor"} (zeros before anything was collected)."""
        if not self.path.exists():
            return {"last_seq": 0, "acked": 0, "dropped": 0, "cursor": 0}
        streams, cursors = _read(self.path, [
            ("SELECT next_seq, acked_seq, dropped FROM streams WHERE name = ?", (STREAM,)),
            ("SELECT value FROM cursors WHERE key = ?", (CURSOR_KEY,)),
        ])
        next_seq, acked, dropped = streams[0] if streams else (1, 0, 0)
        return {"last_seq": next_seq - 1, "acked": acked, "dropped": dropped,
                "cursor": int(cursors[0][0]) if cursors else 0}

    def unsent(self) -> list[tuple[int, str]]:
        """(seq, body) of the calls not yet acknowledged, by seq."""
        return _read(self.path, [(
            "SELECT seq, CAST(body AS TEXT) FROM records WHERE stream = ?1 AND seq > "
            "(SELECT acked_seq FROM streams WHERE name = ?1) ORDER BY seq", (STREAM,))])[0]

    def stream_bodies(self, stream: str) -> list[str]:
        return [b for (b,) in _read(self.path, [(
            "SELECT CAST(body AS TEXT) FROM records WHERE stream = ? ORDER BY seq",
            (stream,))])[0]]

    def set_cursor(self, value: int):
        """Test sabotage only, with the agent stopped."""
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            with conn:
                conn.execute("UPDATE cursors SET value = ? WHERE key = ?", (str(value), CURSOR_KEY))
        finally:
            conn.close()


class RelayCalls:
    """A device's calls and "calls" seq coverage in relay.db (relay/store/sqlite)."""

    def __init__(self, relay: Relay, device: str):
        self.path = relay.db_path
        self.device = device

    def count(self) -> int:
        if not self.path.exists():
            return 0
        return _read(self.path, [("SELECT COUNT(*) FROM calls WHERE device = ?",
                                  (self.device,))])[0][0][0]

    def snapshot(self) -> tuple[list[tuple[int, int, int]], dict[int, dict]]:
        """(covered seq intervals [(epoch, lo, hi)], {call_id: row as a call body dict}),
        from one snapshot of the database."""
        ranges, rows = _read(self.path, [
            ("SELECT epoch, lo, hi FROM seq_ranges WHERE device = ? AND stream = ? ORDER BY lo",
             (self.device, STREAM)),
            ("SELECT call_id, start_ms, duration_s, direction, result, external_number, "
             "external_name, billing_number, billing_name, real_name, own_number, call_type "
             "FROM calls WHERE device = ?", (self.device,)),
        ])
        # Epochs are uint64 bit-cast into INTEGER; lo/hi are stored sign-flipped
        # (sqlite_schema.h EncodeOrderedU64) so that SQLite orders them as unsigned.
        intervals = [(e & _U64, (lo & _U64) ^ _SIGN, (hi & _U64) ^ _SIGN) for e, lo, hi in ranges]
        return intervals, {r[0]: dict(zip(CALL_FIELDS, r)) for r in rows}


def check_calls_exactly_once(agent: Agent, relay: Relay, first_ids: set[int], epoch: int,
                             timeout: float = 30.0) -> dict:
    """For a STOPPED agent: the relay's calls of the device plus the calls still unsent in
    the outbox are EXACTLY the simulator's calls from the first collected id up to the
    agent's cursor, each once, with equal fields; and the outbox holds one record per call.

    first_ids: the ids a fresh agent may have started with (the first call of the history
    window at the minutes of its first collection). epoch: the outbox's epoch seen while the
    agent ran (a recreated outbox would restart the seqs). Returns figures for messages;
    raises AssertionError naming the first thing that is wrong."""
    assert not agent.running, "check_calls_exactly_once needs the agent stopped"
    device = agent.device_id
    outbox = OutboxCalls(agent)
    state = outbox.state()
    status = agent.status()
    n, acked, cursor = state["last_seq"], state["acked"], state["cursor"]
    assert int(status.epoch) == epoch, f"{device}: outbox epoch changed: {status}"
    assert state["dropped"] == 0, f"{device}: the outbox dropped calls: {state}"
    assert n > 0 and cursor > 0, f"{device}: nothing collected: {state}"

    relay_calls = RelayCalls(relay, device)

    def covered_up_to():
        intervals, _ = relay_calls.snapshot()
        return max((hi for e, lo, hi in intervals if e == epoch and lo == 1), default=0)
    try:
        wait_for(lambda: covered_up_to() >= acked, timeout, interval=0.1,
                 what=f"{device}: relay covering calls seqs 1..{acked} (the broker acked them)")
    except TimeoutError as e:
        raise AssertionError(f"{e}; relay covers up to {covered_up_to()}; outbox {state}") \
            from None
    intervals, stored = relay_calls.snapshot()
    unsent = outbox.unsent()

    # The simulator's calls from the first collected id up to the cursor.
    candidates = set(stored) | {json.loads(body)["id"] for _, body in unsent}
    assert candidates, f"{device}: no calls at the relay nor in the outbox: {state}"
    first = min(candidates)
    assert first in first_ids, (f"{device}: first collected call {first} is not where a fresh "
                                f"agent starts ({sorted(first_ids)})")
    lines = sim_call_lines(agent.conf_path, after=first - 1, until_id=cursor, at_ms=now_ms())
    expected = [json.loads(line) for line in lines]
    ids = [c["id"] for c in expected]
    figures = {"device": device, "expected": len(expected), "outbox_seqs": n, "acked": acked,
               "unsent": len(unsent), "relay_rows": len(stored), "relay_ranges": intervals,
               "first_id": first, "cursor": cursor}
    assert ids and ids[-1] == cursor, (f"{device}: the cursor {cursor} is not a call of the "
                                       f"simulator (last expected {ids[-1:]}): {figures}")

    missing = sorted(set(ids) - candidates)
    extra = sorted(candidates - set(ids))
    assert not missing, (f"{device}: {len(missing)} calls LOST (neither at the relay nor in "
                         f"the outbox), first {missing[:10]}: {figures}")
    assert not extra, f"{device}: {len(extra)} calls that should not exist, {extra[:10]}: {figures}"
    # Each outbox seq holds one call and seqs follow ids (the collector appends ascending
    # pages): seq i must be the i-th expected call. More seqs than calls = a call collected
    # twice, which the relay's unique key would otherwise absorb without a trace.
    assert n == len(ids), (f"{device}: the outbox assigned {n} seqs for {len(ids)} calls "
                           f"(a call collected {'twice' if n > len(ids) else 'never'}): {figures}")
    # The relay covers exactly seqs 1..m of this epoch, and holds one distinct call per seq.
    assert len(intervals) == 1 and intervals[0][0] == epoch and intervals[0][1] == 1, \
        f"{device}: relay seq coverage is not one interval 1..m of epoch {epoch}: {figures}"
    m = intervals[0][2]
    assert acked <= m <= n, f"{device}: relay covers 1..{m}, outside [acked, assigned]: {figures}"
    assert set(stored) == set(ids[:m]), (f"{device}: relay holds {len(stored)} calls, not the "
                                         f"first {m} expected ones: {figures}")
    for seq, body in unsent:
        assert json.loads(body)["id"] == ids[seq - 1], \
            f"{device}: unsent seq {seq} holds {body[:60]}, expected id {ids[seq - 1]}"
        assert body == lines[seq - 1], \
            f"{device}: unsent seq {seq} body differs from the simulator's: {body}"
    for call in expected[:m]:
        assert stored[call["id"]] == call, (f"{device}: relay row differs from the simulator's "
                                            f"call: {stored[call['id']]} != {call}")
    return figures


def fresh_start_ids(config: Path, from_ms: int, to_ms: int) -> set[int]:
    """First call a fresh agent (cursor 0) reads when it first polls between from_ms and
    to_ms: the history window starts at the poll's minute, so one id per minute."""
    ids = set()
    minute = from_ms // 60_000
    while minute <= to_ms // 60_000:
        at = max(from_ms, minute * 60_000)
        first = sim_calls(config, after=0, at_ms=at, limit=1)
        if first:
            ids.add(first[0]["id"])
        minute += 1
    return ids
