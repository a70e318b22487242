"""The broker's identity and ACL rules, end to end: a device can only speak for itself."""
import ssl

import pytest

from harness.delivery import wait_stored
from harness.frames import envelope, frame, telemetry_records
from harness.mqtt_client import RC_NOT_AUTHORIZED, DeviceClient
from harness.ports import wait_for

A, B = "ACL-A", "ACL-B"
DECODE_REASONS = ["too_large", "bad_magic", "unsupported_version", "bad_compression",
                  "decompressed_too_large", "malformed", "bad_topic", "device_mismatch"]


def _decode_errors(relay) -> float:
    m = relay.metrics()
    return sum(m.get(f'ccc_relay_decode_errors_total{{reason="{r}"}}', 0) for r in DECODE_REASONS)


@pytest.fixture
def running(fleet):
    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices(A, B)
    relay.start()
    return fleet, relay


def test_a_device_cannot_publish_on_another_devices_topic(running):
    fleet, relay = running
    db = relay.db()
    # B is a real agent, so B's data does flow: the refusal below is the ACL, not a dead path.
    agent_b = fleet.make_agent(B, {"sampler": {"interval": "200ms"}})
    agent_b.start()
    wait_stored(db, agent_b, at_least=2, timeout=10)
    errors_before = _decode_errors(relay)

    forged = frame(envelope(B, "telemetry", 4242, telemetry_records(1, 5)))
    events = frame(envelope(B, "events", 4242, [{"seq": 1, "ts": 1, "body": {
        "type": "agent_started", "message": "forged"}}]))
    with DeviceClient(fleet.broker.port, fleet.pki.ca, *fleet.pki.client(A),
                      client_id="acl-a-forger") as client:
        assert client.connect() == 0
        assert client.publish(f"ccc/v1/dev/{B}/up/telemetry", forged) == RC_NOT_AUTHORIZED
        assert client.publish(f"ccc/v1/dev/{B}/up/events", events) == RC_NOT_AUTHORIZED
        assert client.publish(f"ccc/v1/dev/{B}/presence", b"offline") == RC_NOT_AUTHORIZED
        # Control: the same client may publish on its own subtree (not an up/ topic, so the
        # relay is not involved).
        assert client.publish(f"ccc/v1/dev/{A}/acl-probe", b"x") in (0, 16)

    # B's agent keeps going; nothing of epoch 4242 (the forgery) shows up, no decode error.
    before = db.telemetry_count(B)
    wait_stored(db, agent_b, at_least=before + 3, timeout=10)
    assert all(epoch != 4242 for epoch, _ in db.telemetry_seqs(B))
    assert all(epoch != 4242 for epoch, _ in db.record_seqs(B, "events"))
    assert _decode_errors(relay) == errors_before
    assert db.stored_anything_for(A) == 0


def test_a_client_without_a_certificate_cannot_connect(running):
    fleet, relay = running
    client = DeviceClient(fleet.broker.port, fleet.pki.ca, client_id="anonymous")
    try:
        with pytest.raises((ssl.SSLError, OSError, TimeoutError)):
            code = client.connect(timeout=5)
            # Should the TLS layer ever let it through, a CONNACK must still refuse it.
            if code != 0:
                raise OSError(f"CONNACK refused with {code}")
    finally:
        try:
            client.close()
        except Exception:
            pass
    assert "peer did not return a certificate" in fleet.broker.log()


def test_an_agent_whose_device_id_is_not_its_certificate_cn_gets_nothing_stored(running):
    fleet, relay = running
    db = relay.db()
    # Device id B, but A's certificate: every publish lands outside A's ACL subtree.
    impostor = fleet.make_agent(B, {"sampler": {"interval": "100ms"}}, cert_cn=A)
    impostor.spawn()
    # It connects (the CN is valid) and produces samples it is not allowed to deliver.
    wait_for(lambda: f"u'{A}')" in fleet.broker.log(), timeout=10,
             what="the impostor agent connecting with A's certificate")
    impostor.wait_ready()
    # It must keep running (and retrying) rather than give up or crash.
    wait_for(lambda: impostor.check_alive() or impostor.status().last_seq("telemetry") >= 20,
             timeout=15, what="the impostor producing 20 samples")
    impostor.check_alive()
    # 20 samples = 2 s of publishing at 100 ms; whatever could have slipped through would
    # have reached the relay by now (the live path takes milliseconds, test_data_flow).
    assert db.stored_anything_for(A) == 0
    assert db.stored_anything_for(B) == 0
    assert (db.device(B) or {}).get("online") in (0, None)
    assert relay.metric("ccc_relay_messages_in_total") == 0
