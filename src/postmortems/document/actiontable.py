"""Action items written as table rows: the task's column, and the owner, due date and status
columns beside it."""

from __future__ import annotations

import datetime as dt
import re

from postmortems.document.actionitem import Group, _plain, owner_of
from postmortems.document.dateparse import find_dates
from postmortems.document.lines import Line
from postmortems.document.model import ActionItem

_DONE_CELL = re.compile(r"\b(?:done|complete[d]?|closed|fixed)\b|✅", re.I)


_OWNER_COLUMN = re.compile(r"owner|assignee|who|responsible", re.IGNORECASE)
_DUE_COLUMN = re.compile(r"due|deadline|date|eta|by when", re.IGNORECASE)
_DONE_COLUMN = re.compile(r"status|done|state", re.IGNORECASE)


# Columns that sort the tasks rather than say them ("| Kind | Description |").
_SORT_COLUMNS = frozenset(
    ("kind", "type", "category", "priority", "prio", "#", "no", "no.", "id", "number", "area")
)
_TASK_COLUMN = re.compile(
    r"\b(?:description|action|task|item|measure|to-?do|follow[- ]?up|remediation|fix)e?s?\b",
    re.IGNORECASE,
)


def _text_column(names: list[str]) -> int | None:
    """The column that says the task: one named so, else None (the first other text column)."""
    for j, name in enumerate(names):
        if name not in _SORT_COLUMNS and _TASK_COLUMN.search(name):
            return j
    return None


def _table_item(
    g: Group, cells: list[str], header: list[str] | None, ln: Line, year: int | None
) -> bool:
    """A table row of a measures section is a task: the column named for it (`Description`,
    `Action`…), else the first text column that does not sort the tasks (`Kind`, `#`), with owner
    and due date from the columns that name them."""
    names = header or []
    named = _text_column(names)
    text = owner = None
    due: dt.date | None = None
    done = False
    sorting = None  # the first text, when only sorting columns hold any
    for j, cell in enumerate(cells):
        name = names[j] if j < len(names) else ""
        if not cell or j == named:
            continue
        if _OWNER_COLUMN.search(name):
            owner = owner_of(cell)
        elif _DUE_COLUMN.search(name):
            dates = find_dates(cell, year)
            due = dates[0][2] if dates else None
        elif _DONE_COLUMN.search(name):
            done = bool(_DONE_CELL.search(cell))
        elif name.strip() in _SORT_COLUMNS:
            sorting = sorting or _plain(cell)
        elif text is None and named is None:
            text = _plain(cell)
    if named is not None and named < len(cells) and cells[named]:
        text = _plain(cells[named])
    text = text or sorting
    if not text:
        return False
    g.items.append(ActionItem(text, done, owner, due, ln.number))
    g.lines.append({ln.number})
    return True
