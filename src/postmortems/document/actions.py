"""Action items: the specific task list of the measures section.

A task is a top-level list item (bullet, number or checkbox) or a table row of the section.
Owner and due date are read from ``(owner: @bob, due: 2024-03-01)``, ``Owner: Bob``,
``Deadline: March 1, 2024`` and similar, on the item or the lines under it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from postmortems.document.lines import Line, LineKind
from postmortems.document.model import ActionItem
from postmortems.document.timeparse import find_dates

_TRAILER = re.compile(r"\s*\((?P<inner>[^()]*\b(?:owner|due)\s*:[^()]*)\)\s*$", re.IGNORECASE)
_OWNER = re.compile(
    r"\b(?:owner|assignee|assigned to|responsible)\s*[:=]\s*@?(?P<o>[\w.-]+)", re.IGNORECASE
)
_DUE = re.compile(
    r"\b(?:due|deadline|by|eta|target)\s*(?:date)?\s*[:=]\s*(?P<d>[^,;)]+)", re.IGNORECASE
)


def parse_item(text: str, done: bool, line: int, year: int | None = None) -> ActionItem:
    """An action item from the text of one list item."""
    owner = due = None
    m = _TRAILER.search(text)
    if m:
        text = text[: m.start()].rstrip()
        owner, due = _owner_due(m["inner"], year)
    return ActionItem(" ".join(text.split()), done, owner, due, line)


def _owner_due(text: str, year: int | None) -> tuple[str | None, dt.date | None]:
    owner = due = None
    m = _OWNER.search(text)
    if m:
        owner = m["o"]
    m = _DUE.search(text)
    if m:
        dates = find_dates(m["d"], year)
        if dates:
            due = dates[0][2]
    return owner, due


def extract(lines: Sequence[Line], year: int | None = None) -> tuple[list[ActionItem], list[Line]]:
    """(action items, lines that are not part of any item)."""
    items: list[ActionItem] = []
    rest: list[Line] = []
    top: int | None = None
    for ln in lines:
        if ln.kind is LineKind.LIST and (top is None or ln.indent <= top):
            top = ln.indent if top is None else top
            done = ln.marker.endswith("[x]") or ln.marker.endswith("[X]")
            items.append(parse_item(ln.text, done, ln.number, year))
        elif items and ln.kind in (LineKind.LIST, LineKind.TEXT) and ln.indent > (top or 0):
            prev = items[-1]
            owner, due = _owner_due(ln.text, year)
            text = prev.text if owner or due else f"{prev.text} {ln.text}"
            items[-1] = ActionItem(text, prev.done, prev.owner or owner, prev.due or due, prev.line)
        else:
            rest.append(ln)
    return items, rest


def format_item(item: ActionItem) -> str:
    """``- [ ] text (owner: @bob, due: 2024-03-01)``."""
    box = "[x]" if item.done else "[ ]"
    extras = []
    if item.owner:
        extras.append(f"owner: @{item.owner}")
    if item.due:
        extras.append(f"due: {item.due.isoformat()}")
    suffix = f" ({', '.join(extras)})" if extras else ""
    return f"- {box} {item.text}{suffix}"
