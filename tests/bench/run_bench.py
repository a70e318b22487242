#!/usr/bin/python3
"""`make bench`: runs every benchmark and writes <build-dir>/bench/results.json (one flat
object of named figures, plus "machine", "timestamp" and "errors") and a readable table
(stdout and <build-dir>/bench/results.txt). tests/bench/README.md says what each figure
means and how it is measured.

A benchmark that fails leaves its figures null with a note under "errors"; the others still
run, and the script exits non-zero at the end. Every process it starts is stopped on exit,
also on Ctrl-C.

Environment: BENCH_SOAK_SECONDS (agent/collectd footprint window, default 120),
BENCH_REPLAY_RUNS (replay benchmark runs, median reported, default 3),
BENCH_INGEST_SECONDS (relay ingest window at the target load, default 40; the overload
window is half of it, at least 10), BENCH_INGEST_AGENTS (1000), BENCH_INGEST_RATE
(batches/s per simulated agent at the target load, 1.0), BENCH_INGEST_OVERLOAD_RATE (2.0),
BENCH_API_SYSTEMS (systems seeded for the API benchmark, 10000), BENCH_API_SECONDS (its
measurement window per user, 15), BENCH_API_CLIENTS (concurrent clients, 50),
BENCH_PORTAL_RUNS (cold loads of /systems in Chromium, 20), BENCH_PORTAL_KEYSTROKES (timed
filter keystrokes, 24), BENCH_WEB_ROOT (the built portal, default <build-dir>/web).
"""
import argparse
import datetime
import http.client
import json
import random
import sqlite3
import threading
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "util"))
from harness.broker import Broker  # noqa: E402
from harness.collectd import Collectd  # noqa: E402
from harness.pki import Pki  # noqa: E402
from harness.ports import REPO, wait_for  # noqa: E402
from harness.processes import Agent, Process, Relay, binary  # noqa: E402
from harness.site import Site  # noqa: E402

REPLAY_RUNS = int(os.environ.get("BENCH_REPLAY_RUNS", "3"))

CLK_TCK = os.sysconf("SC_CLK_TCK")
RECORDS_PER_BATCH = 50
WARMUP_S = 5.0

# name -> (unit, target text, check) in table order; check(value) -> True when met.
FIGURES = [
    ("outbox_append_records_per_s", "rec/s", ">= 100000", lambda v: v >= 100_000),
    ("outbox_append_single_records_per_s", "rec/s", "", None),
    ("codec_encode_records_per_s", "rec/s", "", None),
    ("codec_decode_records_per_s", "rec/s", "", None),
    ("outbox_replay_records_per_s", "rec/s", "", None),
    ("mqtt_baseline_records_per_s", "rec/s", "peer", None),
    ("replay_ratio", "", ">= 0.7", lambda v: v >= 0.7),
    ("replay_publish_ratio", "", "", None),
    ("replay_runs", "", "", None),
    ("agent_rss_mb", "MB", "<= 10", lambda v: v <= 10),
    ("agent_rss_mean_mb", "MB", "", None),
    ("agent_pss_mb", "MB", "", None),
    ("agent_anon_mb", "MB", "", None),
    ("agent_cpu_pct", "% core", "<= 0.5", lambda v: v <= 0.5),
    ("collectd_rss_mb", "MB", "peer", None),
    ("collectd_rss_mean_mb", "MB", "peer", None),
    ("collectd_pss_mb", "MB", "peer", None),
    ("collectd_anon_mb", "MB", "peer", None),
    ("collectd_cpu_pct", "% core", "peer", None),
    ("soak_seconds", "s", "", None),
    ("soak_agent_samples_stored", "samples", "", None),
    ("relay_ingest_samples_per_s", "samples/s", ">= 50000", lambda v: v >= 50_000),
    ("relay_ingest_overload_offered_samples_per_s", "samples/s", "", None),
    ("relay_ingest_overload_relay_cpu_pct", "% core", "", None),
    ("relay_ingest_p99_ms", "ms", "<= 1000", lambda v: v <= 1000),
    ("relay_ingest_target_samples_per_s", "samples/s", "", None),
    ("relay_ingest_offered_samples_per_s", "samples/s", "", None),
    ("relay_ingest_agents_connected", "", "", None),
    ("relay_ingest_relay_cpu_pct", "% core", "", None),
    ("relay_ingest_relay_rss_mb", "MB", "", None),
    ("relay_ingest_broker_cpu_pct", "% core", "", None),
    ("relay_ingest_loadgen_cpu_pct", "% core", "", None),
    ("store_ingest_samples_per_s", "samples/s", "", None),
    ("sqlite_baseline_samples_per_s", "samples/s", "peer", None),
    ("registration_snapshot_ms", "ms", "<= 50", lambda v: v <= 50),
    ("store_calls_ingest_per_s", "calls/s", "", None),
    ("login_ms", "ms", "<= 300", lambda v: v <= 300),
    ("api_systems_list_p99_ms", "ms", "<= 50", lambda v: v <= 50),
    ("api_systems_list_p50_ms", "ms", "", None),
    ("api_systems_list_per_s", "req/s", "", None),
    ("api_systems_list_relay_cpu_pct", "% core", "", None),
    ("api_systems_list_relay_rss_mb", "MB", "", None),
    ("api_systems_list_member_p99_ms", "ms", "<= 50", lambda v: v <= 50),
    ("api_systems_list_member_p50_ms", "ms", "", None),
    ("api_systems_list_member_per_s", "req/s", "", None),
    ("api_systems_seeded", "systems", "", None),
    ("api_systems_member_visible", "systems", "", None),
    ("api_bench_loadavg_1m", "", "", None),
    ("calls_page_p99_ms", "ms", "<= 100", lambda v: v <= 100),
    ("calls_page_p50_ms", "ms", "", None),
    ("calls_csv_rows_per_s", "rows/s", ">= 200000", lambda v: v >= 200_000),
    ("calls_csv_rss_growth_mb", "MB", "<= 50", lambda v: v <= 50),
    ("calls_seeded", "calls", "", None),
    ("calls_bench_loadavg_1m", "", "", None),
    ("portal_first_load_js_kb_gz", "KiB", "<= 250", lambda v: v <= 250),
    ("portal_first_load_js_kb_gz_login", "KiB", "", None),
    ("portal_first_load_js_kb_gz_systems", "KiB", "", None),
    ("portal_systems_first_rows_ms", "ms", "<= 1500", lambda v: v <= 1500),
    ("portal_systems_first_rows_p95_ms", "ms", "", None),
    ("portal_systems_api_ms", "ms", "peer", None),
    ("portal_filter_update_ms", "ms", "<= 300", lambda v: v <= 300),
    ("portal_filter_update_p95_ms", "ms", "", None),
    ("portal_filter_api_ms", "ms", "peer", None),
    ("portal_bench_loadavg_1m", "", "", None),
]

PORTAL_FIGURES = [name for name, *_ in FIGURES if name.startswith("portal_")]


class FigureError(RuntimeError):
    """A failure that concerns only some figures of a group (the others were measured)."""

    def __init__(self, message: str, names: list[str]):
        super().__init__(message)
        self.names = names


class Bench:
    def __init__(self, args):
        self.build_dir = Path(args.build_dir).resolve()
        # The harness finds ccc-relay / ccc-agent through CCC_BIN_DIR.
        os.environ["CCC_BIN_DIR"] = str(Path(args.bin_dir).resolve() if args.bin_dir
                                        else self.build_dir / "bin")
        self.out = self.build_dir / "bench"
        self.out.mkdir(parents=True, exist_ok=True)
        self.work = self.out / "run"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.pki = Pki(self.out / "pki")  # cached between runs: 1,000 client certs take a while
        self.results = {name: None for name, *_ in FIGURES}
        self.errors = {}
        self.services = []   # everything started, stopped in reverse order on exit
        self.soak_s = float(os.environ.get("BENCH_SOAK_SECONDS", "120"))
        self.ingest_s = float(os.environ.get("BENCH_INGEST_SECONDS", "40"))
        self.ingest_agents = int(os.environ.get("BENCH_INGEST_AGENTS", "1000"))
        # 1 batch/s x 50 records x 1,000 agents = the 50,000 samples/s target load.
        self.ingest_rate = float(os.environ.get("BENCH_INGEST_RATE", "1.0"))
        # Phase 2 offers 100,000/s to find the relay's ceiling.
        self.overload_rate = float(os.environ.get("BENCH_INGEST_OVERLOAD_RATE", "2.0"))
        self.api_systems = int(os.environ.get("BENCH_API_SYSTEMS", "10000"))
        self.api_s = float(os.environ.get("BENCH_API_SECONDS", "15"))
        self.api_clients = int(os.environ.get("BENCH_API_CLIENTS", "50"))
        self.portal_runs = int(os.environ.get("BENCH_PORTAL_RUNS", "20"))
        self.portal_keystrokes = int(os.environ.get("BENCH_PORTAL_KEYSTROKES", "24"))
        self.web_root = Path(os.environ.get("BENCH_WEB_ROOT") or self.build_dir / "web").resolve()

    # ---- plumbing -------------------------------------------------------------------------

    def cleanup(self):
        for s in reversed(self.services):
            try:
                s.stop()
            except Exception:  # cleanup continues whatever one service does
                pass
        self.services.clear()

    def fail(self, group: str, names, err: Exception):
        msg = f"{type(err).__name__}: {err}".strip()
        if len(msg) > 1500:
            msg = msg[:1500] + " ..."
        for n in getattr(err, "names", names):
            self.errors[n] = msg
        print(f"[bench] {group} FAILED: {msg}", file=sys.stderr, flush=True)

    def run_group(self, group: str, names, fn):
        print(f"[bench] {group} ...", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        try:
            fn()
        except KeyboardInterrupt:
            raise
        except Exception as e:  # one benchmark failing must not stop the others
            self.fail(group, names, e)
        finally:
            self.cleanup()
        print(f"[bench] {group} done in {time.monotonic() - t0:.0f} s", file=sys.stderr,
              flush=True)

    def start_broker(self, name: str) -> Broker:
        b = Broker(self.work / name, self.pki)
        self.services.append(b)
        b.start()
        return b

    # ---- Google Benchmark programs --------------------------------------------------------

    def google_benchmark(self, name: str, timeout: float = 240, extra: list | None = None):
        cmd = [str(binary(name)), "--benchmark_format=json", *(extra or [])]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.work)
        (self.work / f"{name}.json").write_text(r.stdout)
        (self.work / f"{name}.stderr").write_text(r.stderr)
        if r.returncode != 0:
            raise RuntimeError(f"{name} exited {r.returncode}: {r.stderr[-800:]}")
        return json.loads(r.stdout)["benchmarks"]

    @staticmethod
    def items_per_s(benchmarks, pattern: str, what: str) -> float:
        rx = re.compile(pattern, re.IGNORECASE)
        hits = [b for b in benchmarks
                if rx.search(b["name"]) and b.get("run_type", "iteration") == "iteration"
                and "items_per_second" in b]
        if not hits:
            names = ", ".join(b["name"] for b in benchmarks)
            raise RuntimeError(f"no benchmark matching /{pattern}/ ({what}) among: {names}")
        return float(hits[0]["items_per_second"])

    def bench_outbox(self):
        bms = self.google_benchmark("outbox_benchmark")
        self.results["outbox_append_records_per_s"] = self.items_per_s(
            bms, r"Append/256(/|$)", "batched append, batch 256")
        self.results["outbox_append_single_records_per_s"] = self.items_per_s(
            bms, r"Append/1(/|$)", "append, batch 1")

    def bench_codec(self):
        bms = self.google_benchmark("codec_benchmark")
        self.results["codec_encode_records_per_s"] = self.items_per_s(bms, r"encode", "encode")
        self.results["codec_decode_records_per_s"] = self.items_per_s(bms, r"decode", "decode")

    # ---- programs that print one JSON line ------------------------------------------------

    @staticmethod
    def last_json_line(text: str) -> dict:
        for line in reversed(text.strip().splitlines()):
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(f"no JSON line in output: {text[-800:]!r}")

    def run_json_program(self, name: str, args: list, keys: tuple, group: str):
        """Runs one of our benchmark programs that print a JSON line; copies `keys` out."""
        d = self.work / group
        d.mkdir()
        r = subprocess.run([str(binary(name)), *[str(a) for a in args]], capture_output=True,
                           text=True, timeout=300, cwd=d)
        (d / "stdout").write_text(r.stdout)
        (d / "stderr").write_text(r.stderr)
        if r.returncode != 0:
            raise RuntimeError(f"{name} exited {r.returncode}: {r.stderr[-800:]}")
        out = self.last_json_line(r.stdout)
        for k in keys:
            if k not in out:
                raise RuntimeError(f"{name} printed no {k}: {out}")
            self.results[k] = float(out[k])

    def bench_store(self):
        self.run_json_program("store_benchmark", ["--dir", self.work / "store" / "db"],
                              ("store_ingest_samples_per_s", "sqlite_baseline_samples_per_s"),
                              "store")

    def bench_pbxdata(self):
        """PBX data in the relay store (relay/store/pbx_benchmark.cc): a 2,000-phone
        registration snapshot through DecodeBatch + Store::IngestBatches, and call records
        ingested 10,000 per transaction."""
        bms = self.google_benchmark(
            "pbx_benchmark", extra=["--benchmark_filter=BM_RegistrationSnapshot|BM_CallsIngest"])
        snapshot = [b for b in bms if b["name"].startswith("BM_RegistrationSnapshot")
                    and b.get("run_type", "iteration") == "iteration"]
        if not snapshot or snapshot[0].get("time_unit") != "ms":
            raise RuntimeError(f"pbx_benchmark reported no snapshot time in ms: {bms}")
        self.results["registration_snapshot_ms"] = round(float(snapshot[0]["real_time"]), 2)
        self.results["store_calls_ingest_per_s"] = round(
            self.items_per_s(bms, r"BM_CallsIngest", "calls ingest"), 1)

    def bench_login(self):
        self.run_json_program("auth_benchmark", [], ("login_ms",), "login")

    def bench_replay(self):
        """Median of REPLAY_RUNS runs: one run's ratio swings with the connect time of either
        client (tens of ms out of ~0.2 s). publish_ratio compares the publishing phases only."""
        broker = self.start_broker("replay-broker")
        device = "bench-replay"
        cert, key = self.pki.client(device)
        runs = []
        for i in range(REPLAY_RUNS):
            d = self.work / f"replay-{i}"
            d.mkdir()
            cmd = [binary("uplink_replay_benchmark"), "--host", "127.0.0.1",
                   "--port", broker.port, "--ca", self.pki.ca, "--cert", cert, "--key", key,
                   "--device", device, "--records", "100000", "--dir", d / "data"]
            r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                               timeout=300)
            (d / "stdout").write_text(r.stdout)
            (d / "stderr").write_text(r.stderr)
            if r.returncode != 0:
                raise RuntimeError(f"uplink_replay_benchmark exited {r.returncode}: "
                                   f"{r.stderr[-800:]}")
            out = self.last_json_line(r.stdout)
            for k in ("outbox_replay_records_per_s", "mqtt_baseline_records_per_s",
                      "replay_ratio", "publish_ratio"):
                if k not in out:
                    raise RuntimeError(f"uplink_replay_benchmark printed no {k}: {out}")
            runs.append(out)
        runs.sort(key=lambda o: o["replay_ratio"])
        median = runs[len(runs) // 2]
        for k in ("outbox_replay_records_per_s", "mqtt_baseline_records_per_s", "replay_ratio"):
            self.results[k] = float(median[k])
        self.results["replay_publish_ratio"] = float(
            statistics.median(o["publish_ratio"] for o in runs))
        self.results["replay_runs"] = len(runs)

    # ---- relay and agent ------------------------------------------------------------------

    def start_relay(self, name: str, broker: Broker, devices: list[str]) -> Relay:
        # info, not the harness' debug: a log line per batch would be part of what we measure.
        relay = Relay(self.work / name, self.pki, broker.port, client_id="ccc-relay-bench",
                      overrides={"relay": {"log_level": "info"}, "store": {"sync": "full"}})
        relay.add_devices(*devices)  # one `ccc-relay admin device add` call
        self.services.append(relay)
        relay.start(timeout=30)
        return relay

    def start_agent(self, broker: Broker, device: str) -> Agent:
        # The product's defaults, not the harness' test settings (fast keep-alive, sync=normal).
        agent = Agent(self.work / "agent", self.pki, broker.port, device, overrides={
            "agent": {"log_level": "info"},
            "mqtt": {"keep_alive": "30s", "reconnect_min": "500ms", "reconnect_max": "60s"},
            "outbox": {"sync": "full"},
            "sampler": {"interval": "1s"},
        })
        self.services.append(agent)
        agent.start(timeout=20)
        # Mosquitto logs "New client connected from ... as <client id> (..., u'<CN>')."
        wait_for(lambda: not agent.running or f"u'{device}'" in broker.log(), 20,
                 what=f"ccc-agent connecting as {device}")
        agent.check_alive()
        return agent

    def bench_soak(self):
        broker = self.start_broker("soak-broker")
        device = "bench-agent"
        relay = self.start_relay("soak-relay", broker, [device])
        agent = self.start_agent(broker, device)
        collectd = Collectd(self.work / "collectd", self.pki, broker.port)
        self.services.append(collectd)
        collectd.start()
        collectd.wait_connected(broker)
        time.sleep(WARMUP_S)  # warm-up: connection set-up and first flush are not steady state
        stored0 = metric(relay.metrics(), "ccc_relay_samples_stored_total")
        print(f"[bench] soak window {self.soak_s:.0f} s", file=sys.stderr, flush=True)
        samples = sample_processes({"agent": agent.pid, "collectd": collectd.pid}, self.soak_s)
        # VmRSS counts shared library pages in full; the proportional share and the private
        # anonymous memory say what the process itself costs the machine.
        for who, pid in (("agent", agent.pid), ("collectd", collectd.pid)):
            rollup = read_smaps_rollup(pid)
            self.results[f"{who}_pss_mb"] = round(rollup["Pss"] / 2**20, 2)
            self.results[f"{who}_anon_mb"] = round(rollup["Anonymous"] / 2**20, 2)
        agent.check_alive()
        if collectd.proc.poll() is not None:
            raise RuntimeError(f"collectd exited during the soak: {collectd.log()[-800:]}")
        stored1 = metric(relay.metrics(), "ccc_relay_samples_stored_total")
        for who in ("agent", "collectd"):
            s = samples[who]
            self.results[f"{who}_rss_mb"] = round(s["rss_max_mb"], 2)
            self.results[f"{who}_rss_mean_mb"] = round(s["rss_mean_mb"], 2)
            self.results[f"{who}_cpu_pct"] = round(s["cpu_pct"], 3)
        self.results["soak_seconds"] = round(samples["agent"]["wall_s"], 1)
        self.results["soak_agent_samples_stored"] = int(stored1 - stored0)
        if stored1 - stored0 < self.soak_s / 2:
            raise RuntimeError(f"the agent's telemetry hardly reached the relay during the "
                               f"soak ({stored1 - stored0} samples in {self.soak_s:.0f} s): "
                               f"the footprint would not be of a working agent")

    def bench_ingest(self):
        n = self.ingest_agents
        devices = [f"load-{i:04d}" for i in range(n)]
        print(f"[bench] certificates for {n} simulated agents (cached in {self.pki.dir})",
              file=sys.stderr, flush=True)
        self.pki.clients(*devices)
        broker = self.start_broker("ingest-broker")
        relay = self.start_relay("ingest-relay", broker, devices)
        warmup, settle = 10.0, 5.0
        w1, w2 = self.ingest_s, max(10.0, self.ingest_s / 2)
        loadgen = LoadGen(self.work / "loadgen", [
            "--host", "127.0.0.1", "--port", broker.port, "--ca", self.pki.ca,
            "--pki-dir", self.pki.dir, "--agents", n, "--records", RECORDS_PER_BATCH,
            "--rate", self.ingest_rate, "--duration", warmup + w1 + 1,
            "--rate2", self.overload_rate, "--duration2", settle + w2 + 2])
        self.services.append(loadgen)
        loadgen.spawn()
        wait_for(lambda: not loadgen.running or loadgen.connected() is not None, 180,
                 interval=0.2, what="ccc-loadgen connecting its agents")
        loadgen.check_alive()
        connected = loadgen.connected()
        self.results["relay_ingest_agents_connected"] = connected
        pids = {"relay": relay.pid, "broker": broker.proc.pid, "loadgen": loadgen.pid}
        self.window_problems = []

        # Phase 1: the target load. Lag and resources are measured here.
        time.sleep(warmup)
        print(f"[bench] ingest phase 1: {w1:.0f} s at {self.ingest_rate} batch/s x {connected} "
              f"agents", file=sys.stderr, flush=True)
        m0, m1, wall, samples = self.ingest_window(relay, pids, w1, loadgen)
        self.check_ingest_errors(m0, m1)
        if self.window_problems:
            raise RuntimeError("phase 1: " + "; ".join(self.window_problems)
                               + f" (log: {relay.log_path})")
        self.results["relay_ingest_target_samples_per_s"] = round(stored_rate(m0, m1, wall), 1)
        self.results["relay_ingest_offered_samples_per_s"] = round(
            connected * self.ingest_rate * RECORDS_PER_BATCH, 1)
        self.results["relay_ingest_p99_ms"] = round(histogram_quantile(
            m0, m1, "ccc_relay_ingest_lag_seconds", 0.99) * 1000.0, 1)
        self.results["relay_ingest_relay_cpu_pct"] = round(samples["relay"]["cpu_pct"], 1)
        self.results["relay_ingest_relay_rss_mb"] = round(samples["relay"]["rss_max_mb"], 1)
        self.results["relay_ingest_broker_cpu_pct"] = round(samples["broker"]["cpu_pct"], 1)
        self.results["relay_ingest_loadgen_cpu_pct"] = round(samples["loadgen"]["cpu_pct"], 1)

        # Phase 2: more than the relay takes; the broker queues the rest, so the stored rate
        # is the relay's ceiling (or the offered load, if that is lower).
        wait_for(lambda: not loadgen.running or re.search(r"^phase 2$", loadgen.log(), re.M),
                 w1 + 60, interval=0.2, what="ccc-loadgen starting phase 2")
        loadgen.check_alive()
        time.sleep(settle)
        print(f"[bench] ingest phase 2: {w2:.0f} s at {self.overload_rate} batch/s x "
              f"{connected} agents", file=sys.stderr, flush=True)
        m2, m3, wall2, samples2 = self.ingest_window(relay, pids, w2, loadgen)
        self.check_ingest_errors(m2, m3)
        ceiling = stored_rate(m2, m3, wall2)
        self.results["relay_ingest_overload_offered_samples_per_s"] = round(
            connected * self.overload_rate * RECORDS_PER_BATCH, 1)
        self.results["relay_ingest_overload_relay_cpu_pct"] = round(samples2["relay"]["cpu_pct"], 1)
        if self.window_problems:
            raise FigureError(f"overload phase (stored {ceiling:.0f} samples/s): "
                              + "; ".join(self.window_problems) + f" (log: {relay.log_path})",
                              ["relay_ingest_samples_per_s"])
        self.results["relay_ingest_samples_per_s"] = round(ceiling, 1)
        wait_for(lambda: not loadgen.running, 60, interval=0.2, what="ccc-loadgen finishing")
        summary = self.last_json_line(loadgen.log())
        if connected < n:
            raise RuntimeError(f"only {connected} of {n} simulated agents connected; "
                               f"loadgen: {summary}")

    def ingest_window(self, relay: Relay, pids: dict, seconds: float, loadgen):
        """Scrapes /metrics, samples the processes for `seconds`, scrapes again."""
        drops0 = relay.log().count("mqtt disconnected")
        m0 = relay.metrics()
        t0 = time.monotonic()
        samples = sample_processes(pids, seconds, stop_when=lambda: not loadgen.running)
        m1 = relay.metrics()
        wall = time.monotonic() - t0  # between the two scrapes the counters come from
        loadgen.check_alive()
        relay.check_alive()
        drops = relay.log().count("mqtt disconnected") - drops0
        if drops:
            lines = [ln for ln in relay.log().splitlines() if "mqtt disconnected" in ln]
            self.window_problems.append(
                f"the relay lost its broker connection {drops} times in the window "
                f"(first: {lines[-drops].split('] ', 3)[-1]})")
        return m0, m1, wall, samples

    @staticmethod
    def check_ingest_errors(m0: dict, m1: dict):
        errs = {k: metric(m1, k) - metric(m0, k) for k in (
            "ccc_relay_store_errors_total", "ccc_relay_unknown_device_total",
            "ccc_relay_invalid_records_total", "ccc_relay_decode_errors_total")}
        if any(errs.values()):
            raise RuntimeError(f"the relay counted errors during the ingest window: {errs}")

    # ---- relay API ------------------------------------------------------------------------

    def seeded_site(self, name: str, relay_overrides: dict | None = None):
        """A Site (broker + relay) under <work>/<name> whose company owner (API_OWNER,
        API_PASSWORD) made self.api_systems systems through the API, 60 % of them with a
        devices row as ingest would write it (README: "Relay API", steps 1-2). Returns
        (site, owner ApiClient with an API token, [(system id, serial)])."""
        n = self.api_systems
        site = Site(self.work / name, self.pki, API_COMPANY, API_OWNER, API_PASSWORD,
                    relay_overrides=relay_overrides)
        self.services.append(site)
        site.start()
        owner = ApiClient(site.relay.url, api_token(site.relay.url, API_OWNER, API_PASSWORD))
        t0 = time.monotonic()
        systems = seed_systems(site.relay.url, owner.token, n)
        print(f"[bench] {name}: {n} systems created in {time.monotonic() - t0:.0f} s",
              file=sys.stderr, flush=True)
        mark_devices_seen(site.relay.db_path, [serial for _, serial in systems])
        return site, owner, systems

    def bench_api(self):
        """GET /api/v1/systems under load: 10,000 systems of one company, 50 closed-loop
        clients cycling through filters, sorts and pages (README: "Relay API")."""
        n = self.api_systems
        site, owner, systems = self.seeded_site("api")
        relay = site.relay
        self.results["api_systems_seeded"] = len(systems)
        site.relay.admin("user", "create", "--company", API_COMPANY, "--email", API_MEMBER,
                         "--password", API_PASSWORD)
        member = ApiClient(relay.url, api_token(relay.url, API_MEMBER, API_PASSWORD))

        # The member reaches a third of the systems: most through a group (default role
        # monitoring), some through direct authorisations, a few through both.
        t0 = time.monotonic()
        member_id = owner.find_user_id(API_MEMBER)
        status, group = owner.call("POST", "/api/v1/groups", {
            "name": "Bench region north", "description": "benchmark group",
            "default_role": "monitoring", "public": False})
        expect(status, 201, group, "create group")
        status, body = owner.call("PUT", f"/api/v1/groups/{group['id']}/members/{member_id}",
                                  {"role": None})
        expect(status, (200, 201, 204), body, "add group member")
        ids = [sid for sid, _ in systems]
        in_group = ids[0::4]            # 25 %
        direct = ids[1::12] + ids[0::40]  # ~8 %, a few also in the group
        for sid in in_group:
            status, body = owner.call("PUT", f"/api/v1/groups/{group['id']}/systems/{sid}")
            expect(status, (200, 201, 204), body, "add system to group")
        for sid in direct:
            status, body = owner.call("POST", "/api/v1/authorisations", {
                "user_id": member_id, "system_id": sid, "roles": ["monitoring", "backup"]})
            expect(status, 201, body, "grant authorisation")
        print(f"[bench] api: group with {len(in_group)} systems and {len(direct)} "
              f"authorisations in {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
        status, page = member.call("GET", "/api/v1/systems?limit=1")
        expect(status, 200, page, "member's list")
        self.results["api_systems_member_visible"] = page["total"]
        status, page = owner.call("GET", "/api/v1/systems?limit=1")
        expect(status, 200, page, "owner's list")
        if page["total"] != n:
            raise RuntimeError(f"the owner sees {page['total']} systems, not {n}")

        loads = []
        out = self.run_api_load(relay, owner.token, "owner", loads)
        self.results["api_systems_list_p99_ms"] = out["p99_ms"]
        self.results["api_systems_list_p50_ms"] = out["p50_ms"]
        self.results["api_systems_list_per_s"] = out["per_s"]
        self.results["api_systems_list_relay_cpu_pct"] = round(out["relay_cpu_pct"], 1)
        self.results["api_systems_list_relay_rss_mb"] = round(out["relay_rss_mb"], 1)
        out = self.run_api_load(relay, member.token, "member", loads)
        self.results["api_systems_list_member_p99_ms"] = out["p99_ms"]
        self.results["api_systems_list_member_p50_ms"] = out["p50_ms"]
        self.results["api_systems_list_member_per_s"] = out["per_s"]
        self.results["api_bench_loadavg_1m"] = round(max(loads), 2)

    def run_api_load(self, relay: Relay, token: str, who: str, loads: list) -> dict:
        d = self.work / f"api-load-{who}"
        d.mkdir()
        warmup = 3.0
        cmd = [str(binary("ccc-api-loadgen")), "--port", str(relay.http_port),
               "--token", token, "--clients", str(self.api_clients), "--warmup", str(warmup),
               "--duration", str(self.api_s)]
        for path in API_PATHS:
            cmd += ["--path", path]
        print(f"[bench] api: {self.api_clients} clients, {self.api_s:.0f} s, as the {who}",
              file=sys.stderr, flush=True)
        with open(d / "stdout", "w") as stdout, open(d / "stderr", "w") as stderr:
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, cwd=d)
            try:
                time.sleep(warmup)
                samples = sample_processes({"relay": relay.pid}, self.api_s + 1,
                                           stop_when=lambda: proc.poll() is not None)
                loads.append(os.getloadavg()[0])
                proc.wait(timeout=self.api_s + 60)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        relay.check_alive()
        text = (d / "stdout").read_text()
        out = self.last_json_line(text)
        if proc.returncode != 0:
            raise RuntimeError(f"ccc-api-loadgen ({who}) exited {proc.returncode}: {out} "
                               f"{(d / 'stderr').read_text()[-400:]}")
        print(f"[bench] api ({who}): {out}, load average {loads[-1]:.2f}", file=sys.stderr,
              flush=True)
        return {**out, "relay_cpu_pct": samples["relay"]["cpu_pct"],
                "relay_rss_mb": samples["relay"]["rss_max_mb"]}

    # ---- call data ------------------------------------------------------------------------

    def bench_calls(self):
        """1,000,000 calls of one system; filtered pages and the CSV export of all of them
        through the real relay (README: "Call data"; tests/bench/calls_bench.py)."""
        import calls_bench
        n = int(os.environ.get("BENCH_CALLS", "1000000"))
        site = Site(self.work / "calls", self.pki, API_COMPANY, API_OWNER, API_PASSWORD)
        self.services.append(site)
        site.start()
        relay = site.relay
        owner = ApiClient(relay.url, api_token(relay.url, API_OWNER, API_PASSWORD))
        status, system = owner.call("POST", "/api/v1/systems",
                                    {"name": "Call centre Bielefeld", "serial": CALLS_SERIAL})
        expect(status, 201, system, "create system")
        relay.admin("system", "maintenance", "--serial", CALLS_SERIAL, "--until", "2099-12-31")
        now_ms = int(time.time() * 1000)
        t0 = time.monotonic()
        try:
            seeder = binary("ccc-seed-calls")  # through the real ingest path
        except FileNotFoundError:
            seeder = None
        if seeder is not None:
            out = subprocess.run([str(seeder), "--store", str(relay.db_path), "--device",
                                  CALLS_SERIAL, "--count", str(n), "--end-ms", str(now_ms),
                                  "--days", str(calls_bench.SEED_DAYS)],
                                 capture_output=True, text=True, timeout=1800)
            if out.returncode != 0:
                raise RuntimeError(f"ccc-seed-calls failed: {out.stderr[-400:]}")
        else:
            calls_bench.seed_calls(relay.db_path, CALLS_SERIAL, n, now_ms)
        print(f"[bench] calls: {n} calls stored in {time.monotonic() - t0:.0f} s "
              f"({'ccc-seed-calls' if seeder else 'calls_bench.seed_calls'})",
              file=sys.stderr, flush=True)
        status, first = owner.call("GET", f"/api/v1/systems/{system['id']}/calls"
                                          "?from=2000-01-01T00:00:00Z&limit=1")
        expect(status, 200, first, "first call page")
        self.results["calls_seeded"] = n
        pages = calls_bench.measure_pages(relay.url, owner.token, system["id"], now_ms,
                                          int(os.environ.get("BENCH_CALLS_REQUESTS", "500")))
        print(f"[bench] calls pages: {json.dumps(pages)}", file=sys.stderr, flush=True)
        self.results["calls_page_p99_ms"] = pages["p99_ms"]
        self.results["calls_page_p50_ms"] = pages["p50_ms"]
        export = calls_bench.measure_export(relay.url, owner.token, system["id"], relay.pid,
                                            expected_rows=n)
        print(f"[bench] calls export: {json.dumps(export)}", file=sys.stderr, flush=True)
        self.results["calls_csv_rows_per_s"] = export["rows_per_s"]
        self.results["calls_csv_rss_growth_mb"] = export["rss_growth_mb"]
        self.results["calls_bench_loadavg_1m"] = round(os.getloadavg()[0], 2)
        relay.check_alive()

    # ---- portal in Chromium ---------------------------------------------------------------

    def bench_portal(self):
        """The portal in Debian's Chromium (playwright-core) against a relay serving
        <web root> with the API benchmark's 10,000 systems (README: "Portal")."""
        if not (self.web_root / "index.html").is_file():
            raise RuntimeError(f"no built portal in {self.web_root} (build the ccc_web target, "
                               f"or set BENCH_WEB_ROOT to a Vite output folder)")
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node (Node.js >= 20) is not on PATH")
        site, _, systems = self.seeded_site("portal", {"http": {"web_root": str(self.web_root)}})
        d = self.work / "portal-browser"
        d.mkdir()
        cmd = [node, str(REPO / "tests" / "bench" / "portal" / "portal_bench.mjs"),
               "--base-url", site.relay.url, "--email", API_OWNER, "--password", API_PASSWORD,
               "--web-root", str(self.web_root), "--out", str(d),
               "--runs", str(self.portal_runs), "--keystrokes", str(self.portal_keystrokes)]
        print(f"[bench] portal: Chromium against {site.relay.url} ({self.web_root})",
              file=sys.stderr, flush=True)
        with open(d / "stdout", "w") as stdout, open(d / "stderr", "w") as stderr:
            # Its own session, so that a timeout or Ctrl-C stops Chromium with it.
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True,
                                    cwd=d, start_new_session=True)

            def relay_progress():  # its progress lines to the console as they come; all to a file
                for line in proc.stderr:
                    stderr.write(line)
                    if line.startswith("[portal]"):
                        print(f"[bench] {line.rstrip()}", file=sys.stderr, flush=True)

            reader = threading.Thread(target=relay_progress, daemon=True)
            reader.start()
            try:
                proc.wait(timeout=1200)
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                reader.join(timeout=5)
        self.results["portal_bench_loadavg_1m"] = round(os.getloadavg()[0], 2)
        site.relay.check_alive()
        log = (d / "stderr").read_text()
        if proc.returncode != 0:
            raise RuntimeError(f"portal_bench.mjs exited {proc.returncode}: {log[-1200:]}")
        out = self.last_json_line((d / "stdout").read_text())
        if out.get("portal_systems_visible") != len(systems):
            raise RuntimeError(f"the measured user sees {out.get('portal_systems_visible')} "
                               f"systems, not {len(systems)}")
        for name in PORTAL_FIGURES:
            if name in out:
                self.results[name] = out[name]
        print(f"[bench] portal: first load JS larger on the {out['first_load_larger']} page; "
              f"{out['first_load_check']}; details in {d / 'details.json'}",
              file=sys.stderr, flush=True)
        if isinstance(out["first_load_check"], list):
            raise FigureError("first-load JS on the wire differs from the files on disk: "
                              + "; ".join(out["first_load_check"]),
                              ["portal_first_load_js_kb_gz"])

    # ---- report ---------------------------------------------------------------------------

    def report(self) -> int:
        doc = dict(self.results)
        doc["machine"] = machine()
        doc["timestamp"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        doc["errors"] = self.errors
        (self.out / "results.json").write_text(json.dumps(doc, indent=2) + "\n")
        text = table(self.results, self.errors, doc["machine"], doc["timestamp"])
        (self.out / "results.txt").write_text(text)
        print(text)
        print(f"results: {self.out / 'results.json'}")
        return 1 if self.errors else 0


# ---- helpers ------------------------------------------------------------------------------

class LoadGen(Process):
    """`ccc-loadgen ARGS` (tests/bench/loadgen.cc); stdout and stderr in <dir>/ccc-loadgen.log."""

    name = "ccc-loadgen"

    def __init__(self, directory: Path, args: list):
        super().__init__(directory)
        self.args = [str(a) for a in args]

    def command(self) -> list[str]:
        return [str(binary("ccc-loadgen")), *self.args]

    def connected(self) -> int | None:
        """The number of connected agents once the loadgen printed it, else None."""
        m = re.search(r"^connected (\d+)$", self.log(), re.MULTILINE)
        return int(m.group(1)) if m else None


API_COMPANY = "Bench Telecom GmbH"
API_OWNER = "owner@bench.example"
API_MEMBER = "member@bench.example"
API_PASSWORD = "bench-password-1"
CALLS_SERIAL = "PBX-CALLS-1"
# Filters (a city, a number, a serial prefix, none), every sort key the UI offers, both
# orders, first page, second page and a deep page.
API_PATHS = [
    "/api/v1/systems?limit=50",
    "/api/v1/systems?q=ber&sort=name&limit=50",
    "/api/v1/systems?q=12&sort=serial&order=desc&limit=50",
    "/api/v1/systems?q=PBX-00&sort=last_seen&order=desc&limit=50",
    "/api/v1/systems?sort=state&limit=50&offset=50",
    "/api/v1/systems?sort=name&order=desc&limit=50&offset=1000",
    "/api/v1/systems?q=office&sort=last_seen&limit=50&offset=50",
    "/api/v1/systems?sort=serial&limit=50&offset=1000",
    "/api/v1/systems?q=ham&sort=state&order=desc&limit=50",
    "/api/v1/systems?sort=last_seen&order=desc&limit=50",
]
CITIES = ["Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt", "Stuttgart", "Dresden",
          "Leipzig", "Bremen", "Hanover", "Nuremberg", "Dortmund", "Essen", "Bonn", "Kiel",
          "Aachen", "Freiburg", "Mainz", "Erfurt", "Rostock"]
PLACES = ["Head office", "Branch", "Warehouse", "Sales office", "Plant", "Clinic", "Store",
          "Depot", "Workshop", "Call centre"]


class ApiClient:
    """Keep-alive JSON client of the relay API with an API token (no CSRF)."""

    def __init__(self, base_url: str, token: str):
        self.token = token
        host, port = base_url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # the server closed the idle connection: once more
                if attempt:
                    raise
        return response.status, (json.loads(text) if text else {})

    def find_user_id(self, email: str) -> int:
        status, body = self.call("GET", "/api/v1/users?q=" + email.split("@")[0])
        expect(status, 200, body, "list users")
        for user in body["items"]:
            if user["email"] == email:
                return user["id"]
        raise RuntimeError(f"{email} is not in GET /api/v1/users: {body}")


def expect(status: int, wanted, body, what: str):
    if status not in (wanted if isinstance(wanted, tuple) else (wanted,)):
        raise RuntimeError(f"{what}: HTTP {status} {body}")


def api_token(base_url: str, email: str, password: str) -> str:
    """Logs in (session cookie + CSRF) and creates an API token for the load generator."""
    from harness.site import Portal
    portal = Portal(base_url)
    portal.login(email, password)
    status, body = portal.call("POST", "/api/v1/api-tokens", {"name": "bench"})
    expect(status, 201, body, "create API token")
    return body["token"]


def seed_systems(base_url: str, token: str, n: int, connections: int = 4) -> list:
    """Creates n systems through POST /api/v1/systems (each a real transaction with its
    audit row and confirmation code) over a few keep-alive connections. Names are a place
    and a city ("Warehouse Berlin 12"), serials "PBX-000123"-like. Returns [(id, serial)]."""
    rng = random.Random(7)
    todo = [(f"{rng.choice(PLACES)} {rng.choice(CITIES)} {i % 97}", f"PBX-{i:06d}")
            for i in range(n)]
    made, errors = [], []
    lock = threading.Lock()

    def work(part):
        client = ApiClient(base_url, token)
        for name, serial in part:
            status, body = client.call("POST", "/api/v1/systems",
                                       {"name": name, "serial": serial})
            with lock:
                if status != 201:
                    errors.append(f"{serial}: HTTP {status} {body}")
                    return
                made.append((body["id"], serial))

    threads = [threading.Thread(target=work, args=(todo[i::connections],))
               for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"creating systems failed: {errors[0]}")
    made.sort()
    return made


def mark_devices_seen(db_path: Path, serials: list):
    """What ingest would have written for agents that reported: 60 % of the systems have a
    devices row in relay.db (sysinfo, last seen in the past day), half of those online.
    Written straight into the store's table: pairing 6,000 agents is not what this measures."""
    rng = random.Random(11)
    now = int(time.time() * 1000)
    rows = []
    for i, serial in enumerate(serials):
        if i % 5 in (3, 4):
            continue
        sysinfo = json.dumps({"serial": serial, "model": "COMtrexx Advanced",
                              "firmware": rng.choice(["2.6.6", "2.5.1", "2.7.0"]),
                              "agent_version": "0.1.0", "hostname": serial.lower(),
                              "opt_in": {"monitoring": i % 2 == 0,
                                         "remote_configuration": i % 3 == 0}})
        rows.append((serial, now - 86_400_000, int(i % 2 == 0),
                     now - rng.randrange(86_400_000), sysinfo, now))
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        with conn:
            conn.executemany(
                "INSERT INTO devices(id, registered_ms, online, last_seen_ms, sysinfo_json,"
                " sysinfo_ts_ms) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                " online = excluded.online, last_seen_ms = excluded.last_seen_ms,"
                " sysinfo_json = excluded.sysinfo_json, sysinfo_ts_ms = excluded.sysinfo_ts_ms",
                rows)
    finally:
        conn.close()


def stored_rate(m0: dict, m1: dict, wall: float) -> float:
    return (metric(m1, "ccc_relay_samples_stored_total")
            - metric(m0, "ccc_relay_samples_stored_total")) / wall


def metric(m: dict, name: str) -> float:
    """Sum over all label sets of `name` in harness.parse_metrics output; absent = 0."""
    return sum(v for k, v in m.items() if k == name or k.startswith(name + "{"))


def histogram_quantile(m0: dict, m1: dict, name: str, q: float) -> float:
    """The q-quantile of the observations between two scrapes, interpolated linearly inside
    the bucket that holds it (as Prometheus' histogram_quantile does). Seconds."""
    rx = re.compile(r'le="([^"]+)"')
    bounds = []
    for key, v in m1.items():
        if key.startswith(name + "_bucket{"):
            le = rx.search(key).group(1)
            bound = math.inf if le in ("+Inf", "Inf") else float(le)
            bounds.append((bound, v - m0.get(key, 0.0)))
    if not bounds:
        raise RuntimeError(f"the relay exposes no {name} histogram")
    bounds.sort()
    total = bounds[-1][1]
    if total <= 0:
        raise RuntimeError(f"{name}: no observations in the window")
    rank = q * total
    prev_bound, prev_count = 0.0, 0.0
    for bound, count in bounds:
        if count >= rank:
            if math.isinf(bound):
                return prev_bound  # beyond the last finite bucket: report its lower edge
            if count == prev_count:
                return bound
            return prev_bound + (bound - prev_bound) * (rank - prev_count) / (count - prev_count)
        prev_bound, prev_count = bound, count
    return prev_bound


def read_proc(pid: int):
    """(rss_bytes, cpu_ticks) of a live process."""
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
                break
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After "pid (comm)": field 14 utime and 15 stime are at index 11 and 12.
    return rss, int(fields[11]) + int(fields[12])


def read_smaps_rollup(pid: int) -> dict:
    """The byte counts of /proc/PID/smaps_rollup (Rss, Pss, Anonymous, ...)."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1]) * 1024
    return out


def sample_processes(pids: dict, seconds: float, interval: float = 1.0, stop_when=None) -> dict:
    """Samples VmRSS every `interval` s and CPU time over the window, for every process in
    `pids` at the same instants. CPU % = (utime+stime delta) / wall time * 100 (% of one core)."""
    start = time.monotonic()
    first = {k: read_proc(p) for k, p in pids.items()}
    rss = {k: [v[0]] for k, v in first.items()}
    last = dict(first)
    next_t = start + interval
    while True:
        now = time.monotonic()
        if now - start >= seconds or (stop_when and stop_when()):
            break
        time.sleep(max(0.0, min(next_t, start + seconds) - now))
        next_t += interval
        for k, p in pids.items():
            last[k] = read_proc(p)
            rss[k].append(last[k][0])
    wall = time.monotonic() - start
    return {k: {"rss_max_mb": max(rss[k]) / 2**20,
                "rss_mean_mb": sum(rss[k]) / len(rss[k]) / 2**20,
                "cpu_pct": (last[k][1] - first[k][1]) / CLK_TCK / wall * 100.0,
                "wall_s": wall, "samples": len(rss[k])} for k in pids}


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb,
            "kernel": platform.release()}


def fmt_value(v) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float) and v >= 1000:
        return f"{v:,.0f}"
    if isinstance(v, float):
        return f"{v:.3g}" if v < 10 else f"{v:.1f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def table(results: dict, errors: dict, mach: dict, ts: str) -> str:
    rows = [("figure", "value", "unit", "target", "")]
    for name, unit, target, check in FIGURES:
        v = results.get(name)
        verdict = ""
        if v is None:
            verdict = "FAILED" if name in errors else ""
        elif check is not None:
            verdict = "ok" if check(v) else "MISSED"
        rows.append((name, fmt_value(v), unit, target, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [f"ccc benchmarks  {ts}  {mach['cpu']}, {mach['cores']} cores, "
             f"{mach['memory_gb']} GB"]
    for i, r in enumerate(rows):
        lines.append("  ".join([r[0].ljust(widths[0]), r[1].rjust(widths[1]),
                                r[2].ljust(widths[2]), r[3].ljust(widths[3]), r[4]]).rstrip())
        if i == 0:
            lines.append("-" * (sum(widths) + 8))
    ratios = []
    if results.get("agent_rss_mb") and results.get("collectd_rss_mb"):
        ratios.append(f"agent/collectd RSS: {results['agent_rss_mb'] / results['collectd_rss_mb']:.2f}")
    if results.get("agent_cpu_pct") is not None and results.get("collectd_cpu_pct"):
        ratios.append(f"agent/collectd CPU: {results['agent_cpu_pct'] / results['collectd_cpu_pct']:.2f}")
    if results.get("store_ingest_samples_per_s") and results.get("sqlite_baseline_samples_per_s"):
        ratios.append("store/raw SQLite: "
                      f"{results['store_ingest_samples_per_s'] / results['sqlite_baseline_samples_per_s']:.2f}")
    if ratios:
        lines.append("ratios to peers: " + ", ".join(ratios))
    if errors:
        lines.append("errors:")
        seen = set()
        for name, msg in errors.items():
            if msg in seen:
                continue
            seen.add(msg)
            lines.append(f"  {name}: {msg}")
    return "\n".join(lines) + "\n"


GROUPS = [
    ("outbox", "bench_outbox", ["outbox_append_records_per_s", "outbox_append_single_records_per_s"]),
    ("codec", "bench_codec", ["codec_encode_records_per_s", "codec_decode_records_per_s"]),
    ("store", "bench_store", ["store_ingest_samples_per_s", "sqlite_baseline_samples_per_s"]),
    ("pbxdata", "bench_pbxdata", ["registration_snapshot_ms", "store_calls_ingest_per_s"]),
    ("login", "bench_login", ["login_ms"]),
    ("replay", "bench_replay", ["outbox_replay_records_per_s", "mqtt_baseline_records_per_s",
                                "replay_ratio", "replay_publish_ratio", "replay_runs"]),
    ("soak", "bench_soak", ["agent_rss_mb", "agent_rss_mean_mb", "agent_cpu_pct",
                            "collectd_rss_mb", "collectd_rss_mean_mb", "collectd_cpu_pct"]),
    ("ingest", "bench_ingest", ["relay_ingest_samples_per_s", "relay_ingest_p99_ms"]),
    ("api", "bench_api", ["api_systems_list_p99_ms", "api_systems_list_p50_ms",
                          "api_systems_list_per_s", "api_systems_list_member_p99_ms",
                          "api_systems_list_member_p50_ms", "api_systems_list_member_per_s"]),
    ("calls", "bench_calls", ["calls_page_p99_ms", "calls_page_p50_ms", "calls_csv_rows_per_s",
                              "calls_csv_rss_growth_mb"]),
    ("portal", "bench_portal", PORTAL_FIGURES),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default=str(REPO / "build"))
    ap.add_argument("--bin-dir", help="where the programs are (default <build-dir>/bin)")
    ap.add_argument("--only", action="append", choices=[g for g, *_ in GROUPS],
                    help="run only these groups (repeatable)")
    args = ap.parse_args()

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    bench = Bench(args)
    try:
        for group, method, names in GROUPS:
            if args.only and group not in args.only:
                continue
            bench.run_group(group, names, getattr(bench, method))
    except KeyboardInterrupt:
        print("[bench] interrupted; stopping everything", file=sys.stderr)
        bench.cleanup()
        bench.errors["interrupted"] = "the run was interrupted"
        bench.report()
        return 130
    finally:
        bench.cleanup()
    return bench.report()


if __name__ == "__main__":
    sys.exit(main())
