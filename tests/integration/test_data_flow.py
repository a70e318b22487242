"""Live data path: agent -> Mosquitto -> relay -> SQLite, with presence and sysinfo."""
import json
import time

from harness.ports import wait_for

DEVICES = ["FLOW-A", "FLOW-B"]
FIRST_SAMPLE_BUDGET_S = 2.0
# mqtt.reconnect_jitter stays at its default (5s) on purpose: it is the delay "before
# draining a backlog after reconnect" (brief, agent config), not a delay for live data after
# start-up.
AGENT_SETTINGS = {"sampler": {"interval": "200ms"}}


def _watch_first_samples(broker, db, agents, timeout: float) -> dict:
    """Polls every 10 ms, for all agents at once, for two events: Mosquitto logging the
    agent's connection ("New client connected ... u'<CN>')") and the agent's first telemetry
    row at the relay. Each time is when we first saw it, i.e. up to one poll late; the
    connection being seen late errs in the agent's favour."""
    seen = {a.device_id: {} for a in agents}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = time.monotonic()
        log = broker.log()
        for agent in agents:
            events = seen[agent.device_id]
            if "connected" not in events and f"u'{agent.device_id}')" in log:
                events["connected"] = now
            if "stored" not in events and db.telemetry_count(agent.device_id) > 0:
                events["stored"] = now
        if all(len(e) == 2 for e in seen.values()):
            break
        time.sleep(0.01)
    result = {}
    for agent in agents:
        events = seen[agent.device_id]
        assert len(events) == 2, (f"{agent.device_id}: within {timeout}s saw only "
                                  f"{sorted(events)} of connected/stored")
        result[agent.device_id] = {
            "start_to_connect_s": round(events["connected"] - agent.started_at, 3),
            "connect_to_stored_s": round(events["stored"] - events["connected"], 3),
            "start_to_stored_s": round(events["stored"] - agent.started_at, 3)}
    return result


def _start_relay(fleet):
    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices(*DEVICES)
    relay.start()
    return relay


def test_sysinfo_and_presence_reach_the_relay_and_follow_the_agents(fleet):
    relay = _start_relay(fleet)
    db = relay.db()
    agents = fleet.make_agents(DEVICES, AGENT_SETTINGS)
    for agent in agents:
        agent.start()

    def sysinfo(device):
        row = db.device(device)
        return json.loads((row or {}).get("sysinfo_json") or "{}")
    for device in DEVICES:
        info = wait_for(lambda: sysinfo(device).get("model") and sysinfo(device), timeout=15,
                        what=f"sysinfo of {device} in the devices table")
        assert info["serial"] == device
        assert info["model"] == "COMtrexx Advanced"
        assert info["firmware"] == "2.6.6"
        assert info.get("agent_version")

    # Presence: online while running...
    for device in DEVICES:
        wait_for(lambda: (db.device(device) or {}).get("online") == 1, timeout=10,
                 what=f"{device} online in the devices table")

    # ...offline after a clean stop; the other agent stays online and keeps delivering.
    stopped, running = agents
    assert stopped.stop() == 0, stopped.log_tail()
    wait_for(lambda: (db.device(stopped.device_id) or {}).get("online") == 0, timeout=10,
             what=f"{stopped.device_id} offline after SIGTERM")
    before = db.telemetry_count(running.device_id)
    wait_for(lambda: db.telemetry_count(running.device_id) >= before + 3, timeout=10,
             what=f"{running.device_id} still delivering")
    assert (db.device(running.device_id) or {}).get("online") == 1
    assert relay.metric("ccc_relay_samples_stored_total") >= before + 3
    assert relay.metric("ccc_relay_mqtt_connected") == 1


def test_the_first_sample_of_each_agent_is_stored_within_two_seconds_of_its_connection(fleet):
    relay = _start_relay(fleet)
    agents = fleet.make_agents(DEVICES, AGENT_SETTINGS)
    for agent in agents:
        agent.spawn()
    latencies = _watch_first_samples(fleet.broker, relay.db(), agents, timeout=15)
    print("first-sample latencies:", json.dumps(latencies))
    for device, figures in latencies.items():
        assert figures["connect_to_stored_s"] < FIRST_SAMPLE_BUDGET_S, (device, figures)
