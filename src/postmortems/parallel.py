"""Running one function over many items, in worker processes when there are enough of them.

`pm lint` and `pm build` both go through :func:`run_all`: a plain loop for a few items (starting
processes costs more than it saves), a :class:`~concurrent.futures.ProcessPoolExecutor` for many.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_MIN = 48  # below this many items, starting worker processes costs more than it saves


def worker_count(workers: int | None) -> int:
    """``workers``, or one per CPU when it is not given."""
    return workers if workers is not None else (os.cpu_count() or 1)


def run_all(
    func: Callable[[T], R], items: Sequence[T], *, workers: int | None = None
) -> Iterator[R]:
    """``func(item)`` for every item, in the order of ``items``.

    ``func`` and the items must pickle when worker processes are used. A worker that dies (the
    OOM killer, say) costs time, not results: what the pool did not return is run here.
    """
    count = worker_count(workers)
    if len(items) < PARALLEL_MIN or count <= 1:
        yield from map(func, items)
        return
    # Imported here: a run over a few files (the usual `pm lint FILE`) never starts a process.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    chunk = max(1, min(32, len(items) // (count * 4)))
    try:
        with ProcessPoolExecutor(max_workers=count) as pool:
            for result in pool.map(func, items, chunksize=chunk):
                done += 1
                yield result
    except BrokenProcessPool:
        yield from map(func, items[done:])
