"""Timeline entries from a timeline section, whatever shape it has.

Shapes: bullets or numbered items (``- 14:05 - text``), table rows, ``### 14:05`` headings, bare
lines that start with a time or a date, run-on paragraphs of stamped events ("12:00pm EAT: …
12:06pm EAT: …"), phases written as labels ("Detection:", "**Escalation:**"), untimed steps
(numbered, one per line, or one per paragraph after a lead-in), and date lines (``_4/21/23_``,
``**Day 2 — Dec 19**``) that set the date of the entries below them. Indented lines, sub-bullets
and untimed lines under a timed entry continue it; template prompts ("When was the issue
detected?") and notes beside a timed list are not entries. An entry is timed when its text states
a time. Dates roll over at midnight: ``23:50`` then ``00:10`` is the next day.
"""

from __future__ import annotations

from collections.abc import Sequence

from postmortems.document.lines import Line, LineKind
from postmortems.document.model import TimelineEntry
from postmortems.document.sections import Marker
from postmortems.document.timelineclock import _finish
from postmortems.document.timelinedates import _date_line
from postmortems.document.timelinedraft import Context, _Draft
from postmortems.document.timelinereader import _Reader
from postmortems.document.timelinetext import _unwrap
from postmortems.document.timeparse import leading_time

READING_RULES = """\
### How a timeline is read

- **Sub-headings.** A sub-heading of the timeline with prose under it is one entry, its text the
  heading and the prose (lists under the prose join it): always when the heading states a date
  (`### 2019-09-18`, `### 27 August: attacks continue`, `### 20–24 August: …`, dated at the
  first day of a range), and in a timeline divided by sub-headings (`### Search outage (minor)`)
  even without one. A sub-heading over entries, or over a lead-in ending in `:`, only labels them
  and dates them. A deeper heading (`#### 1. Builds fail`) belongs to the entry above; a heading
  that opens with a time or states only a date (`## 13:20`, `## March 7, 2024`) stays in the
  timeline whatever its level.
- **An entry is timed when its text states a time**, anywhere in a sub-heading entry, in the
  first sentences of other entries; a sub-heading entry without a date takes the one its text
  opens with ("On 15 April 2026, …"). The paragraph under a time with no text of its own (`###
  8:47`) is its text, even when it reads like a label ("Decide to delete the hub pod: …").
- **Dates.** A date on the entry applies to it, also in brackets after the stamp
  (`22:30 UTC (Oct 29) - …`); a date-only line, heading or table row (`| 2024-02-12 | |`) dates
  the entries below it (a date followed by what happened, `**Feb 05, 2021:** Disclosure`, is an
  untimed entry of that day); a cell that is only a date dates its row's entry and is not its text
  (`| 2024-02-12 | 10:00 | … |`); a table row whose first cell opens with a date (`| 3 August —
  outage | errors from 20:50 |`) is an entry of that day. Midnight roll-over compares moments
  across zones: `23:50 PST` then `08:55 CET` is the next day.
- **A twelve-hour clock without am/pm** goes on past noon: on one day, `12:39` then `1:50` is
  13:50 (a one-digit hour, no am/pm, after a time at or past noon, later once twelve hours are
  added); a 24-hour clock writes the night as `01:30`.
- **A status page's update log** (`**Resolved** - Normal operations restored.` and, under it,
  `Mar 13, 10:16 MDT`) is the timeline when it holds three or more updates: each update is an
  entry at the time written on a line of its own under its text (`Posted 2 hours ago. Mar 03,
  2024 - 14:05 UTC`), right under its status, or right above it. The status may stand alone,
  in bold or as a heading (`### Resolved`); the log runs to the end of the document or to the
  next heading. Written newest first, it is read from its last update for the outage window:
  with no window in the summary, the first `Investigating` update is the start and the last
  `Resolved` one the end, whatever their texts say.
- **Markup.** `<br>` before a stamp separates events written on one line; elsewhere in an
  entry, in a table cell as in a bullet, it is a space. HTML tags are dropped; an autolink
  (`<https://…>`) and escaped text (`\\<START OF OUTAGE>`) are text and stay. Template braces
  around a filled-in value (`### {{ 06:10 }}`) are read as the value. Bold that opens an entry
  stays (`15:46 **ROOT CAUSE** — …`); bold around the stamp and text (`**16:02 Deploy**`) goes.
- **A zone declared beside a date heading** (`### 03-10-2021 (All times CEST)`) is the zone of
  the timeline; the canonical form keeps it on its first date line.
"""


def is_entry_heading(marker: Marker) -> bool:
    """A heading that opens with a time ("## 13:20", "### March 12 19:57") or states only a date
    ("## March 7, 2024") is part of the timeline it is in, whatever its level."""
    if marker.kind is not None or marker.line.kind is not LineKind.HEADING:
        return False
    return (
        leading_time(_unwrap(marker.title)) is not None
        or _date_line(marker.line, Context()) is not None
    )


def extract(lines: Sequence[Line], ctx: Context) -> tuple[list[TimelineEntry], list[Line]]:
    """(entries, lines that are not part of any entry)."""
    drafts, rest = _drafts(lines, ctx)
    return _finish(drafts, ctx), rest


def _drafts(lines: Sequence[Line], ctx: Context) -> tuple[list[_Draft], list[Line]]:
    """Group the lines of a timeline into entries (see :class:`_Reader`)."""
    return _Reader(lines, ctx).read()
