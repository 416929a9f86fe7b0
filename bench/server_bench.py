"""Server benchmark: 10,000 generated postmortems, `pm serve --workers 2`, load from wrk.

    python bench/server_bench.py                 # SQLite and PostgreSQL
    python bench/server_bench.py --db sqlite --duration 10
    python bench/server_bench.py --keep /tmp/pm-server-bench    # import once, reuse on later runs

Needs `wrk` (`apt-get install -y wrk`) and, for PostgreSQL, the server at 127.0.0.1:5432 (user
postgres, trust auth); a database `pm_bench` is created there and dropped afterwards (kept with
`--keep`). Generated files and databases live in a temporary folder (or the `--keep` folder) and
are never committed. As root, the server and wrk run under `chrt -f 10` (SCHED_FIFO) so other
jobs on the machine do not stretch the wall-clock figures (`--no-rt` turns that off). Prints a
Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PM = [sys.executable, "-m", "postmortems"]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/{name}"
SERVICES = ["checkout-api", "login", "search", "payments", "web", "cdn", "queue", "billing-db"]
TAGS = ["tls", "dns", "config", "capacity", "deploy", "database", "network", "security"]
TEAMS = ["sre", "payments", "search", "security"]
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.1f %.1f %.1f\\n", summary.requests,
    summary.duration, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""

# The same report, with each request for a different postmortem (none of the restricted ones,
# every 20th): a reader's page cache then mostly misses, as in a large library.
LUA_RANDOM = (
    LUA
    + """
math.randomseed(7)
request = function()
  local i
  repeat i = math.random(0, COUNT - 1) until i % 20 ~= 0
  return wrk.format(nil, string.format("/p/PM-B-%05d/", i))
end
"""
)

# Every postmortem's page once (two wrk threads, alternate keys), before the random row: the
# first view after an import renders the page and stores it, which is not what a reader of a
# settled library waits for.
LUA_SWEEP = """
local counter = 0
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args) i = id end
request = function()
  local k = i % COUNT
  i = i + 2
  return wrk.format(nil, string.format("/p/PM-B-%05d/", k))
end
"""


def document(i: int, rng: random.Random) -> str:
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    year = 2018 + i % 7
    sev = rng.choice(["SEV1", "SEV2", "SEV2", "SEV3", "SEV3", "SEV4"])
    status = rng.choice(["draft", "in-review", "approved", "published", "published"])
    svcs = rng.sample(SERVICES, 2)
    tags = rng.sample(TAGS, 2)
    team = rng.choice(TEAMS)
    restricted = "true" if i % 20 == 0 else "false"
    start_h = rng.randint(0, 20)
    filler = " ".join(
        rng.choice(["The", "team", "saw", "errors", "on", "the", svcs[0], "and", "rolled", "back"])
        for _ in range(120)
    )
    return f"""---
title: {svcs[0]} outage number {i} after a {tags[0]} change
id: PM-B-{i:05d}
status: {status}
severity: {sev}
services: [{svcs[0]}, {svcs[1]}]
tags: [{tags[0]}, {tags[1]}]
teams: [{team}]
restricted: {restricted}
timezone: UTC
started: {year}-{month:02d}-{day:02d}T{start_h:02d}:00Z
resolved: {year}-{month:02d}-{day:02d}T{start_h + 2:02d}:30Z
impact: {{users_affected_pct: {rng.randint(1, 100)}}}
---
## Issue Summary

From {start_h:02d}:00 to {start_h + 2:02d}:30 UTC the {svcs[0]} returned errors to users. {filler}

## Timeline

- {start_h:02d}:05 UTC - Monitoring alert fired on the {svcs[0]} error rate.
- {start_h:02d}:20 UTC - Suspected the database; it was healthy (misleading path).
- {start_h + 1:02d}:00 UTC - Escalated to the {team} team.
- {start_h + 2:02d}:30 UTC - Fix deployed, errors stopped.

## Root Cause and Resolution

A {tags[0]} change broke the {svcs[0]}. {filler}

## Corrective and Preventative Measures

Improve review of {tags[0]} changes.

- [ ] Add monitoring on {svcs[1]} latency (owner: @ops, due: {year}-12-01)
- [ ] Patch the {svcs[0]} deploy script (owner: @dev, due: {year}-12-15)
"""


def generate(folder: Path, count: int) -> None:
    rng = random.Random(42)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"pm-{i:05d}.md").write_text(document(i, rng), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Target:
    name: str
    env: dict[str, str]


def rt_prefix(args: argparse.Namespace) -> list[str]:
    """`chrt -f 10` when asked for and allowed (root): real-time priority over other jobs."""
    if args.rt and os.geteuid() == 0 and shutil.which("chrt"):
        return ["chrt", "-f", str(args.rt_priority)]
    return []


def tree(pid: int) -> set[int]:
    """A process and all its descendants."""
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        found.add(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def rt_jobs(mine: set[int], priority: int) -> dict[int, tuple[str, int]]:
    """User processes outside ``mine`` under a real-time policy at ``priority`` or above:
    pid -> (command, CPU ticks). Lower real-time priorities cannot delay the benchmark."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, IndexError):
            continue
        # ppid 2: kernel threads; policy 1 or 2: FIFO or RR
        if fields[1] != "2" and cmd and int(fields[38]) in (1, 2) and int(fields[37]) >= priority:
            out[int(entry.name)] = (cmd[:80], int(fields[11]) + int(fields[12]))
    return out


def other_rt_jobs(mine: set[int], priority: int) -> list[str]:
    """Real-time jobs outside ``mine`` that used more than 5% of a core in the last second."""
    before = rt_jobs(mine, priority)
    if not before:
        return []
    time.sleep(1)
    after = rt_jobs(mine, priority)
    limit = 0.05 * os.sysconf("SC_CLK_TCK")
    return [
        f"{pid} {cmd}"
        for pid, (cmd, ticks) in after.items()
        if ticks - before.get(pid, (cmd, 0))[1] > limit
    ]


def wait_for_quiet(mine: set[int], priority: int, limit: float) -> bool:
    """Wait up to ``limit`` s for busy real-time jobs (another chrt benchmark) to end."""
    deadline = time.monotonic() + limit
    others = other_rt_jobs(mine, priority)
    if others:
        print(f"waiting for other real-time jobs: {others}", file=sys.stderr)
    while others and time.monotonic() < deadline:
        time.sleep(1)
        others = other_rt_jobs(mine, priority)
    return not others


def boost_pg_backends(rt: list[str], name: str) -> None:
    """The PostgreSQL backends serving the benchmark get the same priority as the server."""
    if not rt:
        return
    query = f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}'"
    pids = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-tAc", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for pid in pids:
        subprocess.run([*rt[:-1], "-p", rt[-1], pid], capture_output=True, check=False)


def tree_ticks(pid: int) -> dict[int, int]:
    """CPU ticks (user + system) used so far by a process and each of its live children."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        return {}
    ticks = {}
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[p] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


# A run where one worker used this share of the workers' CPU measured one core, not the server:
# measured again, up to --attempts times, and marked in the table when it stays so.
ONE_WORKER = 0.8


def busiest_share(pid: int, before: dict[int, int], after: dict[int, int]) -> float:
    """The share of the workers' CPU used by the busiest one (0.5: even on two workers).

    wrk opens its connections once and keeps them; gunicorn's threaded workers accept them as
    they come, and a run where one worker took them all is served by one core (about half the
    requests a second, and more CPU per request as its threads contend for one interpreter).
    """
    used = [after[p] - before.get(p, 0) for p in after if p != pid]
    return max(used) / sum(used) if used and sum(used) else 0.0


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children (``pm import``)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def pm(target: Target, *args: str, rt: tuple[str, ...] = ()) -> str:
    done = subprocess.run(
        [*rt, *PM, *args], env=target.env, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"pm {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not answer at {url}")


def login(base: str, user: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    data = urllib.parse.urlencode(
        {"username": user, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base}))
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit("login failed")
    # Both cookies, as a browser sends them: without the CSRF one every page would make a new
    # CSRF secret and set its cookie again.
    return "; ".join(f"{name}={cookies[name]}" for name in ("sessionid", "csrftoken"))


def wrk(
    url: str, header: str, seconds: int, connections: int, script: Path, rt: list[str]
) -> dict[str, float]:
    load = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), "-H", header]
    out = subprocess.run(
        [*rt, *load, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    m = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    assert m is not None, out
    requests, micros, errors = int(m[1]), int(m[2]), int(m[3])
    return {
        "rps": requests / (micros / 1e6),
        "p50": float(m[4]) / 1000,
        "p95": float(m[5]) / 1000,
        "p99": float(m[6]) / 1000,
        "errors": errors,
        "requests": requests,
    }


def run_target(
    target: Target, data: Path, args: argparse.Namespace, script: Path, marker: Path
) -> list[dict[str, Any]]:
    if marker.is_file():  # --keep: imported by an earlier run
        import_s, import_cpu = (float(x) for x in marker.read_text(encoding="utf-8").split())
        print(f"[{target.name}] reusing the import of an earlier run ({marker})", file=sys.stderr)
    else:
        t0, cpu0 = time.monotonic(), children_cpu()
        summary = pm(target, "import", str(data), rt=tuple(rt_prefix(args)))
        summary = summary.strip().splitlines()[-1]
        import_s, import_cpu = time.monotonic() - t0, children_cpu() - cpu0
        print(
            f"[{target.name}] import: {summary} in {import_s:.0f} s "
            f"({args.count / import_s:.0f}/s; pm import used {import_cpu:.1f} s of CPU, "
            f"{import_cpu * 1000 / args.count:.2f} ms per postmortem)",
            file=sys.stderr,
        )
        pm(
            target,
            "admin",
            "create-user",
            "bench",
            "--password",
            "bench-pw-123",
            "--team",
            "sre",
            "--role",
            "viewer",
        )
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{import_s:.1f} {import_cpu:.1f}", encoding="utf-8")
    rt = rt_prefix(args)
    port = free_port()
    server = subprocess.Popen(
        [*rt, *PM, "serve", "--workers", "2", "--port", str(port)],
        env=target.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        wait_for(f"{base}/login/")
        cookie = login(base, "bench", "bench-pw-123")
        bearer = api_token(target)
        key = f"PM-B-{args.count // 2 + 1:05d}"  # not restricted (every 20th is)
        pages = [
            ("list page (`/`, 25 newest of all)", f"{base}/", f"Cookie: {cookie}"),
            ("detail page (`/p/<key>/`)", f"{base}/p/{key}/", f"Cookie: {cookie}"),
            (
                "API read (`/api/postmortems/<key>`)",
                f"{base}/api/postmortems/{key}",
                f"Authorization: Bearer {bearer}",
            ),
        ]
        randomly = script.with_name("random.lua")
        randomly.write_text(LUA_RANDOM.replace("COUNT", str(args.count)), encoding="utf-8")
        random_label = f"detail page, a random one of {args.count:,} each time"
        pages.append((random_label, f"{base}/", f"Cookie: {cookie}"))
        for label, url, header in pages:
            lua = randomly if label == random_label else script
            if lua is randomly:
                sweep = script.with_name("sweep.lua")
                sweep.write_text(
                    LUA + LUA_SWEEP.replace("COUNT", str(args.count)), encoding="utf-8"
                )
                wrk(url, header, args.count // 100 + 10, args.connections, sweep, rt)
            wrk(url, header, 2, args.connections, lua, rt)  # warm-up: caches, connections
            for attempt in range(1, args.attempts + 1):
                mine = tree(os.getpid())
                quiet = not rt or wait_for_quiet(mine, args.rt_priority, args.rt_wait)
                if target.name == "PostgreSQL":
                    boost_pg_backends(rt, args.pg_name)
                others_before = rt_jobs(mine, args.rt_priority) if rt else {}
                load_before = os.getloadavg()[0]
                ticks_before = tree_ticks(server.pid)
                result = wrk(url, header, args.duration, args.connections, lua, rt)
                result["load"] = max(load_before, os.getloadavg()[0])
                ticks_after = tree_ticks(server.pid)
                cpu_used = sum(ticks_after.values()) - sum(ticks_before.values())
                cpu_used /= os.sysconf("SC_CLK_TCK")
                result["cpu_ms"] = cpu_used * 1000 / result["requests"]
                result["busiest"] = busiest_share(server.pid, ticks_before, ticks_after)
                # Did another real-time job start and run during the measurement?
                others_after = rt_jobs(tree(os.getpid()), args.rt_priority) if rt else {}
                used = sum(
                    ticks - others_before.get(pid, ("", 0))[1]
                    for pid, (_, ticks) in others_after.items()
                )
                quiet = quiet and used <= 0.05 * os.sysconf("SC_CLK_TCK") * args.duration
                result["rt_alone"] = quiet
                print(f"[{target.name}] {label} (try {attempt}): {result}", file=sys.stderr)
                if quiet and result["busiest"] < ONE_WORKER:
                    break
            rows.append(
                {"db": target.name, "what": label, **result, "import_s": import_s}
                | {"import_cpu": import_cpu}
            )
        inner = service_times(target, key, bearer, rt)
        for row, name in zip(rows[:3], ("list", "detail", "api"), strict=True):
            row["service_p50"] = inner[name]["p50"]
            row["service_min"] = inner[name]["min"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


SERVICE_TIME = """
import json, os, sys, time
from postmortems.server.bootstrap import boot
from postmortems.server.config import load
boot(load(env=os.environ))
from django.contrib.auth.models import User
from django.test import Client
key, bearer = sys.argv[1], sys.argv[2]
page = Client(); page.force_login(User.objects.get(username="bench"))
api = Client(headers={"Authorization": "Bearer " + bearer})
out = {}
for name, client, path in (("list", page, "/"), ("detail", page, f"/p/{key}/"),
                           ("api", api, f"/api/postmortems/{key}")):
    client.get(path)
    times = []
    for _ in range(200):
        t0 = time.perf_counter(); client.get(path); times.append(time.perf_counter() - t0)
    times.sort()
    out[name] = {"p50": times[100] * 1000, "min": times[0] * 1000}
print(json.dumps(out))
"""


def service_times(
    target: Target, key: str, bearer: str, rt: list[str]
) -> dict[str, dict[str, float]]:
    """Per-request time inside one process (Django test client, no HTTP): what a core costs."""
    done = subprocess.run(
        [*rt, sys.executable, "-c", SERVICE_TIME, key, bearer],
        env=target.env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, dict[str, float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def api_token(target: Target) -> str:
    """A personal API token for the bench user, issued through the library."""
    code = (
        "from postmortems.server.bootstrap import boot; from postmortems.server.config import load;"
        "import os; boot(load(env=os.environ));"
        "from django.contrib.auth.models import User;"
        "from postmortems.server.accounts.models import ApiToken;"
        "print(ApiToken.issue(User.objects.get(username='bench'), 'bench')[1])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=target.env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| database | request | req/s | p50 ms | p95 ms | p99 ms | errors | load avg "
        "| server CPU ms/req | busiest worker | in-process p50 / min ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['db']} | {r['what']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['p99']:.1f} | {r['errors']} | {r['load']:.1f}{'' if r['rt_alone'] else ' *'} | "
            f"{r.get('cpu_ms', 0):.1f} | {r.get('busiest', 0):.0%}"
            f"{' †' if r.get('busiest', 0) >= ONE_WORKER else ''} | "
            + (
                f"{r['service_p50']:.1f} / {r['service_min']:.1f} |"
                if "service_p50" in r
                else "— |"
            )
        )
    if not all(r["rt_alone"] for r in rows):
        lines.append("\n\\* measured while another real-time job was running")
    if any(r.get("busiest", 0) >= ONE_WORKER for r in rows):
        lines.append(
            "\n† one worker held wrk's connections and served nearly every request: one core's"
            " throughput, not the server's"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="generate and import into DIR once and reuse it on later runs (PostgreSQL: the "
        "pm_bench database is kept too); delete DIR to start over",
    )
    parser.add_argument(
        "--pg-name",
        default="pm_bench",
        help="the PostgreSQL database to create (another name when two benches share a server)",
    )
    parser.add_argument(
        "--no-rt",
        dest="rt",
        action="store_false",
        help="do not run the server and wrk under chrt -f 10",
    )
    parser.add_argument(
        "--rt-priority",
        type=int,
        default=10,
        help="SCHED_FIFO priority of the server and wrk (the team's convention is 10)",
    )
    parser.add_argument(
        "--attempts",
        type=int,
        default=3,
        help="measure a URL again (up to this many times) when another real-time job ran "
        "meanwhile or one worker served nearly every request",
    )
    parser.add_argument(
        "--rt-wait",
        type=float,
        default=600,
        help="seconds to wait for other real-time jobs (another benchmark) before measuring",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        holder: contextlib.AbstractContextManager[str] = contextlib.nullcontext(args.keep)
    else:
        holder = tempfile.TemporaryDirectory(prefix="pm-bench-")
    with holder as tmp:
        work = Path(tmp).resolve()
        data = work / "docs"
        generated = work / f".generated-{args.count}"
        if not generated.is_file():
            shutil.rmtree(data, ignore_errors=True)
            shutil.rmtree(work / "sqlite", ignore_errors=True)
            shutil.rmtree(work / "pg", ignore_errors=True)
            generate(data, args.count)
            generated.write_text("", encoding="utf-8")
        script = work / "report.lua"
        script.write_text(LUA, encoding="utf-8")
        base_env = {**os.environ, "PM_SECRET_KEY": "bench-only-secret", "PM_ALLOWED_HOSTS": "*"}
        base_env.pop("DATABASE_URL", None)
        rows: list[dict[str, Any]] = []
        if args.db in {"sqlite", "both"}:
            env = {**base_env, "PM_DATA_DIR": str(work / "sqlite")}
            marker = work / "sqlite" / ".bench-imported"
            if not marker.is_file():
                shutil.rmtree(work / "sqlite", ignore_errors=True)
            rows += run_target(Target("SQLite", env), data, args, script, marker)
        if args.db in {"postgres", "both"}:
            psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
            marker = work / "pg" / ".bench-imported"
            exists = subprocess.run(
                [*psql[:-2], "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{args.pg_name}'"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            if not (args.keep and marker.is_file() and exists == "1"):
                marker.unlink(missing_ok=True)
                subprocess.run([*psql, f"DROP DATABASE IF EXISTS {args.pg_name}"], check=True)
                subprocess.run([*psql, f"CREATE DATABASE {args.pg_name}"], check=True)
            try:
                env = {
                    **base_env,
                    "PM_DATA_DIR": str(work / "pg"),
                    "DATABASE_URL": PG_URL.format(name=args.pg_name),
                }
                rows += run_target(Target("PostgreSQL", env), data, args, script, marker)
            finally:
                if not args.keep:
                    drop = f"DROP DATABASE IF EXISTS {args.pg_name} WITH (FORCE)"
                    subprocess.run([*psql, drop], check=True)
    print(table(rows))
    if rows:
        imports = {r["db"]: (r["import_s"], r["import_cpu"]) for r in rows}
        n = args.count
        print(
            f"\nimport of {n} files (pm import): "
            + ", ".join(
                f"{db} {t:.0f} s ({n / t:.0f}/s, {cpu * 1000 / n:.2f} ms CPU each)"
                for db, (t, cpu) in imports.items()
            )
        )
    prefix = rt_prefix(args)
    print(f"server and wrk under: {' '.join(prefix) if prefix else 'normal priority'}")


if __name__ == "__main__":
    main()
