"""Alert storm: alerts sent as Alertmanager sends them into `pm serve --workers 2`.

    python bench/alert_storm.py                          # SQLite, 10,000 alerts
    python bench/alert_storm.py --db postgres
    python bench/alert_storm.py --alerts 2000            # a shorter run
    python bench/alert_storm.py --db postgres --pg-name pm_mine_storm   # another database

Starts `pm serve --demo --workers 2` on 127.0.0.1 in a temporary data folder, creates an
Alertmanager integration (`pm admin create-integration`), and sends `--alerts` critical alerts in
`--groups` groups as webhook v4 payloads of 10 alerts each, from 8 concurrent senders that each
keep one connection open, as Alertmanager's HTTP client does. One payload in 20 is sent a second
time right after its answer, as Alertmanager's retries and repeats do.

Two ways to send:
- as fast as answered (the default): each sender sends its next payload when the last one is
  answered. This finds the most alerts per second the server answers; at that rate every
  payload also waits for the ones ahead of it, so the p95 measures the queue (8 senders / the
  rate, by Little's law) more than the server.
- `--rate N`: N alerts per second are offered on a fixed schedule (payload k is due at
  k × 10 / N s), whatever the answers do. A payload's time runs from when it was due, not from
  when a sender got to it, so a server that falls behind is charged for the wait (no
  "coordinated omission"). This is the payload p95 at a given load, the figure a latency goal is
  stated at.
 Meanwhile a checker reads each answered payload's incident through the API and
records when its alerts are on the timeline, and a reader loads an incident page again and again.
It prints: alerts per second answered 2xx, the payloads' HTTP p50/p95, the p95 delay from a
payload's answer to its alerts being on the timeline, the incident page's p95 during the storm,
and the lost and duplicated alert counts read back from the API at the end. Every request goes
to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_server import PM, demo_server
from hostile_bench import Session

PER_PAYLOAD = 10
SENDERS = 8
RETRY_EVERY = 20
STORM_IDS = "alertmanager:storm:"  # the external ids of the storm's alert events


@dataclass
class Stats:
    payload_ms: list[float] = field(default_factory=list)
    opening_ms: list[float] = field(default_factory=list)  # a group's first payload, first try
    other_ms: list[float] = field(default_factory=list)  # every other payload and retry
    statuses: Counter[int] = field(default_factory=Counter)
    alerts_ok: int = 0
    delays_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    page_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def payloads(alerts: int, groups: int) -> list[dict[str, Any]]:
    """``alerts`` alerts in ``groups`` groups, in payloads of 10, groups interleaved."""
    start = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    per_group = alerts // groups
    out = []
    for first in range(0, per_group, PER_PAYLOAD):
        for g in range(groups):
            batch = [
                {
                    "status": "firing",
                    "labels": {
                        "alertname": f"Storm{g}",
                        "severity": "critical",
                        "service": f"svc-{g}",
                        "instance": f"host-{n}",
                    },
                    "annotations": {"summary": f"storm {g} host {n}"},
                    "startsAt": (start + dt.timedelta(seconds=n)).isoformat(),
                    "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus.example/graph",
                    "fingerprint": f"{g:04x}{n:08x}",
                }
                for n in range(first, min(first + PER_PAYLOAD, per_group))
            ]
            out.append(
                {
                    "version": "4",
                    "groupKey": f'{{}}:{{alertname="Storm{g}"}}',
                    "status": "firing",
                    "receiver": "pm",
                    "externalURL": "http://alertmanager.example",
                    "alerts": batch,
                }
            )
    return out


class Connection:
    """One kept-open HTTP connection, opened again when the server closed it."""

    def __init__(self, url: str, secret: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "", parts.port or 80, parts.path
        self.headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        self.conn: http.client.HTTPConnection | None = None

    def post(self, body: bytes) -> tuple[int, bytes]:
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request("POST", self.path, body=body, headers=self.headers)
                answer = self.conn.getresponse()
                raw = answer.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    return 0, b""
                continue  # a kept-open connection the server had closed: once more, afresh
            if answer.will_close:
                self.conn.close()
                self.conn = None
            return answer.status, raw
        return 0, b""


def api_get(base: str, token: str, path: str) -> Any:
    request = urllib.request.Request(
        base + "/api" + path, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def sender(
    url: str,
    secret: str,
    work: queue.Queue[Any],
    api: tuple[str, str],
    stats: Stats,
    schedule: tuple[float, float],
    groups: int,
) -> None:
    """Send payloads from ``work`` until it is empty. ``schedule`` is (start, seconds between
    payloads); with 0 s between them each payload goes as soon as the last one is answered.
    Payloads 0 to ``groups`` - 1 are the groups' first ones, which open their incidents."""
    start, every = schedule
    conn = Connection(url, secret)
    while True:
        try:
            n, payload = work.get_nowait()
        except queue.Empty:
            return
        body = json.dumps(payload).encode()
        due = start + n * every
        if every:
            time.sleep(max(0.0, due - time.monotonic()))
        for attempt in range(2 if n % RETRY_EVERY == 0 else 1):
            began = time.monotonic()
            status, raw = conn.post(body)
            answered = time.monotonic()
            since = due if every and attempt == 0 else began
            with stats.lock:
                took = (answered - since) * 1000
                stats.payload_ms.append(took)
                opening = n < groups and attempt == 0
                (stats.opening_ms if opening else stats.other_ms).append(took)
                stats.statuses[status] += 1
                if 200 <= status < 300 and attempt == 0:
                    stats.alerts_ok += len(payload["alerts"])
            if attempt == 0 and status == 200 and n % 10 == 0:
                keys = json.loads(raw).get("incidents", [])
                prints = {a["fingerprint"] for a in payload["alerts"]}
                delay = on_timeline(api, answered, keys, prints)
                with stats.lock:
                    stats.delays_ms.append(delay)


def on_timeline(api: tuple[str, str], answered: float, keys: list[str], prints: set[str]) -> float:
    """Milliseconds from the answer until the API shows the payload's alerts on the timeline."""
    base, token = api
    while True:
        seen = set()
        for key in keys:
            for e in api_get(base, token, f"/incidents/{key}")["timeline"]:
                if e["kind"] == "alert-fired":
                    seen.add(e["external_id"].split(":")[2])
        if prints <= seen or time.monotonic() - answered > 60:
            return (time.monotonic() - answered) * 1000
        time.sleep(0.05)


def page_reader(session: Session, path: str, stats: Stats, stop: threading.Event) -> None:
    while not stop.is_set():
        began = time.monotonic()
        status = session.get(path)
        stats.page_ms.append((time.monotonic() - began) * 1000)
        stats.page_errors += status != 200
        time.sleep(0.1)


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of ``root`` and every process below it, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    spent: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry.name)] = int(fields[1])
        spent[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total = 0.0
    for pid, used in spent.items():
        up = pid
        while up not in (root, 0, 1) and up in parent:
            up = parent[up]
        total += used if up == root else 0.0
    return total


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else max(values, default=0)


def readback(base: str, token: str) -> tuple[int, int, int]:
    """(incidents with storm alerts, distinct alerts on timelines, duplicate alert events) from
    the API (the demo's own incidents, team sre too, hold no storm alert)."""
    incidents = api_get(base, token, "/incidents?team=sre&limit=500")
    ids: Counter[str] = Counter()
    opened = 0
    for row in incidents:
        timeline = api_get(base, token, f"/incidents/{row['key']}")["timeline"]
        mine = [
            e["external_id"]
            for e in timeline
            if e["kind"] == "alert-fired" and e["external_id"].startswith(STORM_IDS)
        ]
        opened += bool(mine)
        ids.update(mine)
    fingerprints = {i.split(":")[2] for i in ids}
    return opened, len(fingerprints), sum(c - 1 for c in ids.values())


@contextlib.contextmanager
def serve(db: str, workers: int, database: str) -> Iterator[tuple[str, dict[str, str]]]:
    """`pm serve --demo` in a temporary folder; yields its URL and the environment it runs in."""
    secret = os.environ.get("PM_SECRET_KEY", "alert-storm-bench-" + os.urandom(16).hex())
    env = {"PM_SECRET_KEY": secret}
    with demo_server(db, workers, database=database, env=env, wait=180) as server:
        server.env["PM_BENCH_SERVER_PID"] = str(server.pid)
        yield server.base, server.env


def setup(env: dict[str, str]) -> tuple[str, str, str]:
    """(hook path, secret, API token), made with the admin commands in the server's folder."""
    made = subprocess.run(
        [
            *PM,
            "admin",
            "create-integration",
            "storm",
            "--kind",
            "alertmanager",
            "--team",
            "sre",
            "--format",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    token = subprocess.run(
        [*PM, "admin", "create-token", "demo"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()[-1]
    found = json.loads(made.stdout)
    return found["path"], found["secret"], token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="alerts per second offered on a fixed schedule (default: as fast as answered)",
    )
    parser.add_argument(
        "--pg-name", default="pm_alert_storm", help="the PostgreSQL database (dropped, made again)"
    )
    args = parser.parse_args()
    with serve(args.db, args.workers, args.pg_name) as (base, env):
        run(base, env, args)


def run(base: str, env: dict[str, str], args: argparse.Namespace) -> None:
    path, secret, token = setup(env)
    url = base + path
    work: queue.Queue[Any] = queue.Queue()
    listed = payloads(args.alerts, args.groups)
    sent = len(listed) * PER_PAYLOAD
    for n, p in enumerate(listed[1:], start=1):
        work.put((n, p))
    stats = Stats()
    stop = threading.Event()
    _status, raw = Connection(url, secret).post(json.dumps(listed[0]).encode())  # first incident
    work_first = json.loads(raw)["incidents"][0]
    stats.alerts_ok += PER_PAYLOAD
    session = Session(base, "demo", "demo-postmortems")
    threads = [
        threading.Thread(
            target=page_reader,
            args=(session, f"/incidents/{work_first}/", stats, stop),
            daemon=True,
        ),
    ]
    for t in threads:
        t.start()
    server = int(env["PM_BENCH_SERVER_PID"])
    cpu_before, load_before = tree_cpu(server), os.getloadavg()
    every = PER_PAYLOAD / args.rate if args.rate else 0.0
    began = time.monotonic()
    schedule = (began - every, every)  # payload 1 is due now
    with ThreadPoolExecutor(SENDERS) as pool:
        done = [
            pool.submit(sender, url, secret, work, (base, token), stats, schedule, args.groups)
            for _ in range(SENDERS)
        ]
    for future in done:
        future.result()  # a sender's exception is the bench's failure, not a silent gap
    wall = time.monotonic() - began
    cpu = tree_cpu(server) - cpu_before
    load = (load_before, os.getloadavg())
    stop.set()
    for t in threads:
        t.join(timeout=120)
    incidents, stored, duplicated = readback(base, token)
    print(
        f"`python bench/alert_storm.py --db {args.db} --alerts {args.alerts}"
        + (f" --rate {args.rate:g}`" if args.rate else "`")
        + f" ({os.cpu_count()} cores)\n"
    )
    print("| measure | value |\n| --- | ---: |")
    rows = [
        ("alerts sent (payloads of 10, 8 senders)", f"{sent}"),
        (
            "offered",
            f"{args.rate:g} alerts/s on a schedule" if args.rate else "as fast as answered",
        ),
        ("payloads (with 1 in 20 sent twice)", f"{len(stats.payload_ms)}"),
        ("answers", ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses.items()))),
        ("storm wall time", f"{wall:.1f} s"),
        ("alerts/s answered 2xx", f"{(stats.alerts_ok - PER_PAYLOAD) / wall:.0f}"),
        ("payload HTTP p50", f"{statistics.median(stats.payload_ms):.0f} ms"),
        ("payload HTTP p95", f"{p95(stats.payload_ms):.0f} ms"),
        ("payload HTTP p99", f"{statistics.quantiles(stats.payload_ms, n=100)[-1]:.0f} ms"),
        (
            "payload HTTP p95: a group's first (opens its incident) / the others",
            f"{p95(stats.opening_ms):.0f} ms / {p95(stats.other_ms):.0f} ms",
        ),
        (
            "answer → alerts on the timeline via the API, p95 (every 10th payload)",
            f"{p95(stats.delays_ms):.0f} ms",
        ),
        (
            "incident page p95 during the storm",
            f"{p95(stats.page_ms):.0f} ms "
            f"({len(stats.page_ms)} loads, {stats.page_errors} not 200)",
        ),
        (
            "server CPU per payload (all its processes, page and API reads included)",
            f"{cpu * 1000 / len(stats.payload_ms):.1f} ms",
        ),
        ("load average (1 min) before / after", f"{load[0][0]:.1f} / {load[1][0]:.1f}"),
        ("incidents opened", f"{incidents}"),
        ("lost alerts", f"{sent - stored}"),
        ("duplicated alert events", f"{duplicated}"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
