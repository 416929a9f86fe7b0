"""The worker's on-call loop: every few seconds, advance every open page to the current time.

``pm worker`` starts it beside the task runner; ``pm worker --batch`` runs one tick. The tick
itself (:func:`postmortems.server.oncall.paging.tick`) takes the time as an argument; only this
loop reads the clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from django.db import OperationalError, close_old_connections
from django.utils import timezone

from postmortems.server.outage import reason

log = logging.getLogger(__name__)
INTERVAL = 5.0  # seconds between ticks
HANDOVERS_EVERY = 12  # ticks (a minute): hand-overs read every schedule, pages only open ones


def tick_once(now: dt.datetime | None = None, *, with_handovers: bool = True) -> int:
    """Advance the open pages to ``now`` (and record hand-overs); the notifications made."""
    from postmortems.server.oncall import handovers, paging

    at = now or timezone.now()
    made = paging.tick(at)
    if with_handovers:
        handovers.record(at)
    return made


def loop(stop: threading.Event, interval: float, clock: Callable[[], dt.datetime]) -> None:
    count, away = 0, False
    while not stop.wait(interval):
        count += 1
        try:
            tick_once(clock(), with_handovers=count % HANDOVERS_EVERY == 1)
            away = False
        except OperationalError as exc:  # the database is away: one line, not one a tick
            if not away:
                log.warning("on-call tick: the database is unreachable: %s", reason(exc))
            away = True
        except Exception:  # the loop must outlive one bad tick; the traceback is logged
            log.exception("on-call tick failed")
        finally:
            close_old_connections()


def start(interval: float = INTERVAL) -> threading.Event:
    """Run the loop in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=loop, args=(stop, interval, timezone.now), name="oncall-tick", daemon=True
    )
    thread.start()
    return stop
