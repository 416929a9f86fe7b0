"""Deleting for good: the words a redaction takes away must not stay in the database's files.

On SQLite, what is deleted or replaced while :func:`erasing` is open is overwritten with zeros
(``secure_delete``), and the write-ahead log is checkpointed and emptied afterwards, so the old
pages leave it too (best effort: a reader still holding them keeps them until the next
checkpoint). PostgreSQL keeps an updated row's old version in the table's files until VACUUM
reclaims it (autovacuum does, soon); docs/incidents.md says so to operators.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def erasing() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA secure_delete")
        row = cur.fetchone()
        cur.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA secure_delete = {int(row[0]) if row else 0}")
            if not connection.in_atomic_block:  # committed: the old pages may leave the log
                cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
