"""The real `ccc-relay` and `ccc-agent` as processes on loopback, for the integration tests,
the benchmarks and the demo.

Each wrapper writes its TOML config (brief: "Config files") into its own folder, captures
stderr/stdout into a log file there (appended across restarts, with a marker line per
start), and offers start / stop (SIGTERM) / kill (SIGKILL) / restart and readiness waits.
Children run under `setpriv --pdeathsig KILL` (util-linux) so that a test runner killed by
a timeout takes them along.
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .pki import Pki
from .ports import REPO, free_port, wait_for

# setpriv execs the program in place (same pid); without it children may outlive a killed
# runner, which costs stray processes, not correctness.
_DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []


def bin_dir() -> Path:
    """Where ccc-agent and ccc-relay live: $CCC_BIN_DIR (set by ctest), else build/bin."""
    return Path(os.environ.get("CCC_BIN_DIR", REPO / "build" / "bin"))


def binary(name: str) -> Path:
    path = bin_dir() / name
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"{path} is missing or not executable (build it, or set CCC_BIN_DIR)")
    return path


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(str(v))  # a JSON string is a valid TOML basic string


def render_toml(sections: dict) -> str:
    """{"agent": {"device_id": "X"}, ...} -> TOML text; None values are left out."""
    out = []
    for section, values in sections.items():
        out.append(f"[{section}]")
        for key, value in values.items():
            if value is not None:
                out.append(f"{key} = {toml_value(value)}")
        out.append("")
    return "\n".join(out)


def merge(base: dict, override: dict | None) -> dict:
    result = {k: dict(v) for k, v in base.items()}
    for section, values in (override or {}).items():
        result.setdefault(section, {}).update(values)
    return result


class Process:
    """One child process with a log file in `directory`."""

    name = "process"

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.dir / f"{self.name}.log"
        self.proc: subprocess.Popen | None = None
        self.started_at: float | None = None  # time.monotonic() of the last start
        self.starts = 0
        self._exit_noted = False

    def command(self) -> list[str]:
        raise NotImplementedError

    def spawn(self, extra_env: dict | None = None):
        assert not self.running, f"{self.name} already running"
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"--- harness: start #{self.starts}: {' '.join(self.command())}\n".encode())
            log.flush()
            env = dict(os.environ, **(extra_env or {}))
            self.started_at = time.monotonic()
            # Own process group: a Ctrl-C meant for the demo or pytest does not reach it;
            # the harness decides the order of stopping.
            self.proc = subprocess.Popen(_DIE_WITH_PARENT + self.command(),
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, env=env, process_group=0)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def exit_code(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM and wait; SIGKILL if it does not exit within `timeout`. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._note(f"did not exit {timeout}s after SIGTERM; SIGKILL")
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        if not self._exit_noted:
            self._exit_noted = True
            self._note(f"exited with {code}")
        return code

    def kill(self):
        """SIGKILL: a crash or power cut as far as the process is concerned."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            self._exit_noted = True
            self._note("killed with SIGKILL")

    def _note(self, text: str):
        with open(self.log_path, "ab") as log:
            log.write(f"--- harness: {text}\n".encode())

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def check_alive(self):
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} in {self.dir} exited with {self.proc.returncode}:\n"
                               + self.log_tail(40))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ---------------------------------------------------------------------------------------
# Relay


def parse_metrics(text: str) -> dict[str, float]:
    """Prometheus text -> {"name": v, 'name{label="x"}': v}. Label sets are kept as written
    by the relay, with labels sorted so lookups do not depend on their order."""
    result = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        if "{" in key:
            name, _, labels = key.partition("{")
            parts = sorted(p.strip() for p in labels.rstrip("}").split(",") if p.strip())
            key = name + "{" + ",".join(parts) + "}"
        try:
            result[key] = float(value)
        except ValueError:
            continue
    return result


def metric_key(name: str, **labels) -> str:
    if not labels:
        return name
    return name + "{" + ",".join(sorted(f'{k}="{v}"' for k, v in labels.items())) + "}"


# Loopback requests must never go through an http_proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Relay(Process):
    """`ccc-relay run --config <dir>/relay.toml`, SQLite store in <dir>/data/relay.db."""

    name = "ccc-relay"

    def __init__(self, directory: Path, pki: Pki, broker_port: int, http_port: int | None = None,
                 overrides: dict | None = None, cn: str = "ccc-relay",
                 client_id: str = "ccc-relay-1"):
        super().__init__(directory)
        self.pki = pki
        self.http_port = http_port or free_port()
        self.data_dir = self.dir / "data"
        cert, key = pki.client(cn)
        self.settings = merge({
            "relay": {"data_dir": str(self.data_dir), "log_level": "info"},
            "http": {"listen": "127.0.0.1", "port": self.http_port},
            "mqtt": {"host": "127.0.0.1", "port": broker_port, "ca_file": str(pki.ca),
                     "cert_file": str(cert), "key_file": str(key), "client_id": client_id,
                     "keep_alive": "5s"},
            "store": {"backend": "sqlite", "path": "relay.db"},
        }, overrides)
        self.conf_path = self.dir / "relay.toml"
        self.write_config()

    def write_config(self, text: str | None = None):
        self.conf_path.write_text(text if text is not None else render_toml(self.settings))

    @property
    def db_path(self) -> Path:
        return self.data_dir / self.settings["store"].get("path", "relay.db")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def command(self) -> list[str]:
        return [str(binary("ccc-relay")), "run", "--config", str(self.conf_path)]

    def admin(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`ccc-relay admin --config <conf> ARGS...` (e.g. "device", "add", "A", "B")."""
        cmd = [str(binary("ccc-relay")), "admin", "--config", str(self.conf_path), *args]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited with {result.returncode}:\n"
                               f"{result.stdout}{result.stderr}")
        return result

    def add_devices(self, *ids: str):
        # One call for all of them (the demo registers hundreds).
        if ids:
            self.admin("device", "add", *ids)

    def start(self, timeout: float = 20.0):
        self.spawn()
        self.wait_ready(timeout)
        return self

    def restart(self, timeout: float = 20.0):
        self.stop()
        return self.start(timeout)

    def http_get(self, path: str, timeout: float = 2.0) -> tuple[int, str]:
        try:
            with _DIRECT.open(self.url + path, timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def wait_ready(self, timeout: float = 20.0):
        def ready():
            self.check_alive()
            return self.http_get("/readyz")[0] == 200
        wait_for(ready, timeout, interval=0.05, what=f"relay /readyz 200 on {self.url}")

    def healthy(self) -> bool:
        try:
            return self.http_get("/healthz")[0] == 200
        except OSError:
            return False

    def metrics(self) -> dict[str, float]:
        status, text = self.http_get("/metrics")
        if status != 200:
            raise RuntimeError(f"GET /metrics answered {status}: {text[:200]}")
        return parse_metrics(text)

    def metric(self, name: str, **labels) -> float:
        return self.metrics().get(metric_key(name, **labels), 0.0)

    def db(self) -> "RelayDb":
        return RelayDb(self.db_path)


def _u64(value: int) -> int:
    # The store keeps uint64 epochs bit-cast into SQLite's signed INTEGER.
    return value & 0xFFFFFFFFFFFFFFFF


class RelayDb:
    """Read-only view of the relay's SQLite store (schema: relay/store/sqlite/sqlite_schema.h).

    Opens a fresh read-only connection per query so that it always sees the latest commit and
    never holds a lock or a snapshot while the relay writes."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def query(self, sql: str, params=()) -> list[tuple]:
        if not self.path.exists():
            return []
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def telemetry_seqs(self, device: str) -> list[tuple[int, int]]:
        """(epoch, seq) of the device's stored telemetry samples, in insertion (rowid) order."""
        return [(_u64(e), s) for e, s in self.query(
            "SELECT epoch, seq FROM samples_raw WHERE device = ? ORDER BY rowid", (device,))]

    def telemetry_count(self, device: str) -> int:
        return self.query("SELECT COUNT(*) FROM samples_raw WHERE device = ?", (device,))[0][0]

    def record_seqs(self, device: str, stream: str) -> list[tuple[int, int]]:
        return [(_u64(e), s) for e, s in self.query(
            "SELECT epoch, seq FROM records WHERE device = ? AND stream = ? ORDER BY rowid",
            (device, stream))]

    def record_count(self, device: str, stream: str | None = None) -> int:
        if stream is None:
            return self.query("SELECT COUNT(*) FROM records WHERE device = ?", (device,))[0][0]
        return self.query("SELECT COUNT(*) FROM records WHERE device = ? AND stream = ?",
                          (device, stream))[0][0]

    def device(self, device: str) -> dict | None:
        conn_rows = self.query("SELECT * FROM devices WHERE id = ?", (device,))
        if not conn_rows:
            return None
        names = [r[1] for r in self.query("PRAGMA table_info(devices)")]
        return dict(zip(names, conn_rows[0]))

    def all_devices(self) -> list[str]:
        return [r[0] for r in self.query("SELECT id FROM devices ORDER BY id")]

    def stored_anything_for(self, device: str) -> int:
        """Telemetry samples plus records of any stream for `device`."""
        return self.telemetry_count(device) + self.record_count(device)


# ---------------------------------------------------------------------------------------
# Agent


class Agent(Process):
    """`ccc-agent run --config <dir>/agent.toml` with the simulator source; outbox in
    <dir>/data/outbox.db."""

    name = "ccc-agent"

    def __init__(self, directory: Path, pki: Pki, broker_port: int, device_id: str,
                 cert_cn: str | None = None, overrides: dict | None = None):
        super().__init__(directory)
        self.device_id = device_id
        self.data_dir = self.dir / "data"
        cert, key = pki.client(cert_cn or device_id)
        self.settings = merge({
            "agent": {"device_id": device_id, "data_dir": str(self.data_dir), "log_level": "info"},
            "mqtt": {"host": "127.0.0.1", "port": broker_port, "ca_file": str(pki.ca),
                     "cert_file": str(cert), "key_file": str(key),
                     "keep_alive": "5s", "reconnect_min": "100ms", "reconnect_max": "1s"},
            "outbox": {"sync": "normal"},
            "sampler": {"interval": "1s"},
            "source": {"kind": "simulator", "seed": 1},
        }, overrides)
        self.conf_path = self.dir / "agent.toml"
        self.write_config()

    def write_config(self, text: str | None = None):
        self.conf_path.write_text(text if text is not None else render_toml(self.settings))

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox.db"

    def command(self) -> list[str]:
        return [str(binary("ccc-agent")), "run", "--config", str(self.conf_path)]

    def start(self, timeout: float = 15.0):
        self.spawn()
        self.wait_ready(timeout)
        return self

    def restart(self, timeout: float = 15.0):
        self.stop()
        return self.start(timeout)

    def wait_ready(self, timeout: float = 15.0):
        def ready():
            self.check_alive()
            return self.outbox_path.exists() and self.status() is not None
        wait_for(ready, timeout, interval=0.05, what=f"agent {self.device_id}: outbox and status")

    def status(self, config: Path | None = None) -> "AgentStatus":
        """`ccc-agent status --config F --json` (works whether or not the agent runs)."""
        cmd = [str(binary("ccc-agent")), "status", "--config", str(config or self.conf_path),
               "--json"]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited with {result.returncode}: "
                               f"{result.stdout}{result.stderr}")
        return AgentStatus(json.loads(result.stdout))


class AgentStatus:
    """`ccc-agent status --json`, read tolerantly: streams as a list of {"stream": name, ...}
    or as an object keyed by stream name."""

    def __init__(self, raw: dict):
        self.raw = raw
        outbox = raw.get("outbox", raw)
        streams = outbox.get("streams", raw.get("streams", []))
        if isinstance(streams, dict):
            self.streams = {name: dict(v) for name, v in streams.items()}
        else:
            self.streams = {s.get("stream") or s.get("name"): dict(s) for s in streams}
        self.epoch = outbox.get("epoch", raw.get("epoch"))

    def stream(self, name: str) -> dict:
        return self.streams.get(name, {})

    def depth(self, name: str | None = None) -> int:
        if name is None:
            return sum(int(s.get("depth", 0)) for s in self.streams.values())
        return int(self.stream(name).get("depth", 0))

    def next_seq(self, name: str) -> int:
        return int(self.stream(name).get("next_seq", 1))

    def last_seq(self, name: str) -> int:
        """The last seq the outbox assigned on `name` (0 when none yet)."""
        return self.next_seq(name) - 1

    def last_acked(self, name: str) -> int:
        return int(self.stream(name).get("last_acked_seq", 0))

    def dropped(self, name: str) -> int:
        return int(self.stream(name).get("dropped", 0))

    def __repr__(self):
        return json.dumps(self.raw)
