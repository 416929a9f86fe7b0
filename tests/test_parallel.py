"""The one parallel helper of `pm lint` and `pm build`: every result, in order, even when a
worker process dies."""

from __future__ import annotations

import os

import pytest

from postmortems.parallel import PARALLEL_MIN, run_all

PARENT = os.getpid()


def _square_and_pid(i: int) -> tuple[int, int]:
    return i * i, os.getpid()


def _die_in_a_worker(i: int) -> int:
    if os.getpid() != PARENT and i == 7:
        os._exit(9)
    return i


@pytest.mark.parametrize("workers", [1, 2])
def test_few_items_run_here_and_many_in_workers(workers: int) -> None:
    few = list(run_all(_square_and_pid, range(PARALLEL_MIN - 1), workers=workers))
    assert [r for r, _ in few] == [i * i for i in range(PARALLEL_MIN - 1)]
    assert {pid for _, pid in few} == {PARENT}
    many = list(run_all(_square_and_pid, range(200), workers=workers))
    assert [r for r, _ in many] == [i * i for i in range(200)]
    assert (PARENT in {pid for _, pid in many}) is (workers == 1)


def test_what_a_dead_worker_lost_is_run_here() -> None:
    assert list(run_all(_die_in_a_worker, range(100), workers=2)) == list(range(100))
