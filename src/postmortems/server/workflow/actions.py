"""Action items: the document's task list as rows, kept in step with the Markdown both ways.

Markdown → rows: every save writes them (:mod:`postmortems.server.workflow.sync`). Rows → Markdown:
:func:`update_item` rewrites the task's checkbox line through the library's save path, so the
change is a revision like any other edit and a stale page cannot overwrite a newer text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from postmortems.document import model as doc_model
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.library import store
from postmortems.server.library.models import Postmortem
from postmortems.server.weburl import is_web_url
from postmortems.server.workflow import sync
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.models import ActionItem
from postmortems.server.workflow.textedit import replace_task_line

State = ActionItem.State
OPEN_STATES = (State.OPEN, State.IN_PROGRESS)


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


OWNER_MAY = (Change(status=State.DONE), Change(status=State.OPEN))
"""All an item's owner may change without the author role in the postmortem's teams: mark it
done, or open it again (a done marked by mistake, or work that turned out unfinished)."""


def changed(change: Change) -> str:
    """What the item says once ``change`` is made (the review panel, beside it): its new
    state, owner and due date are in its line above the words."""
    if change == Change(status=State.DONE):
        return "Marked done."
    if change == Change(status=State.OPEN):
        return "Open again."
    return "Item saved."


def may_edit(row: ActionItem, user: Any) -> bool:
    """The author role (or more) in the postmortem's teams: every field of the item."""
    return access_of(user).can(Action.WRITE, row.postmortem)


def check_rights(row: ActionItem, change: Change, user: Any) -> None:
    """Item changes rewrite the postmortem, so they need its authors' rights; an owner without
    them may only mark their own item done (or comment on the postmortem)."""
    if may_edit(row, user):
        return
    own = bool(row.owner) and row.owner == getattr(user, "username", None)
    if own and change in OWNER_MAY:
        return
    raise WorkflowError(
        "only the postmortem's authors and reviewers change action items"
        + ("; as its owner you may mark it done or reopen it" if own else ""),
        hint="ask an author of the postmortem's team",
    )


def update_item(row: ActionItem, change: Change, user: Any, *, now: dt.datetime) -> ActionItem:
    """Apply ``change``; when done/owner/due moved, rewrite the task line in the Markdown."""
    check_rights(row, change, user)
    if change.status == State.WONT_DO and not (change.reason or row.reason):
        raise WorkflowError("say why it won't be done", hint="fill in the reason")
    if change.tracker_url and not is_web_url(change.tracker_url):
        raise WorkflowError(
            "the ticket link must be an http:// or https:// address of at most 500 characters",
            hint="paste the ticket's address from the tracker",
        )
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
    if row.status != State.WONT_DO and change.reason is None:
        row.reason = ""  # why it would not be done: taken back with the decision
    row.save()
    if (row.done, row.owner, row.due) != old_line:
        _write_back(row, user)
    row.refresh_from_db()
    if row.owner and row.owner != old_line[1]:
        sync.tell_owners([row], now)
    return row


def _write_back(row: ActionItem, user: Any) -> None:
    pm = Postmortem.objects.get(pk=row.postmortem_id)
    item = doc_model.ActionItem(row.text, row.done, row.owner or None, row.due)
    text = replace_task_line(pm.text, row.line, item)
    store.save(
        text, user, key=pm.key, base_version=pm.version, message=f"action item: {row.text[:60]}"
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
