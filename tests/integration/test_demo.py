"""`make demo` keeps working: scripts/demo.py with two systems on a free port comes up with
its printed login, the systems paired and online through the real flow, and stops cleanly
on SIGTERM."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from harness.ports import REPO, free_port
from harness.processes import bin_dir

STARTUP_DEADLINE_S = 90


def _read_header(proc: subprocess.Popen, deadline: float) -> dict:
    """The `key: value` lines the demo prints until its last line ("... Ctrl-C stops")."""
    lines = {}
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        key, sep, value = line.partition(": ")
        if sep:
            lines[key.strip()] = value.strip()
        if "Ctrl-C stops" in line:
            return lines
    raise AssertionError(f"demo did not finish starting; printed {lines}")


def _post_json(url: str, body: dict) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        cookie = response.headers.get("Set-Cookie", "").split(";", 1)[0]
        return response.status, json.loads(response.read()), cookie


def test_demo_pairs_its_systems_and_stops_cleanly(tmp_path):
    port = free_port()
    env = dict(os.environ, DEMO_SYSTEMS="2", DEMO_PORT=str(port))
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "demo.py"), "--build-dir",
         str(Path(bin_dir()).parent), "--state-dir", str(tmp_path / "demo")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        header = _read_header(proc, time.monotonic() + STARTUP_DEADLINE_S)
        assert header["portal"] == f"http://127.0.0.1:{port}/"
        status, session, cookie = _post_json(f"{header['portal']}api/v1/session",
                                             {"email": header["email"],
                                              "password": header["password"]})
        assert status == 200 and cookie.startswith("ccc_session=")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(f"{header['portal']}api/v1/systems?limit=100",
                                         headers={"Cookie": cookie})
        with opener.open(request, timeout=10) as response:
            systems = json.loads(response.read())["items"]
        paired = [s for s in systems if s["paired"]]
        waiting = [s for s in systems if s["state"] == "waiting_for_pairing"]
        assert len(paired) == 2 and all(s["online"] for s in paired), systems
        assert waiting and all(s["confirmation_code"] for s in waiting), systems
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, rest
    assert "demo: stopping" in rest
