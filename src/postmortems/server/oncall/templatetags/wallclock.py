"""``{{ at|wall }}``: an instant as a wall time of the current zone (the schedule's, on its
page), ``Sun 25 Oct 01:30``, with the zone's abbreviation when that wall time happens twice
(``Sun 25 Oct 01:30 GMT``): the hour a fall-back repeats lists two different shifts at 01:30;
with the year when it is not this year, or for a period across years (``walltime.dated``).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from postmortems.oncall import walltime

register = template.Library()


@register.filter
def wall(at: dt.datetime | None, other_end: dt.datetime | None = None) -> str:
    """``Sun 25 Oct 01:30``; ``Fri 8 Jan 2027 09:00`` when not this year; given the period's
    other end (``{{ o.start|wall:o.end }}``), with the year when the two are not in one year of
    the zone: ``Thu 31 Dec 2026 20:00``."""
    if at is None:
        return ""
    return walltime.dated(at, timezone.get_current_timezone(), timezone.now(), other_end)
