"""Revocation at the broker (issue 3, docs/broker-revocation.md), with the real Mosquitto:
an unpaired device's live connection is dropped within seconds and its certificate is
refused from then on, while other devices stay connected.

The broker runs the production layout (config/mosquitto/ccc.conf): agents on a listener of
their own (device CA, CRL, client id = certificate CN), the relay on the main listener, the
dynamic-security plugin loaded for its control API. The device CA is a separate CA, as the
relay's is. The eviction is driven by the C++ code (`ccc-broker-control`, the same
BrokerControl the relay uses on unpair) and, to pin the broker mechanism itself, by the bare
MQTT commands it sends.
"""
import json
import socket
import subprocess
import threading
import time
import ssl

import paho.mqtt.client as mqtt
import pytest

from harness.broker import Broker
from harness.mqtt_client import RC_NOT_AUTHORIZED, DeviceClient
from harness.ports import wait_for
from harness.processes import binary, render_toml

A, B = "REV-A0001", "REV-B0001"
EVICT_DEADLINE_S = 5.0
REFUSED = "certificate verify failed"  # Mosquitto's log line for a refused handshake


class AgentLike:
    """A paho MQTT 5 client that behaves like ccc-agent on the wire: client id = device id,
    persistent session, retained last will "offline" on its presence topic, and reconnects
    on its own after a lost connection (100 ms .. 500 ms). Counts connects and drops."""

    def __init__(self, port: int, ca, cert, key, device: str, client_id: str | None = None):
        self.device = device
        self.client = mqtt.Client(client_id=client_id or device, protocol=mqtt.MQTTv5)
        context = ssl.create_default_context(cafile=str(ca))
        context.load_cert_chain(str(cert), str(key))
        # TLS 1.2, where a refused certificate fails the handshake: paho 1.6 then retries.
        # (With TLS 1.3 the refusal arrives as an alert after the handshake, which kills
        # paho's network thread instead; the broker's decision is the same.)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.client.tls_set_context(context)
        self.client.reconnect_delay_set(min_delay=0.1, max_delay=0.5)
        self.client.will_set(f"ccc/v1/dev/{device}/presence", b"offline", qos=1, retain=True)
        self.port = port
        self.lock = threading.Lock()
        self.connects = 0
        self.drops: list[float] = []  # time.monotonic() of each lost connection
        self.connected = False
        self.messages: list[str] = []
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = lambda c, u, m: self.messages.append(m.payload.decode())

    def _on_connect(self, client, userdata, flags, reason_code, properties=None):
        if int(getattr(reason_code, "value", reason_code)) == 0:
            with self.lock:
                self.connects += 1
                self.connected = True
            client.subscribe(f"ccc/v1/dev/{self.device}/down/#", qos=1)

    def _on_disconnect(self, client, userdata, reason_code, properties=None):
        with self.lock:
            if self.connected:
                self.drops.append(time.monotonic())
            self.connected = False

    def start(self, timeout: float = 10.0):
        self.client.connect("127.0.0.1", self.port, keepalive=10, clean_start=False)
        self.client.loop_start()
        wait_for(lambda: self.connected, timeout, what=f"{self.device} connected")
        return self

    def stop(self):
        try:
            self.client.disconnect()
        finally:
            self.client.loop_stop()


def _down(broker, pki, device: str, text: str):
    """The relay (main listener, CN ccc-relay) sends a command down to `device`."""
    with DeviceClient(broker.port, pki.ca, *pki.client("ccc-relay"),
                      client_id=f"relay-down-{time.monotonic_ns()}") as relay:
        assert relay.connect() == 0
        assert relay.publish(f"ccc/v1/dev/{device}/down/ping", text.encode()) == 0


def _reaches(broker, pki, agent: AgentLike, text: str, timeout: float = 5.0) -> bool:
    """True when a down message sent now reaches agent (retrying while its SUBACK is due)."""
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        n += 1
        marker = f"{text}-{n}"
        _down(broker, pki, agent.device, marker)
        try:
            wait_for(lambda: marker in agent.messages, 0.5, what=marker)
            return True
        except TimeoutError:
            continue
    return False


def _refusals(broker) -> int:
    return broker.log().count(REFUSED)


def _handshake_ok(broker, ca, cert, key) -> bool:
    """One TLS handshake with the device listener, no MQTT: True when the broker accepts
    the certificate. (An MQTT connect would, with client id = CN, take over the device's
    own session.) TLS 1.2: the broker verifies the client certificate before the handshake
    completes (with TLS 1.3 its verdict would only arrive after it)."""
    context = ssl.create_default_context(cafile=str(ca))
    context.load_cert_chain(str(cert), str(key))
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        with socket.create_connection(("127.0.0.1", broker.device_port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname="localhost"):
                return True
    except (ssl.SSLError, OSError):
        return False


def _reloaded(broker, before: int):
    """Waits until Mosquitto logged a reload after `before` earlier ones: connections made
    from then on meet the new CRL (the reload runs in the broker's loop before it serves
    the next network event)."""
    wait_for(lambda: broker.log().count("Reloading config.") > before, 5, what="broker reload")


def _connect_once(broker, ca, cert, key, client_id: str) -> int | None:
    """One MQTT connection attempt on the device listener: CONNACK code, or None when TLS
    refused it."""
    client = DeviceClient(broker.device_port, ca, cert, key, client_id=client_id)
    try:
        return client.connect(timeout=5)
    except (ssl.SSLError, OSError, TimeoutError):
        return None
    finally:
        try:
            client.close()
        except Exception:
            pass


@pytest.fixture
def setup(tmp_path, pki):
    device_ca = pki.device_ca()
    for cn in (A, B):
        device_ca.client(cn, renew=True)  # fresh serials: the CA is shared by the session
    pki.client("ccc-relay")
    broker = Broker(tmp_path / "broker", pki, device_ca=device_ca, dynsec=True)
    broker.start()
    agents = []

    def agent(device: str, **kw) -> AgentLike:
        a = AgentLike(broker.device_port, pki.ca, *device_ca.client(device), device, **kw)
        agents.append(a)
        return a.start()

    yield broker, device_ca, agent
    for a in agents:
        a.stop()
    broker.stop()


def _tool_config(tmp_path, broker, pki) -> str:
    cert, key = pki.client("ccc-relay")
    path = tmp_path / "broker-control.toml"
    path.write_text(render_toml({"broker": {
        "crl_file": str(broker.crl_path),
        "reload_pid_file": str(broker.pid_path),
        "evict": "dynsec",
        "dynsec_host": "127.0.0.1",
        "dynsec_port": broker.port,
        "dynsec_ca_file": str(pki.ca),
        "dynsec_cert_file": str(cert),
        "dynsec_key_file": str(key),
        "timeout": "5s",
    }}))
    return str(path)


def _tool(config: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary("ccc-broker-control")), "--config", config, *args],
                          capture_output=True, text=True, timeout=60)


def test_a_crl_reload_alone_refuses_new_connections_but_keeps_the_live_one(setup, pki):
    broker, device_ca, agent = setup
    a = agent(A)
    device_ca.revoke(A)
    broker.write_crl(device_ca.crl())
    reloads = broker.log().count("Reloading config.")
    broker.reload()
    _reloaded(broker, reloads)
    assert not _handshake_ok(broker, pki.ca, *device_ca.client(A))
    assert _handshake_ok(broker, pki.ca, *device_ca.client(B))
    # ... yet the connection opened before the reload is still up and gets messages:
    assert _reaches(broker, pki, a, "still-connected")
    assert a.connects == 1 and not a.drops


def test_evict_drops_the_live_connection_within_seconds_and_refuses_the_reconnects(
        setup, pki, tmp_path):
    broker, device_ca, agent = setup
    a, b = agent(A), agent(B)
    assert _reaches(broker, pki, b, "b-before")
    config = _tool_config(tmp_path, broker, pki)
    device_ca.revoke(A)
    crl = tmp_path / "crl.pem"
    crl.write_text(device_ca.crl())
    refused_before = _refusals(broker)

    started = time.monotonic()
    result = _tool(config, "evict", A, str(crl))
    assert result.returncode == 0, result.stderr
    wait_for(lambda: a.drops, EVICT_DEADLINE_S, what=f"{A}'s live connection dropped")
    dropped_after = a.drops[0] - started
    print(f"\n{A}: live connection dropped {dropped_after * 1000:.0f} ms after evict started")
    assert dropped_after < EVICT_DEADLINE_S

    # The agent keeps trying (every 100-500 ms) and the broker refuses each handshake.
    wait_for(lambda: _refusals(broker) >= refused_before + 3, 10,
             what="three refused reconnects of the evicted device")
    assert a.connects == 1 and not a.connected
    assert "been disconnected by administrative action" in broker.log()
    # The other device never noticed.
    assert b.connects == 1 and not b.drops
    assert _reaches(broker, pki, b, "b-after")


def test_evict_is_idempotent_and_leaves_no_dynsec_state(setup, pki, tmp_path):
    broker, device_ca, agent = setup
    agent(A)
    config = _tool_config(tmp_path, broker, pki)
    device_ca.revoke(A)
    crl = tmp_path / "crl.pem"
    crl.write_text(device_ca.crl())
    for _ in range(2):
        result = _tool(config, "evict", A, str(crl))
        assert result.returncode == 0, result.stderr
    assert json.loads(broker.dynsec_path.read_text())["clients"] == []


def test_a_repaired_device_gets_in_with_its_new_certificate(setup, pki, tmp_path):
    broker, device_ca, agent = setup
    agent(A)
    config = _tool_config(tmp_path, broker, pki)
    old_cert, old_key = tmp_path / "old.crt", tmp_path / "old.key"
    for src, dst in zip(device_ca.client(A), (old_cert, old_key)):
        dst.write_bytes(src.read_bytes())
    device_ca.revoke(A)
    crl = tmp_path / "crl.pem"
    crl.write_text(device_ca.crl())
    assert _tool(config, "evict", A, str(crl)).returncode == 0
    new_cert, new_key = device_ca.client(A, renew=True)  # pairing again: new key, new serial
    result = _tool(config, "admit", A)
    assert result.returncode == 0, result.stderr
    assert not _handshake_ok(broker, pki.ca, old_cert, old_key)
    assert _connect_once(broker, pki.ca, new_cert, new_key, A) == 0


def test_install_crl_refuses_a_revoked_certificate_at_connect(setup, pki, tmp_path):
    broker, device_ca, agent = setup
    config = _tool_config(tmp_path, broker, pki)
    cert, key = device_ca.client(B)
    assert _handshake_ok(broker, pki.ca, cert, key)
    device_ca.revoke(B)
    crl = tmp_path / "crl.pem"
    crl.write_text(device_ca.crl())
    reloads = broker.log().count("Reloading config.")
    result = _tool(config, "install-crl", str(crl))
    assert result.returncode == 0, result.stderr
    _reloaded(broker, reloads)
    assert not _handshake_ok(broker, pki.ca, cert, key)
    assert _handshake_ok(broker, pki.ca, *device_ca.client(A))


def test_the_bare_dynsec_commands_kick_a_certificate_identity(setup, pki):
    """The broker mechanism without our C++: what BrokerControl publishes (createClient +
    deleteClient of the device's username) disconnects a client whose username comes from
    its certificate, although that client was never known to the plugin."""
    broker, device_ca, agent = setup
    a, b = agent(A), agent(B)
    responses = []
    with DeviceClient(broker.port, pki.ca, *pki.client("ccc-relay"),
                      client_id="relay-dynsec") as relay:
        assert relay.connect() == 0
        relay.client.on_message = lambda c, u, m: responses.append(json.loads(m.payload))
        # SUBSCRIBE goes out before the PUBLISH on the same connection: handled in order.
        relay.subscribe("$CONTROL/dynamic-security/v1/response")
        command = {"commands": [
            {"command": "createClient", "username": A, "correlationData": "t-1"},
            {"command": "deleteClient", "username": A, "correlationData": "t-2"}]}
        assert relay.publish("$CONTROL/dynamic-security/v1", json.dumps(command).encode()) == 0
        wait_for(lambda: a.drops, EVICT_DEADLINE_S, what=f"{A} kicked")
        wait_for(lambda: responses, 5, what="dynsec response")
    assert [r.get("error") for r in responses[0]["responses"]] == [None, None]
    assert b.connects == 1 and not b.drops


def test_a_device_cannot_use_the_dynsec_control_api(setup, pki):
    broker, device_ca, agent = setup
    b = agent(B)
    command = {"commands": [{"command": "createClient", "username": B},
                            {"command": "deleteClient", "username": B}]}
    with DeviceClient(broker.device_port, pki.ca, *device_ca.client(A), client_id=A) as rogue:
        assert rogue.connect() == 0
        assert rogue.publish("$CONTROL/dynamic-security/v1",
                             json.dumps(command).encode()) == RC_NOT_AUTHORIZED
    assert _reaches(broker, pki, b, "b-still-here")
    assert b.connects == 1 and not b.drops


def test_a_device_cannot_take_over_another_devices_session_by_its_client_id(setup, pki):
    broker, device_ca, agent = setup
    b = agent(B)
    # A connects claiming B's client id; the device listener replaces it with A's CN.
    with DeviceClient(broker.device_port, pki.ca, *device_ca.client(A), client_id=B) as rogue:
        assert rogue.connect() == 0
        assert _reaches(broker, pki, b, "b-not-taken-over")
    assert b.connects == 1 and not b.drops
    assert f"Client {B} already connected, closing old connection" not in broker.log()


def test_a_device_certificate_is_refused_on_the_relays_listener(setup, pki):
    broker, device_ca, agent = setup
    cert, key = device_ca.client(A)
    client = DeviceClient(broker.port, pki.ca, cert, key, client_id=A)
    try:
        with pytest.raises((ssl.SSLError, OSError, TimeoutError)):
            if client.connect(timeout=5) != 0:
                raise OSError("refused by CONNACK")
    finally:
        try:
            client.close()
        except Exception:
            pass
