"""End-to-end delivery checks: what an agent's outbox assigned versus what the relay stored.

"Nothing committed is lost, nothing duplicated": every telemetry seq the outbox ever
assigned (1..N, read from `ccc-agent status --json`) is either stored at the relay exactly
once or still waiting in the outbox, and the relay stored them in seq order."""
from .ports import wait_for
from .processes import Agent, RelayDb


def wait_drained(agents: list[Agent], timeout: float, streams=None):
    """Waits until every (running) agent's outbox holds nothing unsent on `streams` (all
    streams when None). Live sampling refills it, so the condition is met between samples."""
    def drained():
        pending = {}
        for agent in agents:
            agent.check_alive()
            status = agent.status()
            names = streams or list(status.streams)
            depth = sum(status.depth(s) for s in names)
            if depth:
                pending[agent.device_id] = depth
        drained.last = pending
        return not pending
    drained.last = None
    try:
        wait_for(drained, timeout, interval=0.1, what="agents' outboxes drained")
    except TimeoutError as e:
        raise AssertionError(f"{e}; still pending: {drained.last}") from None


def wait_stored(db: RelayDb, agent: Agent, at_least: int, timeout: float):
    wait_for(lambda: db.telemetry_count(agent.device_id) >= at_least, timeout,
             what=f"{at_least} telemetry samples of {agent.device_id} at the relay")


def check_exactly_once(agent: Agent, db: RelayDb, timeout: float = 30.0,
                       stream: str = "telemetry") -> dict:
    """For a STOPPED agent: the relay holds seqs 1..M of `stream` exactly once, in seq order,
    where last_acked <= M <= N (N = last seq the outbox assigned) and the outbox still holds
    exactly N - last_acked records. With an empty outbox, M == N.
    Returns the figures (for messages). Raises AssertionError naming what is wrong."""
    assert not agent.running, "check_exactly_once needs the agent stopped (its N must not move)"
    status = agent.status()
    n = status.last_seq(stream)
    acked = status.last_acked(stream)
    depth = status.depth(stream)
    assert status.dropped(stream) == 0, f"{agent.device_id}: outbox thinned {stream}: {status}"
    assert n > 0, f"{agent.device_id}: the outbox never assigned a {stream} seq: {status}"
    assert depth == n - acked, (f"{agent.device_id}: outbox depth {depth} but assigned up to {n} "
                                f"and acknowledged up to {acked}: {status}")

    if stream == "telemetry":
        def rows():
            return db.telemetry_seqs(agent.device_id)
    else:
        def rows():
            return db.record_seqs(agent.device_id, stream)

    # Everything the broker acknowledged reaches the relay; give it time to ingest.
    def has_acked():
        seqs = {s for _, s in rows()}
        return all(s in seqs for s in range(1, acked + 1))
    try:
        wait_for(has_acked, timeout, interval=0.1,
                 what=f"{agent.device_id}: relay holding {stream} seqs 1..{acked}")
    except TimeoutError as e:
        seqs = sorted({s for _, s in rows()})
        missing = [s for s in range(1, acked + 1) if s not in set(seqs)]
        raise AssertionError(f"{e}: {len(missing)} missing, first {missing[:20]}; "
                             f"relay has {len(seqs)} distinct (max {seqs[-1] if seqs else None}); "
                             f"status {status}") from None
    stored = rows()
    epochs = {e for e, _ in stored}
    seqs = [s for _, s in stored]
    m = max(seqs)
    figures = {"device": agent.device_id, "assigned": n, "acked": acked, "outbox_depth": depth,
               "stored_rows": len(seqs), "stored_max": m, "epochs": sorted(epochs)}
    assert len(epochs) == 1, f"{agent.device_id}: several epochs stored: {figures}"
    if status.epoch is not None:
        assert epochs == {int(status.epoch)}, f"{agent.device_id}: epoch differs: {figures}"
    dups = len(seqs) - len(set(seqs))
    assert dups == 0, f"{agent.device_id}: {dups} duplicate rows: {figures}"
    assert acked <= m <= n, f"{agent.device_id}: stored max outside [acked, assigned]: {figures}"
    missing = sorted(set(range(1, m + 1)) - set(seqs))
    assert not missing, f"{agent.device_id}: gaps in 1..{m}: first {missing[:20]}: {figures}"
    assert seqs == sorted(seqs), (f"{agent.device_id}: stored out of seq order (rowid order), "
                                  f"first inversion at {_first_inversion(seqs)}: {figures}")
    if depth == 0:
        assert m == n, f"{agent.device_id}: outbox empty but relay has 1..{m}, not 1..{n}"
    return figures


def _first_inversion(seqs):
    for i in range(1, len(seqs)):
        if seqs[i] < seqs[i - 1]:
            return (i, seqs[i - 1], seqs[i])
    return None
