"""kill -9 of the relay while it ingests: the broker keeps the relay's persistent session
queue, the relay acknowledges only after commit, so after a restart every sample is stored
exactly once."""
import time

from harness.delivery import check_exactly_once, wait_drained, wait_stored
from harness.ports import wait_for

DEVICES = ["RC-1", "RC-2", "RC-3"]
AGENT_SETTINGS = {
    "sampler": {"interval": "100ms"},
    "mqtt": {"flush_rate": 0, "reconnect_jitter": "500ms", "max_batch_records": 20},
}
DOWN_S = 4.0


def test_a_relay_killed_mid_ingest_loses_and_duplicates_nothing(fleet):
    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices(*DEVICES)
    relay.start()
    db = relay.db()
    agents = fleet.make_agents(DEVICES, AGENT_SETTINGS)
    for agent in agents:
        agent.start()
    for agent in agents:
        wait_stored(db, agent, at_least=10, timeout=15)

    # Mid-ingest: samples keep arriving every 100 ms per agent.
    wait_for(lambda: relay.metric("ccc_relay_ingest_batches_total") >= 30, timeout=15,
             what="relay ingesting")
    relay.kill()
    counts_at_kill = {a.device_id: db.telemetry_count(a.device_id) for a in agents}
    assigned_at_kill = {a.device_id: a.status().last_seq("telemetry") for a in agents}
    killed_at = time.monotonic()
    # Agents keep publishing; the broker queues for the relay's session.
    wait_for(lambda: all(a.check_alive() or
                         a.status().last_seq("telemetry") >= assigned_at_kill[a.device_id] + 20
                         for a in agents),
             timeout=15, what="agents producing while the relay is down")
    for agent in agents:
        assert agent.status().depth("telemetry") <= 5, (
            f"{agent.device_id}: the broker should be taking the agent's messages while the "
            f"relay is down: {agent.status()}")
    remaining = DOWN_S - (time.monotonic() - killed_at)
    if remaining > 0:
        time.sleep(remaining)  # the relay's downtime is the scenario itself
    assert {a.device_id: db.telemetry_count(a.device_id) for a in agents} == counts_at_kill

    relay.start()
    wait_drained(agents, timeout=30, streams=["telemetry"])
    for agent in agents:
        assert agent.stop() == 0, agent.log_tail()
    for agent in agents:
        figures = check_exactly_once(agent, db, timeout=30)
        print("delivery:", figures)
        assert figures["stored_rows"] > counts_at_kill[agent.device_id] + 20
