"""The workflow rows a save of the Markdown writes (called by :func:`library.store.save`).

* Action items follow the document's task list: matched by text, then by position.
* A ``status:`` changed by hand in the Markdown (not through a transition) is recorded as an
  event, so the history and the metrics see every change of state.

The store calls these inside its transaction with the tasks of its one parse; nothing here
parses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User

from postmortems.document import model as doc_model
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow.lifecycle import state_of
from postmortems.server.workflow.models import ActionItem, Event
from postmortems.server.workflow.notify import Kind, notify

State = ActionItem.State
Tasks = Sequence[doc_model.ActionItem]
_DETECT = re.compile(r"\b(alert|alarm|monitor|detect|dashboard|page|paging|observab)", re.I)
_PREVENT = re.compile(r"\b(automat|prevent|test|validat|guard|limit|canary|review|lint)", re.I)


def kind_of(text: str) -> str:
    """A first guess at the kind of a task, from its words; editable on the server."""
    if _DETECT.search(text):
        return ActionItem.Kind.DETECTIVE
    if _PREVENT.search(text):
        return ActionItem.Kind.PREVENTIVE
    return ActionItem.Kind.CORRECTIVE


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _pair(rows: list[ActionItem], tasks: Tasks) -> tuple[list[ActionItem | None], list[ActionItem]]:
    """Each task's row (same text first, then the row left at the same position), and the rest."""
    free = list(rows)
    pairs: list[ActionItem | None] = [None] * len(tasks)
    for i, task in enumerate(tasks):
        row = next((r for r in free if _key(r.text) == _key(task.text)), None)
        if row is not None:
            free.remove(row)
            pairs[i] = row
    for i in range(len(tasks)):
        if pairs[i] is None:
            row = next((r for r in free if r.position == i), None)
            if row is not None:
                free.remove(row)
                pairs[i] = row
    return pairs, free


def copy_task(row: ActionItem, task: doc_model.ActionItem, position: int, now: dt.datetime) -> None:
    """The fields the Markdown line holds, from ``task`` onto ``row``."""
    row.position, row.line, row.text = position, task.line, task.text
    row.owner, row.due = task.owner or "", task.due
    if task.done and row.status != State.DONE:
        row.status, row.closed = State.DONE, now
    elif not task.done and row.status == State.DONE:
        row.status, row.closed = State.OPEN, None


def _new_row(pm: Postmortem, task: doc_model.ActionItem, i: int, now: dt.datetime) -> ActionItem:
    row = ActionItem(postmortem=pm, created=now, kind=kind_of(task.text))
    copy_task(row, task, i, now)
    return row


def write_items(
    pm: Postmortem, tasks: Tasks, now: dt.datetime, *, new: bool = False, quiet: bool = False
) -> None:
    """Create, update and delete ``pm``'s action items so they match ``tasks``; tell a new owner
    of an open item, unless ``quiet``."""
    if new:
        write_many_items([(pm, tasks)], now, quiet=quiet)
        return
    pairs, extra = _pair(list(ActionItem.objects.filter(postmortem=pm)), tasks)
    if extra:
        ActionItem.objects.filter(pk__in=[r.pk for r in extra]).delete()
    assigned = []
    for i, (task, row) in enumerate(zip(tasks, pairs, strict=True)):
        owner_before, done_before = (row.owner, row.status == State.DONE) if row else ("", False)
        if row is None:  # a task added to the list: its owner is new to it
            row = _new_row(pm, task, i, now)
        copy_task(row, task, i, now)
        row.save()
        reopened = done_before and row.status == State.OPEN
        if row.owner and (row.owner != owner_before or reopened):
            assigned.append(row)  # told once per owner of the item (the delivery's key)
    if not quiet:
        tell_owners(assigned, now)


def write_many_items(
    pairs: Sequence[tuple[Postmortem, Tasks]], now: dt.datetime, *, quiet: bool = False
) -> None:
    """The action items of new postmortems, in one insert; their owners told, unless
    ``quiet``."""
    rows = [_new_row(pm, task, i, now) for pm, tasks in pairs for i, task in enumerate(tasks)]
    ActionItem.objects.bulk_create(rows)
    if not quiet:
        tell_owners([r for r in rows if r.owner], now)


def tell_owners(rows: list[ActionItem], now: dt.datetime) -> None:
    """Tell each owner (who has an account) that an open item was assigned to them: an item
    written down as done (or won't do) asks nothing of them."""
    rows = [r for r in rows if r.status in {State.OPEN, State.IN_PROGRESS}]
    if not rows:
        return
    users = {u.username: u for u in User.objects.filter(username__in={r.owner for r in rows})}
    for row in rows:
        owner = users.get(row.owner)
        if owner is not None:
            notify(
                Kind.ASSIGNED,
                row.postmortem,
                [owner],
                f"action item assigned to you: {row.text}",
                now=now,
                key=f"assigned:{row.pk}:{row.owner}",
            )


def record_hand_edit(pm: Postmortem, before: str, now: dt.datetime) -> None:
    """An event for a status changed in the Markdown, outside the review workflow."""
    if state_of(before) is not state_of(pm.status):
        note = "status changed in the Markdown, outside the review workflow"
        record_event(pm, "edit", before, pm.status, note, now)


def record_event(
    pm: Postmortem,
    name: str,
    before: str,
    after: str,
    note: str,
    now: dt.datetime,
    actor: Any = None,
) -> Event:
    """An event on ``pm``'s history: ``name`` moved it from ``before`` to ``after``."""
    return Event.objects.create(
        postmortem=pm,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        created=now,
        transition=name,
        from_state=state_of(before).value,
        to_state=state_of(after).value,
        note=note,
    )
