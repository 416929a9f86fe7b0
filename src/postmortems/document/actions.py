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

import re
from collections.abc import Sequence

from postmortems.document.actionitem import Group
from postmortems.document.actionreader import _DONE_LABEL, _TASK_LABEL, _GroupReader
from postmortems.document.lines import Line
from postmortems.document.wording import any_word

READING_RULES = """\
### How the task list is read

- **A task is a top-level item** (bullet, number, checkbox, table row); its sub-bullets and the
  lines under it belong to it. Sub-items of an item that only names a category
  (`- **Monitoring:**`) are the tasks.
- **A table row's task** is the column named for it (`Action`, `Description`, `Task`, `Fix`),
  else the first text column that only sorts the tasks is passed over (`| Kind | Description |`
  reads the description, not `Corrective`); owner, due date and status come from the columns
  named so.
- **Numbered headings are tasks** in a measures part (`### 2) Alert on disk usage`): the prose
  and lists under one belong to it; `Owner:` / `Due:` lines under it are read.
- **Labels are read with the heading above them**: under `### Short-term`, the list labelled
  `**In progress:**` is short-term work, a task list; under `### Immediate actions (completed)`
  a labelled list is work already done, not the TODO list.
- **Template placeholders are not tasks**: `… another item`, `{{ summary }}`, `TBD`; a task
  written inside braces (`{{ Automate the failover drill }}`) is one.
- **A status written on a task** is read and dropped from its text: `DONE:`, `**TODO**`,
  `[In progress]` before it, `(done)` or ✅ after it, `~~struck through~~`; done ones are done
  (`Done by Friday: …` is no status: a status word in lower case needs a colon or brackets).
- **Owners** are read as written, one or several (`charles,olivier`, `@alice and @bob`,
  `Jane Doe`), from an owner column, an `owner:` label or fields after dashes (`… — owner
  Thomas — 2024-12-06`), without the `@`; `???`, `TBD` or `-` name no one. Also read: a
  bracket after the task (`(@alice, due 2024-05-01)`, `(assignee: bob, deadline: …)`), a
  handle before it (`@sara — Add …`), labelled fields between bars (`Owner: @raj | Alert at
  85% | Due: Mar 12, 2024`) and a date closing it (`… — due 2024-03-19`, `… by 2024-05-15`);
  words that only look like fields (`(due to a leak)`) stay the task's.
- **An `Actions` heading** (or `Follow-ups`) may hold what was done during the incident: its
  list is the task list when no measures part has one and every item names an owner or a due
  date.
- **Without bullets**, paragraphs that each open with a short sentence (up to six words: `Test
  the application before deploying. This error …`) are one task each; a lessons part with no
  measures part beside it holds the task list when its lead-in says what will be done
  (`Here's what we're doing to prevent future outages:`).
- Checkbox lists win over plain lists, then lists labelled as tasks (`Action items`, `Next
  steps`, `Short-term`); lists of actions already done are never the TODO list: labelled so
  (`Completed:`, under a heading or not), or each item reporting work done (`A fix was applied`,
  `the payments were settled`) beside another list. `[x]` and a status column saying done mark
  a task as done.
"""


def groups(title: str, lines: Sequence[Line], year: int | None = None) -> list[Group]:
    """The lists of one measures part: bullets, numbers, checkboxes, or one task per line."""
    return _GroupReader(title, year).read(lines)


def choose(all_groups: Sequence[Group]) -> list[Group]:
    """The specific TODO list among the lists of the measures sections.

    Checkbox items are tasks by construction. Otherwise a list labelled as tasks ("Tasks",
    "Action items", "Short-term") is preferred to broad improvements; lists of actions already
    done ("Immediate actions (completed)") are not tasks.
    """
    boxes = [g for g in all_groups if g.checkbox]
    if boxes:
        return boxes
    asked = [g for g in all_groups if not _reports_work_done(g)] or list(all_groups)
    tasks = [g for g in asked if _TASK_LABEL.search(g.label) and not _DONE_LABEL.search(g.label)]
    if tasks:
        return tasks
    return [g for g in asked if not _DONE_LABEL.search(g.label)]


# "Stuck transactions were accelerated and finalized", "a fix was applied": work reported done.
_REPORTED = re.compile(
    r"\b(?:was|were|has been|have been|got)\s+(?:\w+\s+)?(?:\w+ed|\w+en|done|made|paid|set)\b",
    re.IGNORECASE,
)
_ASKED = any_word(r"should|must|will|needs? to|to be|ensure|make sure")


def _reports_work_done(g: Group) -> bool:
    """Every item of the list reports work done, none asks for any: a report, not tasks."""
    return bool(g.items) and all(
        _REPORTED.search(i.text) and not _ASKED.search(i.text) for i in g.items
    )
