"""Incident search benchmark: the header search's incidents over many timelines.

    python bench/incident_search_bench.py                       # SQLite and PostgreSQL
    python bench/incident_search_bench.py --db sqlite --incidents 2000 --events 50

Each database runs in its own process: ``--incidents`` incidents (a tenth restricted to another
team) with ``--events`` timeline entries each (alerts' summaries and notes drawn from a few
dozen phrases, one rare word in one incident in a hundred) are bulk inserted (the SQLite triggers
index them as ingestion's inserts do), then ``textsearch.search`` is timed as the search page
calls it (five results, their snippets) for a rare word, a common word, two words, a phrase, a
key and a word nothing holds, as a member of the team and as an outsider. For comparison, the
incidents list's substring search (``rights.listed(q=…)``, which reads every entry) is timed on
the same words. For PostgreSQL, a database ``pm_incident_search_bench`` on 127.0.0.1:5432 (user
postgres, trust) is created and dropped afterwards. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = os.environ.get("PM_BENCH_PG_NAME", "pm_incident_search_bench")
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{PG_NAME}"
SAYS = [
    "Alert fired: 5xx above 5% on {svc}",
    "Alert fired: latency p99 above 2s on {svc}",
    "Alert resolved: queue depth above 10k on {svc}",
    "Rolled back deploy {n} of {svc}",
    "The connection pool of {svc} is exhausted; retries everywhere",
    "Paged the database on-call about {svc}",
    "Status changed from investigating to identified.",
    "Customer reports checkout failing in eu-west",
    "Disk on {svc}-db-{n} is 95% full",
    "Restarted the workers of {svc}; backlog draining",
]
SERVICES = ["checkout-api", "payments", "search", "hooks-api", "login", "orders", "cdn"]
QUERIES = [
    ("rare word", "zeppelin"),
    ("common word", "alert"),
    ("two words", "connection pool"),
    ("phrase", '"queue depth"'),
    ("key", "INC-2026-0042"),
    ("no match", "xylophone"),
]


def child(db: str, incidents: int, events: int, rounds: int) -> dict[str, object]:
    os.environ.setdefault("PM_SECRET_KEY", "bench-secret-key-not-for-production")
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    flags: dict[str, object] = {"data_dir": tempfile.mkdtemp(prefix="pm-incident-search-")}
    if db == "postgres":
        flags["database_url"] = PG_URL
    boot(load(flags, os.environ))
    started = time.perf_counter()
    fill(incidents, events)
    loaded = time.perf_counter() - started
    return {"db": db, "incidents": incidents, "events": incidents * events,
            "load_s": round(loaded, 1), **measure(rounds)}  # fmt: skip


def fill(incidents: int, events: int) -> None:
    from django.db import connection, transaction

    from postmortems.server.incidents.models import Event, Incident

    rng = random.Random(42)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for first in range(0, incidents, 500):
        with transaction.atomic():
            rows = [_incident(n, start, rng) for n in range(first, min(first + 500, incidents))]
            Incident.objects.bulk_create(rows)
            made = Incident.objects.filter(number__gte=first + 1, number__lte=first + len(rows))
            entries = [
                Event(incident_id=pk, at=start, kind="note", text=_said(n, k, rng), created=start)
                for pk, n in made.values_list("pk", "number")
                for k in range(events)
            ]
            Event.objects.bulk_create(entries, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE incidents_incident, incidents_event")


def _incident(n: int, start: dt.datetime, rng: random.Random) -> object:
    from postmortems.server.incidents.models import Incident

    svc = SERVICES[n % len(SERVICES)]
    return Incident(
        key=f"INC-2026-{n + 1:04d}", year=2026, number=n + 1,
        title=f"{rng.choice(['Errors', 'Latency', 'Outage', 'Backlog'])} on {svc}",
        severity=rng.choice(["SEV1", "SEV2", "SEV3"]), status="resolved",
        team="red" if n % 10 == 0 else "sre", restricted=n % 10 == 0, services=[svc],
        created=start + dt.timedelta(hours=n),
    )  # fmt: skip


def _said(n: int, k: int, rng: random.Random) -> str:
    text = rng.choice(SAYS).format(svc=SERVICES[n % len(SERVICES)], n=rng.randrange(9999))
    return text + (" zeppelin" if n % 100 == 0 and k == 0 else "")


def people() -> tuple[object, object]:
    from postmortems.server.accounts.access import access_of
    from postmortems.server.accounts.models import create_account, set_role

    found = []
    for name, team in (("member", "red"), ("outsider", "sre")):
        user = create_account(name, "pw-bench-123456")
        set_role(user, team, "viewer")
        found.append(access_of(user))
    return found[0], found[1]


def measure(rounds: int) -> dict[str, object]:
    from postmortems.server.incidents import rights, textsearch

    member, outsider = people()
    found: dict[str, list[float]] = {}
    scanned: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for _ in range(rounds):
        for name, q in QUERIES:
            for who in (member, outsider):
                t = time.perf_counter()
                counts[name] = textsearch.search(who, q, limit=5).count
                found.setdefault(name, []).append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                list(rights.listed(who, q=q.strip('"')).only("pk")[:5])
                scanned.setdefault(name, []).append((time.perf_counter() - t) * 1000)
    return {
        "search_p50_ms": {k: round(statistics.median(v), 1) for k, v in found.items()},
        "list_search_p50_ms": {k: round(statistics.median(v), 1) for k, v in scanned.items()},
        "matches_as_outsider": counts,
    }


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def run(db: str, incidents: int, events: int, rounds: int) -> dict[str, object]:
    if db == "postgres":
        pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        pg(f'CREATE DATABASE "{PG_NAME}"')
    try:
        args = ["--child", db, "--incidents", str(incidents), "--events", str(events)]
        out = subprocess.run(
            [sys.executable, __file__, *args, "--rounds", str(rounds)],
            check=True,
            capture_output=True,
            text=True,
            timeout=3600,
        )
    finally:
        if db == "postgres":
            pg(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: list[dict[str, object]]) -> str:
    lines = ["| query | " + " | ".join(f"{r['db']} search / list scan (ms)" for r in rows) + " |"]
    lines.append("| --- |" + " --- |" * len(rows))
    for name, _ in QUERIES:
        cells = []
        for r in rows:
            fast = r["search_p50_ms"][name]  # type: ignore[index]
            slow = r["list_search_p50_ms"][name]  # type: ignore[index]
            cells.append(f"{fast} / {slow}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.incidents, args.events, args.rounds)))
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    rows = [run(db, args.incidents, args.events, args.rounds) for db in dbs]
    for row in rows:
        print(json.dumps(row), file=sys.stderr)
    print(table(rows))


if __name__ == "__main__":
    main()
