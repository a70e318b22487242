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
import urllib.error
import urllib.request

import pytest

from harness.broker import Broker
from harness.ports import free_port, wait_for
from harness.processes import Agent, Relay, binary

# The relay's smallest code lifetime (relay/pairing/pairing_config.cc: 1m..30d). The
# expired-code test waits it out at the end, after the other tests used the time.
CODE_TTL_S = 60
PASSWORD = "pairing-test-password"
EMAIL = "installer@pairing.test"
COMPANY = "Pairing Test GmbH"
ONLINE_DEADLINE_S = 30
DROP_DEADLINE_S = 10

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Portal:
    """A logged-in API client of the relay: session cookie + X-CSRF-Token on changes."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.cookie = None
        self.csrf = None

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        if self.csrf and method not in ("GET", "HEAD"):
            request.add_header("X-CSRF-Token", self.csrf)
        try:
            with _DIRECT.open(request, timeout=15) as response:
                status, headers, text = response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            status, headers, text = e.code, e.headers, e.read()
        if method == "POST" and path == "/api/v1/session" and status == 200:
            for value in headers.get_all("Set-Cookie") or []:
                if value.startswith("ccc_session="):
                    self.cookie = value.split(";", 1)[0]
        return status, (json.loads(text) if text else {})

    def login(self, email: str, password: str):
        status, body = self.call("POST", "/api/v1/session",
                                 {"email": email, "password": password})
        assert status == 200, body
        self.csrf = body["csrf_token"]
        assert self.cookie, "no ccc_session cookie in the login answer"

    def create_system(self, name: str, serial: str) -> dict:
        status, body = self.call("POST", "/api/v1/systems", {"name": name, "serial": serial})
        assert status == 201, body
        assert body["confirmation_code"] and body["confirmation_code"]["code"], body
        return body

    def system(self, system_id: int) -> dict:
        status, body = self.call("GET", f"/api/v1/systems/{system_id}")
        assert status == 200, body
        return body


class Site:
    """Everything of the module: broker, relay, a logged-in portal user."""

    def __init__(self, directory, pki):
        self.dir = directory
        self.pki = pki
        self.device_ca = pki.device_ca("pairing-device-ca")
        self.broker = Broker(directory / "broker", pki, device_ca=self.device_ca, dynsec=True)
        relay_cert, relay_key = pki.client("ccc-relay")
        self.relay = None
        self.relay_args = dict(relay_cert=relay_cert, relay_key=relay_key)
        self.portal = None
        self.agents: list[Agent] = []
        self.expired_system = None  # created first, tried last

    def start(self):
        self.broker.start()
        b = self.broker
        self.relay = Relay(self.dir / "relay", self.pki, b.port, overrides={
            "pairing": {
                "code_ttl": f"{CODE_TTL_S}s",
                "broker_host": "127.0.0.1",
                "broker_port": b.device_port,
                "broker_ca_file": str(self.pki.ca),
                "ca_key_file": str(self.device_ca.key),
                "ca_cert_file": str(self.device_ca.cert),
            },
            "broker": {
                "crl_file": str(b.crl_path),
                "reload_pid_file": str(b.pid_path),
                "evict": "dynsec",
                "dynsec_host": "127.0.0.1",
                "dynsec_port": b.port,
                "dynsec_ca_file": str(self.pki.ca),
                "dynsec_cert_file": str(self.relay_args["relay_cert"]),
                "dynsec_key_file": str(self.relay_args["relay_key"]),
                "timeout": "5s",
            },
        })
        self.relay.admin("company", "create", COMPANY)
        self.relay.admin("user", "create", "--company", COMPANY, "--email", EMAIL,
                         "--password", PASSWORD)
        self.relay.start()
        self.portal = Portal(self.relay.url)
        self.portal.login(EMAIL, PASSWORD)
        return self

    def agent(self, name: str, serial: str, relay_url: str | None = None, **site) -> Agent:
        """An agent folder whose config has no credentials yet: key, certificate and broker
        CA default to its data_dir, the broker address comes from pairing.json."""
        agent = Agent(self.dir / "agents" / name, self.pki, self.broker.device_port, serial,
                      overrides={
                          "mqtt": {"host": None, "port": None, "ca_file": None,
                                   "cert_file": None, "key_file": None},
                          "pairing": {"relay_url": relay_url or self.relay.url,
                                      "timeout": "10s"},
                          "site": site,
                      })
        self.agents.append(agent)
        return agent

    def stop(self):
        for agent in self.agents:
            agent.stop()
        if self.relay is not None:
            self.relay.stop()
        self.broker.stop()


def cli(agent: Agent, *args: str) -> subprocess.CompletedProcess:
    cmd = [str(binary("ccc-agent")), *args, "--config", str(agent.conf_path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def pair(agent: Agent, code: str) -> subprocess.CompletedProcess:
    return cli(agent, "pair", code)


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
    s = Site(tmp_path_factory.mktemp("pairing"), pki)
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
