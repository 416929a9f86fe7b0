"""The calendar's weeks as a phone reads them: the final rotation's shifts and gaps grouped by
the day (in the schedule's zone) each starts on. A day of many shifts (an hourly rotation has
24) is folded to one line — who is on call that day, how many of the shifts are yours, whether
it has a gap — and opens on a tap; today, the day asked for (``?from=``) and a day of a few
shifts are open. Four weeks of hourly shifts are 28 lines, not 670."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from zoneinfo import ZoneInfo

from postmortems.server.oncall.drawing import Segment

# A day with at most this many shifts and gaps is listed open: folding it would hide as much
# as it shows.
FEW = 4
# The people a folded day names before "…".
NAMED = 4


@dataclass(frozen=True)
class Day:
    day: dt.date
    shifts: tuple[Segment, ...]
    today: bool
    open: bool
    this_year: bool = True

    @property
    def label(self) -> str:
        """``Wed 4 Mar``: the day as the shifts' times write it (``Fri 1 Jan 2027`` in another
        year than today's, as ``walltime.dated`` writes a time)."""
        year = "" if self.this_year else f" {self.day.year}"
        return f"{self.day:%a} {self.day.day} {self.day:%b}{year}"

    @property
    def summary(self) -> str:
        """The folded day in one line: ``24 shifts: alice, bob, carol · 8 of them yours · gap``."""
        people = list(dict.fromkeys(p for s in self.shifts if s.label for p in s.label.split(", ")))
        names = ", ".join(people[:NAMED]) + (", …" if len(people) > NAMED else "")
        count = len([s for s in self.shifts if s.label])
        parts = [f"{count} shift{'s' if count != 1 else ''}: {names}" if count else "nobody"]
        mine = len([s for s in self.shifts if s.href])
        if mine:
            parts.append(f"{mine} of them yours")
        if any(not s.label and not s.past for s in self.shifts):
            parts.append("gap")
        elif any(not s.label for s in self.shifts):
            parts.append("past gap")
        return " · ".join(parts)

    @property
    def alarm(self) -> bool:
        """A gap from now on: the folded line says it in red."""
        return any(not s.label and not s.past for s in self.shifts)


def days(
    shifts: Sequence[Segment],
    zone: ZoneInfo,
    *,
    start: dt.datetime,
    now: dt.datetime,
    asked: dt.date,
) -> list[Day]:
    """``shifts`` (in order) grouped by the local day each starts on; one that began before
    ``start`` (the first day shown) is that day's first."""

    def day_of(segment: Segment) -> dt.date:
        return max(segment.start, start).astimezone(zone).date()

    today = now.astimezone(zone).date()
    found = []
    for day, group in groupby(shifts, key=day_of):
        listed = tuple(group)
        opened = len(listed) <= FEW or day in (today, asked)
        found.append(Day(day, listed, day == today, opened, day.year == today.year))
    return found
