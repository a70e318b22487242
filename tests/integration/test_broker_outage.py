"""Broker outages: agents buffer in their outboxes and, when the broker is back, everything
reaches the relay exactly once and in order, whether the relay re-subscribes before or after
the agents have drained."""
import time

from harness.delivery import check_exactly_once, wait_stored
from harness.ports import wait_for

DEVICES = ["OUT-1", "OUT-2", "OUT-3"]
OUTAGE_S = 60.0
AGENT_SETTINGS = {
    "sampler": {"interval": "100ms"},
    # The backlog (~600 samples each) must drain in seconds, not at the product's default
    # pace; jitter stays on (it is part of what is tested) but short.
    "mqtt": {"flush_rate": 20, "flush_burst": 20, "reconnect_jitter": "2s",
             "max_batch_records": 100, "reconnect_max": "1s"},
}


def test_agents_deliver_their_backlog_exactly_once_after_a_broker_outage(fleet):
    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices(*DEVICES)
    relay.start()
    db = relay.db()
    agents = fleet.make_agents(DEVICES, AGENT_SETTINGS)
    for agent in agents:
        agent.start()
    for agent in agents:
        wait_stored(db, agent, at_least=5, timeout=10)

    fleet.broker.stop()
    outage_started = time.monotonic()
    counts_at_outage = {a.device_id: a.status().last_seq("telemetry") for a in agents}
    # The agents keep sampling while the broker is away: their outboxes grow.
    wait_for(lambda: all(a.check_alive() or a.status().depth("telemetry") >= 100 for a in agents),
             timeout=30,
             what="every outbox holding >= 100 unsent samples during the outage")
    wait_for(lambda: relay.http_get("/readyz")[0] == 503, timeout=30,
             what="relay /readyz 503 while the broker is down")
    remaining = OUTAGE_S - (time.monotonic() - outage_started)
    if remaining > 0:
        time.sleep(remaining)  # the outage itself is the thing under test, not a wait
    for agent in agents:
        agent.check_alive()
        produced = agent.status().last_seq("telemetry") - counts_at_outage[agent.device_id]
        assert produced >= 0.8 * OUTAGE_S / 0.1, (agent.device_id, produced)
    relay.check_alive()

    fleet.broker.start()
    broker_back = time.monotonic()
    # Watch both at once: a backlog drained before the relay re-subscribed went to nobody
    # if the broker forgot the relay's shared subscription (the broker answers PUBACK 16).
    relay_ready_s = drained_s = None
    while time.monotonic() - broker_back < 60 and (relay_ready_s is None or drained_s is None):
        since = time.monotonic() - broker_back
        if relay_ready_s is None and relay.http_get("/readyz")[0] == 200:
            relay_ready_s = since
        if drained_s is None and all(a.check_alive() or a.status().depth("telemetry") == 0
                                     for a in agents):
            drained_s = since
        time.sleep(0.1)
    assert relay_ready_s is not None, "relay not ready 60s after the broker returned"
    assert drained_s is not None, "outboxes not drained 60s after the broker returned"
    print(f"after the broker returned: relay ready after {relay_ready_s:.1f}s, "
          f"outboxes drained after {drained_s:.1f}s")

    for agent in agents:
        assert agent.stop() == 0, agent.log_tail()
    for agent in agents:
        figures = check_exactly_once(agent, db, timeout=30)
        print("delivery:", figures)
        assert figures["assigned"] >= 600
    assert relay.metric("ccc_relay_decode_errors_total", reason="malformed") == 0


def test_a_backlog_drained_while_the_relay_is_still_away_after_a_broker_restart_is_not_lost(fleet):
    # The deterministic form of the race above: the relay comes back after the agents have
    # drained. Its persistent session must hold their messages as it does when only the
    # relay restarts (test_relay_crash).
    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices("OUT-LATE")
    relay.start()
    db = relay.db()
    agent = fleet.make_agent("OUT-LATE", {"sampler": {"interval": "100ms"},
                                          "mqtt": {"flush_rate": 0, "reconnect_max": "500ms"}})
    agent.start()
    wait_stored(db, agent, at_least=5, timeout=10)

    assert relay.stop() == 0, relay.log_tail()
    fleet.broker.stop()
    wait_for(lambda: agent.check_alive() or agent.status().depth("telemetry") >= 20, timeout=15,
             what="20 samples waiting in the outbox during the outage")
    fleet.broker.start()
    wait_for(lambda: agent.check_alive() or agent.status().depth("telemetry") == 0, timeout=20,
             what="the agent draining its backlog into the broker")
    relay.start()
    assert agent.stop() == 0, agent.log_tail()
    print("delivery:", check_exactly_once(agent, db, timeout=15))
