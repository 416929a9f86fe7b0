"""The reader of a measures part: its lines, one at a time, into labelled lists of tasks (bullets,
numbers, checkboxes, one task per line, ``Label: text`` lines, short-headed paragraphs)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from postmortems.document.actionitem import Group, _label_of, _owner_due, _plain, parse_item
from postmortems.document.actiontable import _table_item
from postmortems.document.lines import Line, LineKind
from postmortems.document.markup import table_cells
from postmortems.document.model import ActionItem
from postmortems.document.wording import any_word

# Labels of the parts of a measures section. A task-like part is the specific TODO list; a part of
# broad improvements or of actions already done is not, when a task-like part exists.
_TASK_LABEL = any_word(
    r"tasks?|to-?dos?|action items?|actions? to take|specific|planned|next steps|"
    r"short[- ]term|medium[- ]term|long[- ]term|follow[- ]?ups?|checklist"
)
# "Completed:", "### Remediation" then "Completed:" (read as "Remediation: Completed")
_DONE_LABEL = re.compile(
    r"(?:^|:[^\S\n]*)(?:completed|done)\b|\((?:completed|done)\)|"
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
_ATTR = re.compile(r"^(?:task|deadline|owner|due|assignee|eta|status|priority)\s*:", re.IGNORECASE)
_LABELLED = re.compile(r"^[A-Z][\w ,/&'()-]{1,80}?:\s+\S")
_PARA_ITEM = re.compile(r"^[A-Z][\w'-]*(?:\s[\w'-]+){0,5}[.!:]\s+\S")
_OPEN_END = re.compile(r"(?:[,\-–—]|\b(?:and|or|to|the|a|an|of|with|for|in|on))$", re.IGNORECASE)


# Lines around an unbulleted list that introduce or conclude it, not tasks.
# Lines that state rather than ask for something: a list of them is prose, not tasks.
_STATEMENT = re.compile(
    r"^(?:we|i|our|the|this|that|these|those|it|its|there|they|going forward|things|most|"
    r"overall|in (?:the )?(?:future|short|summary))\b",
    re.IGNORECASE,
)
_INTRO = any_word(r"the following|as follows")
_OUTRO = re.compile(
    r"^(?:by (?:implementing|addressing|taking|following)|in conclusion|in summary|overall|"
    r"to conclude|to sum up|with these|these (?:measures|steps|actions|changes)|"
    r"this (?:outage|incident|post-?mortem|error)|note(?: that)?|we (?:believe|hope|are confident))"
    r"\b",
    re.IGNORECASE,
)


# An item left from a template: "… another item", "{{ summary }} [link to issue]", "TBD".
_PLACEHOLDER = re.compile(
    r"^(?:(?:\.{3}|…).*|\{\{\s*[\w-]+\s*\}\}(?:\s*\[[^\]]*\])?|\[[^\]]*\]|tbd|to ?do|n/?a)$",
    re.IGNORECASE,
)


def _drop_placeholders(g: Group) -> None:
    keep = [i for i, item in enumerate(g.items) if not _PLACEHOLDER.match(item.text.strip())]
    if len(keep) < len(g.items):
        g.items = [g.items[i] for i in keep]
        g.lines = [g.lines[i] for i in keep]


_NUMBERED_HEADING = re.compile(r"^\(?\d{1,2}[.)]\s+(?=\S)")
_UNDER_TASK_HEADING = -1  # the indent of a task written as a numbered heading: all is under it


class _GroupReader:
    """Reads the lines of a measures part, one at a time, into labelled lists of tasks.

    ``top`` is the indent of the current list's items and ``top_marker`` their kind of marker
    (bullet or number); deeper items belong to the item above. Unbulleted lines wait in ``run``
    until a label, a heading or the end decides whether they are a list or prose (:func:`_flush`).
    """

    def __init__(self, title: str, year: int | None) -> None:
        self.year = year
        self.out = [Group(title)]
        self.heading = title  # the heading the lines are under: a label below it is part of it
        self.top: int | None = None
        self.top_marker = ""
        self.category: int | None = None  # index of a top item that only names a category
        self.run: list[Line] = []  # unbulleted lines waiting to be read as a list or as prose
        self.header: list[str] | None = None  # the column names of the current table
        self.head_lines: set[int] = set()  # a table's header lines, taken with its first row

    def read(self, lines: Sequence[Line]) -> list[Group]:
        for n, ln in enumerate(lines):
            if ln.kind is LineKind.TABLE:
                self._table_row(ln, lines[n + 1] if n + 1 < len(lines) else None)
            elif ln.kind is LineKind.BLANK:
                if self.run and self.run[-1].kind is not LineKind.BLANK:
                    self.run.append(ln)
            elif ln.kind is LineKind.HEADING:
                self._heading(ln)
            elif ln.kind is LineKind.LIST:
                self._list_item(ln)
            elif ln.kind is LineKind.TEXT:
                self._text_line(ln)
        _flush(self.out[-1], self.run, self.year)
        for g in self.out:
            _drop_placeholders(g)
        return [g for g in self.out if g.items]

    def _new_group(self, label: str) -> None:
        """Close the current list (reading its waiting lines) and start one under ``label``."""
        _flush(self.out[-1], self.run, self.year)
        self.run.clear()
        self.out.append(Group(label))

    def _open_group(self, label: str) -> None:
        """A new list under a label of its own: the items that follow start a fresh list."""
        self._new_group(label)
        self.top, self.category = None, None

    def _sub_label(self, label: str) -> str:
        """A label under a heading, read with it ("Short-term" › "In progress": short-term)."""
        return f"{self.heading}: {label}" if self.heading else label

    def _heading(self, ln: Line) -> None:
        """A heading opens a list of its own; a numbered one ("### 2) Alert on disk usage") is a
        task, and what is written under it belongs to it."""
        text = _plain(ln.text)
        if not _NUMBERED_HEADING.match(text):
            self._open_group(text)
            self.heading = text
            return
        _flush(self.out[-1], self.run, self.year)
        self.run.clear()
        _add(self.out[-1], _NUMBERED_HEADING.sub("", text), ln, self.year)
        self.top, self.category = _UNDER_TASK_HEADING, None

    def _table_row(self, ln: Line, nxt: Line | None) -> None:
        cells = table_cells(ln.raw)
        if nxt is not None and nxt.kind is LineKind.TABLE_RULE:
            self.header = [c.lower() for c in cells]  # the header row names the columns
            _flush(self.out[-1], self.run, self.year)
            self.run.clear()
            if self.out[-1].items:
                self._new_group(self.out[-1].label)
            self.head_lines = {ln.number, nxt.number}
            return
        if _table_item(self.out[-1], cells, self.header, ln, self.year):
            self.out[-1].lines[-1] |= self.head_lines
            self.head_lines = set()

    def _list_item(self, ln: Line) -> None:
        """A bullet, number or checkbox: a label, a task, a sub-task or part of the task above."""
        checkbox = "[" in ln.marker  # a checkbox is a task as written, never a group's label
        head, sep, rest = _plain(ln.text).partition(":")
        at_top = self.top is None or ln.indent <= self.top
        if at_top and not checkbox and _label_of(ln.text) is not None:
            self._open_group(self._sub_label(_label_of(ln.text) or ""))
        elif at_top and not checkbox and sep and _GROUP_WORDS.match(head.strip()):
            self._labelled_item(ln, head.strip(), rest.strip())
        else:
            g = self.out[-1]
            if checkbox and at_top and g.items and not g.checkbox:
                self._open_group(g.label)  # a checkbox list after a plain one is a list of its own
            if not (self._top_item(ln) or self._category_item(ln)):
                self._sub_item(ln)

    def _labelled_item(self, ln: Line, label: str, rest: str) -> None:
        """ "- Short-term: rotate the keys": a label that opens a list, with its first task."""
        self._new_group(self._sub_label(label))
        if rest:
            _add(self.out[-1], rest, ln, self.year)
        self.top, self.category = ln.indent, None
        self.top_marker = _kind_of_marker(ln.marker)

    def _top_item(self, ln: Line) -> bool:
        """An item of the current list (or the first of a new one) is a task."""
        kind = _kind_of_marker(ln.marker)
        fresh = self.top is None or ln.indent < self.top  # a new list: its own kind of marker
        if not fresh and not (ln.indent == self.top and kind == self.top_marker):
            return False
        self.run.clear()  # prose just before a list introduces it; it is not a task list
        if fresh:
            self.top, self.top_marker = ln.indent, kind
        g = self.out[-1]
        _add(g, ln.text, ln, self.year, checkbox="[" in ln.marker)
        self.category = len(g.items) - 1 if _is_category(ln.text) else None
        return True

    def _category_item(self, ln: Line) -> bool:
        """Sub-items of a category ("**Monitoring:**" → its tasks) are the tasks."""
        g, category = self.out[-1], self.category
        deeper = self.top is not None and ln.indent > self.top
        if not (g.items and category is not None and category < len(g.items) and deeper):
            return False
        if category == len(g.items) - 1:  # the category itself is no task
            g.items.pop()
            g.lines.pop()
            self.category = len(g.items)
        _add(g, ln.text, ln, self.year, checkbox="[" in ln.marker)
        return True

    def _sub_item(self, ln: Line) -> None:
        """A deeper item belongs to the task above; before any task it waits with the prose."""
        g = self.out[-1]
        if g.items:
            _continue(g, ln, self.year)
        else:
            self.run.append(ln)

    def _text_line(self, ln: Line) -> None:
        """A line of prose: a label, part of the task above, or a line waiting in the run."""
        text = ln.text
        if _TAG_ONLY.match(text):
            return
        g = self.out[-1]
        label = _label_of(text)
        if label is not None and (not g.items or ln.indent <= (self.top or 0)):
            self._text_label(ln, label)
        elif self.top == _UNDER_TASK_HEADING:
            if _ATTR.match(_plain(text)):  # "Owner: …" under the task; its prose is not the task
                _continue(g, ln, self.year)
        elif g.items and (ln.indent > (self.top or 0) or _ATTR.match(_plain(text))):
            _continue(g, ln, self.year)
        else:
            self.run.append(ln)

    def _text_label(self, ln: Line, label: str) -> None:
        """ "Tasks:" opens a list; "Monitoring:" inside unbulleted lines is a sub-label."""
        g = self.out[-1]
        pending = any(x.kind is not LineKind.BLANK for x in self.run)
        grouping = bool(_GROUP_WORDS.match(label) or _TASK_LABEL.search(label))
        fresh = not g.items and g is not self.out[0] and not pending
        if not grouping and (pending or fresh):
            self.run.append(ln)  # a sub-label inside an unbulleted list ("Monitoring:" + "Task: …")
        else:
            self._open_group(self._sub_label(label))


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
    blocks = _without_intro_outro(_blocks(run))
    if not blocks:
        return
    lines = [ln for b in blocks for ln in b]
    texts = [_plain(ln.text) for ln in lines]
    single = len(lines) == 1 and len(texts[0]) <= 100 and texts[0].count(". ") == 0
    if single and _TASK_LABEL.search(g.label) and not _STATEMENT.match(texts[0]):
        _add(g, lines[0].text, lines[0], year)  # "To-do:" over a single task
    elif all(len(b) == 1 for b in blocks):
        _paragraph_tasks(g, lines, texts, year)
    else:
        for b in blocks:
            _block_tasks(g, b, year)


def _blocks(run: Sequence[Line]) -> list[list[Line]]:
    """The lines between blank lines."""
    blocks: list[list[Line]] = [[]]
    for ln in run:
        if ln.kind is LineKind.BLANK:
            blocks.append([])
        else:
            blocks[-1].append(ln)
    return [b for b in blocks if b]


def _without_intro_outro(blocks: list[list[Line]]) -> list[list[Line]]:
    """Blocks without the line that introduces the list ("the following…:") and the lines that
    conclude it ("By implementing these…")."""
    if not blocks:
        return blocks
    first = _plain(blocks[0][0].text)
    second = _plain(blocks[0][1].text) if len(blocks[0]) > 1 else ""
    sub_label = first.endswith(":") and bool(_ATTR.match(second))
    if not sub_label and (
        first.endswith(":") or (_INTRO.search(first) and not _LABELLED.match(first))
    ):
        blocks[0] = blocks[0][1:]
    blocks = [[ln for ln in b if not _OUTRO.match(_plain(ln.text))] for b in blocks]
    return [b for b in blocks if b]


def _paragraph_tasks(g: Group, lines: list[Line], texts: list[str], year: int | None) -> None:
    """One paragraph per task: each must open with a short head ("Status monitoring. …")."""
    heads = [t for t in texts if _PARA_ITEM.match(t) or _LABELLED.match(t)]
    if len(lines) < 2 or len(heads) < 2:
        return
    for ln, t in zip(lines, texts, strict=True):
        if (_PARA_ITEM.match(t) or _LABELLED.match(t)) and not t.lower().startswith("note"):
            _add(g, ln.text, ln, year)


def _block_tasks(g: Group, b: list[Line], year: int | None) -> None:
    """A block of one task per line (or ``Label:`` lines with their ``Task:``/``Owner:`` lines)."""
    bt = [_plain(ln.text).lstrip("-–—•+ ") for ln in b]
    if len(b) < 2 or not _reads_as_list(bt):
        return
    if bt[0].endswith(":") and all(_ATTR.match(t) for t in bt[1:]):
        # "Monitoring Enhancement:" / "Task: …" / "Deadline: …" is one task
        _add(g, bt[0].rstrip(":"), b[0], year)
        for ln in b[1:]:
            _continue(g, ln, year)
        return
    labelled = [ln for ln, t in zip(b, bt, strict=True) if _LABELLED.match(t)]
    _labelled_tasks(g, labelled if len(labelled) * 2 > len(b) else b, year)


def _reads_as_list(texts: list[str]) -> bool:
    """Lines that each start a statement, none running on into the next, mostly not "We …"."""
    if not all(t[:1].isupper() or t[:1].isdigit() for t in texts):
        return False
    if any(_OPEN_END.search(t) for t in texts[:-1]):
        return False
    # "We have a puppet script…", "The ideal pattern would be…": prose
    return sum(1 for t in texts if _STATEMENT.match(t)) * 2 < len(texts)


def _labelled_tasks(g: Group, lines: list[Line], year: int | None) -> None:
    """One task per line; a ``Sub-label:`` line followed by ``Task:`` lines heads one task."""
    sub: Line | None = None
    for ln in lines:
        t = _plain(ln.text)
        if t.endswith(":"):
            sub = ln
        elif _ATTR.match(t) and sub is not None:
            if not g.items or g.items[-1].line != sub.number:
                _add(g, _plain(sub.text).rstrip(":"), sub, year)
            _continue(g, ln, year)
        else:
            _add(g, ln.text, ln, year)
