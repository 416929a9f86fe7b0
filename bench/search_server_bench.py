"""Server search benchmark: full-text search and similar incidents at 10,000 postmortems.

    python bench/search_server_bench.py                  # SQLite and PostgreSQL
    python bench/search_server_bench.py --db sqlite --count 2000
    chrt -f 10 python bench/search_server_bench.py --reuse   # keep the databases, import once

Each database runs in its own process: generated postmortems (the server bench's documents, each
with one of a dozen failure mechanisms written into its root cause) are imported with
``store.save_many`` (as ``pm import`` does, index included), then the library's Python API is
timed in process, as a page view calls it: ``fulltext.search`` for a mix of queries (rare and
common words, phrases, with and without filters, as a team member who sees the restricted ones
and as an outsider) and ``insights.similar.similar`` for postmortems taken at random. For
PostgreSQL, a database ``pm_search_bench`` on 127.0.0.1:5432 (user postgres, trust) is created
and dropped afterwards. Prints a Markdown table for docs/benchmarks.md.

``--reuse`` keeps the imported databases (``/tmp/pm-search-bench-sqlite`` and ``pm_search_bench``;
``PM_BENCH_DATA`` and ``PM_BENCH_PG_NAME`` name others) and imports only into an empty one, so
code can be compared on the same data. After the import
the index's statistics are refreshed (``fulltextindex.analyze``, as autovacuum would). Run under
``chrt -f 10`` (real-time priority, root), the PostgreSQL backend serving the bench gets the same
priority, so the wall-clock figures of both databases measure the work rather than the queue for
the machine's cores. "db CPU" is the CPU time of the PostgreSQL backend serving the searches
(from ``/proc``: the server runs on this machine), the database's share that this process's CPU
column does not see.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = os.environ.get("PM_BENCH_PG_NAME", "pm_search_bench")
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{PG_NAME}"
MECHANISMS = [
    "the disk filled up with unrotated logs",
    "the TLS certificate expired and nobody renewed it",
    "a DNS record pointed at the old load balancer",
    "a bad config push disabled the feature flag service",
    "a memory leak in the cache client triggered the oom-killer",
    "the database connection pool was exhausted by retries (ECONNRESET)",
    "a node failure took down the leader and failover stalled",
    "a kernel upgrade changed the max_connections default",
    "a traffic spike from a marketing email overwhelmed the queue",
    "an expired API key at the payment provider returned 401s",
    "clock skew broke token validation between regions",
    "a schema migration locked the orders table",
]
QUERIES = [
    ("rare word", "oom-killer", {}),
    ("common word", "database", {}),
    ("two words", "certificate expired", {}),
    ("phrase", '"connection pool"', {}),
    ("error string", "ECONNRESET", {}),
    ("words + filter", "disk logs", {"severity": "SEV2"}),
    ("words + service", "failover leader", {"service": "payments"}),
    ("no match", "zeppelin", {}),
]


def document(i: int, rng: random.Random) -> str:
    from server_bench import document as base

    text = base(i, rng)
    cause = MECHANISMS[i % len(MECHANISMS)]
    return text.replace(
        "## Root Cause and Resolution\n\n",
        f"## Root Cause and Resolution\n\n{cause.capitalize()}. ",
        1,
    )


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


REUSED_DATA = os.environ.get("PM_BENCH_DATA", "/tmp/pm-search-bench-sqlite")


def child(db: str, count: int, rounds: int, reuse: bool) -> dict[str, object]:
    data = REUSED_DATA if reuse else tempfile.mkdtemp(prefix="pm-search-bench-")
    os.environ.setdefault("PM_SECRET_KEY", "bench-secret-key-not-for-production")
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    flags: dict[str, object] = {"data_dir": data}
    if db == "postgres":
        flags["database_url"] = PG_URL
    boot(load(flags, os.environ))
    from postmortems.server.library import fulltextindex, store
    from postmortems.server.library.models import Postmortem

    imported = 0.0
    if not Postmortem.objects.exists():
        rng = random.Random(42)
        started = time.perf_counter()
        files = (store.Incoming(f"pm-{i:05d}.md", document(i, rng)) for i in range(count))
        outcomes = [o.verb for o in store.save_many(files, None)]
        fulltextindex.analyze()
        imported = time.perf_counter() - started
        assert outcomes.count("created") == count, outcomes[:5]
    assert Postmortem.objects.count() == count
    realtime_backend()
    return {"db": db, "count": count, "import_s": round(imported, 1), **measure(rounds)}


def realtime_backend() -> None:
    """Under ``chrt -f``, give the PostgreSQL backend of this connection the same priority."""
    from django.db import connection

    if connection.vendor != "postgresql" or os.sched_getscheduler(0) != os.SCHED_FIFO:
        return
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    os.sched_setscheduler(pid, os.SCHED_FIFO, os.sched_param(10))


def backend_cpu() -> Callable[[], float]:
    """A clock of the CPU time (ms) the PostgreSQL backend of this connection has used, read
    from ``/proc`` (the server runs on this machine); always 0 on SQLite, whose work is this
    process's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cur.fetchone()[0]}/schedstat")
    return lambda: int(stat.read_text().split()[0]) / 1e6


def people() -> tuple[object, object]:
    from django.contrib.auth import get_user_model

    from postmortems.server.accounts.access import access_of
    from postmortems.server.accounts.models import Membership, Team

    users = get_user_model()
    found = []
    for name, slug in (("member", "sre"), ("outsider", "nobody")):
        user, fresh = users.objects.get_or_create(username=name)
        if fresh:
            user.set_password("x")
            user.save()
            team, _ = Team.objects.get_or_create(slug=slug, defaults={"name": slug})
            Membership.objects.create(user=user, team=team, role="viewer")
        found.append(access_of(user))
    return found[0], found[1]


def measure(rounds: int) -> dict[str, object]:
    from django.utils import timezone

    from postmortems.server.insights import similar
    from postmortems.server.library import fulltext, queries
    from postmortems.server.library.models import Postmortem

    member, outsider = people()
    backend = backend_cpu()
    times: list[float] = []
    cpu: list[float] = []
    db_cpu: list[float] = []
    per_query: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, q, filters in QUERIES:
            for who in (member, outsider):
                t, c, d = time.perf_counter(), time.process_time(), backend()
                fulltext.search(who, queries.Filters(**filters), q, limit=20)
                ms = (time.perf_counter() - t) * 1000
                cpu.append((time.process_time() - c) * 1000)
                db_cpu.append(backend() - d)
                times.append(ms)
                per_query.setdefault(name, []).append(ms)
    rng = random.Random(7)
    pms = list(Postmortem.objects.only("pk", "key", "title", "incident_date", "label_values"))
    sim: list[float] = []
    sim_cpu: list[float] = []
    today = timezone.localdate()
    for pm in rng.sample(pms, min(len(pms), 10 * rounds)):
        t, c = time.perf_counter(), time.process_time()
        similar.similar(member, similar.target_of(pm), today=today)
        sim.append((time.perf_counter() - t) * 1000)
        sim_cpu.append((time.process_time() - c) * 1000)
    return {
        **suggestions(member, outsider, rounds),
        "search_p50_ms": round(statistics.median(times), 1),
        "search_p95_ms": round(p95(times), 1),
        "search_max_ms": round(max(times), 1),
        "per_query_p95_ms": {k: round(p95(v), 1) for k, v in per_query.items()},
        "similar_p50_ms": round(statistics.median(sim), 1),
        "similar_p95_ms": round(p95(sim), 1),
        # CPU of this process: all of the work on SQLite; PostgreSQL's own is not in it
        "search_cpu_p95_ms": round(p95(cpu), 1),
        # CPU of the PostgreSQL backend serving this connection (0 on SQLite)
        "search_db_cpu_p50_ms": round(statistics.median(db_cpu), 1),
        "search_db_cpu_p95_ms": round(p95(db_cpu), 1),
        "similar_cpu_p95_ms": round(p95(sim_cpu), 1),
        "load_average": os.getloadavg()[0],
        "searches": len(times),
        "lookups": len(sim),
    }


MISTYPED = ["certifcate", "databse conection", "failovr leadr", "oom-killer zepelin"]


def suggestions(member: object, outsider: object, rounds: int) -> dict[str, object]:
    """*Did you mean…?* (``fulltext.did_you_mean``): the first after a change of the library
    (which reads its words again), then the others (the words kept), as both readers."""
    from postmortems.server.library import fulltext, queries, state, vocabulary

    state.bump()  # a save: the next suggestion reads the library's words again
    started = time.perf_counter()
    fulltext.did_you_mean(member, queries.Filters(), MISTYPED[0])  # type: ignore[arg-type]
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(rounds):
        for q in MISTYPED:
            for who in (member, outsider):
                t = time.perf_counter()
                fulltext.did_you_mean(who, queries.Filters(), q)  # type: ignore[arg-type]
                times.append((time.perf_counter() - t) * 1000)
    return {
        "suggest_first_ms": round(first, 1),
        "suggest_p50_ms": round(statistics.median(times), 1),
        "suggest_p95_ms": round(p95(times), 1),
        "vocabulary_words": len(vocabulary.current().open),
    }


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def pg_create() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')


def run(db: str, count: int, rounds: int, reuse: bool) -> dict[str, object]:
    if db == "postgres" and not reuse:
        pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
    if db == "postgres":
        pg_create()
    try:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                db,
                "--count",
                str(count),
                "--rounds",
                str(rounds),
                *(["--reuse"] if reuse else []),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=3600,
        )
    finally:
        if db == "postgres" and not reuse:
            pg(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| database | postmortems | import (s) | search p50 / p95 / max (ms) "
        "| similar p50 / p95 (ms) | CPU p95 search / similar (ms) | db CPU p50 / p95 search (ms) "
        "| load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['db']} | {r['count']:,} | {r['import_s']} | {r['search_p50_ms']} / "
            f"{r['search_p95_ms']} / {r['search_max_ms']} | {r['similar_p50_ms']} / "
            f"{r['similar_p95_ms']} | {r['search_cpu_p95_ms']} / {r['similar_cpu_p95_ms']} | "
            f"{r['search_db_cpu_p50_ms']} / {r['search_db_cpu_p95_ms']} | {r['load_average']:.1f} |"
        )
    lines += ["", "| suggestion (ms) | " + " | ".join(r["db"] for r in rows) + " |"]  # type: ignore[misc]
    lines.append("| --- |" + " ---: |" * len(rows))
    for key in ("suggest_first_ms", "suggest_p50_ms", "suggest_p95_ms", "vocabulary_words"):
        lines.append(f"| {key} | " + " | ".join(str(r[key]) for r in rows) + " |")
    names = list(rows[0]["per_query_p95_ms"])  # type: ignore[call-overload]
    lines += ["", "| search p95 by query (ms) | " + " | ".join(r["db"] for r in rows) + " |"]  # type: ignore[misc]
    lines.append("| --- |" + " ---: |" * len(rows))
    for name in names:
        cells = " | ".join(str(r["per_query_p95_ms"][name]) for r in rows)  # type: ignore[index]
        lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep the databases between runs")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.count, args.rounds, args.reuse)))
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    rows = [run(db, args.count, args.rounds, args.reuse) for db in dbs]
    print(json.dumps(rows, indent=1))
    print(table(rows))


if __name__ == "__main__":
    main()
