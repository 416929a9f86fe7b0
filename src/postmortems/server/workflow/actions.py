"""Action items: the document's task list as rows, kept in step with the Markdown both ways.

Markdown → rows: :func:`sync_from_text` runs after every save (see ``signals``). Rows → Markdown:
:func:`update_item` rewrites the task's checkbox line through the library's save path, so the
change is a revision like any other edit and a stale page cannot overwrite a newer text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from postmortems.document import model as doc_model
from postmortems.errors import PostmortemsError
from postmortems.server.accounts.access import Access
from postmortems.server.library import store
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.models import ActionItem
from postmortems.server.workflow.notify import Kind, notify
from postmortems.server.workflow.textedit import replace_task_line

State = ActionItem.State
OPEN_STATES = (State.OPEN, State.IN_PROGRESS)
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


def _pair(rows: list[ActionItem], items: tuple[doc_model.ActionItem, ...]) -> list[Any]:
    """Match each task to a row: same text first, then the row left at the same position."""
    free = list(rows)
    pairs: list[Any] = [None] * len(items)
    for i, item in enumerate(items):
        row = next((r for r in free if _key(r.text) == _key(item.text)), None)
        if row is not None:
            free.remove(row)
            pairs[i] = row
    for i in range(len(items)):
        if pairs[i] is None:
            row = next((r for r in free if r.position == i), None)
            if row is not None:
                free.remove(row)
                pairs[i] = row
    return pairs + [("delete", r) for r in free]


def sync_from_text(pm: Postmortem, *, now: dt.datetime | None = None) -> list[ActionItem]:
    """Create, update and delete rows so they match the task list of ``pm.text``."""
    now = now or timezone.now()
    try:
        doc = store.read(pm.text, pm.source_name or f"{pm.key}.md")
    except PostmortemsError:
        return []  # unreadable text keeps the last good items
    items = doc.action_items
    pairs = _pair(list(ActionItem.objects.filter(postmortem=pm)), items)
    assigned: list[ActionItem] = []
    for extra in pairs[len(items) :]:
        extra[1].delete()
    for i, (item, row) in enumerate(zip(items, pairs[: len(items)], strict=True)):
        row = row or ActionItem(postmortem=pm, created=now, kind=kind_of(item.text))
        before = row.owner
        _copy(row, item, i, now)
        row.save()
        if row.owner and row.owner != before:
            assigned.append(row)
    for row in assigned:
        _tell_owner(row, now)
    return list(ActionItem.objects.filter(postmortem=pm))


def _copy(row: ActionItem, item: doc_model.ActionItem, position: int, now: dt.datetime) -> None:
    row.position, row.line, row.text = position, item.line, item.text
    row.owner, row.due = item.owner or "", item.due
    if item.done and row.status != State.DONE:
        row.status, row.closed = State.DONE, now
    elif not item.done and row.status == State.DONE:
        row.status, row.closed = State.OPEN, None


def _tell_owner(row: ActionItem, now: dt.datetime) -> None:
    owner = User.objects.filter(username=row.owner).first()
    if owner is not None:
        text = f"action item assigned to you: {row.text}"
        notify(
            Kind.ASSIGNED,
            row.postmortem,
            [owner],
            text,
            now=now,
            key=f"assigned:{row.pk}:{row.owner}",
        )


@dataclass(frozen=True)
class Change:
    """An edit of one item from the server; None leaves a field as it is."""

    status: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    clear_due: bool = False
    kind: str | None = None
    priority: str | None = None
    reason: str | None = None
    tracker_url: str | None = None


def update_item(row: ActionItem, change: Change, user: Any, *, now: dt.datetime) -> ActionItem:
    """Apply ``change``; when done/owner/due moved, rewrite the task line in the Markdown."""
    if change.status == State.WONT_DO and not (change.reason or row.reason):
        raise WorkflowError("say why it won't be done", hint="fill in the reason")
    old_line = (row.done, row.owner, row.due)
    for name in ("status", "kind", "priority", "reason", "tracker_url"):
        value = getattr(change, name)
        if value is not None:
            setattr(row, name, value)
    if change.owner is not None:
        row.owner = change.owner.strip().lstrip("@")
    if change.due is not None or change.clear_due:
        row.due = change.due
    if row.status in (State.DONE, State.WONT_DO):
        row.closed = row.closed or now
    else:
        row.closed = None
    row.save()
    if (row.done, row.owner, row.due) != old_line:
        _write_back(row, user)
    row.refresh_from_db()
    if row.owner and row.owner != old_line[1]:
        _tell_owner(row, now)
    return row


def _write_back(row: ActionItem, user: Any) -> None:
    pm = Postmortem.objects.get(pk=row.postmortem_id)
    item = doc_model.ActionItem(row.text, row.done, row.owner or None, row.due)
    text = replace_task_line(pm.text, row.line, item)
    store.update(
        pm.key, text, user, base_version=pm.version, message=f"action item: {row.text[:60]}"
    )


def visible_items(access: Access) -> QuerySet[ActionItem]:
    pms = Postmortem.objects.filter(access.visible()).values("pk")
    return ActionItem.objects.filter(postmortem__in=pms).select_related("postmortem")


def items_of_owner(access: Access, username: str) -> QuerySet[ActionItem]:
    return visible_items(access).filter(owner=username)


def items_of_team(access: Access, team: str) -> QuerySet[ActionItem]:
    tagged = Q(postmortem__labels__kind="teams", postmortem__labels__value=team)
    from postmortems.server.accounts.models import Membership

    members = Membership.objects.filter(team__slug=team).values_list("user__username", flat=True)
    return visible_items(access).filter(tagged | Q(owner__in=list(members))).distinct()


def overdue_items(access: Access, today: dt.date) -> QuerySet[ActionItem]:
    return visible_items(access).filter(status__in=OPEN_STATES, due__lt=today)
