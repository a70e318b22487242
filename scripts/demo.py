#!/usr/bin/env python3
"""`make demo`: a local Mosquitto, one relay (SQLite) and DEMO_SYSTEMS simulated PBX agents,
all registered, with state in <build>/demo/ (wiped on start). Runs in the foreground until
Ctrl-C or SIGTERM, then stops everything cleanly.

Environment: DEMO_SYSTEMS (default 20), DEMO_PORT (relay HTTP, default 8080),
DEMO_MQTT_PORT (broker, default a free port).
"""
import argparse
import os
import shutil
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "util"))

from harness.fleet import Fleet  # noqa: E402
from harness.processes import binary  # noqa: E402

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "ccc-demo-2026"


class Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise Stop()


def _env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"demo: {name}={value!r} is not a number")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default="build", type=Path)
    args = parser.parse_args()
    build_dir = args.build_dir.resolve()
    systems = _env_int("DEMO_SYSTEMS", 20)
    http_port = _env_int("DEMO_PORT", 8080)
    mqtt_port = _env_int("DEMO_MQTT_PORT", None)
    if systems < 1:
        sys.exit("demo: DEMO_SYSTEMS must be at least 1")

    os.environ["CCC_BIN_DIR"] = str(build_dir / "bin")
    for program in ("ccc-relay", "ccc-agent"):
        binary(program)  # fail early with the path when the build is missing

    state = build_dir / "demo"
    if state.exists():
        shutil.rmtree(state)
    state.mkdir(parents=True)

    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    fleet = Fleet(state, broker_port=mqtt_port)
    devices = [f"PBX-{i:04d}" for i in range(1, systems + 1)]
    try:
        fleet.start_broker()
        relay = fleet.make_relay(http_port=http_port, directory=state,
                                 overrides={"relay": {"log_level": "info"}})
        relay.add_devices(*devices)
        relay.start()
        fleet.pki.clients(*devices)
        agents = [fleet.make_agent(d, {"agent": {"log_level": "info"},
                                       "source": {"seed": i + 1}})
                  for i, d in enumerate(devices)]
        for agent in agents:
            agent.spawn()
        for agent in agents:
            agent.wait_ready(timeout=30)

        print(f"portal: http://127.0.0.1:{http_port}/")
        print(f"email: {DEMO_EMAIL}")
        print(f"password: {DEMO_PASSWORD}")
        print(f"metrics: http://127.0.0.1:{http_port}/metrics")
        print(f"{systems} simulated systems (PBX-0001..{devices[-1]}), broker on 127.0.0.1:"
              f"{fleet.broker.port}, state and logs in {state}; Ctrl-C stops", flush=True)

        while True:
            for process in [relay, *agents]:
                if not process.running:
                    print(f"demo: {process.name} ({process.dir}) exited with "
                          f"{process.exit_code()}:\n{process.log_tail(20)}", file=sys.stderr)
                    return 1
            time.sleep(1)
    except Stop:
        print("demo: stopping", flush=True)
        return 0
    except Exception as e:
        print(f"demo: {e}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        fleet.stop_all()


if __name__ == "__main__":
    sys.exit(main())
