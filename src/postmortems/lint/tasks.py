"""The tasks the PM5xx rules judge: the open items of the task list.

The parser gives the items of the measures' task list (sub-bullets folded into their item).
Items already done — a ticked checkbox, a "Done" status cell or mark, or a line written as
completed work ("Script updated to …", "We have added …") — are not tasks to judge: they are
counted apart (PM509). In a table row, the task is the cell that says what to do.
"""

from __future__ import annotations

import re

from postmortems.document.lines import LineKind
from postmortems.document.markup import table_cells
from postmortems.document.model import ActionItem
from postmortems.lint.context import Context
from postmortems.lint.taskverbs import VERBS
from postmortems.lint.taskwords import is_task, is_verb, task_words

_DONE_MARK = re.compile(
    r"✅|✔|☑|\((?:done|completed?|fixed|merged|shipped)\)|\[(?:done|completed?)\]|"
    r"^\W*(?:done|completed?|fixed|resolved)\b\W|~~.+~~|"
    r"(?:^|\|)[^\w|]*(?:done|completed?|fixed|closed|merged|shipped|resolved)[^\w|]*(?:\||$)",
    re.IGNORECASE,
)
_WE_DID = re.compile(
    r"^\W*we(?:'ve| have| had)?\s+(?:already\s+|now\s+|also\s+)*"
    # "-ed" but not "-eed": "we need to …", "we proceed with …" ask for work, not report it
    r"(?:(?![a-z]*eed\b)[a-z]+ed|made|built|set|put|wrote|written|ran|done|begun|begin|began|"
    r"taken|took)\b",
    re.IGNORECASE,
)
_IRREGULAR_DONE = frozenset(
    {
        *("made", "built", "set", "put", "written", "done", "taken", "given", "run", "begun"),
        *("sent", "shut", "split", "spun", "rewritten"),
    }
)
_DETERMINERS = frozenset(
    ("a", "an", "the", "our", "their", "its", "this", "that", "these", "those", "all", "some")
)
# "Script updated to …": a participle, then a preposition
_AFTER_PARTICIPLE = frozenset(
    ("to", "for", "in", "on", "with", "and", "so", "by", "from", "at", "across", "as", "into")
)
_NOW_STATE = re.compile(
    r"\b(?:is|are|was|were|has been|have been)\s+(?:now\s+|already\s+)?"
    r"(?:[a-z]+ed|in place|done|complete|live|deployed|merged|fixed|available)\b",
    re.IGNORECASE,
)


def _past(word: str) -> bool:
    w = word.lower()
    return w in _IRREGULAR_DONE or (w.endswith("ed") and is_verb(w, set()))


# "Cron cleanup scheduled @malte_j": who did it, named after the item. Matched on the reversed
# text at its start (what `(?:\s+@[\w.-]+)+\s*$` finds): searched for from every position, that
# pattern reads to the end from each space of a long run, in time quadratic in the input.
_TRAILING_MENTIONS_REVERSED = re.compile(r"\s*(?:[\w.-]+@\s+)+")


def _without_trailing_mentions(text: str) -> str:
    m = _TRAILING_MENTIONS_REVERSED.match(text[::-1])
    return text[: len(text) - m.end()] if m else text


def completed(text: str) -> bool:
    """Whether an item reports work already done rather than asking for it."""
    text = _without_trailing_mentions(text)
    if _DONE_MARK.search(text) or _WE_DID.match(text):
        return True
    words = task_words(text)
    if not words:
        return False
    first = words[0].lower()
    if first.endswith("ed") and first not in VERBS and is_verb(first, set()):
        # "Added an alert on …" (not "Improved runbooks for …", a thing to deliver)
        return len(words) > 1 and words[1].lower() in _DETERMINERS
    for k in (1, 2):  # "Script updated to …", "Certificate renewal automated"
        if _participle_at(words, k) and not (k == 2 and first in VERBS):
            return True
    return first not in VERBS and bool(_NOW_STATE.search(" ".join(words[:6])))


def _participle_at(words: list[str], k: int) -> bool:
    """``words[k]`` is a past participle that ends the item or comes before a preposition."""
    if len(words) <= k or not _past(words[k]):
        return False
    return len(words) == k + 1 or words[k + 1].lower() in _AFTER_PARTICIPLE


def task_text(ctx: Context, item: ActionItem) -> str:
    """The text of a task; in a table row, the cell that reads as a task if the first does not."""
    raw = ctx.source_line(item.line) if item.line else ""
    if is_task(item.text) or not _is_table_row(ctx, item.line):
        return item.text
    cells = table_cells(raw)
    tasks = [c for c in cells if is_task(c) and len(c.split()) >= 3]
    return max(tasks, key=len) if tasks else item.text


def _is_table_row(ctx: Context, line: int) -> bool:
    return 0 < line <= len(ctx.lines) and ctx.lines[line - 1].kind is LineKind.TABLE


def _done(ctx: Context, item: ActionItem) -> bool:
    raw = ctx.source_line(item.line) if item.line else ""
    return item.done or completed(item.text) or bool(_DONE_MARK.search(raw))


def open_tasks(ctx: Context) -> list[ActionItem]:
    """The items of the task list that are still to do."""
    return [i for i in ctx.doc.action_items if not _done(ctx, i)]


def done_items(ctx: Context) -> list[ActionItem]:
    """The items of the task list that are already done or written as completed work."""
    return [i for i in ctx.doc.action_items if _done(ctx, i)]
