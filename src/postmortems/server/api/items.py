"""/api/postmortems/{key}/action-items: list a postmortem's action items, change one.

A change goes through the workflow's ``actions.update_item``, as the review panel's *Edit item*
and *Mark done* do: the same rights (an author of the postmortem's teams changes every field,
the item's owner may only mark it done or open it again), a reason for *won't do*, and the
task line of the Markdown rewritten as a new revision when done, owner or due moved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router
from pydantic import Field

from postmortems.errors import PostmortemsError
from postmortems.server.accounts.access import access_of, signed_in
from postmortems.server.accounts.roles import Action
from postmortems.server.api import schemas as s
from postmortems.server.api.endpoints import IsoDate
from postmortems.server.library import queries, store
from postmortems.server.library.models import Postmortem
from postmortems.server.weburl import is_web_url
from postmortems.server.workflow import actions
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.models import ActionItem

router = Router(tags=["postmortems"])
ERRORS = s.ERRORS
FIELDS = ("status", "owner", "due", "reason", "kind", "priority", "tracker_url")


class Refused(PostmortemsError):
    """An item change the API answers with ``status``, naming the body's ``field`` if one."""

    def __init__(self, status: int, message: str, *, hint: str, field: str = "") -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.field = field


class ItemIn(s.Body):
    """Each field left out (or null) stays as it is, except ``due``: null clears it."""

    status: Literal["open", "in-progress", "done", "wont-do"] | None = Field(
        default=None, description="wont-do needs a reason (given now, or stored before)."
    )
    owner: str | None = Field(
        default=None,
        max_length=150,
        pattern=r"^[\w.@+-]*$",
        description="A user name (a leading @ is dropped); empty: no owner.",
    )
    due: IsoDate | None = Field(default=None, description="YYYY-MM-DD; null: no due date.")
    reason: str | None = Field(
        default=None, max_length=2000, pattern=s.NO_NUL, description="Why it won't be done."
    )
    kind: Literal["corrective", "preventive", "detective"] | None = None
    priority: Literal["high", "medium", "low"] | None = None
    tracker_url: str | None = Field(
        default=None,
        max_length=500,
        pattern=s.WEB_LINK,
        description="The ticket's http(s) address; empty: none.",
    )


def item_out(item: ActionItem, today: dt.date) -> dict[str, Any]:
    return {
        "id": item.pk,
        "text": item.text,
        "owner": item.owner,
        "due": item.due,
        "status": item.status,
        "kind": item.kind,
        "priority": item.priority,
        "overdue": item.is_overdue(today),
        "tracker_url": item.tracker_link,
        "reason": item.reason,
    }


def visible_postmortem(request: HttpRequest, key: str) -> Postmortem:
    access = access_of(request.user)
    if not access.may(Action.READ):
        raise Refused(403, "your role cannot read postmortems", hint="ask a team admin for a role")
    pm = queries.get_visible(access, key)
    if pm is None:
        raise Http404(f"no postmortem {key} that you may see")
    return pm


@router.get(
    "/{key}/action-items",
    response={200: list[s.ActionItemOut], **ERRORS},
    summary="A postmortem's action items (overdue marked)",
)
def list_action_items(request: HttpRequest, key: str) -> Any:
    pm = visible_postmortem(request, key)
    today = timezone.localdate()
    return [item_out(i, today) for i in ActionItem.objects.filter(postmortem=pm)]


@router.patch(
    "/{key}/action-items/{item_id}",
    response={200: s.ActionItemOut, 409: s.Error, **ERRORS},
    summary="Change an action item: status, owner, due date, reason, kind, priority, ticket",
)
def edit_action_item(request: HttpRequest, key: str, item_id: int, body: ItemIn) -> Any:
    """As the review panel's *Edit item*: an author (or reviewer, admin) of the postmortem's
    teams changes every field; the item's owner may only set ``status`` to done or open (403
    for anything else). 422 for a body that changes nothing, or ``wont-do`` with no reason;
    409 when the postmortem changed while its task line was rewritten."""
    pm = visible_postmortem(request, key)
    item = ActionItem.objects.filter(postmortem=pm, pk=item_id).select_related("postmortem")
    row = item.first()
    if row is None:
        raise Http404(f"no action item {item_id} on {key}")
    change, user = _change(body), signed_in(request)
    try:
        actions.check_rights(row, change, user)
    except WorkflowError as exc:
        raise Refused(403, exc.message, hint=exc.hint or "") from None
    try:
        with transaction.atomic():  # the row and its task line in the Markdown, or neither
            row = actions.update_item(row, change, user, now=timezone.now())
    except store.StaleVersion:
        raise Refused(
            409,
            f"{key} changed while this item was saved; nothing was changed",
            hint="send the change again",
        ) from None
    except WorkflowError as exc:  # the rights passed above: what is left is the reason
        raise Refused(
            422, exc.message, hint='give "reason": why it won\'t be done', field="reason"
        ) from None
    return item_out(row, timezone.localdate())


def _change(body: ItemIn) -> actions.Change:
    sent = {f for f in body.model_fields_set if getattr(body, f) is not None or f == "due"}
    if not sent:
        raise Refused(
            422,
            "the body changes nothing",
            hint=f"give one or more of {', '.join(FIELDS)}",
        )
    if body.tracker_url and not is_web_url(body.tracker_url):
        raise Refused(
            422,
            "the ticket link is not a web address",
            hint="give the ticket's http:// or https:// address",
            field="tracker_url",
        )
    return actions.Change(
        status=body.status,
        owner=body.owner,
        due=body.due,
        clear_due="due" in sent and body.due is None,
        kind=body.kind,
        priority=body.priority,
        reason=body.reason,
        tracker_url=body.tracker_url,
    )
