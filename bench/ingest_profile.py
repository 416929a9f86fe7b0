"""What one alert payload costs inside one process: CPU, queries and Python calls per request.

    python bench/ingest_profile.py                         # SQLite in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pm_NAME_ingest python bench/ingest_profile.py
    python bench/ingest_profile.py --payloads 200 --top 25 # with the 25 costliest functions

Posts Alertmanager webhook v4 payloads of 10 critical alerts (the storm's, ``bench/alert_storm.py``)
to a fresh integration through Django's test client: every middleware, the bearer check, the
ingestion, the JSON answer; no HTTP. "new" payloads carry 10 alerts not seen before, into the
open incident of their group; "repeat" payloads are the same ones again (Alertmanager's repeats);
"opening" payloads are each the first of a new group, so each opens an incident (the start of a
storm), through a second integration.
CPU is ``time.process_time()`` of the requests alone, the queries are counted with
``connection.execute_wrapper``, the calls with ``cProfile`` in a second pass (on other payloads).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import alert_storm
from timing import QueryCount, profiled_calls


def storm_bodies(count: int) -> list[bytes]:
    """``count`` payloads of 10 new alerts of one group (the storm's, in the storm's order)."""
    return [json.dumps(p).encode() for p in alert_storm.payloads(10 * count, 1)]


def measure(
    send: Callable[[bytes], None], bodies: list[bytes], top: int, sort: str
) -> dict[str, float]:
    half = len(bodies) // 2
    with QueryCount() as counted:
        t0 = time.process_time()
        for body in bodies[:half]:
            send(body)
        cpu = time.process_time() - t0

    def rest() -> None:
        for body in bodies[half:]:
            send(body)

    return {
        "cpu_ms": cpu * 1000 / half,
        "queries": counted.queries / half,
        "calls": profiled_calls(rest, len(bodies) - half, top, sort),
    }


def show_sql(name: str, post: Callable[[bytes], None], body: bytes) -> None:
    """Print the statements one payload runs, as the database got them."""
    from django.db import connection

    def show(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        print(f"  {name}: {sql[:300]}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(show):
        post(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payloads", type=int, default=200, help="of each kind (half profiled)")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--sort", default="tottime", help="their order (pstats: cumulative…)")
    parser.add_argument("--sql", action="store_true", help="print the queries of one of each kind")
    args = parser.parse_args()
    os.environ.setdefault("PM_SECRET_KEY", "ingest-profile-" + os.urandom(8).hex())
    os.environ.setdefault("PM_DATA_DIR", tempfile.mkdtemp(prefix="pm-ingest-profile-"))

    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    boot(load(env=os.environ))
    from django.test import Client

    from postmortems.server.incidents import integrations
    from postmortems.server.incidents.models import Integration

    Integration.objects.filter(name="profile").delete()
    integration, secret = integrations.create("profile", "alertmanager", team="sre")
    client = Client(headers={"Authorization": f"Bearer {secret}", "Host": "127.0.0.1"})

    def send(body: bytes) -> None:
        answer = client.post(integration.path, body, content_type="application/json")
        assert answer.status_code == 200, answer.content

    Integration.objects.filter(name="profile-open").delete()
    opener, opener_secret = integrations.create("profile-open", "alertmanager", team="sre")
    opener_client = Client(
        headers={"Authorization": f"Bearer {opener_secret}", "Host": "127.0.0.1"}
    )

    def open_one(body: bytes) -> None:
        answer = opener_client.post(opener.path, body, content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert answer.json()["incidents"], "an opening payload opened no incident"

    first, *new = storm_bodies(args.payloads + 2)
    send(first)  # opens the incident of the group
    print("| payload | CPU ms/req | queries/req | Python calls/req |")
    print("| --- | ---: | ---: | ---: |")
    groups = [
        json.dumps(p).encode()
        for p in alert_storm.payloads(10 * (args.payloads + 1), args.payloads + 1)
    ]
    kinds = (("new", send, new), ("repeat", send, new), ("opening", open_one, groups))
    for name, post, bodies in kinds:
        r = measure(post, bodies[:-1], args.top, args.sort)
        if args.sql:
            show_sql(name, post, bodies[-1])
        print(
            f"| {name} | {r['cpu_ms']:.2f} | {r['queries']:.1f} | {r['calls']:,.0f} |", flush=True
        )


if __name__ == "__main__":
    main()
