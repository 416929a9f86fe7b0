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

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from postmortems.document.lines import Line, LineKind
from postmortems.document.markup import BREAK, LINK, table_cells
from postmortems.document.model import TimelineEntry, WallTime
from postmortems.document.sections import Marker, is_phase_title, marker_of
from postmortems.document.timeparse import Found, find_dates, find_times, leading_date, leading_time
from postmortems.document.zones import ZONE_DECLARATION_RE, Zone

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
  `Mar 13, 10:16 MDT`) is the timeline when three or more updates close the document: each
  update is an entry at the time written under it. Written newest first, it is read from its
  last update for the outage window.
- **Markup.** `<br>` before a stamp separates events written on one line; elsewhere in an
  entry, in a table cell as in a bullet, it is a space. HTML tags are dropped; an autolink
  (`<https://…>`) and escaped text (`\\<START OF OUTAGE>`) are text and stay. Template braces
  around a filled-in value (`### {{ 06:10 }}`) are read as the value. Bold that opens an entry
  stays (`15:46 **ROOT CAUSE** — …`); bold around the stamp and text (`**16:02 Deploy**`) goes.
- **A zone declared beside a date heading** (`### 03-10-2021 (All times CEST)`) is the zone of
  the timeline; the canonical form keeps it on its first date line.
"""


_SEP = re.compile(r"^[\s*_`~]*(?:[-–—:|>]+|\bZ\b)?[\s*_`~]*[-–—:|]*\s*")
_SKIP = (LineKind.BLANK, LineKind.RULE, LineKind.TABLE_RULE, LineKind.CODE, LineKind.COMMENT)
_TABLE_KINDS = (LineKind.TABLE, LineKind.TABLE_RULE)
# A header cell that only names a column of a timeline: its time or what happened. A header
# that says more ("Time UTC", "Time (PDT)", "Owner") is kept as text: it may be what dates or
# zones the rows, or what names a column the bullets no longer show.
_COLUMN_NAME = re.compile(
    r"(?:time(?:stamp)?|date(?:\s*[/&]\s*time)?|time\s*[/&]\s*date|when|what(?: happened)?|"
    r"events?|description|details?|actions?(?: taken)?|activity|updates?|notes?|summary|message|)",
    re.IGNORECASE,
)


# What a date line may hold besides its date: punctuation, weekdays, "on", "day", numbers.
_DATE_LINE_WORDS = re.compile(r"[\W_]+|\b(?:on|day|\d+|mon|tue|wed|thu|fri|sat|sun)\w*\b", re.I)


@dataclass
class Context:
    """What the rest of the document says about dates and zones."""

    zone: Zone | None = None
    date: dt.date | None = None
    year: int | None = None
    zones: Mapping[str, int] | None = None
    day_first: bool = False  # numeric dates are day/month ("03/10/2021" is 3 October)
    # "Unless otherwise noted all events happened on 2019-10-21": a date written on one entry is
    # that entry's alone; the entries after it go on with ``date``.
    own_dates: bool = False


@dataclass
class _Draft:
    line: int
    raw: str
    found: Found | None
    parts: list[str] = field(default_factory=list)
    day: dt.date | None = None
    day_stated: bool = False
    paragraph: bool = False
    own_line: bool = False  # an untimed entry on its own line, right under another
    bare_phase: bool = False  # a phase heading with nothing of its own yet
    source: list[Line] = field(default_factory=list)  # lines of a paragraph or heading entry
    heading: int = 0  # the level of the sub-heading the entry is written under as its title


_STRONG = ("**", "__")
_ALL_STRONG = re.compile(r"^(\*\*|__)((?:(?!\1).)*)\1$")


def clean_text(text: str) -> str:
    """Entry text without leading separators and emphasis markers left over from the time.

    Bold or code that opens the text stays (``14:02 **ROOT CAUSE** — …``, ``05:45 - `ERR` in
    the log``); bold around all of it goes.
    """
    sep = _SEP.match(text)
    lead, text = (sep[0], text[sep.end() :]) if sep else ("", text)
    text = text.strip()
    for mark in (*_STRONG, "`"):
        if text.count(mark) % 2 and lead.endswith(mark) and text[:1].strip():
            text = mark + text  # the text opens with it: "**ROOT CAUSE** — …", "`ERR` in …"
    text = _ALL_STRONG.sub(r"\2", text)
    return " ".join(text.split())


def _balanced(text: str) -> str:
    """An entry's text without a closing bold marker whose partner opened the stamp
    (``**14:05 Deploy started**``)."""
    for mark in _STRONG:
        at = text.find(mark)
        if at < 1 or text.count(mark) % 2 == 0:
            continue
        after = text[at + 2 : at + 3] or " "
        if not text[at - 1].isspace() and (after.isspace() or after in ".,;:!?)]"):
            text = text[:at] + text[at + 2 :]
    return text


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


# After a date, a colon or a dash and a word: the date's entry says what happened.
_SAYS_WHAT = re.compile(r"[*_]*[^\S\n]*(?::|[-–—][^\S\n])[*_]*[^\S\n]*[A-Za-z]")


def _date_line(line: Line, ctx: Context) -> dt.date | None:
    """A line that only states a date ("_4/21/23_", "**December 18, 2023**", "### Day 1")."""
    text = line.text if line.kind in (LineKind.HEADING, LineKind.LIST) else line.raw.strip()
    if len(text) > 60 or line.kind is LineKind.TABLE:
        return None
    dates = find_dates(text, ctx.year, day_first=ctx.day_first)
    if len(dates) != 1 or leading_time(text) is not None:
        return None
    if _SAYS_WHAT.match(text, dates[0][1]):
        return None  # "**Feb 05, 2021:** Disclosure": what happened that day, an entry
    # "### 03-10-2021 (All times CEST)": the zone declared beside the date is no other text
    leftover = ZONE_DECLARATION_RE.sub("", text[: dates[0][0]] + text[dates[0][1] :])
    if len(_DATE_LINE_WORDS.sub("", leftover)) > 12:
        return None
    return dates[0][2]


def _drafts(lines: Sequence[Line], ctx: Context) -> tuple[list[_Draft], list[Line]]:
    """Group the lines of a timeline into entries (see :class:`_Reader`)."""
    return _Reader(lines, ctx).read()


@dataclass
class _Phase:
    """A phase being read ("**Detection:**" and the lines under it)."""

    indent: int  # the indent of the phase's own line (0 unless it is a list item)
    is_item: bool  # written as a list item ("- Detection: …")


class _Reader:
    """Reads the lines of a timeline, one at a time, into entries.

    A new entry starts at: a line (bullet, row, heading or bare line) that begins with a time or
    a date; a top-level list item; a headed phase ("Detection:", "**Escalation**"); a
    ``Label: text`` line. Indented lines, sub-bullets and untimed lines after an entry continue
    it. A timeline of untimed paragraphs counts each paragraph, without a lead-in paragraph.
    Each line goes through the steps of :meth:`read` in order; the first that takes it wins.
    """

    def __init__(self, lines: Sequence[Line], ctx: Context) -> None:
        self.ctx = ctx
        self._leads: dict[str, Found | None] = {}
        self.lines = _split_breaks(lines, self.lead_of)
        self.drafts: list[_Draft] = []
        self.rest: list[Line] = []  # lines that are not part of any entry
        self.paragraphs: list[_Draft] = []  # untimed paragraph entries (kept apart until the end)
        self.date_lines: list[Line] = []
        self.table_head: list[Line] | None = None  # the first rows of a table, none an entry yet
        self.table_heads: list[tuple[_Draft, list[Line]]] = []  # (first entry, rows above it)
        self.table_dropped: tuple[_Draft, list[Line]] | None = None  # of the table being read
        self.day: dt.date | None = None  # set by the last date line
        self.phase: _Phase | None = None
        self.list_indent: int | None = None  # the indent of the timeline's top-level items
        self.entry_kind: LineKind | None = None  # the kind of line the first timed entry is on
        self.commentary = False  # under a heading that follows the timed list, until the next time
        self.after_blank = True
        self.level = 0  # the level of the last sub-heading that opened or timed an entry
        # a timeline divided by sub-headings: each over prose is an entry even without a date
        first = next((ln for ln in self.lines if ln.kind not in _SKIP), None)
        self.headed = first is not None and first.kind is LineKind.HEADING
        # (zones only name the zone of a time found, never whether one is found)
        self.timed_list = any(
            ln.kind is LineKind.LIST and self.lead_of(ln.text) is not None for ln in lines
        )

    def lead_of(self, text: str) -> Found | None:
        """The time a text starts with (each line is asked twice: is the list timed? does this
        entry start with a time?)."""
        if text not in self._leads:
            found = leading_time(
                text, year=self.ctx.year, zones=self.ctx.zones, day_first=self.ctx.day_first
            )
            self._leads[text] = _date_after(text, found, self.ctx) if found else None
        return self._leads[text]

    def read(self) -> tuple[list[_Draft], list[Line]]:
        for i, ln in enumerate(self.lines):
            self._table_head(ln, self.lines[i - 1] if i else None)
            if ln.kind is LineKind.TABLE_RULE and self.table_head:
                self.table_head.append(ln)  # the rule under the header row, for now
                self.after_blank = True
                continue
            if ln.kind in _SKIP:
                self.rest.append(ln)  # blank lines too: they keep the body's paragraphs apart
                self.after_blank = True
                continue
            blank_before, self.after_blank = self.after_blank, False
            if self._phase_line(i, ln) or self._heading_line(ln):
                continue
            if not (self._date_line(ln) or self._table_line(ln)):
                self._text_line(ln, blank_before)
        return self._result()

    def _add(self, ln: Line, found: Found | None, text: str) -> _Draft:
        d = _Draft(ln.number, ln.raw, found, [text], self.day)
        self.drafts.append(d)
        return d

    def _phase_line(self, i: int, ln: Line) -> bool:
        """A line heading a phase ("**Detection:** …"), or commentary beside a timed list."""
        phase = _phase_of(ln)
        if phase is None:
            return False
        title, after = phase
        if not after and self.timed_list and _prose_follows(self.lines, i, self.ctx):
            # "**Misleading paths:**" over a paragraph, beside a timed list: commentary
            self.commentary = True
            self.rest.append(ln)
            return True
        if self._under_timed(ln):
            return False  # "  - Misleading path: …" under a timed bullet belongs to it
        if ln.indent > 0 and ln.kind is not LineKind.HEADING and self.phase is not None:
            return False
        found = (
            leading_time(
                title, year=self.ctx.year, zones=self.ctx.zones, day_first=self.ctx.day_first
            )
            or _time_in_label(title + ": ", self.ctx)
            or _time_in(after, self.ctx)
        )
        d = self._add(ln, found, f"{title}: {clean_text(after)}" if after else title)
        d.bare_phase, d.source = not after and found is None, [ln]
        is_item = ln.kind is LineKind.LIST
        self.phase = _Phase(ln.indent if is_item else 0, is_item)
        return True

    def _under_timed(self, ln: Line) -> bool:
        """A sub-bullet of a timed entry, outside any phase."""
        return (
            ln.kind is LineKind.LIST
            and ln.indent > 0
            and bool(self.drafts)
            and self.phase is None
            and self.drafts[-1].found is not None
        )

    def _heading_line(self, ln: Line) -> bool:
        """A sub-heading opens an entry made of the prose under it; one over entries only labels
        them, and dates them when it states a date (decided at the end, :meth:`_headings`)."""
        if ln.kind is not LineKind.HEADING:
            return False
        text = _unwrap(ln.text)
        if self.lead_of(text) is not None:
            self.level = ln.level  # "### 14:05": a timed entry, read as a text line
            return False
        if self.level and ln.level > self.level and self.drafts:
            self._join(ln, text)  # "#### Details" inside the entry above
            return True
        day = _leading_day(text, self.ctx) or _date_line(ln, self.ctx)
        if day is None and not self.headed:
            return False  # a heading among prose entries is read as one of their lines
        self.level = ln.level
        if day is not None:
            self.day = day
        d = _Draft(ln.number, ln.raw, None, [clean_text(text)], self.day, day is not None)
        d.heading, d.source = ln.level, [ln]
        self.drafts.append(d)
        self.phase = None
        return True

    def _join(self, ln: Line, text: str) -> None:
        """A line that is part of the entry above."""
        last = self.drafts[-1]
        if last.heading:
            last.parts.append(clean_text(text))
            last.source.append(ln)
        else:
            _continue(self.drafts, ln, text, self.ctx)

    def _in_heading_entry(self) -> bool:
        """The entry above is a sub-heading with prose of its own (a list under it joins it)."""
        return bool(self.drafts) and self.drafts[-1].heading > 0 and len(self.drafts[-1].parts) > 1

    def _date_line(self, ln: Line) -> bool:
        """A line that only states a date: the date of the entries below it."""
        day = _date_line(ln, self.ctx)
        if day is None:
            return False
        self.day = day
        self.date_lines.append(ln)
        return True

    def _table_head(self, ln: Line, before: Line | None) -> None:
        """Keep a table's header row and rule apart while every row below is an entry (they
        are the table's, not text, then); a row that is not, or the end of a table without
        an entry, puts them back in the text."""
        if ln.kind is LineKind.TABLE and (before is None or before.kind not in _TABLE_KINDS):
            self.table_head, self.table_dropped = [], None  # a table starts
        elif ln.kind not in _TABLE_KINDS:  # the table, if any, has ended
            self.rest.extend(self.table_head or ())  # with no entry: its header is text
            self.table_head = self.table_dropped = None

    def _keep_table_head(self) -> None:
        """The table's header and rule stay in the text."""
        self.rest.extend(self.table_head or ())
        self.table_head = None
        if self.table_dropped is not None:
            self.table_heads.remove(self.table_dropped)
            self.rest.extend(self.table_dropped[1])
            self.table_dropped = None

    def _table_line(self, ln: Line) -> bool:
        if ln.kind is not LineKind.TABLE:
            return False
        filled = [c for c in table_cells(ln.raw) if c]
        only = filled[0] if len(filled) == 1 else None  # a row of one cell may be a date line
        day = _date_line(Line(ln.number, only, LineKind.TEXT), self.ctx) if only else None
        if day is not None:
            self.day = day  # "| 2024-02-12 | |": the date of the rows below, as a date line is
            self.date_lines.append(ln)
            return True
        draft = _table_row(ln, self.ctx)
        if draft is None:
            if self.table_head == [] and _column_names(ln):
                self.table_head.append(ln)  # "| Time | Event |", for now
            else:
                self._keep_table_head()  # a row that is no entry: the table is not all entries
                self.rest.append(ln)
            return True
        if self.table_head:
            # A table of entries: its header and rule are the table's, not text. They go with
            # its first entry (back to the text if that entry is not kept).
            self.table_dropped = (draft, self.table_head)
            self.table_heads.append(self.table_dropped)
        self.table_head = None
        draft.day, draft.day_stated = (draft.day or self.day), draft.day is not None
        self.drafts.append(draft)
        self.phase = None
        return True

    def _text_line(self, ln: Line, blank_before: bool) -> None:
        """A list item, heading or bare line that is neither a phase, a date nor a row."""
        text = ln.text if ln.kind in (LineKind.LIST, LineKind.HEADING) else ln.raw.strip()
        text = _unwrap(text, links=False) if "<" in text or "{{" in text else text
        if _ONLY_MEDIA.match(text) or (len(text) < 120 and _is_prompt(text)):
            self.rest.append(ln)
            return
        lead = self.lead_of(text)
        if self.commentary and lead is None:
            self.rest.append(ln)
            return
        self.commentary = False
        if self.phase is not None and self._phase_body(ln, text, lead):
            return
        if not self._entry(ln, text, lead):
            self._follow(ln, text, blank_before)

    def _phase_body(self, ln: Line, text: str, lead: Found | None) -> bool:
        """A line under a phase heading continues the phase, unless it is an entry of its own."""
        assert self.phase is not None
        last = self.drafts[-1]
        nested = ln.kind is LineKind.LIST and ln.indent > self.phase.indent
        if lead is not None and not nested and last.bare_phase and len(last.parts) == 1:
            # "actions taken" over "01:15 PM: …": a heading left from a template, not an entry
            self.rest.extend(self.drafts.pop().source)
            self.phase = None
            return False
        same_level_item = (
            self.phase.is_item and ln.kind is LineKind.LIST and ln.indent <= self.phase.indent
        )
        if ln.indent > self.phase.indent or (lead is None and not same_level_item):
            if last.found is None:  # a phase is timed by the first time written in it
                last.found = _time_in(text, self.ctx)
            last.parts.append(clean_text(text))
            return True
        return False

    def _entry(self, ln: Line, text: str, lead: Found | None) -> bool:
        """A line that opens an entry: timed, dated, a top-level item or a ``Label: text`` line."""
        found = lead or _time_in_label(text, self.ctx)
        is_item = ln.kind is LineKind.LIST and (
            self.list_indent is None or ln.indent <= self.list_indent
        )
        if is_item and found is None and self._under_bare_line():
            _continue(self.drafts, ln, text, self.ctx)  # a bulleted list under a bare-line entry
            return True
        if found is None and self._in_heading_entry() and leading_date(text) is None:
            self._join(ln, text)
            return True
        if found is not None and self.entry_kind is None:
            self.entry_kind = ln.kind
        if ln.kind is LineKind.LIST and self.list_indent is None:
            self.list_indent = ln.indent
        if found is not None:
            self._timed_entry(ln, text, found)
            return True
        return self._dated_entry(ln, text) or self._untimed_entry(ln, text, is_item)

    def _under_bare_line(self) -> bool:
        """The entries are bare lines or headings and the last one is timed."""
        return (
            self.entry_kind in (LineKind.TEXT, LineKind.HEADING)
            and bool(self.drafts)
            and self.drafts[-1].found is not None
        )

    def _timed_entry(self, ln: Line, text: str, found: Found) -> None:
        """One entry per stamped event on the line ("12:00pm: a. 12:06pm: b" is two)."""
        self.phase = None
        for piece_found, piece in _run_on(text, found, self.ctx):
            d = _Draft(ln.number, ln.raw, piece_found, [piece] if piece else [])
            d.day = piece_found.date or self.day
            d.day_stated = piece_found.date is not None
            self.drafts.append(d)

    def _dated_entry(self, ln: Line, text: str) -> bool:
        """A line that starts with a date and says something after it."""
        dated = leading_date(text, year=self.ctx.year, day_first=self.ctx.day_first) or _stamp_like(
            text
        )
        if dated is None or len(text) - dated[0] <= 3:
            return False
        self.phase = None
        d = self._add(ln, None, clean_text(text))
        d.day, d.day_stated = dated[1] or self.day, dated[1] is not None
        return True

    def _untimed_entry(self, ln: Line, text: str, is_item: bool) -> bool:
        """A top-level item or a ``Label: text`` line without a time."""
        label_line = ln.kind is LineKind.TEXT and ln.indent == 0 and bool(_LABEL_LINE.match(text))
        if label_line and self.timed_list:
            # "**Total impact duration:** 5 hours" beside a timed list: a note, not an event
            self.rest.append(ln)
            return True
        if label_line and self._stamp_only():
            # "### 8:47" over "Decide to delete the hub pod: `kubectl …`": the stamp's text
            _continue(self.drafts, ln, text, self.ctx)
            return True
        if is_item or label_line:
            self._add(ln, None, clean_text(text))
            return True
        return False

    def _stamp_only(self) -> bool:
        """The entry above is a time with no text yet (a heading "### 8:47")."""
        prev = self.drafts[-1] if self.drafts else None
        return prev is not None and prev.found is not None and not any(prev.parts)

    def _follow(self, ln: Line, text: str, blank_before: bool) -> None:
        """A line that opens no entry: it continues the one above, or is an untimed paragraph."""
        if self.drafts and self.drafts[-1].heading:
            self._join(ln, text)
        elif self.drafts and (ln.indent > 0 or ln.kind is LineKind.LIST or not blank_before):
            self._continue_above(ln, text)
        elif self.drafts and self.drafts[-1].found is not None:
            _continue(self.drafts, ln, text, self.ctx)
        elif ln.kind is LineKind.TEXT and not text.rstrip("*_ ").endswith(":"):
            self._paragraph(ln, text, own_line=False)
        else:
            self.rest.append(ln)

    def _continue_above(self, ln: Line, text: str) -> None:
        prev = self.drafts[-1]
        if prev.paragraph and ln.kind is LineKind.TEXT and _own_line(prev, text):
            self._paragraph(ln, text, own_line=True)  # untimed events written one per line
        elif prev.paragraph:
            prev.parts.append(clean_text(text))
            prev.source.append(ln)
        else:
            _continue(self.drafts, ln, text, self.ctx)

    def _paragraph(self, ln: Line, text: str, own_line: bool) -> None:
        d = self._add(ln, None, clean_text(text))
        d.paragraph, d.source, d.own_line = True, [ln], own_line
        self.paragraphs.append(d)

    def _result(self) -> tuple[list[_Draft], list[Line]]:
        """The entries kept, each timed when its text states a time, and the other lines."""
        drafts = self._headings(self.drafts)
        kept = _drop_lead_in(drafts, self.paragraphs)
        if not kept:
            self.rest.extend(self.date_lines)  # a date with no entry under it stays text
        for d in kept:
            if d.found is None:  # an entry carries a time when its text states one
                _time_from_text(d, self.ctx)
        self.rest.extend(self.table_head or ())  # a table that ended the timeline
        keep = {id(d) for d in kept}
        if len(kept) < len(drafts):
            self.rest.extend(ln for d in drafts if id(d) not in keep for ln in d.source)
        self.rest.extend(ln for d, head in self.table_heads if id(d) not in keep for ln in head)
        return kept, sorted(self.rest, key=lambda x: x.number)

    def _headings(self, drafts: list[_Draft]) -> list[_Draft]:
        """Sub-headings that are entries: those over prose that state a date, and all those over
        prose in a timeline with no timed line of its own. A sub-heading over entries, or over a
        lead-in to them ("what happened:"), labels them (and dates them)."""
        timed = any(d.found is not None and not d.heading for d in drafts)
        out: list[_Draft] = []
        for i, d in enumerate(drafts):
            body = d.parts[1:]
            lead_in = bool(body) and body[-1].endswith(":") and i + 1 < len(drafts)
            if not d.heading or (body and not lead_in and (d.day_stated or not timed)):
                out.append(d)
                continue
            if d.day_stated:
                self.date_lines.append(d.source[0])  # the date of the entries below
            self.rest.extend(d.source[0 if not d.day_stated else 1 :])
        return out


_DATE_AFTER = re.compile(r"[\s*_]*\(([^()]{3,30})\)")


def _date_after(text: str, found: Found, ctx: Context) -> Found:
    """ "22:30 UTC (Oct 29) - …": a date in brackets right after a stamp dates it."""
    m = _DATE_AFTER.match(text, found.end)
    if found.date is not None or m is None:
        return found
    dates = find_dates(m[1], ctx.year, day_first=ctx.day_first)
    if not dates or len(m[1].strip()) - (dates[0][1] - dates[0][0]) > 4:
        return found
    return replace(found, end=m.end(), date=dates[0][2])


def _time_from_text(d: _Draft, ctx: Context) -> None:
    """An untimed entry takes the first time its text states (anywhere under a sub-heading); a
    sub-heading without a date takes the date its text opens with ("On 15 April, …")."""
    text = " ".join(d.parts)
    d.found = _time_in(text, ctx, limit=None if d.heading else 200)
    if d.found is not None and d.found.date is not None:
        d.day, d.day_stated = d.found.date, True
    elif d.heading and not d.day_stated and len(d.parts) > 1:
        dates = find_dates(d.parts[1][:80], ctx.year, day_first=ctx.day_first)
        if dates:
            d.day, d.day_stated = dates[0][2], True


def _split_breaks(lines: Sequence[Line], lead_of: Callable[[str], Found | None]) -> list[Line]:
    """Lines with ``<br>`` breaks before stamped events ("… done.<br> 21:14 - …") as lines."""
    out: list[Line] = []
    for ln in lines:
        pieces = BREAK.split(ln.raw) if ln.kind is LineKind.TEXT and "<" in ln.raw else []
        if len(pieces) < 2 or not any(lead_of(p.strip()) for p in pieces[1:]):
            out.append(ln)
            continue
        for n, piece in enumerate(p for p in pieces if p.strip()):
            out.append(replace(ln, raw=piece, text=piece.strip(), indent=0 if n else ln.indent))
    return out


# An HTML tag: a name, then attributes after white space, or nothing. Not an autolink
# (``<https://…>``, ``<ops@example.com>``: a link, text the user wrote) and not escaped
# (``\\<START OF OUTAGE>``: literal text).
_TAG_PATTERN = r"(?<!\\)</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"
_TAG = re.compile(_TAG_PATTERN)
_PLACEHOLDER_BRACES = re.compile(r"\{\{\s*|(?:(?<!\s)\s+)?\}\}")


def _unwrap(text: str, links: bool = True) -> str:
    """Text without HTML tags, template braces ("{{ 06:10 }}") and link targets. A ``<br>`` is a
    space: an entry's text is one line, however it was written (a table cell, a bullet)."""
    if "<" in text:
        text = _TAG.sub("", BREAK.sub(" ", text))
    text = _PLACEHOLDER_BRACES.sub("", text) if "{{" in text else text
    return LINK.sub(r"\1", text) if links and "](" in text else text


_RANGE_START = re.compile(r"^\W*(\d{1,2})\s*(?:[-–—]|to)\s*(?=\d{1,2}\b)")
_RANGE_WORD = re.compile(r"^\W*(?:between|from|since|on|around|circa)\s+", re.IGNORECASE)


def _leading_day(text: str, ctx: Context) -> dt.date | None:
    """The date a heading or row opens with; of a range ("20–24 August: …", "Between 2023-07-10
    and 2023-07-16") its first day."""
    text = _RANGE_WORD.sub("", text, count=1)
    m = _RANGE_START.match(text)
    found = leading_date(text[m.end() :] if m else text, year=ctx.year, day_first=ctx.day_first)
    if found is None:
        return None
    if m is None:
        return found[1]
    try:
        return found[1].replace(day=int(m[1]))
    except ValueError:
        return None


def _is_prompt(text: str) -> bool:
    """A prompt left from a template ("When was the issue detected?")."""
    return text.endswith("?") or bool(_PROMPT.match(text))


_PHASE_LABEL = re.compile(r"^(?P<t>[^:]{2,60}?)\s*:\s*(?P<rest>.*)$")


def _phase_of(ln: Line) -> tuple[str, str] | None:
    """(title, text after it) when the line heads a phase of the incident or a bold entry."""
    if ln.kind not in (LineKind.HEADING, LineKind.TEXT, LineKind.LIST):
        return None
    m = marker_of(ln)
    if m is not None and (is_phase_title(m.title) or (m.kind is None and m.level >= 7)):
        return m.title, m.rest
    plain = " ".join(_EMPHASIS.sub("", ln.text).split())
    lm = _PHASE_LABEL.match(plain)
    if lm and is_phase_title(lm["t"]):
        return lm["t"].strip(), lm["rest"].strip()
    return None


_EMPHASIS = re.compile(r"\*\*|__|" + _TAG_PATTERN)


def _drop_lead_in(drafts: list[_Draft], paragraphs: list[_Draft]) -> list[_Draft]:
    """Paragraphs are entries only in a timeline made of paragraphs; there, a first paragraph
    saying when the work began is a lead-in, and one that only points elsewhere ("see the status
    page") is no entry."""
    if not paragraphs:
        return drafts
    if len(paragraphs) == len(drafts) and all(
        _POINTER.search(" ".join(d.parts)) and not find_times(" ".join(d.parts)) for d in paragraphs
    ):
        return []
    if len(paragraphs) < len(drafts):
        return [d for d in drafts if not d.paragraph]
    if len(paragraphs) < 2 or any(d.own_line for d in paragraphs):
        return drafts
    if any(d.found is not None for d in drafts):
        return drafts
    first = " ".join(paragraphs[0].parts)
    later = any(find_times(" ".join(d.parts)) for d in drafts[1:])
    if find_times(first) and not later:
        return drafts[1:]
    return drafts


_ONLY_MEDIA = re.compile(r"^(?:!?\[[^\]]*\]\([^)]*\)\s*)+$")
_LABEL_HEAD = re.compile(r"^[-*+\s]*+(?:\*\*|__)?(?P<label>[^:*_]{1,80}?)(?:\*\*|__)?\s*:\s")


def _time_in_label(text: str, ctx: Context) -> Found | None:
    """ "**Issue Detection (November 10, 2023, 8:00 PM)**: …" → the time in the label."""
    m = _LABEL_HEAD.match(text)
    if not m or not any(c.isdigit() for c in m["label"]):
        return None
    times = find_times(m["label"], year=ctx.year, zones=ctx.zones)
    if not times:
        return None
    t = times[0]
    dates = find_dates(m["label"], ctx.year, day_first=ctx.day_first)
    day = t.date or (dates[0][2] if dates else None)
    return Found(0, m.end(), t.time, day, t.zone, t.until)


_POINTER = re.compile(r"\]\([^)\[\]]+\)|https?://|<https?://", re.IGNORECASE)
# "how was the issue detected", "which team/individuals was the incident escalated to"
_PROMPT = re.compile(
    r"^[*_]*(?:when|how|what|which|who|why|where)\b(?:\s+[^\s.!,\d]+){1,11}\s*:?[*_]*$",
    re.IGNORECASE,
)


def _prose_follows(lines: Sequence[Line], i: int, ctx: Context) -> bool:
    """The next non-blank line after ``lines[i]`` is a paragraph, not an entry."""
    for ln in lines[i + 1 :]:
        if ln.kind is LineKind.BLANK:
            continue
        return ln.kind is LineKind.TEXT and leading_time(ln.raw.strip(), year=ctx.year) is None
    return False


_OPEN_END = re.compile(r"(?:[,\-–—(]|\b(?:and|or|to|the|a|an|of|with|for|in|on|at|by))$", re.I)


def _own_line(prev: _Draft, text: str) -> bool:
    """A line that starts a new statement rather than continuing the wrapped line above."""
    last = prev.source[-1].raw.strip() if prev.source else ""
    return bool(text[:1].isupper() and last and not _OPEN_END.search(last))


_NUMERIC_STAMP = re.compile(r"^[-*+\s]*\d{1,4}(?:[/.-]\d{1,4}){1,2}\s*[-–—:]\s+\S")


def _stamp_like(text: str) -> tuple[int, dt.date | None] | None:
    """ "11/03/202 - Version released": a mistyped date still opens an entry."""
    m = _NUMERIC_STAMP.match(text)
    return (m.end() - 1, None) if m else None


def _time_in(text: str, ctx: Context, limit: int | None = 200) -> Found | None:
    """The first time anywhere in a short text ("The issue was detected at 9:00 AM")."""
    times = find_times(text[:limit], year=ctx.year, zones=ctx.zones)
    return times[0] if times else None


_LABEL_LINE = re.compile(r"^[*_]*[A-Z][\w /&'()-]{1,40}?[*_]*\s*:[*_]*\s+\S")
# A time written as the stamp of a new event in the middle of a line: "… done. 12:06pm EAT: …"
_STAMP_AFTER = re.compile(r"\s*(?:[-–—:]|\]|\))\s")


def _continue(drafts: list[_Draft], ln: Line, text: str, ctx: Context) -> None:
    """Add a line to the entry above; a stamped event inside it starts a new entry."""
    pieces = _run_on(text, Found(0, 0, dt.time(0)), ctx)
    if pieces[0][1]:
        drafts[-1].parts.append(pieces[0][1])
    for found, piece in pieces[1:]:
        d = _Draft(ln.number, ln.raw, found, [piece] if piece else [])
        d.day = found.date or drafts[-1].day
        d.day_stated = found.date is not None
        drafts.append(d)


_NEW_EVENT = re.compile(r"\s*:\s+[A-Z]")


def _run_on(text: str, found: Found, ctx: Context) -> list[tuple[Found, str]]:
    """One line holding several stamped events ("12:00pm EAT: a. 12:06pm EAT: b") → events."""
    out: list[tuple[Found, str]] = []
    cur, start = found, found.end
    for f in find_times(text[found.end :], year=ctx.year, zones=ctx.zones):
        pos = found.end + f.start
        before = text[:pos].rstrip(" *_`")
        after = found.end + f.end
        if not _STAMP_AFTER.match(text, after):
            continue
        # "… to the requests 12:09pm EAT: Issue was handled …", but not a labelled stamp
        # such as "actions taken 01:15 PM: …"
        sentence_end = bool(before) and before[-1] in ".;!)\"'`-–—"
        if not sentence_end and (
            not _NEW_EVENT.match(text, after) or len(text[start:pos].split()) < 4
        ):
            continue
        out.append((cur, clean_text(text[start:pos])))
        cur = Found(pos, found.end + f.end, f.time, f.date, f.zone, f.until)
        start = found.end + f.end
    out.append((cur, clean_text(text[start:])))
    return out


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


def _finish(drafts: list[_Draft], ctx: Context) -> list[TimelineEntry]:
    _afternoon(drafts)
    clock = _Clock(ctx.date, own_dates=ctx.own_dates)
    entries: list[TimelineEntry] = []
    for d in drafts:
        text = _balanced(" ".join(p for p in d.parts if p))
        if d.found is None:
            entries.append(TimelineEntry(text, raw=d.raw, line=d.line))
        else:
            entries.append(
                _timed_entry(d, d.found, text, clock.date_of(d, d.found, d.found.zone), ctx)
            )
    return entries


_DAY = dt.timedelta(days=1)
_HALF_DAY = dt.timedelta(hours=12)
# The first clock time an entry writes, and whether am/pm follows it.
_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):\d{2}(?::\d{2})?(?P<meridiem>\s*[ap]\.?\s?m\b)?", re.I)


def _afternoon(drafts: Sequence[_Draft]) -> None:
    """Times written on a twelve-hour clock without am/pm: on one day, "12:39" then "1:50" is ten
    to two in the afternoon, not the night before. A time goes on past noon when it is written
    with a one-digit hour and no am/pm, after a time at or past noon on the same day, and reads
    later than it once twelve hours are added (a 24-hour clock writes "01:50")."""
    previous: dt.time | None = None
    day: dt.date | None = None
    for d in drafts:
        f = d.found
        if f is None:
            continue
        if d.day_stated and d.day != day:
            previous, day = None, d.day
        if previous is not None and previous.hour >= 12 and _twelve_hour(d.raw, f.time):
            later = f.time.replace(hour=f.time.hour + 12)
            if f.time < previous <= later:
                d.found = replace(f, time=later)
        previous = d.found.time if d.found is not None else previous


def _twelve_hour(raw: str, time: dt.time) -> bool:
    """The entry writes ``time`` with a one-digit hour and no am/pm ("1:50")."""
    m = _CLOCK.search(raw[:60])
    return (
        m is not None
        and len(m[1]) == 1
        and int(m[1]) == time.hour
        and 1 <= time.hour <= 11
        and not m["meridiem"]
    )


@dataclass
class _Clock:
    """The date the timeline has reached, and the last moment it wrote."""

    day: dt.date | None
    previous: dt.datetime | None = None
    zone: Zone | None = None  # the zone of the previous moment
    own_dates: bool = False  # an entry's own date does not move the running one

    def date_of(self, d: _Draft, found: Found, zone: Zone | None) -> dt.date | None:
        """An entry's date: its own, else the running one, a day later past midnight.
        ``zone`` is the zone the entry states (None when it states none)."""
        if d.day is not None and d.day_stated and self.own_dates:
            self.previous, self.zone = dt.datetime.combine(d.day, found.time), zone
            return d.day
        if d.day is not None:
            self.day = d.day
        day = self.day
        if day is not None and self.previous is not None and not d.day_stated:
            day = self.day = next_date(day, found.time, zone, self.previous, self.zone)
        if day is not None:
            self.previous, self.zone = dt.datetime.combine(day, found.time), zone
        return day


def next_date(
    day: dt.date,
    time: dt.time,
    zone: Zone | None,
    previous: dt.datetime,
    previous_zone: Zone | None,
) -> dt.date:
    """The date of an entry at ``time`` that states no date, after the entry at ``previous``
    (wall time): ``day``, or the day after when the clock went back by twelve hours or more
    (midnight roll-over). When both entries state zones, they are compared as moments: "23:50
    PST" then "08:55 CET" is the next day, "01:10 CEST" then "16:20 PDT" the day before. The
    writer predicts dates with the same function."""
    shift = dt.timedelta(0)
    offsets = (zone.offset, previous_zone.offset) if zone and previous_zone else (None, None)
    if zone != previous_zone and offsets[0] is not None and offsets[1] is not None:
        shift = dt.timedelta(minutes=offsets[1] - offsets[0])
    moment = dt.datetime.combine(day, time) + shift  # on the previous entry's clock
    if moment < previous and moment + _DAY - previous <= _HALF_DAY:
        return day + _DAY
    if shift and moment - _DAY >= previous:
        return day - _DAY  # a change of zone put a whole day between the two
    return day


def _timed_entry(
    d: _Draft, found: Found, text: str, day: dt.date | None, ctx: Context
) -> TimelineEntry:
    zone = found.zone or ctx.zone
    when = WallTime(found.time, day, zone, not d.day_stated and day is not None)
    until = None
    if found.until is not None:
        u = found.until
        until = WallTime(u.time, u.date or day, u.zone or zone, u.date is None)
    return TimelineEntry(
        text, when, until, zone_stated=found.zone is not None, raw=d.raw, line=d.line
    )
