"""Insights benchmark: the insights page's server time at 10,000 postmortems.

    python bench/insights_bench.py                    # SQLite and PostgreSQL
    python bench/insights_bench.py --db sqlite --count 2000 --rounds 5

The insights read derived columns and rows only (postmortems' dates, severities, causes, labels;
action items; review events; incidents; contributing factors), never the Markdown, so the
library is written straight as rows with bulk inserts (seconds, where ``pm import`` of 10,000
files takes minutes): postmortems over the last three years with one to three services, a team,
a cause, three action items each in every state, review histories (request, approval,
publication) for two thirds of them, a confirmed factor for half, an acknowledged repeat for one
in fifteen, 1,000 incident records; every 20th postmortem and incident restricted to another
team. Then timed in process: ``figures.compute`` (the queries) and a GET of the whole page
through Django's test client (queries, charts and template), for the last twelve months and for
all time, as a member of a team. For PostgreSQL, a database ``pm_insights_bench`` on
127.0.0.1:5432 (user postgres, trust) is created and dropped afterwards. Prints a Markdown table.
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
from collections.abc import Callable

from timing import wall_and_cpu_ms

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/pm_insights_bench"
SERVICES = ["checkout-api", "login", "search", "payments", "web", "cdn", "queue", "billing-db"]
CAUSES = ["config", "capacity", "bug", "dependency", "expired-certificate", "hardware-failure", ""]
FACTORS = ["bug", "config-change", "capacity", "deploy", "dependency", "traffic-spike"]
TEAMS = ["sre", "payments", "search"]


def postmortems(count: int, now: dt.datetime, rng: random.Random) -> None:
    from postmortems.server.library.models import Label, Postmortem

    rows, labels = [], []
    for i in range(count):
        started = now - dt.timedelta(days=rng.uniform(0, 3 * 365), hours=rng.uniform(0, 24))
        services = rng.sample(SERVICES, rng.randint(1, 3))
        team = "red" if i % 20 == 0 else rng.choice(TEAMS)
        rows.append(
            Postmortem(
                key=f"PM-B-{i:05d}",
                text="",
                title=f"Generated incident {i}",
                status=rng.choice(["draft", "in-review", "approved", "published", "published"]),
                severity=rng.choice(["SEV1", "SEV2", "SEV2", "SEV3", "SEV3", "SEV4"]),
                started=started,
                detected=started + dt.timedelta(minutes=rng.expovariate(1 / 12)),
                mitigated=started + dt.timedelta(minutes=rng.expovariate(1 / 50)),
                resolved=started + dt.timedelta(minutes=60 + rng.expovariate(1 / 120)),
                incident_date=started.date(),
                cause_category=rng.choice(CAUSES),
                restricted=i % 20 == 0,
                label_values={"services": services, "teams": [team]},
            )
        )
    Postmortem.objects.bulk_create(rows, batch_size=1000)
    for pm in Postmortem.objects.only("pk", "label_values"):
        for kind, values in pm.label_values.items():
            labels += [Label(postmortem_id=pm.pk, kind=kind, value=v) for v in values]
    Label.objects.bulk_create(labels, batch_size=2000)


def workflow(now: dt.datetime, rng: random.Random) -> None:
    from postmortems.server.insights.models import ContributingFactor
    from postmortems.server.library.models import Postmortem
    from postmortems.server.workflow.models import ActionItem, Event

    items, events, factors = [], [], []
    steps = (("request-review", "in-review"), ("approve", "approved"), ("publish", "published"))
    for pk, resolved in Postmortem.objects.values_list("pk", "resolved"):
        assert resolved is not None  # every generated postmortem is resolved
        for n in range(3):
            status = rng.choice(["open", "in-progress", "done", "done", "wont-do"])
            due = (resolved + dt.timedelta(days=rng.randint(7, 90))).date()
            items.append(
                ActionItem(
                    postmortem_id=pk, position=n, text="Do it", status=status, due=due, created=now
                )
            )
        if pk % 3:
            at = resolved
            for name, state in steps:
                at += dt.timedelta(hours=rng.expovariate(1 / 30))
                events.append(
                    Event(
                        postmortem_id=pk,
                        created=at,
                        transition=name,
                        from_state="",
                        to_state=state,
                    )
                )
            if pk % 15 == 0:
                events.append(
                    Event(
                        postmortem_id=pk,
                        created=at,
                        transition="acknowledge-repeat",
                        from_state="in-review",
                        to_state="in-review",
                    )
                )
        if pk % 2:
            factors.append(
                ContributingFactor(postmortem_id=pk, slug=rng.choice(FACTORS), decided=now)
            )
    ActionItem.objects.bulk_create(items, batch_size=2000)
    Event.objects.bulk_create(events, batch_size=2000)
    ContributingFactor.objects.bulk_create(factors, batch_size=2000)


def incidents(count: int, now: dt.datetime, rng: random.Random) -> None:
    from postmortems.server.incidents.models import Incident

    rows = []
    for i in range(count):
        started = now - dt.timedelta(days=rng.uniform(0, 3 * 365))
        rows.append(
            Incident(
                key=f"INC-B-{i:05d}",
                year=started.year,
                number=i + 1,
                title="Generated",
                severity=rng.choice(["SEV1", "SEV2", "SEV3", "SEV4"]),
                status="resolved",
                team="red" if i % 20 == 0 else rng.choice(TEAMS),
                restricted=i % 20 == 0,
                services=rng.sample(SERVICES, rng.randint(1, 2)),
                started=started,
                detected=started + dt.timedelta(minutes=rng.expovariate(1 / 10)),
                acknowledged=started + dt.timedelta(minutes=15),
                mitigated=started + dt.timedelta(minutes=rng.expovariate(1 / 40)),
                resolved=started + dt.timedelta(hours=2),
                created=started,
            )
        )
    Incident.objects.bulk_create(rows, batch_size=1000)


def timed(fn: Callable[[], object], rounds: int) -> dict[str, float]:
    fn()  # warm: templates and query plans, not what a reader waits for
    wall, cpu = wall_and_cpu_ms(fn, rounds)
    return {
        "p50_ms": round(statistics.median(wall), 1),
        "max_ms": round(max(wall), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
    }


def child(db: str, count: int, rounds: int) -> dict[str, object]:
    os.environ.setdefault("PM_SECRET_KEY", "bench-secret-key-not-for-production")
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    flags: dict[str, object] = {"data_dir": tempfile.mkdtemp(prefix="pm-insights-bench-")}
    if db == "postgres":
        flags["database_url"] = PG_URL
    boot(load(flags, os.environ))
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from postmortems.server.accounts.access import access_of
    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.insights import figures

    now, rng = timezone.now(), random.Random(42)
    started = time.perf_counter()
    postmortems(count, now, rng)
    workflow(now, rng)
    incidents(count // 10, now, rng)
    setup = time.perf_counter() - started
    if db == "postgres":  # as autovacuum would after a large import: plans from real statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = get_user_model().objects.create_user("member", password="x")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "sre"})
    Membership.objects.create(user=user, team=team, role="viewer")
    me, client = access_of(user), Client(HTTP_HOST="localhost")
    client.force_login(user)
    year = figures.Scope(since=(now - dt.timedelta(days=365)).date())
    out: dict[str, object] = {"db": db, "count": count, "setup_s": round(setup, 1)}
    for name, scope, query in (("12 months", year, ""), ("all time", figures.Scope(), "since=")):
        out[f"compute {name}"] = timed(lambda s=scope: figures.compute(me, s, now), rounds)
        out[f"page {name}"] = timed(lambda q=query: client.get(f"/insights/?{q}"), rounds)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/insights/").status_code == 200
    out["queries"] = len(queries.captured_queries)
    out["load_average"] = os.getloadavg()[0]
    return out


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def run(db: str, count: int, rounds: int) -> dict[str, object]:
    if db == "postgres":
        pg("DROP DATABASE IF EXISTS pm_insights_bench")
        pg("CREATE DATABASE pm_insights_bench")
    args = [sys.executable, __file__, "--child", db, "--count", str(count), "--rounds", str(rounds)]
    try:
        done = subprocess.run(args, check=True, capture_output=True, text=True, timeout=3600)
    finally:
        if db == "postgres":
            pg("DROP DATABASE IF EXISTS pm_insights_bench WITH (FORCE)")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| database | postmortems | what | p50 (ms) | max (ms) | CPU p50 (ms) | queries | load |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        for what in ("compute 12 months", "page 12 months", "compute all time", "page all time"):
            t = r[what]
            assert isinstance(t, dict)
            lines.append(
                f"| {r['db']} | {r['count']:,} | {what} | {t['p50_ms']} | {t['max_ms']} | "
                f"{t['cpu_p50_ms']} | {r['queries']} | {r['load_average']:.1f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.count, args.rounds)))
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    rows = [run(db, args.count, args.rounds) for db in dbs]
    print(json.dumps(rows, indent=1))
    print(table(rows))


if __name__ == "__main__":
    main()
