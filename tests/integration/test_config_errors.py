"""Bad configuration: both programs exit with status 2 and a message naming the file, the key
and the value, before touching any state (an agent's backlog survives a bad config)."""
import hashlib
import subprocess
from pathlib import Path

import pytest

from harness.ports import free_port, wait_for
from harness.processes import Agent, Relay, binary, merge, render_toml

EXIT_CONFIG = 2


def _run(program: str, config: Path, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary(program)), "run", "--config", str(config)],
                          capture_output=True, text=True, timeout=timeout)


def _agent_cases(settings: dict):
    return [
        ("typo'd key", merge(settings, {"mqtt": {"prot": 8883}}), ["mqtt.prot"]),
        ("port out of range", merge(settings, {"mqtt": {"port": 70000}}), ["mqtt.port", "70000"]),
        ("duration without a unit we know", merge(settings, {"sampler": {"interval": "fast"}}),
         ["sampler.interval", "fast"]),
        ("duration below its minimum", merge(settings, {"sampler": {"interval": "10ms"}}),
         ["sampler.interval", "10ms"]),
    ]


def _relay_cases(settings: dict):
    return [
        ("typo'd key", merge(settings, {"store": {"pathh": "x.db"}}), ["store.pathh"]),
        ("port out of range", merge(settings, {"http": {"port": 70000}}), ["http.port", "70000"]),
        ("bad duration", merge(settings, {"ingest": {"max_batch_delay": "soon"}}),
         ["ingest.max_batch_delay", "soon"]),
        ("bad size", merge(settings, {"ingest": {"max_message_bytes": "lots"}}),
         ["ingest.max_message_bytes", "lots"]),
    ]


def _assert_refused(result, config: Path, needles: list[str], what: str):
    output = result.stderr + result.stdout
    assert result.returncode == EXIT_CONFIG, (
        f"{what}: exit {result.returncode}, expected {EXIT_CONFIG}; output:\n{output}")
    for needle in [str(config), *needles]:
        assert needle in result.stderr, f"{what}: stderr does not name {needle!r}:\n{result.stderr}"


def _fingerprint(data_dir: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data_dir.glob("outbox.db*")) if p.name != "outbox.db-shm"}


def test_agent_refuses_a_missing_config_file(tmp_path):
    missing = tmp_path / "nowhere" / "agent.toml"
    _assert_refused(_run("ccc-agent", missing), missing, [], "missing file")


def test_relay_refuses_a_missing_config_file(tmp_path):
    missing = tmp_path / "nowhere" / "relay.toml"
    _assert_refused(_run("ccc-relay", missing), missing, [], "missing file")


def test_agent_refuses_bad_values_and_keeps_its_backlog(fleet, tmp_path):
    # A backlog: the agent samples while no broker listens on its port.
    agent = Agent(tmp_path / "agent", fleet.pki, free_port(), "CFG-1",
                  overrides={"sampler": {"interval": "100ms"}})
    fleet.agents[agent.device_id] = agent  # logs on failure, stopped afterwards
    agent.start()
    wait_for(lambda: agent.check_alive() or agent.status().depth("telemetry") >= 10, timeout=15,
             what="10 unsent samples in the outbox")
    assert agent.stop() == 0, agent.log_tail()
    status_before = agent.status()
    files_before = _fingerprint(agent.data_dir)
    assert "outbox.db" in files_before

    for i, (what, settings, needles) in enumerate(_agent_cases(agent.settings)):
        bad = tmp_path / f"bad-{i}.toml"
        bad.write_text(render_toml(settings))
        _assert_refused(_run("ccc-agent", bad), bad, needles, what)
        assert _fingerprint(agent.data_dir) == files_before, f"{what}: the outbox changed"

    status_after = agent.status()
    assert status_after.depth("telemetry") == status_before.depth("telemetry") >= 10
    assert status_after.next_seq("telemetry") == status_before.next_seq("telemetry")


@pytest.mark.parametrize("index", range(4))
def test_relay_refuses_bad_values(fleet, tmp_path, index):
    relay = Relay(tmp_path / "relay", fleet.pki, broker_port=free_port())
    what, settings, needles = _relay_cases(relay.settings)[index]
    relay.write_config(render_toml(settings))
    _assert_refused(_run("ccc-relay", relay.conf_path), relay.conf_path, needles, what)
