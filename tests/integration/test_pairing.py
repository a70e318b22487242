"""Pairing end to end (issue 3, FEATURES A3-A5) with the real relay, broker and agent:
create a system in the portal API -> confirmation code -> `ccc-agent pair CODE` -> the agent
runs with its new certificate and the relay sees it online -> `ccc-agent unpair` -> the
relay revokes the certificate, the broker drops the live connection and refuses the old
certificate from then on. Expired, reused and foreign-serial codes are refused with the
documented 422 codes, exit status 1 and a sentence that says what to do.

The broker runs the production layout (config/mosquitto/ccc.conf): agents on a listener of
their own (the relay's device CA + its CRL), the relay on the main listener, the dynamic-
security plugin for evicting live sessions (docs/broker-revocation.md). The relay uses a
device CA made by the harness (the broker's device listener needs its certificate before
the relay starts) and tells agents the device listener as their broker.
"""
import json
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from harness.broker import Broker
from harness.ports import free_port, wait_for
from harness.processes import Agent
from harness.site import Site, cli, pair

# The relay's smallest code lifetime (relay/pairing/pairing_config.cc: 1m..30d). The
# expired-code test waits it out at the end, after the other tests used the time.
CODE_TTL_S = 60
PASSWORD = "pairing-test-password"
EMAIL = "installer@pairing.test"
COMPANY = "Pairing Test GmbH"
ONLINE_DEADLINE_S = 30
DROP_DEADLINE_S = 10

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3

def handshake_ok(broker: Broker, ca, cert, key) -> bool:
    """One TLS 1.2 handshake with the agents' listener, no MQTT (an MQTT connect would take
    over the device's session): True when the broker accepts the certificate."""
    context = ssl.create_default_context(cafile=str(ca))
    context.load_cert_chain(str(cert), str(key))
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        with socket.create_connection(("127.0.0.1", broker.device_port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname="localhost"):
                return True
    except (ssl.SSLError, OSError):
        return False


def credentials(agent: Agent) -> dict:
    d = agent.data_dir
    return {name: d / name for name in
            ("agent.key", "agent.crt", "device-ca.crt", "broker-ca.crt", "pairing.json")}


def assert_refused(result: subprocess.CompletedProcess, sentence: str, agent: Agent):
    assert result.returncode == EXIT_REFUSED, result.stdout + result.stderr
    assert sentence in result.stderr, result.stderr
    files = credentials(agent)
    # A refused attempt keeps only the key, for the next try.
    assert files["agent.key"].exists()
    for name in ("agent.crt", "device-ca.crt", "pairing.json"):
        assert not files[name].exists(), name


@pytest.fixture(scope="module")
def site(tmp_path_factory, pki):
    s = Site(tmp_path_factory.mktemp("pairing"), pki, COMPANY, EMAIL, PASSWORD,
             code_ttl_s=CODE_TTL_S)
    try:
        s.start()
        # The code of this system must be expired by the time the last test runs.
        s.expired_system = s.portal.create_system("Expiring", "PBX-EXPIRE1")
        s.expired_created = time.monotonic()
        yield s
    finally:
        s.stop()


def test_pair_run_and_unpair_end_to_end(site):
    system = site.portal.create_system("Head office", "PBX-PAIR001")
    assert system["paired"] is False
    code = system["confirmation_code"]["code"]
    agent = site.agent("main", "PBX-PAIR001", monitoring=True)

    # Lower case without dashes, as someone might type it.
    result = pair(agent, code.lower().replace("-", ""))
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    assert "Paired" in result.stdout
    files = credentials(agent)
    for name, path in files.items():
        assert path.exists(), name
    assert files["agent.key"].stat().st_mode & 0o777 == 0o600
    assert files["agent.crt"].stat().st_mode & 0o777 == 0o600
    record = json.loads(files["pairing.json"].read_text())
    assert record["broker"] == {"host": "127.0.0.1", "port": site.broker.device_port}
    status = cli(agent, "status")
    assert "paired:   yes, certificate CN PBX-PAIR001" in status.stdout, status.stdout

    # A second `pair` on a paired agent is refused before anything is sent.
    again = pair(agent, code)
    assert again.returncode == EXIT_USAGE
    assert "ccc-agent unpair" in again.stderr

    agent.start()
    wait_for(lambda: site.portal.system(system["id"])["online"] is True, ONLINE_DEADLINE_S,
             what="the relay sees the paired agent online")
    wait_for(lambda: site.portal.system(system["id"])["opt_in"]["monitoring"] is True,
             ONLINE_DEADLINE_S, what="the agent's opt-in reaches the relay")
    shown = site.portal.system(system["id"])
    assert shown["paired"] is True
    assert shown["opt_in"]["remote_configuration"] is False
    assert shown["first_registration_at"] is not None
    assert agent.status().raw["pairing"]["common_name"] == "PBX-PAIR001"

    old_cert, old_key = site.dir / "old.crt", site.dir / "old.key"
    shutil.copyfile(files["agent.crt"], old_cert)
    shutil.copyfile(files["agent.key"], old_key)
    assert handshake_ok(site.broker, site.pki.ca, old_cert, old_key)

    # Unpair while the agent is connected.
    result = cli(agent, "unpair")
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    for name in ("agent.key", "agent.crt", "device-ca.crt", "pairing.json"):
        assert not files[name].exists(), name
    assert site.portal.system(system["id"])["paired"] is False

    # The broker drops the live connection and refuses the old certificate from now on.
    wait_for(lambda: agent.status().raw["connected"] is False, DROP_DEADLINE_S,
             what="the unpaired agent's live connection is dropped")
    assert "disconnected by administrative action" in site.broker.log()
    assert not handshake_ok(site.broker, site.pki.ca, old_cert, old_key)
    wait_for(lambda: site.portal.system(system["id"])["online"] is False, DROP_DEADLINE_S,
             what="the relay shows the unpaired system offline")
    agent.stop()

    # Unpairing again has nothing to do.
    result = cli(agent, "unpair")
    assert result.returncode == EXIT_OK
    assert "not paired" in result.stdout


def test_the_owner_unpairs_a_site_that_lost_its_key_and_pairs_it_again(site):
    system = site.portal.create_system("Warehouse", "PBX-PAIR005")
    agent = site.agent("warehouse", "PBX-PAIR005")
    assert pair(agent, system["confirmation_code"]["code"]).returncode == EXIT_OK
    agent.start()
    wait_for(lambda: site.portal.system(system["id"])["online"] is True, ONLINE_DEADLINE_S,
             what="the paired agent online")
    files = credentials(agent)
    old_cert, old_key = site.dir / "lost.crt", site.dir / "lost.key"
    shutil.copyfile(files["agent.crt"], old_cert)
    shutil.copyfile(files["agent.key"], old_key)

    # From the portal: the system stays, its connection goes.
    status, shown = site.portal.call("POST", f"/api/v1/systems/{system['id']}/unpair")
    assert status == 200, shown
    assert shown["paired"] is False and shown["name"] == "Warehouse"
    wait_for(lambda: agent.status().raw["connected"] is False, DROP_DEADLINE_S,
             what="the live connection of the unpaired agent is dropped")
    assert not handshake_ok(site.broker, site.pki.ca, old_cert, old_key)
    status, again = site.portal.call("POST", f"/api/v1/systems/{system['id']}/unpair")
    assert (status, again["error"]["code"]) == (409, "not_paired")
    agent.stop()

    # On site the agent learns it is no longer paired and clears its files; a new code
    # pairs the same system again.
    assert cli(agent, "unpair").returncode == EXIT_OK
    assert not files["agent.crt"].exists()
    status, code = site.portal.call("POST", f"/api/v1/systems/{system['id']}/token")
    assert status == 201, code
    assert pair(agent, code["code"]).returncode == EXIT_OK
    agent.start()
    wait_for(lambda: site.portal.system(system["id"])["online"] is True, ONLINE_DEADLINE_S,
             what="the re-paired agent online")
    agent.stop()


def test_a_used_code_is_refused(site):
    system = site.portal.create_system("Branch", "PBX-PAIR002")
    code = system["confirmation_code"]["code"]
    first = site.agent("branch", "PBX-PAIR002")
    assert pair(first, code).returncode == EXIT_OK
    second = site.agent("branch-again", "PBX-PAIR002")
    assert_refused(pair(second, code), "already been used", second)


def test_a_code_of_another_serial_is_refused(site):
    system = site.portal.create_system("Warehouse", "PBX-PAIR003")
    agent = site.agent("wrong-serial", "PBX-OTHER03")
    assert_refused(pair(agent, system["confirmation_code"]["code"]),
                   "serial number is not this PBX's (PBX-OTHER03)", agent)
    # The code is still good for the right PBX.
    right = site.agent("right-serial", "PBX-PAIR003")
    assert pair(right, system["confirmation_code"]["code"]).returncode == EXIT_OK


def test_an_unknown_code_is_refused(site):
    agent = site.agent("unknown-code", "PBX-PAIR004")
    assert_refused(pair(agent, "2345-6789-ABCD"), "does not know this confirmation code", agent)


def test_a_malformed_code_is_a_usage_error_and_sends_nothing(site):
    agent = site.agent("malformed", "PBX-PAIR005")
    result = pair(agent, "0000-IIII-OOOO")
    assert result.returncode == EXIT_USAGE
    assert "is not a confirmation code" in result.stderr
    assert not credentials(agent)["agent.key"].exists()


def test_an_unreachable_relay_exits_with_three(site):
    agent = site.agent("no-relay", "PBX-PAIR006", relay_url=f"http://127.0.0.1:{free_port()}")
    result = pair(agent, "2345-6789-ABCD")
    assert result.returncode == EXIT_UNREACHABLE, result.stderr
    assert "cannot reach the relay" in result.stderr


def test_an_expired_code_is_refused(site):
    remaining = site.expired_created + CODE_TTL_S + 1 - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)  # the code's lifetime is the condition here, not a race
    system = site.portal.system(site.expired_system["id"])
    assert system["confirmation_code"]["expired"] is True
    agent = site.agent("expired", "PBX-EXPIRE1")
    assert_refused(pair(agent, site.expired_system["confirmation_code"]["code"]),
                   "has expired", agent)
