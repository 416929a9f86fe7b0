"""Wall-clock and CPU time of repeated calls, for the benches that time a function in-process.

On a shared, loaded machine the wall clock mostly measures waiting for a core; the CPU time of
this process is the work (for PostgreSQL, without the database server's own).
"""

from __future__ import annotations

import time
from collections.abc import Callable


def wall_and_cpu_ms(body: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """The wall-clock and the process-CPU milliseconds of each of ``runs`` calls of ``body``."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        body()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus
