"""A status page's update log: each update is a status word and its text, then the time it was
posted ("**Resolved** - Normal operations restored." / "Mar 13, 10:16 MDT"), newest first. Some
pages put the status word on a line of its own, the text (paragraphs, maybe) under it and
"Posted Apr 05, 2022 - 16:36 UTC" last, and close the log with "This incident affected: …".

A careful reader reads such a log as the incident's timeline: the time written under each update
is that update's time. :func:`as_timeline` rewrites the log as a timeline part, one entry per
update, so that it is read like any other timeline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from postmortems.document.lines import Line, LineKind
from postmortems.document.timeparse import leading_time

# "**Resolved** - …", "Investigating –": the status of one update, and a dash ("Update: …" is a
# line of an update's text)
_STATUS = re.compile(
    r"^[^\S\n]*(?:\*\*|__)?(?P<status>investigating|identified|monitoring|update|resolved|"
    r"post-?mortem|completed|scheduled|in progress|verifying)(?:\*\*|__)?[^\S\n]*[-–—]"
    r"[^\S\n]*(?P<rest>.*)$",
    re.IGNORECASE,
)
# "**Resolved**" alone on its line: the update's text is on the lines under it
_BARE_STATUS = re.compile(
    r"^[^\S\n]*(?:\*\*|__)?(?P<status>investigating|identified|monitoring|update|resolved|"
    r"completed|verifying)(?:\*\*|__)?[^\S\n]*$",
    re.IGNORECASE,
)
# "Posted Apr 05, 2022 - 16:36 UTC", "Posted 5 years ago. Oct 22, 2019 - 13:30 UTC"
_POSTED = re.compile(r"^posted[^\S\n]+(?:[^.\n]{1,30}\bago\.[^\S\n]*)?", re.IGNORECASE)
# the line a status page closes its log with
_AFFECTED = re.compile(r"^this incident affected\b", re.IGNORECASE)
_LONGEST_UPDATE = 20  # lines of text under one status before its time
_FEWEST_UPDATES = 3


def _stamp(line: Line) -> str | None:
    """The line when it is only a date and a time ("Mar 13, 10:16 MDT")."""
    text = line.raw.strip()
    posted = _POSTED.match(text)
    if posted is not None:
        text = text[posted.end() :]
    found = leading_time(text)
    if found is None or len(text[found.end :].strip()) > 6:
        return None
    return text


def _update(lines: Sequence[Line], i: int) -> tuple[int, Line] | None:
    """The update that starts at ``lines[i]``: the index after its time line, and the update
    as one list item ("- Mar 13, 10:16 MDT - Resolved - Normal operations restored.")."""
    if lines[i].kind not in (LineKind.TEXT, LineKind.LIST):
        return None
    m = _STATUS.match(lines[i].raw)
    bare = m is None
    m = m or _BARE_STATUS.match(lines[i].raw)
    if m is None:
        return None
    words = [m.groupdict().get("rest", "").strip()]
    for j in range(i + 1, min(len(lines), i + 2 + _LONGEST_UPDATE)):
        stamp = _stamp(lines[j])
        if stamp is not None:
            text = " ".join(w for w in words if w)
            item = f"{stamp} - {m['status']} - {text}".rstrip(" -")
            line = Line(lines[j].number, f"- {item}", LineKind.LIST, text=item, marker="-")
            return j + 1, line
        if _STATUS.match(lines[j].raw) or _BARE_STATUS.match(lines[j].raw):
            return None
        if lines[j].kind is LineKind.BLANK and not bare:
            return None
        words.append(lines[j].raw.strip())
    return None


def as_timeline(lines: Sequence[Line]) -> list[Line] | None:
    """``lines`` with the update log that closes them rewritten as a timeline part (a
    "Timeline" heading over one item per update), when three or more updates close them."""
    for start, ln in enumerate(lines):
        if not (_STATUS.match(ln.raw) or _BARE_STATUS.match(ln.raw)):
            continue
        items = _updates(lines, start)
        if items is None:
            return None  # the first status line does not open a log that closes the lines
        heading = Line(ln.number, "## Timeline", LineKind.HEADING, level=2, text="Timeline")
        return [*lines[:start], heading, *items]
    return None


def _updates(lines: Sequence[Line], start: int) -> list[Line] | None:
    """The updates from ``lines[start]`` to the end, or None when they are fewer than three or
    something else stands between or after them."""
    items: list[Line] = []
    i = start
    while i < len(lines):
        if lines[i].kind is LineKind.BLANK or (items and _AFFECTED.match(lines[i].raw.strip())):
            i += 1
            continue
        found = _update(lines, i)
        if found is None:
            return None
        i, item = found
        items.append(item)
    return items if len(items) >= _FEWEST_UPDATES else None
