"""Paragraphs that open with a time: a status post told in prose ("At 05:00 UTC we began seeing
errors." / "At 06:10 UTC delivery recovered.") or the mail sent to customers, quoted ("> At 05:00
UTC …"). They are no timeline part (no list, no table, no heading per entry), but a careful
reader takes the window from them when neither the summary nor a timeline states it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from postmortems.document.dateparse import find_dates
from postmortems.document.lines import Line, LineKind
from postmortems.document.model import TimelineEntry
from postmortems.document.timelineclock import _finish
from postmortems.document.timelinedraft import Context, _Draft
from postmortems.document.timeparse import HEDGE, leading_time

_QUOTE = re.compile(r"^[^\S\n]*(?:>[^\S\n]?)+")
# The words a paragraph may open with before its time: "At", "On March 3 at", "Shortly after"
_OPENER = re.compile(
    r"[^\S\n]*(?:on[^\S\n]+|at[^\S\n]+|around[^\S\n]+|by[^\S\n]+|(?:shortly|just)[^\S\n]+"
    r"(?:after|before)[^\S\n]+)?(?:" + HEDGE + r"[^\S\n]+)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_FEWEST = 2  # one paragraph that opens with a time is a sentence of the story, not its steps


def told_in_paragraphs(lines: Sequence[Line], ctx: Context) -> list[TimelineEntry]:
    """One entry per paragraph (quoted or not) that opens with a time and says what happened
    then, when two or more do, dated as a timeline's entries are (a paragraph without a date
    goes on with the one before, past midnight to the next day); else none."""
    drafts = [d for number, texts in _paragraphs(lines) if (d := _draft(number, texts, ctx))]
    return _finish(drafts, ctx) if len(drafts) >= _FEWEST else []


def _paragraphs(lines: Sequence[Line]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, its lines without quote marks) for each prose paragraph: a blank
    line, an empty quote line (">"), anything but text, or the start or end of a quote ends
    one."""
    number, quoted = 0, False
    texts: list[str] = []
    for ln in lines:
        mark = _QUOTE.match(ln.raw) if ln.kind is LineKind.TEXT else None
        text = (ln.raw[mark.end() :] if mark else ln.raw).strip()
        prose = ln.kind is LineKind.TEXT and bool(text)
        if texts and (not prose or bool(mark) != quoted):
            yield number, texts
            texts = []
        if prose:
            if not texts:
                number, quoted = ln.number, bool(mark)
            texts.append(text)
    if texts:
        yield number, texts


def _draft(number: int, texts: Sequence[str], ctx: Context) -> _Draft | None:
    """The paragraph as an entry at the time it opens with, if it opens with one and says what
    happened then."""
    text = " ".join(texts)
    head = _OPENER.match(text)
    rest = text[head.end() :] if head else text
    found = leading_time(rest, year=ctx.year, zones=ctx.zones, day_first=ctx.day_first)
    if found is None or not _WORD.search(rest, found.end):
        return None
    day = found.date
    if day is None:  # "At 05:00 UTC on March 3, 2024, …"
        dates = find_dates(rest[found.end : found.end + 40], ctx.year, day_first=ctx.day_first)
        day = dates[0][2] if dates and dates[0][0] <= 4 else None
    said = rest[found.end :].lstrip(" ,:-–—")
    return _Draft(number, text, found, [said], day, day_stated=day is not None, paragraph=True)
