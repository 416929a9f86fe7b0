"""A status page's update log: each update is a status word, its text and the time it was posted.
Pages and their copies write the three in one of three orders:

- the status and its text, the time last ("**Resolved** - Normal operations restored." /
  "Mar 13, 10:16 MDT"; "Resolved" / "This incident has been resolved." / "Posted 2 hours ago.
  Mar 03, 2024 - 14:05 UTC"), newest first, maybe closed by "This incident affected: …";
- the status, the time on the line under it, then the text;
- the time on the line above the status ("Mar 03, 2024 - 14:05 UTC" / "**Resolved** - …").

The status word may stand alone on its line, in bold, or as a heading ("### Resolved").

A careful reader reads such a log as the incident's timeline: the time written with each update
is that update's time. :func:`as_timeline` rewrites the log as a timeline part, one entry per
update, so that it is read like any other timeline. The log runs to the end of the lines or to
the next heading that is not a status.
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
# "Posted Apr 05, 2022 - 16:36 UTC", "Posted 5 years ago. Oct 22, 2019 - 13:30 UTC", "Posted on …"
_POSTED = re.compile(
    r"^[*_]*posted[^\S\n]+(?:[^.\n]{1,30}\bago\.[^\S\n]*)?(?:on[^\S\n]+)?", re.IGNORECASE
)
# the line a status page closes its log with
_AFFECTED = re.compile(r"^this incident affected\b", re.IGNORECASE)
_LONGEST_UPDATE = 20  # lines of text in one update
_FEWEST_UPDATES = 3


def opens_update(line: Line) -> bool:
    """Whether ``line`` opens an update of a status page's log: its status or its time."""
    return _status(line) is not None or _stamp(line) is not None


def _stamp(line: Line) -> str | None:
    """The line when it is only a date and a time ("Mar 13, 10:16 MDT", "*Posted Mar 13, 2024 -
    10:16 UTC*")."""
    if line.kind not in (LineKind.TEXT, LineKind.LIST):
        return None
    text = line.raw.strip()
    posted = _POSTED.match(text)
    if posted is not None:
        text = text[posted.end() :]
    found = leading_time(text)
    if found is None or len(text[found.end :].strip()) > 6:
        return None
    return text.strip("*_ ")


def _status(line: Line) -> re.Match[str] | None:
    """The status an update opens with: "**Resolved** - …", "Resolved" alone, "### Resolved"."""
    if line.kind is LineKind.HEADING:
        return _BARE_STATUS.match(line.text)
    if line.kind in (LineKind.TEXT, LineKind.LIST):
        return _STATUS.match(line.raw) or _BARE_STATUS.match(line.raw)
    return None


def as_timeline(lines: Sequence[Line]) -> list[Line] | None:
    """``lines`` with the update log in them rewritten as a timeline part (a "Timeline" heading
    over one item per update), when the log holds three or more updates."""
    for first, ln in enumerate(lines):
        if _status(ln) is None:
            continue
        end = _log_end(lines, first)
        begin = first
        items = _stamped_below(lines, first, end)
        if items is None and first > 0 and _stamp(lines[first - 1]) is not None:
            begin, items = first - 1, _stamped_above(lines, first - 1, end)
        if items is None or len(items) < _FEWEST_UPDATES:
            return None  # the first status line does not open a log
        level = _level_before(lines, begin)
        raw = "#" * level + " Timeline"
        heading = Line(lines[begin].number, raw, LineKind.HEADING, level=level, text="Timeline")
        return [*lines[:begin], heading, *items, *lines[end:]]
    return None


def _log_end(lines: Sequence[Line], first: int) -> int:
    """Where the log that opens at ``lines[first]`` ends: at the next heading that is no status,
    else at the end of the lines."""
    for i in range(first + 1, len(lines)):
        if lines[i].kind is LineKind.HEADING and _status(lines[i]) is None:
            return i
    return len(lines)


def _level_before(lines: Sequence[Line], begin: int) -> int:
    """The level of the heading the log stands under ("## Status updates"), else 2."""
    for ln in reversed(lines[:begin]):
        if ln.kind is LineKind.HEADING:
            return max(2, ln.level)
        if ln.kind is not LineKind.BLANK:
            break
    return 2


def _item(stamp_line: Line, stamp: str, status: re.Match[str], words: Sequence[str]) -> Line:
    """One update as one list item: "- Mar 13, 10:16 MDT - Resolved - Normal operations…"."""
    text = " ".join(w for w in [status.groupdict().get("rest") or "", *words] if w.strip())
    item = f"{stamp} - {status['status']} - {text.strip()}".rstrip(" -")
    return Line(stamp_line.number, f"- {item}", LineKind.LIST, text=item, marker="-")


def _stamped_below(lines: Sequence[Line], first: int, end: int) -> list[Line] | None:
    """The updates from ``lines[first]`` to ``end`` when each status has its time under it: last
    (under its text) or on the line right after the status (its text under the time). None when
    something else stands between or after them."""
    starts = [i for i in range(first, end) if _status(lines[i]) is not None]
    items: list[Line] = []
    for n, i in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else end
        item = _below(lines, i, stop, last=n + 1 == len(starts))
        if item is None:
            return None
        items.append(item)
    return items


def _below(lines: Sequence[Line], i: int, stop: int, *, last: bool) -> Line | None:
    """The update whose status is ``lines[i]``, its text and time on the lines up to ``stop``."""
    status = _status(lines[i])
    assert status is not None
    body = [ln for ln in lines[i + 1 : stop] if not (last and _AFFECTED.match(ln.raw.strip()))]
    stamps = [j for j, ln in enumerate(body) if _stamp(ln) is not None]
    if len(stamps) != 1 or stamps[0] > _LONGEST_UPDATE:
        return None
    at = stamps[0]
    before, after = body[:at], [ln for ln in body[at + 1 :] if ln.kind is not LineKind.BLANK]
    if after and before and any(ln.kind is not LineKind.BLANK for ln in before):
        return None  # text both above and under the time: not one update
    if "rest" in status.groupdict() and any(ln.kind is LineKind.BLANK for ln in before):
        return None  # "**Resolved** - …" and its time are one paragraph
    if len(after) > _LONGEST_UPDATE:
        return None
    words = [ln.raw.strip() for ln in [*before, *after] if ln.kind is not LineKind.BLANK]
    stamp = _stamp(body[at])
    assert stamp is not None
    return _item(body[at], stamp, status, words)


def _stamped_above(lines: Sequence[Line], begin: int, end: int) -> list[Line] | None:
    """The updates from ``lines[begin]`` to ``end`` when each time stands on the line above its
    status, the text under the status. None when a time opens no update."""
    opens = [
        i
        for i in range(begin, end - 1)
        if _stamp(lines[i]) is not None and _status(lines[i + 1]) is not None
    ]
    items: list[Line] = []
    for n, i in enumerate(opens):
        stop = opens[n + 1] if n + 1 < len(opens) else end
        body = [
            ln
            for ln in lines[i + 2 : stop]
            if ln.kind is not LineKind.BLANK and not _AFFECTED.match(ln.raw.strip())
        ]
        if len(body) > _LONGEST_UPDATE or any(_stamp(ln) or _status(ln) for ln in body):
            return None
        stamp, status = _stamp(lines[i]), _status(lines[i + 1])
        assert stamp is not None
        assert status is not None
        items.append(_item(lines[i], stamp, status, [ln.raw.strip() for ln in body]))
    return items
