"""Action items: the specific task list of the measures sections.

The measures sections are read as lists, each under the label it is written below ("Tasks:",
"**Improvements/Fixes:**", "### Short-term"). A task is a top-level list item (bullet, number,
checkbox, HTML ``<li>``), the sub-items of an item that only names a category, or — without
bullets — one task per line, ``Label: text`` lines, or short-headed paragraphs; lead-in ("the
following …:") and closing lines are not tasks, nor are lines that state rather than ask
("We have a script …"). Among the lists, checkboxes win, then lists labelled as tasks
(:func:`choose`); lists of actions already done are never the TODO list.

Owner and due date are read from ``(owner: @bob, due: 2024-03-01)``, ``Owner: Bob``,
``Deadline: March 1, 2024`` and similar, on the item or the lines under it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from postmortems.document.lines import Line, LineKind
from postmortems.document.model import ActionItem
from postmortems.document.timeparse import find_dates

_TRAILER = re.compile(
    r"(?<!\s)\s*\((?P<inner>[^()]*\b(?:owner|due)\s*:[^()]*)\)\s*$", re.IGNORECASE
)
_OWNER = re.compile(
    r"\b(?:owner|assignee|assigned to|responsible)\s*[:=]\s*@?(?P<o>[\w.-]+)", re.IGNORECASE
)
_DUE = re.compile(
    # "Deadline: March 1, 2024": the comma before a year belongs to the date
    r"\b(?:due|deadline|by|eta|target)\s*(?:date)?\s*[:=]\s*(?P<d>[^,;)]+(?:,\s*\d{4}\b)?)",
    re.IGNORECASE,
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


# Labels of the parts of a measures section. A task-like part is the specific TODO list; a part of
# broad improvements or of actions already done is not, when a task-like part exists.
_TASK_LABEL = re.compile(
    r"\b(?:tasks?|to-?dos?|action items?|actions? to take|specific|planned|next steps|"
    r"short[- ]term|medium[- ]term|long[- ]term|follow[- ]?ups?|checklist)\b",
    re.IGNORECASE,
)
_DONE_LABEL = re.compile(
    r"^(?:completed|done)\b|\((?:completed|done)\)|"
    r"\b(?:immediate|already|(?:actions?|steps?) taken)\b",
    re.IGNORECASE,
)
_GROUP_WORDS = re.compile(
    r"^(?:improvements?|fixes|improvements?\s*(?:/|and|&)\s*fixes|tasks?(?: to .*)?|to-?dos?|"
    r"action items?|specific tasks?|(?:short|medium|long)[- ]term.*|immediate.*|"
    r"preventi\w+(?: measures?| actions?)?|corrective(?: measures?| actions?)?|next steps|"
    r"follow[- ]?ups?|planned actions?.*|(?:a )?list of tasks.*)$",
    re.IGNORECASE,
)
_TAG_ONLY = re.compile(r"^(?:\s*</?[A-Za-z][^>]*>)+\s*$")
_MARKUP = re.compile(r"<[^<>]+>|[*_`]+")
_ATTR = re.compile(r"^(?:task|deadline|owner|due|assignee|eta|status|priority)\s*:", re.IGNORECASE)
_LABELLED = re.compile(r"^[A-Z][\w ,/&'()-]{1,80}?:\s+\S")
_PARA_ITEM = re.compile(r"^[A-Z][\w'-]*(?:\s[\w'-]+){0,3}[.!:]\s+\S")
_OPEN_END = re.compile(r"(?:[,\-–—]|\b(?:and|or|to|the|a|an|of|with|for|in|on))$", re.IGNORECASE)


# Lines around an unbulleted list that introduce or conclude it, not tasks.
# Lines that state rather than ask for something: a list of them is prose, not tasks.
_STATEMENT = re.compile(
    r"^(?:we|i|our|the|this|that|these|those|it|its|there|they|going forward|things|most|"
    r"overall|in (?:the )?(?:future|short|summary))\b",
    re.IGNORECASE,
)
_INTRO = re.compile(r"\b(?:the following|as follows)\b", re.IGNORECASE)
_OUTRO = re.compile(
    r"^(?:by (?:implementing|addressing|taking|following)|in conclusion|in summary|overall|"
    r"to conclude|to sum up|with these|these (?:measures|steps|actions|changes)|"
    r"this (?:outage|incident|post-?mortem|error)|note(?: that)?|we (?:believe|hope|are confident))"
    r"\b",
    re.IGNORECASE,
)


@dataclass
class Group:
    """One list of a measures section with the label it is written under."""

    label: str
    items: list[ActionItem] = field(default_factory=list)
    lines: list[set[int]] = field(default_factory=list)  # source lines of each item
    checkbox: bool = False


def _plain(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


def _label_of(text: str) -> str | None:
    """``Tasks:`` / ``**Improvements/Fixes:**`` → the label; None for anything else."""
    plain = _plain(text).strip()
    if plain.endswith(":") and 0 < len(plain.split()) <= 10:
        return plain.rstrip(": ")
    return None


def groups(title: str, lines: Sequence[Line], year: int | None = None) -> list[Group]:
    """The lists of one measures part: bullets, numbers, checkboxes, or one task per line."""
    out = [Group(title)]
    top: int | None = None
    top_marker = ""
    category: int | None = None  # index of a top item that only names a category
    run: list[Line] = []  # unbulleted lines waiting to be read as a list or as prose

    def new_group(label: str) -> None:
        _flush(out[-1], run, year)
        run.clear()
        out.append(Group(label))

    header: list[str] | None = None
    head_lines: set[int] = set()
    for n, ln in enumerate(lines):
        if ln.kind is LineKind.TABLE:
            cells = _cells(ln.raw)
            nxt = lines[n + 1] if n + 1 < len(lines) else None
            if nxt is not None and nxt.kind is LineKind.TABLE_RULE:
                header = [c.lower() for c in cells]  # the header row names the columns
                _flush(out[-1], run, year)
                run.clear()
                if out[-1].items:
                    new_group(out[-1].label)
                head_lines = {ln.number, nxt.number}  # taken with the first row
                continue
            if _table_item(out[-1], cells, header, ln, year):
                out[-1].lines[-1] |= head_lines
                head_lines = set()
            continue
        if ln.kind in (LineKind.CODE, LineKind.COMMENT, LineKind.RULE, LineKind.TABLE_RULE):
            continue
        if ln.kind is LineKind.BLANK:
            if run and run[-1].kind is not LineKind.BLANK:
                run.append(ln)
            continue
        g = out[-1]
        if ln.kind is LineKind.HEADING:
            new_group(_plain(ln.text))
            top, category = None, None
            continue
        text = ln.text
        label = _label_of(text)
        if ln.kind is LineKind.LIST:
            plain = _plain(text)
            head, _sep, rest = plain.partition(":")
            if "[" in ln.marker:  # a checkbox is a task as written, never a group's label
                label, _sep = None, ""
            if label is not None and (top is None or ln.indent <= top):
                new_group(label)
                top, category = None, None
                continue
            if _sep and _GROUP_WORDS.match(head.strip()) and (top is None or ln.indent <= top):
                new_group(head.strip())
                if rest.strip():
                    _add(out[-1], rest.strip(), ln, year)
                top, category = ln.indent, None
                top_marker = _kind_of_marker(ln.marker)
                continue
            if (
                "[" in ln.marker
                and g.items
                and not g.checkbox
                and (top is None or ln.indent <= top)
            ):
                new_group(g.label)  # a checkbox list after a plain one is a list of its own
                g, top, category, top_marker = out[-1], None, None, ""
            if (
                top is None
                or ln.indent < top
                or (ln.indent == top and _kind_of_marker(ln.marker) == top_marker)
            ):
                run.clear()  # prose just before a list introduces it; it is not a task list
                fresh = top is None or ln.indent < top  # a new list: its own kind of marker
                top = ln.indent if fresh else top
                top_marker = _kind_of_marker(ln.marker) if fresh else top_marker
                _add(g, text, ln, year, checkbox="[" in ln.marker)
                category = len(g.items) - 1 if label is not None or _is_category(text) else None
                continue
            if g.items and category is not None and category < len(g.items) and ln.indent > top:
                # sub-items of a category ("**Monitoring:**" → its tasks) are the tasks
                if category == len(g.items) - 1:
                    g.items.pop()
                    g.lines.pop()
                    category = len(g.items)
                _add(g, text, ln, year, checkbox="[" in ln.marker)
                continue
            if g.items:
                _continue(g, ln, year)
                continue
            run.append(ln)
            continue
        # text lines
        if _TAG_ONLY.match(text):
            continue
        if label is not None and (not g.items or ln.indent <= (top or 0)):
            pending = any(x.kind is not LineKind.BLANK for x in run)
            grouping = bool(_GROUP_WORDS.match(label) or _TASK_LABEL.search(label))
            fresh = not g.items and g is not out[0] and not pending
            if not grouping and (pending or fresh):
                run.append(ln)  # a sub-label inside an unbulleted list ("Monitoring:" + "Task: …")
                continue
            new_group(label)
            top, category = None, None
            continue
        if g.items and (ln.indent > (top or 0) or _ATTR.match(_plain(text))):
            _continue(g, ln, year)
            continue
        run.append(ln)
    _flush(out[-1], run, year)
    return [g for g in out if g.items]


_CELL = re.compile(r"(?<!\\)\|")
_OWNER_COLUMN = re.compile(r"owner|assignee|who|responsible", re.IGNORECASE)
_DUE_COLUMN = re.compile(r"due|deadline|date|eta|by when", re.IGNORECASE)
_DONE_COLUMN = re.compile(r"status|done|state", re.IGNORECASE)


def _cells(raw: str) -> list[str]:
    return [c.strip() for c in _CELL.split(raw.strip().strip("|"))]


def _table_item(
    g: Group, cells: list[str], header: list[str] | None, ln: Line, year: int | None
) -> bool:
    """A table row of a measures section is a task: the first text column, with owner and due
    date from the columns that name them."""
    names = header or []
    text = owner = None
    due: dt.date | None = None
    done = False
    for j, cell in enumerate(cells):
        name = names[j] if j < len(names) else ""
        if not cell:
            continue
        if _OWNER_COLUMN.search(name):
            owner = cell.lstrip("@").split()[0] if cell.strip("@ ") else None
        elif _DUE_COLUMN.search(name):
            dates = find_dates(cell, year)
            due = dates[0][2] if dates else None
        elif _DONE_COLUMN.search(name):
            done = bool(re.search(r"\b(?:done|complete[d]?|closed|fixed)\b|✅", cell, re.I))
        elif text is None:
            text = _plain(cell)
    if not text:
        return False
    g.items.append(ActionItem(text, done, owner, due, ln.number))
    g.lines.append({ln.number})
    return True


def _kind_of_marker(marker: str) -> str:
    return "number" if marker[:1].isdigit() else "bullet"


def _is_category(text: str) -> bool:
    plain = _plain(text)
    return plain.endswith(":") or (text.startswith(("**", "__")) and len(plain.split()) <= 6)


def _add(g: Group, text: str, ln: Line, year: int | None, checkbox: bool = False) -> None:
    done = ln.marker.endswith(("[x]", "[X]"))
    g.items.append(parse_item(_plain(text) if "<" in text else text, done, ln.number, year))
    g.lines.append({ln.number})
    g.checkbox = g.checkbox or checkbox


def _continue(g: Group, ln: Line, year: int | None) -> None:
    prev = g.items[-1]
    owner, due = _owner_due(ln.text, year)
    more = _plain(ln.text) if "<" in ln.text else ln.text  # as _add reads the first line
    text = prev.text if owner or due else f"{prev.text} {more}"
    g.items[-1] = ActionItem(text, prev.done, prev.owner or owner, prev.due or due, prev.line)
    g.lines[-1].add(ln.number)


def _flush(g: Group, run: list[Line], year: int | None) -> None:
    """Unbulleted lines as a list: one task per line, ``Label: text`` lines, or short-headed
    paragraphs ("Test! Test before deploying.") — never wrapped prose."""
    if g.items:
        return
    blocks: list[list[Line]] = [[]]
    for ln in run:
        if ln.kind is LineKind.BLANK:
            blocks.append([])
        else:
            blocks[-1].append(ln)
    blocks = [b for b in blocks if b]
    if not blocks:
        return
    first = _plain(blocks[0][0].text)
    second = _plain(blocks[0][1].text) if len(blocks[0]) > 1 else ""
    sub_label = first.endswith(":") and bool(_ATTR.match(second))
    if not sub_label and (
        first.endswith(":") or (_INTRO.search(first) and not _LABELLED.match(first))
    ):
        blocks[0] = blocks[0][1:]
    blocks = [[ln for ln in b if not _OUTRO.match(_plain(ln.text))] for b in blocks]
    blocks = [b for b in blocks if b]
    if not blocks:
        return
    lines = [ln for b in blocks for ln in b]
    texts = [_plain(ln.text) for ln in lines]
    single = len(lines) == 1 and len(texts[0]) <= 100 and texts[0].count(". ") == 0
    if single and _TASK_LABEL.search(g.label) and not _STATEMENT.match(texts[0]):
        _add(g, lines[0].text, lines[0], year)  # "To-do:" over a single task
        return
    if all(len(b) == 1 for b in blocks):
        # one paragraph per task: each must open with a short head ("Status monitoring. …")
        heads = [t for t in texts if _PARA_ITEM.match(t) or _LABELLED.match(t)]
        if len(blocks) >= 2 and len(heads) >= 2:
            for ln, t in zip(lines, texts, strict=True):
                if (_PARA_ITEM.match(t) or _LABELLED.match(t)) and not t.lower().startswith("note"):
                    _add(g, ln.text, ln, year)
        return
    for b in blocks:
        if len(b) < 2:
            continue
        bt = [_plain(ln.text).lstrip("-–—•+ ") for ln in b]
        if not all(t[:1].isupper() or t[:1].isdigit() for t in bt):
            continue
        if any(_OPEN_END.search(t) for t in bt[:-1]):
            continue
        if sum(1 for t in bt if _STATEMENT.match(t)) * 2 >= len(bt):
            continue  # "We have a puppet script…", "The ideal pattern would be…": prose
        if bt[0].endswith(":") and all(_ATTR.match(t) for t in bt[1:]):
            # "Monitoring Enhancement:" / "Task: …" / "Deadline: …" is one task
            _add(g, bt[0].rstrip(":"), b[0], year)
            for ln in b[1:]:
                _continue(g, ln, year)
            continue
        labelled = [ln for ln, t in zip(b, bt, strict=True) if _LABELLED.match(t)]
        chosen = labelled if len(labelled) * 2 > len(b) else b
        sub: Line | None = None
        for ln in chosen:
            t = _plain(ln.text)
            if t.endswith(":"):
                sub = ln
                continue
            if _ATTR.match(t) and sub is not None:
                if not g.items or g.items[-1].line != sub.number:
                    _add(g, _plain(sub.text).rstrip(":"), sub, year)
                _continue(g, ln, year)
                continue
            _add(g, ln.text, ln, year)


def choose(all_groups: Sequence[Group]) -> list[Group]:
    """The specific TODO list among the lists of the measures sections.

    Checkbox items are tasks by construction. Otherwise a list labelled as tasks ("Tasks",
    "Action items", "Short-term") is preferred to broad improvements; lists of actions already
    done ("Immediate actions (completed)") are not tasks.
    """
    boxes = [g for g in all_groups if g.checkbox]
    if boxes:
        return boxes
    tasks = [
        g for g in all_groups if _TASK_LABEL.search(g.label) and not _DONE_LABEL.search(g.label)
    ]
    if tasks:
        return tasks
    return [g for g in all_groups if not _DONE_LABEL.search(g.label)]


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
