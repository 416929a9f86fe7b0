"""Rendering pages in forked worker processes, with no thread in the parent.

``multiprocessing.Pool`` keeps three threads in the parent (tasks, results, worker upkeep). Under
real-time scheduling (how the build benchmark isolates itself) those threads handing the GIL to
each other kept one CPU busy: the parent burned as much CPU as a worker. Here the parent forks
the workers, each takes every N-th job (the jobs are alike, so the shares come out even), and
sends back each record as a length-prefixed pickle on its own pipe; the parent sleeps in
``select`` until one arrives. A job whose record never arrives (a worker killed by the OOM
killer, say) is run again in the parent, so a dead worker costs time, never pages.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
_HEADER = 4


def _serve(job: Callable[..., T], shard: Sequence[tuple[Any, ...]], fd: int) -> None:
    """In the worker: run the jobs, write each result to ``fd``."""
    gc.freeze()  # what the parent built is never freed here: no collection needs to scan it
    with os.fdopen(fd, "wb", buffering=1 << 16) as out:
        for index, args in shard:
            data = pickle.dumps((index, job(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            out.write(len(data).to_bytes(_HEADER, "big"))
            out.write(data)
            out.flush()


def run_forked(
    job: Callable[..., T], jobs_args: Sequence[tuple[Any, ...]], workers: int
) -> Iterator[T]:
    """``job(*args)`` for every ``args``, in ``workers`` forked processes, results as they come
    (in no particular order)."""
    indexed = list(enumerate(jobs_args))
    pids: list[int] = []
    buffers: dict[int, bytearray] = {}
    done: set[int] = set()
    try:
        for w in range(workers):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                status = 0
                try:
                    os.close(read_fd)
                    for other in buffers:
                        os.close(other)
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    _serve(job, indexed[w::workers], write_fd)
                except BaseException:
                    status = 1
                finally:
                    os._exit(status)
            os.close(write_fd)
            pids.append(pid)
            buffers[read_fd] = bytearray()
        open_fds = set(buffers)
        while open_fds:
            ready, _, _ = select.select(list(open_fds), [], [])
            for fd in ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    open_fds.discard(fd)
                    continue
                buf = buffers[fd]
                buf += chunk
                while len(buf) >= _HEADER:
                    size = int.from_bytes(buf[:_HEADER], "big")
                    if len(buf) < _HEADER + size:
                        break
                    index, result = pickle.loads(bytes(buf[_HEADER : _HEADER + size]))
                    del buf[: _HEADER + size]
                    done.add(index)
                    yield result
    finally:
        for fd in buffers:
            with contextlib.suppress(OSError):
                os.close(fd)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    for index, args in indexed:  # lost with a worker that died: run here
        if index not in done:
            yield job(*args)
