"""Issue 5, call data: agents killed (-9), restarted (SIGTERM) and cut off from the broker
during a burst of calls; at the end the relay holds every call exactly once.

"Exactly" is measured against the simulator itself (ccc-sim-calls: the agent's simulator
and config reader), not against the agent's outbox: the relay's calls plus those still
unsent must be the simulator's calls from the first one collected up to the agent's
cursor, field for field, and the outbox must have assigned one seq per call (a call read
twice would get a second seq; the relay's unique key would absorb it without a trace).

The burst: the simulator follows German office hours, so live calls per second cannot be
promised at every hour the test may run. A fresh agent reads the PBX's call history at
once, so the history is the burst: history_days and calls_per_hour are chosen from the
simulator's own count to give about BURST_A calls whatever the time. Agent A's outbox is
capped (1 MiB, ~2,500 calls) and its uplink paced (~250 calls/s), so collection is held
up by delivery throughout: pages are refused by the full outbox and read again later.
Agent B starts during the broker outage and reads its whole history into its outbox."""
import time

import pytest
from harness.calls import (OutboxCalls, RelayCalls, check_calls_exactly_once,
                           fresh_start_ids, now_ms, sim_call_count, sim_calls)
from harness.ports import wait_for
from harness.processes import merge
from harness.randomness import seeded_random

DEVICE_A = "CALLS-A"
DEVICE_B = "CALLS-B"
BURST_A = 6000
BURST_B = 2000
MAX_CALLS_PER_HOUR = 6000  # the simulator's limit
COMMON = {
    "outbox": {"sync": "full"},
    "mqtt": {"reconnect_min": "100ms", "reconnect_max": "500ms", "reconnect_jitter": "500ms"},
    "source": {"calls_interval": "200ms"},
}
AGENT_A = merge(COMMON, {"outbox": {"max_size": "1MiB"},
                         "mqtt": {"flush_rate": 10, "flush_burst": 10, "max_batch_records": 25}})
AGENT_B = merge(COMMON, {"mqtt": {"flush_rate": 20, "flush_burst": 20, "max_batch_records": 25}})
# Calls that ended this long ago must have been collected by a running agent (it reads every
# calls_interval).
COLLECT_LAG_MS = 3000


def size_burst(agent, target: int) -> int:
    """Sets [source] history_days and calls_per_hour so that a fresh agent starts with about
    `target` calls of history; returns the simulator's count for the chosen settings."""
    source = agent.settings["source"]
    for days in range(1, 8):
        source.update(history_days=days, calls_per_hour=MAX_CALLS_PER_HOUR)
        agent.write_config()
        full = sim_call_count(agent.conf_path)
        if full >= target:
            break
    # Slot counts are Poisson draws with a mean proportional to calls_per_hour.
    source["calls_per_hour"] = min(MAX_CALLS_PER_HOUR,
                                   round(MAX_CALLS_PER_HOUR * target / max(full, 1), 1))
    agent.write_config()
    return sim_call_count(agent.conf_path)


def caught_up(agent) -> bool:
    """Every call that ended COLLECT_LAG_MS ago or earlier is in the agent's outbox."""
    cursor = OutboxCalls(agent).state()["cursor"]
    return cursor > 0 and sim_call_count(agent.conf_path, after=cursor,
                                         at_ms=now_ms() - COLLECT_LAG_MS) == 0


def drained_and_caught_up(agent) -> bool:
    agent.check_alive()
    state = OutboxCalls(agent).state()
    return state["last_seq"] == state["acked"] and caught_up(agent)


def outbox_full_alerts(agent) -> int:
    return sum('"type":"outbox_full"' in body
               for body in OutboxCalls(agent).stream_bodies("events"))


def start_fresh(agent) -> tuple[int, int]:
    """Starts an agent that never ran and waits for its first stored page of calls. Returns
    the wall clock before the start and after that page (its first read was in between)."""
    before = now_ms()
    agent.spawn()  # no wait_ready: its `status` call would let the next pages go by
    wait_for(lambda: agent.check_alive() or OutboxCalls(agent).state()["last_seq"] > 0,
             15, interval=0.002, what=f"{agent.device_id}: first page of calls stored")
    return before, now_ms()


def grows(relay_calls: RelayCalls, by: int, agent, timeout: float = 30):
    base = relay_calls.count()
    wait_for(lambda: agent.check_alive() or relay_calls.count() >= base + by, timeout,
             interval=0.05, what=f"{by} more calls of {relay_calls.device} at the relay")


def test_a_burst_of_calls_survives_kills_restarts_and_a_broker_outage_exactly_once(fleet):
    rng = seeded_random()

    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices(DEVICE_A, DEVICE_B)
    relay.start()
    fleet.pki.clients(DEVICE_A, DEVICE_B)
    a = fleet.make_agent(DEVICE_A, AGENT_A)
    b = fleet.make_agent(DEVICE_B, AGENT_B)
    burst_a, burst_b = size_burst(a, BURST_A), size_burst(b, BURST_B)
    print(f"history: {DEVICE_A} {burst_a} calls {a.settings['source']}, "
          f"{DEVICE_B} {burst_b} calls {b.settings['source']}")
    assert burst_a >= BURST_A // 2 and burst_b >= BURST_B // 2, "no burst to test with"
    at_relay_a, at_relay_b = RelayCalls(relay, DEVICE_A), RelayCalls(relay, DEVICE_B)
    outbox_a, outbox_b = OutboxCalls(a), OutboxCalls(b)
    started = time.monotonic()

    # 1. kill -9 while the history pours into the outbox.
    a_from, a_to = start_fresh(a)
    time.sleep(rng.uniform(0, 0.03))  # a random moment of the collection, not a wait
    a.kill()
    epoch_a = int(a.status().epoch)
    print(f"{time.monotonic() - started:5.1f}s kill -9 while collecting: {outbox_a.state()}")
    a.start()

    # 2. SIGTERM restart while the backlog is delivered (and the outbox is full).
    grows(at_relay_a, 300, a)
    assert a.stop() == 0, a.log_tail()
    print(f"{time.monotonic() - started:5.1f}s SIGTERM restart: {outbox_a.state()}, "
          f"relay {at_relay_a.count()}")
    a.start()

    # 3. Broker outage. A keeps trying to read calls into its full outbox (pages refused,
    # cursor kept), is killed and restarted meanwhile; B starts and reads its whole history.
    grows(at_relay_a, 300, a)
    fleet.broker.stop()
    print(f"{time.monotonic() - started:5.1f}s broker stopped: {outbox_a.state()}, "
          f"relay {at_relay_a.count()}")
    b_from, b_to = start_fresh(b)
    epoch_b = int(b.status().epoch)
    wait_for(lambda: b.check_alive() or caught_up(b), 30, interval=0.2,
             what=f"{DEVICE_B}: whole history in its outbox while the broker is down")
    assert outbox_b.state()["acked"] == 0 and at_relay_b.count() == 0
    alerts = outbox_full_alerts(a)
    a.kill()
    a.start()
    wait_for(lambda: a.check_alive() or outbox_full_alerts(a) > alerts, 15, interval=0.1,
             what=f"{DEVICE_A}: an outbox_full alert after its restart during the outage")
    print(f"{time.monotonic() - started:5.1f}s during the outage: A {outbox_a.state()}, "
          f"B {outbox_b.state()}")
    fleet.broker.start()

    # 4. Both restarted while they drain their backlogs.
    grows(at_relay_b, 200, b)
    assert outbox_b.state()["last_seq"] > outbox_b.state()["acked"], "B drained too soon"
    b.kill()
    b.start()
    grows(at_relay_a, 300, a)
    a.kill()
    print(f"{time.monotonic() - started:5.1f}s kill -9 while draining: A {outbox_a.state()}, "
          f"B relay {at_relay_b.count()}")
    a.start()

    # 5. Everything delivered and nothing more to read: stop, then compare.
    wait_for(lambda: drained_and_caught_up(a) and drained_and_caught_up(b), 90, interval=0.5,
             what="both agents drained and caught up with the simulator")
    print(f"{time.monotonic() - started:5.1f}s drained")
    assert a.stop() == 0, a.log_tail()
    assert b.stop() == 0, b.log_tail()
    figures_a = check_calls_exactly_once(a, relay, fresh_start_ids(a.conf_path, a_from, a_to),
                                         epoch_a)
    figures_b = check_calls_exactly_once(b, relay, fresh_start_ids(b.conf_path, b_from, b_to),
                                         epoch_b)
    print("calls:", figures_a)
    print("calls:", figures_b)
    assert figures_a["expected"] >= burst_a and figures_b["expected"] >= burst_b
    assert relay.metric("ccc_relay_invalid_records_total") == 0
    # Duplicates the relay dropped: re-sent batches (at least once after kill -9) and, were
    # the agent wrong, calls collected twice. The relay counts both in one figure for all
    # streams; the seq checks above tell them apart.
    print("relay duplicates dropped (all streams, re-sends included):",
          relay.metric("ccc_relay_duplicates_dropped_total"))


@pytest.mark.parametrize("shift, complaint", [(+5, "LOST"), (-5, "twice")])
def test_the_check_catches_a_cursor_moved_past_or_behind_the_stored_calls(fleet, shift,
                                                                           complaint):
    # What a collector that writes its cursor apart from its records would do after a
    # crash: skip calls (cursor ahead) or read them again (cursor behind). Simulated by
    # moving the stopped agent's cursor; the check must fail, naming the fault.
    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices(DEVICE_A)
    relay.start()
    agent = fleet.make_agent(DEVICE_A, AGENT_A)
    size_burst(agent, 4000)
    outbox = OutboxCalls(agent)
    started_from, started_to = start_fresh(agent)
    assert agent.stop() == 0, agent.log_tail()
    epoch = int(agent.status().epoch)
    cursor = outbox.state()["cursor"]
    if shift > 0:
        # The paced uplink and the capped outbox keep most of the history unread so far.
        ahead = sim_calls(agent.conf_path, after=cursor, limit=shift)
        assert len(ahead) == shift, f"history already read up to {cursor}"
        target = ahead[-1]["id"]
    else:
        first = min(fresh_start_ids(agent.conf_path, started_from, started_to))
        read = sim_calls(agent.conf_path, after=first - 1, until_id=cursor)
        target = read[shift - 1]["id"]
    outbox.set_cursor(target)
    agent.settings["mqtt"]["flush_rate"] = 0  # the rest of the history at full speed
    agent.write_config()
    agent.start()
    wait_for(lambda: drained_and_caught_up(agent), 60, interval=0.3,
             what="agent drained and caught up")
    assert agent.stop() == 0, agent.log_tail()
    with pytest.raises(AssertionError, match=complaint) as failure:
        check_calls_exactly_once(agent, relay,
                                 fresh_start_ids(agent.conf_path, started_from, started_to), epoch)
    print("the check said:", str(failure.value)[:300])
    if shift < 0:
        # The relay's table alone looks perfect: its key absorbed the calls read twice.
        _, stored = RelayCalls(relay, DEVICE_A).snapshot()
        expected = sim_calls(agent.conf_path, after=min(stored) - 1,
                             until_id=outbox.state()["cursor"])
        assert set(stored) == {c["id"] for c in expected}
