"""Call data benchmark (issue 5): 1,000,000 stored calls of one system, then
  - calls_page_p99_ms: filtered pages of GET /api/v1/systems/{id}/calls through the real
    relay over HTTP (one keep-alive client, requests one after another, filters, sorts and
    offsets varied), 99th percentile;
  - calls_csv_rows_per_s: GET /api/v1/systems/{id}/calls.csv of all of them, read by the
    client to the last byte, rows / wall time;
  - calls_csv_rss_growth_mb: the relay's VmRSS during that export (sampled every 20 ms)
    minus its VmRSS right before it.
Used by run_bench.py (group "calls"); README.md ("Call data") says how. Runs on its own too:
  calls_bench.py --url http://127.0.0.1:PORT --token T --system-id N --relay-pid P
against a relay whose relay.db already holds the calls (see seed_calls)."""
import argparse
import http.client
import json
import random
import sqlite3
import threading
import time
import urllib.parse
from pathlib import Path

DAY_MS = 86_400_000
SEED_DAYS = 90  # the default call retention: the oldest calls a company keeps
FIRST_NAMES = ["Anna", "Jörg", "Zoë", "Tom", "Ines", "Lukas", "Maria", "Ömer", "Sven", "Katrin",
               "Paul", "Lena", "Jonas", "Sophie", "Felix", "Mia", "Elias", "Hannah", "Noah", "Lea"]
LAST_NAMES = ["Becker", "Müller", "Schmidt", "Weber", "Wagner", "Fischer", "Meyer", "Schulz",
              "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Braun",
              "Zimmermann", "Krüger", "Hartmann", "Lange"]
GROUPS = ["Sales", "Support", "Accounting", "Reception", "Logistics", "Management", "IT",
          "Marketing"]
CALL_TYPES = ["business"] * 6 + ["private", "forwarding", "door", "call_through"]
OWN_NUMBERS = ["+495219876500", "+495219876510", "+495219876520", "+495219876530"]
AREA_CODES = ["30", "40", "89", "221", "69", "711", "351", "341", "421", "511", "521", "5242"]


def fold(text: str) -> str:
    """relay/store/pbx_records.h FoldForSearch: ASCII and Latin-1 capitals to lower case."""
    return "".join(chr(ord(c) + 32) if ("A" <= c <= "Z" or ("\u00c0" <= c <= "\u00de"
                                                             and c != "\u00d7")) else c
                   for c in text)


def seed_calls(db_path: Path, serial: str, n: int, now_ms: int, seed: int = 5) -> dict:
    """Writes n calls of device `serial` straight into relay.db's calls table, as ingest
    would store them (same columns, search text as CallSearchText), spread evenly over the
    SEED_DAYS before now_ms. Ingesting a million records through MQTT is not what this
    measures. Returns {"first_ms", "last_ms", "rows", "seconds"}."""
    t0 = time.monotonic()
    conn = sqlite3.connect(db_path, timeout=60)
    try:
        conn.execute("PRAGMA busy_timeout = 60000")
        columns = [r[1] for r in conn.execute("PRAGMA table_info(calls)")]
        expected = ["device", "call_id", "start_ms", "duration_s", "direction", "result",
                    "external_number", "external_name", "billing_number", "billing_name",
                    "real_name", "own_number", "call_type", "search", "received_ms",
                    "search_id"]
        if sorted(columns) != sorted(expected):
            raise RuntimeError(f"relay.db calls table has columns {columns}, the seeder "
                               f"writes {expected}: update tests/bench/calls_bench.py")
        rng = random.Random(seed)
        span = SEED_DAYS * DAY_MS
        first_ms = now_ms - span
        step = span / n
        people = [f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES]
        placeholders = ", ".join("?" for _ in expected)
        # search_id keys the row in the trigram index calls_fts (relay sqlite_schema.h v3).
        first_search_id = conn.execute(
            "SELECT ifnull(max(search_id), 0) + 1 FROM calls").fetchone()[0]
        sql = f"INSERT INTO calls({', '.join(expected)}) VALUES({placeholders})"

        def rows():
            for i in range(n):
                start = first_ms + int(i * step) + rng.randrange(max(1, int(step)))
                direction = rng.choices(("incoming", "outgoing", "internal"), (45, 40, 15))[0]
                successful = rng.random() < 0.7
                duration = rng.randrange(5, 1800) if successful else 0
                group = rng.randrange(len(GROUPS))
                billing_number = str(200 + group * 10 + rng.randrange(10))
                real = rng.choice(people)
                if direction == "internal":
                    ext_number, ext_name, own = str(200 + rng.randrange(80)), rng.choice(people), ""
                else:
                    ext_number = ("+49" + rng.choice(AREA_CODES) + str(rng.randrange(10**6, 10**8))
                                  if rng.random() > 0.05 else "")
                    ext_name = rng.choice(people) if rng.random() < 0.6 else ""
                    own = rng.choice(OWN_NUMBERS)
                values = {"external_number": ext_number, "external_name": ext_name,
                          "billing_number": billing_number, "billing_name": GROUPS[group],
                          "real_name": real, "own_number": own}
                search = "\x1f".join(fold(values[k]) for k in (
                    "external_number", "external_name", "billing_number", "billing_name",
                    "real_name", "own_number"))
                row = {"device": serial, "call_id": i + 1, "start_ms": start,
                       "duration_s": duration, "direction": direction,
                       "result": "successful" if successful else "unsuccessful",
                       "call_type": rng.choice(CALL_TYPES), "search": search,
                       "received_ms": start + duration * 1000 + 5000,
                       "search_id": first_search_id + i, **values}
                yield tuple(row[c] for c in expected)

        with conn:
            conn.executemany(sql, rows())
            # Indexed in one statement, as ingest does (a row at a time is 15x slower).
            conn.execute("INSERT INTO calls_fts(rowid, search) SELECT search_id, search FROM calls "
                         "WHERE search_id >= ?", (first_search_id,))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        count = conn.execute("SELECT count(*) FROM calls WHERE device = ?", (serial,)).fetchone()[0]
    finally:
        conn.close()
    return {"first_ms": first_ms, "last_ms": now_ms, "rows": count,
            "seconds": round(time.monotonic() - t0, 1)}


def page_paths(system_id: int, now_ms: int) -> list[str]:
    """What people do on the call data page: the default view and its next pages, a deep
    page, number and name searches, the result/direction/type filters, one day, one week,
    the longest calls, the maximum page size. The last one searches a number that matches
    no call (+495219876510 is no DID of either seeder): without the trigram index every
    call of the 30 days would be read."""
    def iso(ms):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))
    base = f"/api/v1/systems/{system_id}/calls"
    day = [iso(now_ms - (k + 1) * DAY_MS) for k in range(7)]
    week_from, week_to = iso(now_ms - 21 * DAY_MS), iso(now_ms - 14 * DAY_MS)
    q = urllib.parse.quote
    return [
        f"{base}",
        f"{base}?offset=50",
        f"{base}?offset=1000&limit=100",
        f"{base}?q={q('müller')}",
        f"{base}?q={q('+4930')}",
        f"{base}?q=sales&result=unsuccessful",
        f"{base}?q={q('anna becker')}&offset=50",
        f"{base}?result=unsuccessful&direction=incoming",
        f"{base}?call_type=private",
        f"{base}?direction=outgoing&order=asc",
        f"{base}?from={day[1]}&to={day[0]}",
        f"{base}?from={day[3]}&q=210",
        f"{base}?from={week_from}&to={week_to}&sort=duration",
        f"{base}?from={day[1]}&sort=duration&order=desc&limit=500",
        f"{base}?limit=500&offset=500",
        f"{base}?q=5219876510&direction=incoming",
    ]


class Client:
    """One keep-alive HTTP client with an API token."""

    def __init__(self, url: str, token: str):
        u = urllib.parse.urlsplit(url)
        self.host, self.port, self.token = u.hostname, u.port, token
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (0, 1):
            try:
                self.conn.request("GET", path, headers={"Authorization": f"Bearer {self.token}"})
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")


def quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, int(round(q * len(s) + 0.5)) - 1))]


def measure_pages(url: str, token: str, system_id: int, now_ms: int, requests: int = 500,
                  warmup: int = 32) -> dict:
    """Sequential requests cycling through page_paths; latency = request sent to body read."""
    client = Client(url, token)
    paths = page_paths(system_id, now_ms)
    per_path: dict[str, list[float]] = {p: [] for p in paths}
    latencies = []
    capped = 0
    for i in range(warmup + requests):
        path = paths[i % len(paths)]
        t0 = time.perf_counter()
        status, body = client.get(path)
        ms = (time.perf_counter() - t0) * 1000
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status} {body[:300]!r}")
        if i >= warmup:
            latencies.append(ms)
            per_path[path].append(ms)
            capped += bool(json.loads(body).get("total_capped"))
    return {"p50_ms": round(quantile(latencies, 0.50), 2),
            "p90_ms": round(quantile(latencies, 0.90), 2),
            "p99_ms": round(quantile(latencies, 0.99), 2),
            "max_ms": round(max(latencies), 2), "requests": len(latencies),
            "capped_answers": capped,
            "per_path_p50_ms": {p: round(quantile(v, 0.5), 2) for p, v in per_path.items()},
            "per_path_max_ms": {p: round(max(v), 2) for p, v in per_path.items()}}


def vm_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def measure_export(url: str, token: str, system_id: int, relay_pid: int,
                   expected_rows: int | None = None) -> dict:
    """Exports every call (from 2000-01-01) through HTTP, reading 1 MiB at a time, while a
    thread samples the relay's VmRSS every 20 ms."""
    u = urllib.parse.urlsplit(url)
    rss_before = vm_kib(relay_pid, "VmRSS")
    hwm_before = vm_kib(relay_pid, "VmHWM")
    samples = [rss_before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            samples.append(vm_kib(relay_pid, "VmRSS"))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    path = f"/api/v1/systems/{system_id}/calls.csv?from=2000-01-01T00:00:00Z&order=asc"
    t0 = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        r = conn.getresponse()
        if r.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {r.status} {r.read()[:300]!r}")
        disposition = r.getheader("Content-Disposition")
        content_type = r.getheader("Content-Type")
        lines, size, head = 0, 0, b""
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            if not head:
                head = chunk[:200]
            size += len(chunk)
            lines += chunk.count(b"\n")  # LF alone: a CRLF may straddle two reads
        seconds = time.perf_counter() - t0
    finally:
        done.set()
        sampler.join()
        conn.close()
    rows = lines - 1  # the header row; the seeded texts hold no line breaks
    if not head.startswith(b"\xef\xbb\xbf"):
        raise RuntimeError(f"the export does not start with a BOM: {head[:40]!r}")
    if expected_rows is not None and rows != expected_rows:
        raise RuntimeError(f"the export held {rows} rows, expected {expected_rows}")
    return {"rows": rows, "bytes": size, "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds), "rss_before_mb": round(rss_before / 1024, 1),
            "rss_max_mb": round(max(samples) / 1024, 1),
            "rss_growth_mb": round((max(samples) - rss_before) / 1024, 1),
            "hwm_before_mb": round(hwm_before / 1024, 1),
            "hwm_after_mb": round(vm_kib(relay_pid, "VmHWM") / 1024, 1),
            "content_type": content_type, "content_disposition": disposition}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--system-id", type=int, required=True)
    ap.add_argument("--relay-pid", type=int, required=True)
    ap.add_argument("--now-ms", type=int, default=int(time.time() * 1000))
    ap.add_argument("--requests", type=int, default=500)
    args = ap.parse_args()
    print(json.dumps(measure_pages(args.url, args.token, args.system_id, args.now_ms,
                                   args.requests), indent=1))
    print(json.dumps(measure_export(args.url, args.token, args.system_id, args.relay_pid),
                     indent=1))


if __name__ == "__main__":
    main()
