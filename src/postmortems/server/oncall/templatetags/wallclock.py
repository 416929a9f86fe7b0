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
def wall(at: dt.datetime | None, with_year: bool = False) -> str:
    """``Sun 25 Oct 01:30``; ``with_year`` (``{{ o.start|wall:o.spans_years }}``): ``Sun 25 Oct
    2026 01:30``, for a period whose ends are not in one year."""
    if at is None:
        return ""
    zone = timezone.get_current_timezone()
    local = at.astimezone(zone)
    year = " %Y" if with_year else ""
    return walltime.label(at, zone, f"%a {local.day} %b{year} %H:%M")
