"""The cache sessions are read through: each worker process's memory, for at most a minute.

Django's ``cached_db`` sessions keep a session in the cache for as long as the session lasts
(two weeks). With a cache in each process's memory, a log-out (which deletes the session from
the database and from its own process's cache) would leave the session alive in the other
processes' caches, so a stolen cookie would keep working there. Each entry here lives at most
``MAX_AGE`` seconds: a session ended in one process ends in all of them within that time, and a
page still reads its session from memory rather than the database almost every time.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

MAX_AGE = 60  # seconds


def brief(timeout: Any) -> float:
    """``timeout`` (seconds; the default or None: forever), at most ``MAX_AGE``."""
    return MAX_AGE if timeout is DEFAULT_TIMEOUT or timeout is None else min(timeout, MAX_AGE)


class BriefLocMemCache(LocMemCache):
    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        super().set(key, value, brief(timeout), version)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return bool(super().add(key, value, brief(timeout), version))
