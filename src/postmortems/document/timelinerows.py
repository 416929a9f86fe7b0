"""Timeline entries written as table rows: the stamp's cell, a date in a cell of its own, a row
that opens with a date, a header row that only names the columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from postmortems.document.dateparse import find_dates
from postmortems.document.lines import Line
from postmortems.document.markup import table_cells
from postmortems.document.timelinedates import _leading_day
from postmortems.document.timelinedraft import Context, _Draft
from postmortems.document.timelinetext import _unwrap, clean_text
from postmortems.document.timeparse import leading_time

# A header cell that only names a column of a timeline: its time or what happened. A header
# that says more ("Time UTC", "Time (PDT)", "Owner") is kept as text: it may be what dates or
# zones the rows, or what names a column the bullets no longer show.
_COLUMN_NAME = re.compile(
    r"(?:time(?:stamp)?|date(?:\s*[/&]\s*time)?|time\s*[/&]\s*date|when|what(?: happened)?|"
    r"events?|description|details?|actions?(?: taken)?|activity|updates?|notes?|summary|message|)",
    re.IGNORECASE,
)


def _table_row(ln: Line, ctx: Context) -> _Draft | None:
    # Cells are read as list items are: tags dropped, ``<br>`` a space, links kept.
    cells = [_unwrap(c, links=False).strip() for c in table_cells(ln.raw)]
    for i, cell in enumerate(cells):
        found = leading_time(cell, year=ctx.year, zones=ctx.zones, day_first=ctx.day_first)
        if found is not None:
            day, date_at = (found.date, None) if found.date else _date_cell(cells, i, ctx)
            # a cell that is only the row's date is not text: the entry carries the date
            others = [clean_text(c) for j, c in enumerate(cells) if j not in (i, date_at) and c]
            tail = clean_text(cell[found.end :])
            text = " - ".join([t for t in [tail, *others] if t])
            return _Draft(ln.number, ln.raw, found, [text] if text else [], day)
    return _dated_row(ln, cells, ctx)


def _column_names(ln: Line) -> bool:
    """A table row that only names its columns ("| Time | **Event** |", "| When | What |")."""
    return all(_COLUMN_NAME.fullmatch(c.strip("*_ ")) for c in table_cells(ln.raw))


def _dated_row(ln: Line, cells: Sequence[str], ctx: Context) -> _Draft | None:
    """A row that opens with a date ("| 3 August — outage | Errors began around 20:50 |") is an
    entry of that day; its text may state a time."""
    first = next((c for c in cells if c), "")
    day = _leading_day(_unwrap(first), ctx)
    if day is None:
        return None
    text = " - ".join(clean_text(c) for c in cells if c)
    return _Draft(ln.number, ln.raw, None, [text], day)


def _date_cell(cells: Sequence[str], skip: int, ctx: Context) -> tuple[dt.date | None, int | None]:
    """The date of a row written in a cell of its own ("| Sun | Nov 1 | 19:10 | …"), and the
    index of that cell when the date is all it holds (None when it holds more: "Nov 1 (Sun)")."""
    for j, cell in enumerate(cells):
        if j != skip and len(cell) <= 25:
            dates = find_dates(cell, ctx.year, day_first=ctx.day_first)
            if dates and dates[0][0] <= 2:
                start, end, day = dates[0]
                return day, j if not cell[:start].strip() and not cell[end:].strip() else None
    return None, None
