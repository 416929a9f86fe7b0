"""When the database goes away under a running process (`pm worker`): say so in one line, close
the connections, wait for the database with backoff, say when it is back, and go on."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
FIRST_WAIT = 1.0  # seconds before the first look at the database again
LONGEST_WAIT = 8.0  # the backoff doubles the wait up to this


def reason(exc: BaseException) -> str:
    """Why a connection failed, from the driver's message: libpq writes ``connection to server
    at "host", port N failed: Connection refused`` and then a hint question on a line of its own
    (a second address tried repeats both); the reason is what follows the first line's last
    ``failed:``."""
    lines = [" ".join(line.split()) for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    return lines[0].rpartition(" failed: ")[2]


def reachable() -> bool:
    """Whether the default database answers a query now."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def close_all() -> None:
    """Close every connection of this thread, broken ones included (Django opens new ones)."""
    from django.db import DatabaseError, connections

    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):  # forgets the connection even then
            conn.close()


def wait_for_database(
    exc: BaseException, who: str, *, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Log ``exc`` in one line, then wait (1, 2, 4, 8, 8… seconds) until the database answers."""
    from postmortems.server.config import current
    from postmortems.server.djangoconf import database_label

    where = database_label(current().database_url)
    log.warning("%s: lost the database at %s: %s; waiting for it", who, where, reason(exc))
    delay = FIRST_WAIT
    while True:
        close_all()
        sleep(delay)
        if reachable():
            log.warning("%s: the database at %s is back", who, where)
            return
        delay = min(delay * 2, LONGEST_WAIT)
