#!/usr/bin/env python3
"""Runs a command next to a real Mosquitto (mutual TLS, repo ACL) on a free port.

    with_broker.py [--cn NAME ...] -- COMMAND [ARGS...]

Creates a test CA, the broker's certificate and a client certificate per --cn, starts the
broker, runs COMMAND with these environment variables, stops the broker, and exits with
COMMAND's status:
    CCC_MQTT_HOST, CCC_MQTT_PORT, CCC_MQTT_CA, CCC_PKI_DIR (certs as <CN>.crt / <CN>.key),
    CCC_BROKER_DIR (persistence, log), CCC_BROKER_CONF
Used by ctest for C++ tests that talk to a real broker.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness.broker import Broker  # noqa: E402
from harness.pki import Pki  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cn", action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    with tempfile.TemporaryDirectory(prefix="ccc-broker-") as tmp:
        pki = Pki(Path(tmp) / "pki")
        pki.clients(*args.cn)
        broker = Broker(Path(tmp) / "broker", pki)
        with broker:
            env = dict(os.environ, CCC_MQTT_HOST="127.0.0.1", CCC_MQTT_PORT=str(broker.port),
                       CCC_MQTT_CA=str(pki.ca), CCC_PKI_DIR=str(pki.dir),
                       CCC_BROKER_DIR=str(broker.dir), CCC_BROKER_CONF=str(broker.conf_path))
            rc = subprocess.call(command, env=env)
            if rc != 0:
                sys.stderr.write("--- mosquitto log ---\n" + broker.log()[-4000:])
            return rc


if __name__ == "__main__":
    sys.exit(main())
