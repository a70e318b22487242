"""A registered device (valid certificate) sends garbage: each message is counted under its
own decode-error reason, the relay stays healthy, and a real agent's data keeps flowing.

Frames are built in python (harness/frames.py: python3-zstandard), the same layout as
common/protocol/batch.h, so every case is exact: a valid frame differs from each broken one
in just the broken part."""
import json
import os

import pytest

from harness.delivery import wait_stored
from harness.frames import (MAGIC, VERSION, envelope, frame, frame_from_bytes,
                            telemetry_records, zero_bomb)
from harness.mqtt_client import DeviceClient
from harness.ports import wait_for

GOOD, BAD, OTHER = "GARB-GOOD", "GARB-BAD", "GARB-OTHER"
REASONS = ["too_large", "bad_magic", "unsupported_version", "bad_compression",
           "decompressed_too_large", "malformed", "bad_topic", "device_mismatch"]


def _valid(device=BAD, seq=1) -> bytes:
    return frame(envelope(device, "telemetry", 77, telemetry_records(seq, 3)))


def _cases():
    valid = _valid()
    return [
        ("bad zstd", "telemetry", MAGIC + bytes([VERSION]) + os.urandom(64), "bad_compression"),
        ("decompression bomb (1 GiB of zeros)", "telemetry", zero_bomb(1 << 30),
         "decompressed_too_large"),
        ("wrong version byte", "telemetry", MAGIC + bytes([VERSION + 1]) + valid[4:],
         "unsupported_version"),
        ("bad magic", "telemetry", b"XYZ" + valid[3:], "bad_magic"),
        ("truncated frame", "telemetry", valid[:len(valid) // 2], "bad_compression"),
        ("valid zstd, malformed JSON", "telemetry",
         frame_from_bytes(b'{"device": "GARB-BAD", "stream": "telemetry", "epoch": 7'),
         "malformed"),
        ("valid zstd, JSON of the wrong shape", "telemetry",
         frame_from_bytes(json.dumps({"device": BAD, "records": "none"}).encode()), "malformed"),
        ("envelope names another device", "telemetry", _valid(device=OTHER), "device_mismatch"),
        ("stream name the topic grammar rejects", "Not-A-Stream", _valid(), "bad_topic"),
        ("600 kB of random bytes (over max_message_bytes)", "telemetry", os.urandom(600_000),
         "too_large"),
        # Last: the broker accepts up to 16 MiB (config/mosquitto/ccc.conf), so the relay
        # must accept MQTT packets that large to see and count this one.
        ("10 MB of random bytes", "telemetry", os.urandom(10 * 1000 * 1000), "too_large"),
    ]


def _reasons(relay) -> dict:
    m = relay.metrics()
    return {r: m.get(f'ccc_relay_decode_errors_total{{reason="{r}"}}', 0.0) for r in REASONS}


@pytest.fixture
def running(fleet):
    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices(GOOD, BAD, OTHER)
    relay.start()
    good = fleet.make_agent(GOOD, {"sampler": {"interval": "100ms"}})
    good.start()
    wait_stored(relay.db(), good, at_least=3, timeout=10)
    return fleet, relay, good


def test_every_kind_of_garbage_is_counted_under_its_reason_while_real_data_keeps_flowing(running):
    fleet, relay, good = running
    db = relay.db()
    every_reason_listed = _reasons(relay)
    assert set(every_reason_listed) == set(REASONS)

    with DeviceClient(fleet.broker.port, fleet.pki.ca, *fleet.pki.client(BAD),
                      client_id="garbage-sender") as client:
        assert client.connect() == 0
        for name, stream, payload, reason in _cases():
            before = _reasons(relay)
            good_before = db.telemetry_count(GOOD)
            code = client.publish(f"ccc/v1/dev/{BAD}/up/{stream}", payload, timeout=30)
            assert code == 0, f"{name}: broker answered PUBACK {code}"
            try:
                wait_for(lambda: _reasons(relay)[reason] >= before[reason] + 1, timeout=15,
                         what=f"decode error reason={reason} for {name}")
            except TimeoutError as e:
                raise AssertionError(
                    f"{e}; counters now {_reasons(relay)}, before {before}") from None
            after = _reasons(relay)
            assert after[reason] == before[reason] + 1, (name, before, after)
            assert {r: v for r, v in after.items() if r != reason} == \
                   {r: v for r, v in before.items() if r != reason}, (name, before, after)
            assert relay.healthy(), f"/healthz failed after {name}"
            relay.check_alive()
            # The real agent keeps getting its data stored during the garbage.
            wait_stored(db, good, at_least=good_before + 1, timeout=10)

    # And after it.
    count = db.telemetry_count(GOOD)
    wait_stored(db, good, at_least=count + 5, timeout=10)
    assert relay.http_get("/readyz")[0] == 200
    assert db.stored_anything_for(BAD) == 0
    assert db.stored_anything_for(OTHER) == 0
