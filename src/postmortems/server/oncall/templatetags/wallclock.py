"""``{{ at|wall }}``: an instant as a wall time of the current zone (the schedule's, on its
page), ``Sun 25 Oct 01:30``, with the zone's abbreviation when that wall time happens twice
(``Sun 25 Oct 01:30 GMT``): the hour a fall-back repeats lists two different shifts at 01:30;
with the year for a period across years.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from postmortems.oncall import walltime

register = template.Library()


@register.filter
def wall(at: dt.datetime | None, other_end: dt.datetime | None = None) -> str:
    """``Sun 25 Oct 01:30``; given the period's other end (``{{ o.start|wall:o.end }}``), with
    the year when the two are not in one year of the zone: ``Thu 31 Dec 2026 20:00``."""
    if at is None:
        return ""
    zone = timezone.get_current_timezone()
    local = at.astimezone(zone)
    other = other_end.astimezone(zone) if other_end is not None else local
    year = " %Y" if other.year != local.year else ""
    return walltime.label(at, zone, f"%a {local.day} %b{year} %H:%M")
