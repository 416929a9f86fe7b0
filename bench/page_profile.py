"""What one page costs inside one process: CPU, queries and Python calls per request.

    PM_DATA_DIR=DIR DATABASE_URL=postgresql://... python bench/page_profile.py --user bench
    python bench/page_profile.py --requests 300 --top 25      # with the 25 costliest functions
    python bench/page_profile.py --top 60 --sort cumulative   # where the time goes, by caller

Runs against an existing server database (for example the one ``bench/server_bench.py --keep``
leaves behind, with its ``bench`` viewer account and ``PM-B-<n>`` postmortems), through Django's
test client: every middleware, the session, the template, no HTTP. Each page is asked a few times
to warm up, then ``--requests`` times; CPU is ``time.process_time()`` of the requests alone, the
queries are counted with ``connection.execute_wrapper``, the calls with ``cProfile`` in a second
pass (the profiler's overhead does not enter the CPU figure).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import QueryCount, profiled_calls


def _pages(key: str, count: int) -> dict[str, Callable[[random.Random], str]]:
    # Every 20th generated postmortem is restricted; the bench's viewer is in team sre only.
    def some(rng: random.Random) -> str:
        i = rng.choice([n for n in range(count) if n % 20])
        return f"/p/PM-B-{i:05d}/"

    return {
        "detail": lambda rng: f"/p/{key}/",
        "detail, random": some,
        "list": lambda rng: "/",
        "api": lambda rng: f"/api/postmortems/{key}",
    }


def measure(
    client: Any, path_of: Callable[[random.Random], str], n: int, top: int, sort: str = "tottime"
) -> dict[str, float]:
    rng = random.Random(7)
    for _ in range(5):
        client.get(path_of(rng))
    paths = [path_of(rng) for _ in range(n)]
    with QueryCount() as counted:
        t0, wall0 = time.process_time(), time.perf_counter()
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        cpu, wall = time.process_time() - t0, time.perf_counter() - wall0

    def again() -> None:
        for path in paths:
            client.get(path)

    return {
        "cpu_ms": cpu * 1000 / n,
        "wall_ms": wall * 1000 / n,
        "queries": counted.queries / n,
        "calls": profiled_calls(again, n, top, sort),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--user", default="bench", help="the account to sign in as")
    parser.add_argument("--key", default="PM-B-05001", help="the postmortem of the fixed page")
    parser.add_argument("--count", type=int, default=10_000, help="PM-B-<n> postmortems stored")
    parser.add_argument("--only", action="append", help="measure only these pages (repeatable)")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--sort", default="tottime", help="tottime (own time) or cumulative")
    args = parser.parse_args()

    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    boot(load(env=os.environ))
    from django.contrib.auth.models import User
    from django.test import Client

    from postmortems.server.accounts.models import ApiToken

    user = User.objects.get(username=args.user)
    page = Client()
    page.force_login(user)
    api = Client(headers={"Authorization": "Bearer " + ApiToken.issue(user, "profile")[1]})
    print("| page | CPU ms/req | wall ms/req | queries/req | Python calls/req |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, path_of in _pages(args.key, args.count).items():
        if args.only and name not in args.only:
            continue
        client = api if name == "api" else page
        r = measure(client, path_of, args.requests, args.top, args.sort)
        print(
            f"| {name} | {r['cpu_ms']:.2f} | {r['wall_ms']:.2f} | {r['queries']:.1f} "
            f"| {r['calls']:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
