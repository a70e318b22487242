#!/usr/bin/python3
"""Browser tests of the portal against the real thing (issue 4): starts Mosquitto (mutual
TLS, device listener, dynamic security), ccc-relay serving the built portal, two companies
with users and a few systems, prepares unpaired agent folders for simulated PBXs, pairs one
more system whose agent delivers call data (issue 5), then runs `playwright test` in
relay/web (headless Debian chromium) and exits with its status.

The specs (relay/web/e2e/) read everything they need from the fixture file named by
$E2E_FIXTURE (written here; see write_fixture) plus $PORTAL_URL and $SCREENSHOT_DIR. They
pair an agent with the code they read on screen through `ccc-agent pair` and start
`ccc-agent run` themselves; every pid they spawn is appended to the fixture's pid_file, and
whatever is still running from that list is stopped here at the end.

    tests/e2e/run_portal_e2e.py [--build-dir build] [-- <playwright args, e.g. -g pattern>]
    tests/e2e/run_portal_e2e.py --serve      # start the site, print the env, wait for Ctrl-C

Outputs under the build dir: portal-screenshots/ (one full-page PNG per page visited),
e2e-portal/ (process logs, configs, state; Playwright's output in e2e-portal/playwright).
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "util"))

from harness.pki import Pki  # noqa: E402
from harness.site import Portal, Site, pair  # noqa: E402

WEB_DIR = REPO / "relay" / "web"
PASSWORD = "e2e-portal-password-1"

COMPANY = "Nordlicht Telecom GmbH"
ADMIN = {"email": "admin@nordlicht.test", "name": "Nora Admin", "password": PASSWORD}
MONITOR = {"email": "monitor@nordlicht.test", "name": "Max Monitor", "password": PASSWORD}
MEMBER = {"email": "member@nordlicht.test", "name": "Mia Member", "password": PASSWORD}
OTHER_COMPANY = "Südwind Systems AG"
OTHER = {"email": "owner@suedwind.test", "name": "Otto Other", "password": PASSWORD}
# The call data story (e2e/calls.spec.ts): the spec grants Call data to one of them and
# Monitoring to the other on the calls system; they hold no other role anywhere.
CALLS_USER = {"email": "calls@nordlicht.test", "name": "Carla Calls", "password": PASSWORD}
WATCHER = {"email": "watcher@nordlicht.test", "name": "Walt Watcher", "password": PASSWORD}

# Systems that exist before the browser arrives: material for filtering and sorting, one of
# them owned by the monitor user (someone else's system as the admin sees it).
SEED_SYSTEMS = [
    ("admin", "Berlin branch", "E2E-BER-01"),
    ("admin", "Hamburg depot", "E2E-HAM-02"),
    ("admin", "Munich lab", "E2E-MUC-03"),
    ("monitor", "Monitor desk PBX", "E2E-MON-04"),
]
OTHER_SYSTEMS = [("Südwind headquarters", "E2E-SUED-01")]
# Simulated PBXs with unpaired agent folders; the specs pair them with codes read on screen.
AGENT_SERIALS = ["E2E-PAIR-01", "E2E-PAIR-02", "E2E-PAIR-03"]
# A system paired here, before the browser arrives, whose agent delivers a few days of call
# history at once and keeps making calls; maintenance runs, so call data may be read.
CALLS_SYSTEM = ("Call centre", "E2E-CALLS-01")
# Three days of history: the spec's period is the whole day before yesterday (UTC), always
# inside it. 120 calls in the busiest hour: some hundred calls on a weekday, a few per hour
# at night, so that newer calls keep coming (the spec's sign that the period is complete).
CALLS_SOURCE = {"history_days": 3, "calls_per_hour": 120, "calls_interval": "200ms"}

PLAYWRIGHT_TIMEOUT_S = 300


def find_build_dir(given: str | None) -> Path:
    """--build-dir, else the folder above $CCC_BIN_DIR (ctest), else <repo>/build."""
    if given:
        return Path(given).resolve()
    if os.environ.get("CCC_BIN_DIR"):
        return Path(os.environ["CCC_BIN_DIR"]).resolve().parent
    return REPO / "build"


def find_web_root(build_dir: Path, given: str | None) -> Path:
    root = Path(given).resolve() if given else build_dir / "web"
    if not (root / "index.html").is_file():
        sys.exit(f"portal e2e: no portal build in {root} (build the CMake target ccc_web, "
                 f"or `cd relay/web && npx vite build --outDir {root}`)")
    return root


def login(portal_url: str, user: dict) -> Portal:
    p = Portal(portal_url)
    p.login(user["email"], user["password"])
    return p


def create(portal: Portal, name: str, serial: str) -> dict:
    status, body = portal.call("POST", "/api/v1/systems", {"name": name, "serial": serial})
    if status != 201:
        raise RuntimeError(f"POST /api/v1/systems {serial}: {status} {body}")
    return body


def start_site(work: Path, web_root: Path) -> tuple[Site, dict]:
    pki = Pki(work / "pki")
    site = Site(work, pki, COMPANY, ADMIN["email"], ADMIN["password"],
                company_admin=True, user_name=ADMIN["name"],
                relay_overrides={"http": {"web_root": str(web_root)},
                                 "relay": {"log_level": "info"}})
    site.start()
    admin = site.relay.admin
    for user in (MONITOR, MEMBER, CALLS_USER, WATCHER):
        admin("user", "create", "--company", COMPANY, "--email", user["email"],
              "--name", user["name"], "--password", user["password"])
    admin("company", "create", OTHER_COMPANY)
    admin("user", "create", "--company", OTHER_COMPANY, "--email", OTHER["email"],
          "--name", OTHER["name"], "--password", OTHER["password"], "--admin")

    # The operator's news, so the News page and the dashboard show a real item.
    admin("news", "add", "--title", "Maintenance window on Sunday",
          "--body", "The control center is updated on Sunday between 06:00 and 06:30 UTC.")

    url = site.relay.url
    sessions = {"admin": site.portal, "monitor": login(url, MONITOR), "other": login(url, OTHER)}
    seeded = [dict(create(sessions[who], name, serial), created_by=who)
              for who, name, serial in SEED_SYSTEMS]
    others = [create(sessions["other"], name, serial) for name, serial in OTHER_SYSTEMS]

    # The agents the specs pair: configs without credentials (pairing brings them), the
    # relay's dev certificate as the harness's unused placeholder (no cert per serial).
    agents = []
    for serial in AGENT_SERIALS:
        agent = site.agent(serial, serial, cert_cn="ccc-relay", monitoring=True)
        agents.append({"serial": serial, "config": str(agent.conf_path),
                       "dir": str(agent.dir), "log": str(agent.dir / "ccc-agent.log")})
    return site, {"seeded": seeded, "others": others, "agents": agents,
                  "calls_system": pair_calls_system(site)}


def pair_calls_system(site: Site) -> dict:
    """Creates CALLS_SYSTEM as the admin, starts its maintenance, pairs its agent with the
    confirmation code and starts it (Site.stop() stops it). Call history reaches the relay
    while the first specs run; calls.spec.ts waits for what it needs."""
    name, serial = CALLS_SYSTEM
    system = create(site.portal, name, serial)
    until = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    site.relay.admin("system", "maintenance", "--serial", serial, "--until", until)
    agent = site.agent(serial, serial, cert_cn="ccc-relay", monitoring=True)
    agent.settings["source"].update(CALLS_SOURCE)
    agent.write_config()
    paired = pair(agent, system["confirmation_code"]["code"])
    if paired.returncode != 0:
        raise RuntimeError(f"ccc-agent pair for {serial}: {paired.returncode} "
                           f"{paired.stdout}{paired.stderr}")
    agent.start()
    return {"id": system["id"], "name": name, "serial": serial}


def write_fixture(path: Path, site: Site, made: dict, screenshots: Path, pid_file: Path,
                  output_dir: Path) -> dict:
    strip = lambda s: {k: s[k] for k in ("id", "name", "serial")}  # noqa: E731
    fixture = {
        "portal_url": site.relay.url,
        "company": COMPANY,
        "other_company": OTHER_COMPANY,
        "users": {"admin": ADMIN, "monitor": MONITOR, "member": MEMBER, "other": OTHER,
                  "calls": CALLS_USER, "watcher": WATCHER},
        "seeded_systems": [dict(strip(s), created_by=s["created_by"]) for s in made["seeded"]],
        "other_company_systems": [strip(s) for s in made["others"]],
        "agents": made["agents"],
        "calls_system": made["calls_system"],
        "agent_binary": str(Path(os.environ["CCC_BIN_DIR"]) / "ccc-agent"),
        "relay_binary": str(Path(os.environ["CCC_BIN_DIR"]) / "ccc-relay"),
        "relay_config": str(site.relay.conf_path),
        # `ccc-relay admin system maintenance --serial S --until DATE`: a paired system is
        # "paired" (not "restricted") only while its maintenance contract runs.
        "maintenance_until": (datetime.date.today() + datetime.timedelta(days=365)).isoformat(),
        "pid_file": str(pid_file),
        "screenshot_dir": str(screenshots),
        "output_dir": str(output_dir),
    }
    path.write_text(json.dumps(fixture, indent=2))
    return fixture


def stop_spawned(pid_file: Path, work: Path):
    """Stops what the specs spawned and left running: pids from pid_file whose command line
    still names a config under `work` (a recycled pid belongs to someone else)."""
    if not pid_file.exists():
        return
    pids = []
    for line in pid_file.read_text().split():
        try:
            pids.append(int(line))
        except ValueError:
            continue
    alive = []
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(work) in cmdline:
            os.kill(pid, signal.SIGTERM)
            alive.append(pid)
    deadline = time.monotonic() + 10
    for pid in alive:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            try:  # our grandchild: reaped by its parent or init, not by us
                if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                    break
            except OSError:
                break
            time.sleep(0.05)
        if Path(f"/proc/{pid}").exists():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if alive:
        print(f"portal e2e: stopped {len(alive)} agent(s) left running by the specs", flush=True)


def run_playwright(env: dict, extra: list[str]) -> int:
    cli = WEB_DIR / "node_modules" / ".bin" / "playwright"
    if not cli.exists():
        print(f"portal e2e: {cli} missing (run `npm ci` in {WEB_DIR})", file=sys.stderr)
        return 2
    # Own process group, so that a timeout stops Playwright and its chromium together.
    proc = subprocess.Popen([str(cli), "test", *extra], cwd=WEB_DIR, env=env, process_group=0)
    try:
        return proc.wait(timeout=PLAYWRIGHT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"portal e2e: playwright still running after {PLAYWRIGHT_TIMEOUT_S} s; stopping it",
              file=sys.stderr, flush=True)
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        return 124
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        return 130


def _interrupt(*_):
    raise KeyboardInterrupt  # SIGTERM (ctest's timeout) stops everything like Ctrl-C


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", help="build tree with bin/ and web/ (default: above "
                        "$CCC_BIN_DIR, else <repo>/build)")
    parser.add_argument("--web-root", help="portal build to serve (default <build>/web)")
    parser.add_argument("--serve", action="store_true",
                        help="start the site, print the environment for `npx playwright test` "
                             "and wait for Ctrl-C instead of running the specs")
    parser.add_argument("playwright_args", nargs="*", help="passed to `playwright test`")
    args = parser.parse_args()

    build_dir = find_build_dir(args.build_dir)
    os.environ["CCC_BIN_DIR"] = str(build_dir / "bin")
    for name in ("ccc-relay", "ccc-agent"):
        if not os.access(build_dir / "bin" / name, os.X_OK):
            sys.exit(f"portal e2e: {build_dir / 'bin' / name} missing (build it first)")
    web_root = find_web_root(build_dir, args.web_root)

    work = build_dir / "e2e-portal"
    screenshots = build_dir / "portal-screenshots"
    for folder in (work, screenshots):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    pid_file = work / "spawned.pids"
    output_dir = work / "playwright"

    started = time.monotonic()
    site = None
    status = 1
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        site, made = start_site(work, web_root)
        fixture_path = work / "fixture.json"
        fixture = write_fixture(fixture_path, site, made, screenshots, pid_file, output_dir)
        env = dict(os.environ,
                   PORTAL_URL=fixture["portal_url"], SCREENSHOT_DIR=str(screenshots),
                   E2E_FIXTURE=str(fixture_path), E2E_OUTPUT_DIR=str(output_dir),
                   NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
                   PLAYWRIGHT_HTML_OPEN="never", CI="1",
                   NPM_CONFIG_UPDATE_NOTIFIER="false")
        print(f"portal e2e: site up in {time.monotonic() - started:.1f} s at "
              f"{fixture['portal_url']} (state and logs in {work})", flush=True)
        if args.serve:
            print(f"cd {WEB_DIR} && PORTAL_URL={fixture['portal_url']} "
                  f"SCREENSHOT_DIR={screenshots} E2E_FIXTURE={fixture_path} "
                  f"E2E_OUTPUT_DIR={output_dir} npx playwright test", flush=True)
            print("Ctrl-C stops", flush=True)
            while True:
                time.sleep(3600)
        specs_started = time.monotonic()
        status = run_playwright(env, args.playwright_args)
        print(f"portal e2e: playwright exited with {status} after "
              f"{time.monotonic() - specs_started:.1f} s; screenshots in {screenshots}",
              flush=True)
    except KeyboardInterrupt:
        status = 130
    except Exception as e:  # a site that did not come up: say why, with the relay's log
        print(f"portal e2e: {e}", file=sys.stderr)
        if site is not None and site.relay is not None:
            print(site.relay.log_tail(40), file=sys.stderr)
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_spawned(pid_file, work)
        if site is not None:
            site.stop()
        print(f"portal e2e: done in {time.monotonic() - started:.1f} s (exit {status})",
              flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
