"""The text of a timeline entry: separators and emphasis left over from its stamp, HTML tags,
template braces and ``<br>`` breaks, and several stamped events written on one line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from postmortems.document.lines import Line, LineKind
from postmortems.document.markup import BREAK, LINK
from postmortems.document.timelinedraft import Context, _Draft
from postmortems.document.timeparse import Found, find_times

_SEP = re.compile(r"^[\s*_`~]*(?:[-–—:|>]+|\bZ\b)?[\s*_`~]*[-–—:|]*\s*")


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
