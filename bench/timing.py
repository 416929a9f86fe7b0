"""Wall-clock and CPU time of repeated calls, for the benches that time a function in-process.

On a shared, loaded machine the wall clock mostly measures waiting for a core; the CPU time of
this process is the work (for PostgreSQL, without the database server's own).
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from typing import Any


def wall_and_cpu_ms(body: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """The wall-clock and the process-CPU milliseconds of each of ``runs`` calls of ``body``."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        body()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus


class QueryCount:
    """Counts the statements Django sends while the block runs (``with QueryCount() as q``)."""

    def __init__(self) -> None:
        self.queries = 0

    def __enter__(self) -> QueryCount:
        from django.db import connection

        self._wrapping = connection.execute_wrapper(self._count)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapping.__exit__(*exc)

    def _count(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        self.queries += 1
        return execute(sql, *args)


def profiled_calls(body: Callable[[], object], count: int, top: int, sort: str) -> float:
    """Python calls per item of ``body`` (which handles ``count`` items) under cProfile; with
    ``top``, the ``top`` costliest functions are printed, in ``sort`` order (pstats' keys)."""
    profile = cProfile.Profile()
    profile.enable()
    body()
    profile.disable()
    stats = pstats.Stats(profile)
    if top:
        stats.sort_stats(sort).print_stats(top)
    return float(stats.total_calls) / count  # type: ignore[attr-defined]
