#!/usr/bin/env python3
"""`make demo`: a local Mosquitto, one relay (SQLite) and DEMO_SYSTEMS simulated PBX agents,
all paired through the real flow, with state in <build>/demo/ (wiped on start; the relay's
config is <build>/demo/relay.toml). Runs in the foreground until Ctrl-C or SIGTERM, then
stops everything cleanly.

What it sets up (tests/util/harness/site.py does the broker and relay in the production
layout: agents' listener trusting the relay's device CA + CRL, dynamic-security evictions):
- company "Demo Company" with the company administrator DEMO_EMAIL / DEMO_PASSWORD and a
  second user MONITOR_EMAIL / MONITOR_PASSWORD (made with `ccc-relay admin`);
- DEMO_SYSTEMS systems created through the API (POST /api/v1/systems) with realistic names
  and serials; each simulated agent is paired with its confirmation code by
  `ccc-agent pair CODE` and then started. Two more systems stay unpaired, waiting for
  pairing with their code shown in the portal;
- maintenance contracts for the paired systems and a minimum firmware (operator CLI); from
  6 systems on, one system without a contract and one with too old a firmware show the
  "restricted" state;
- the Monitoring role for the second user on a few systems, and a public group of branch
  offices (default role Monitoring) that the second user can join.

Environment: DEMO_SYSTEMS (paired agents, default 20), DEMO_PORT (relay HTTP, default 8080).
"""
import argparse
import concurrent.futures
import datetime
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "util"))

from harness.pki import Pki  # noqa: E402
from harness.ports import port_open, wait_for  # noqa: E402
from harness.processes import Agent, binary  # noqa: E402
from harness.site import Portal, Site, pair  # noqa: E402

COMPANY = "Demo Company"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "ccc-demo-2026"
MONITOR_EMAIL = "monitor@example.com"
MONITOR_PASSWORD = "ccc-monitor-2026"
MINIMUM_FIRMWARE = "2.5.0"
OLD_FIRMWARE = "2.4.8"
UNPAIRED = 2
# Restricted examples only where they do not crowd out the healthy systems.
RESTRICTED_FROM = 6
# Parallel `ccc-agent pair` / `ccc-relay admin` runs (the relay serialises pairings anyway).
WORKERS = 4
ONLINE_DEADLINE_S = 60

MODELS = [  # (model, serial prefix, current firmware)
    ("COMtrexx Advanced", "CTXA", "2.6.6"),
    ("COMpact 5500R", "C5500R", "2.6.4"),
    ("COMtrexx Business", "CTXB", "2.6.6"),
    ("COMpact 5200R", "C5200R", "2.6.2"),
]
PLACES = [
    "Head office Berlin", "Branch Hamburg", "Branch Munich", "Warehouse Cologne",
    "Sales office Frankfurt", "Branch Stuttgart", "Branch Düsseldorf", "Call centre Leipzig",
    "Branch Dortmund", "Branch Essen", "Branch Bremen", "Branch Dresden", "Branch Hanover",
    "Workshop Nuremberg", "Branch Duisburg", "Branch Bochum", "Branch Wuppertal",
    "Training centre Bielefeld", "Branch Bonn", "Branch Münster", "Branch Mannheim",
    "Branch Karlsruhe", "Branch Augsburg", "Branch Wiesbaden", "Branch Freiburg",
    "Branch Mainz", "Branch Rostock", "Branch Erfurt", "Branch Magdeburg", "Branch Saarbrücken",
]
WAITING = ["New branch Potsdam", "Replacement PBX Kiel"]


@dataclass
class Plan:
    name: str
    serial: str
    model: str
    firmware: str
    maintenance: bool = True
    monitoring: bool = True
    remote_configuration: bool = False


def plan(systems: int) -> tuple[list[Plan], list[Plan]]:
    """The paired systems and the ones left waiting for pairing; deterministic, so every
    `make demo` shows the same fleet."""
    paired = []
    for i in range(systems):
        model, prefix, firmware = MODELS[0] if i == 0 else MODELS[i % len(MODELS)]
        name = PLACES[i] if i < len(PLACES) else f"Branch office {i + 1}"
        paired.append(Plan(name, f"{prefix}-{240001 + i}", model, firmware,
                           monitoring=i % 7 != 6, remote_configuration=i % 3 == 0))
    if systems >= RESTRICTED_FROM:
        paired[-1].maintenance = False
        paired[-2].firmware = OLD_FIRMWARE
    waiting = []
    for j, name in enumerate(WAITING[:UNPAIRED]):
        model, prefix, firmware = MODELS[j % len(MODELS)]
        waiting.append(Plan(name, f"{prefix}-{250001 + j}", model, firmware))
    return paired, waiting


class Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise Stop()


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"demo: {name}={value!r} is not a number")


def call(portal: Portal, method: str, path: str, body=None, expect: int = 200) -> dict:
    status, answer = portal.call(method, path, body)
    if status != expect:
        raise RuntimeError(f"{method} {path} answered {status} (expected {expect}): {answer}")
    return answer


def list_all(portal: Portal, path: str) -> list[dict]:
    items, offset = [], 0
    while True:
        page = call(portal, "GET", f"{path}?limit=1000&offset={offset}")
        items += page["items"]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return items


def make_agent(site: Site, p: Plan, seed: int) -> Agent:
    # The relay's dev-PKI certificate exists already: no pointless one per serial (the
    # agent's config names none; pairing brings its credentials).
    agent = site.agent(p.serial, p.serial, cert_cn="ccc-relay", monitoring=p.monitoring,
                       remote_configuration=p.remote_configuration)
    agent.settings["source"].update(seed=seed, model=p.model, firmware=p.firmware)
    agent.write_config()
    return agent


def pair_agent(agent: Agent, code: str):
    result = pair(agent, code)
    if result.returncode != 0:
        raise RuntimeError(f"ccc-agent pair for {agent.device_id} exited with "
                           f"{result.returncode}: {result.stdout}{result.stderr}")


def set_maintenance(site: Site, serial: str, until: str):
    site.relay.admin("system", "maintenance", "--serial", serial, "--until", until)


def share(site: Site, systems: dict[str, dict], paired: list[Plan]) -> dict:
    """The second user gets Monitoring on a few systems; a public group of branch offices."""
    users = list_all(site.portal, "/api/v1/users")
    monitor = next(u for u in users if u["email"] == MONITOR_EMAIL)
    granted = paired[1:4]
    for p in granted:
        call(site.portal, "POST", "/api/v1/authorisations",
             {"user_id": monitor["id"], "system_id": systems[p.serial]["id"],
              "roles": ["monitoring"]}, expect=201)
    group = call(site.portal, "POST", "/api/v1/groups",
                 {"name": "Branch offices", "description": "Every branch of Demo Company; "
                  "members see them with the Monitoring role", "default_role": "monitoring",
                  "public": True}, expect=201)
    branches = [p for p in paired if p.name.startswith("Branch")]
    for p in branches:
        call(site.portal, "PUT", f"/api/v1/groups/{group['id']}/systems/"
             f"{systems[p.serial]['id']}")
    return {"granted": granted, "group": group, "branches": branches}


def wait_online(site: Site, agents: list[Agent], serials: set[str]):
    def all_online():
        for agent in agents:
            agent.check_alive()
        online = {s["serial"] for s in list_all(site.portal, "/api/v1/systems") if s["online"]}
        return serials <= online
    wait_for(all_online, ONLINE_DEADLINE_S, interval=0.25,
             what=f"all {len(serials)} paired systems online in GET /api/v1/systems")


def watch(site: Site, agents: list[Agent]) -> int:
    """Until a signal: returns 1 when a process of the demo dies on its own."""
    while True:
        for process in [site.relay, *agents]:
            if not process.running:
                print(f"demo: {process.name} ({process.dir}) exited with "
                      f"{process.exit_code()}:\n{process.log_tail(20)}", file=sys.stderr)
                return 1
        if site.broker.proc.poll() is not None:
            print(f"demo: mosquitto exited with {site.broker.proc.returncode}; log in "
                  f"{site.broker.log_path}", file=sys.stderr)
            return 1
        time.sleep(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default="build", type=Path)
    parser.add_argument("--state-dir", type=Path,
                        help="where state, configs and logs go (default: <build-dir>/demo)")
    args = parser.parse_args()
    build_dir = args.build_dir.resolve()
    systems = _env_int("DEMO_SYSTEMS", 20)
    http_port = _env_int("DEMO_PORT", 8080)
    if systems < 1:
        sys.exit("demo: DEMO_SYSTEMS must be at least 1")
    if not 1 <= http_port <= 65535:
        sys.exit(f"demo: DEMO_PORT={http_port} is not a port")
    if port_open(http_port):
        sys.exit(f"demo: port {http_port} is in use; choose another with DEMO_PORT")

    os.environ["CCC_BIN_DIR"] = str(build_dir / "bin")
    for program in ("ccc-relay", "ccc-agent"):
        try:
            binary(program)
        except FileNotFoundError as e:
            sys.exit(f"demo: {e}")

    state = (args.state_dir or build_dir / "demo").resolve()
    if state.exists():
        shutil.rmtree(state)
    state.mkdir(parents=True)

    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    started = time.monotonic()
    paired, waiting = plan(systems)
    site = None
    agents: list[Agent] = []
    try:
        pki = Pki(state / "pki")
        site = Site(state, pki, COMPANY, DEMO_EMAIL, DEMO_PASSWORD, http_port=http_port,
                    relay_dir=state, company_admin=True, user_name="Demo Administrator")
        site.start()
        site.relay.admin("user", "create", "--company", COMPANY, "--email", MONITOR_EMAIL,
                         "--name", "Monitoring Desk", "--password", MONITOR_PASSWORD)
        site.relay.admin("firmware", "minimum", MINIMUM_FIRMWARE)

        created = {p.serial: site.portal.create_system(p.name, p.serial)
                   for p in paired + waiting}
        agents = [make_agent(site, p, seed=i + 1) for i, p in enumerate(paired)]
        until = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
        pool = concurrent.futures.ThreadPoolExecutor(WORKERS)
        try:
            jobs = [pool.submit(pair_agent, a, created[a.device_id]["confirmation_code"]["code"])
                    for a in agents]
            jobs += [pool.submit(set_maintenance, site, p.serial, until)
                     for p in paired if p.maintenance]
            for job in jobs:
                job.result()
        finally:
            pool.shutdown(cancel_futures=True)  # on a signal: queued jobs dropped
        # Spawned from the main thread: setpriv's parent-death signal follows the thread
        # that started the child, and pool threads end.
        for agent in agents:
            agent.spawn()
        shared = share(site, created, paired)
        wait_online(site, agents, {p.serial for p in paired})

        url = f"http://127.0.0.1:{http_port}/"
        print(f"portal: {url}")
        print(f"email: {DEMO_EMAIL}")
        print(f"password: {DEMO_PASSWORD}")
        print(f"second user: {MONITOR_EMAIL} / {MONITOR_PASSWORD} (Monitoring on "
              f"{', '.join(p.name for p in shared['granted']) or 'no system'}; may join the "
              f"public group \"{shared['group']['name']}\" of {len(shared['branches'])} "
              "systems)")
        print(f"api: {url}api/v1/openapi.json, metrics: {url}metrics")
        print(f"{systems} simulated systems paired and online in "
              f"{time.monotonic() - started:.1f} s; waiting for pairing: "
              + ", ".join(f"{p.name} ({p.serial}, code "
                          f"{created[p.serial]['confirmation_code']['code']})" for p in waiting))
        if systems >= RESTRICTED_FROM:
            print(f"restricted: {paired[-1].name} (no maintenance contract), {paired[-2].name} "
                  f"(firmware {OLD_FIRMWARE} < minimum {MINIMUM_FIRMWARE})")
        print(f"state, configs and logs in {state} (relay config {site.relay.conf_path}); "
              "Ctrl-C stops", flush=True)
        return watch(site, agents)
    except Stop:
        print("demo: stopping", flush=True)
        return 0
    except Exception as e:
        print(f"demo: {e}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # All agents get SIGTERM at once, then Site stops them (waiting), the relay and the
        # broker in that order.
        for agent in agents:
            if agent.running:
                agent.proc.send_signal(signal.SIGTERM)
        if site is not None:
            site.stop()


if __name__ == "__main__":
    sys.exit(main())
