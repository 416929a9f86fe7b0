"""On-call server benchmark: "who is on call now" for every one of 1,000 schedules read from the
database (one call, total), and a year's feed of a 10-person rotation served from the database.

    python bench/oncall_server_bench.py                  # SQLite and PostgreSQL
    python bench/oncall_server_bench.py --db sqlite --runs 30
    python bench/oncall_server_bench.py --pg-name pm_me_oncall   # your own PostgreSQL database

The schedules are generated (seeded): 1 to 3 layers each (daily, weekly or 12-hour shifts of 2 to
8 people; a third of the layers restricted to business hours), zones with DST among them, and 0
to 3 overrides around now. They are stored through ``store.apply_config`` (as ``pm oncall apply``
does) in a temporary SQLite file or a PostgreSQL database (``--pg-name``, by default
``pm_oncall_server_bench``, at 127.0.0.1:5432, user postgres, trust; dropped afterwards).
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import wall_and_cpu_ms

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"
ZONES = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kolkata"]
NOW = dt.datetime(2026, 6, 10, 13, 37, tzinfo=dt.UTC)


def generate(count: int, seed: int = 7) -> object:
    from postmortems.oncall import model

    rng = random.Random(seed)
    schedules = []
    for i in range(count):
        layers = []
        for n in range(rng.randint(1, 3)):
            unit, length = rng.choice([("days", 1), ("weeks", 1), ("hours", 12), ("days", 2)])
            people = tuple(f"p{i}-{n}-{k}" for k in range(rng.randint(2, 8)))
            limits: tuple[model.Restriction, ...] = ()
            if rng.random() < 0.33:
                limits = (model.Restriction((0, 1, 2, 3, 4), dt.time(9), dt.time(17)),)
            start = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 300))
            shift = model.ShiftLength(count=length, unit=unit)
            layers.append(model.Layer(f"l{n}", people, shift, dt.time(9), start, limits))
        overrides = tuple(
            model.Override(
                NOW + dt.timedelta(hours=rng.randint(-48, 24)),
                NOW + dt.timedelta(hours=rng.randint(25, 72)),
                f"sub{i}-{k}",
            )
            for k in range(rng.randint(0, 3))
        )
        schedules.append(
            model.Schedule(f"s{i:04d}", rng.choice(ZONES), tuple(layers), overrides, "bench")
        )
    ten = model.Layer(
        "main",
        tuple(f"person{k}" for k in range(10)),
        model.ShiftLength(count=1, unit="weeks"),
        dt.time(9),
        dt.date(2026, 1, 5),
    )
    schedules.append(model.Schedule("ten", "Europe/Berlin", (ten,), (), "bench"))
    return model.Config(tuple(schedules), (), {})


def timed(body: Callable[[], object], runs: int) -> tuple[float, float, float, float]:
    """(median wall, p95 wall, best wall, median CPU of this process) milliseconds of ``runs``
    calls.

    On a shared, loaded machine the wall clock mostly measures waiting for a core; the CPU time
    is the work (for PostgreSQL, without the database server's own).
    """
    walls, cpus = wall_and_cpu_ms(body, runs)
    p95 = sorted(walls)[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
    return statistics.median(walls), p95, min(walls), statistics.median(cpus)


def run(db: str, runs: int, pg_name: str) -> list[str]:
    """Set up Django on ``db`` in this process, load, measure; the table rows."""
    os.environ["PM_SECRET_KEY"] = "bench-only-secret"
    os.environ["PM_DATA_DIR"] = tempfile.mkdtemp(prefix="pm-oncall-bench-")
    if db == "postgres":
        os.environ["DATABASE_URL"] = PG_SERVER + pg_name
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    boot(load({}, os.environ, None))
    from django.contrib.auth.models import User

    from postmortems.server.oncall import feeds, queries, store
    from postmortems.server.oncall.models import Schedule

    store.apply_config(generate(1000), dry_run=False)  # type: ignore[arg-type]
    rows = Schedule.objects.exclude(name="ten")
    assert rows.count() == 1000
    found = queries.on_call_all(rows, NOW)
    covered = sum(1 for v in found.values() if v)
    now = timed(lambda: queries.on_call_all(rows, NOW), runs)
    owner = User.objects.create_superuser("bench", password="x")
    token, _ = feeds.issue(owner, Schedule.objects.get(name="ten"), now=NOW)
    feed = feeds.body(token, now=NOW)
    events = feed.count(b"BEGIN:VEVENT")
    fed = timed(lambda: feeds.body(token, now=NOW), max(5, runs // 3))
    return [
        f"| {db} | who is on call now, 1,000 schedules ({covered} with someone on call) | "
        + " | ".join(f"{x:.1f}" for x in now)
        + " | 50 |",
        f"| {db} | a year's feed of a 10-person weekly rotation ({events} events, {len(feed)} "
        "bytes) | " + " | ".join(f"{x:.1f}" for x in fed) + " | 200 |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--pg-name", default="pm_oncall_server_bench", help="database to use")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one database per process: Django is set up once per process
        print("\n".join(run(args.db, args.runs, args.pg_name)))
        return 0
    print("| database | measure | median ms | p95 ms | best ms | median CPU ms | goal ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        if db == "postgres":
            psql = ["psql", PG_ADMIN, "-qc"]
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {args.pg_name}"], check=True)
            subprocess.run([*psql, f"CREATE DATABASE {args.pg_name}"], check=True)
        try:
            command = [sys.executable, __file__, "--child", "--db", db, "--runs", str(args.runs)]
            command += ["--pg-name", args.pg_name]
            done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
            print(done.stdout.strip() or done.stderr[-2000:])
        finally:
            if db == "postgres":
                subprocess.run([*psql, f"DROP DATABASE IF EXISTS {args.pg_name}"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
