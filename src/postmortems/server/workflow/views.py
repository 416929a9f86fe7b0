"""Workflow pages and form posts; each view only translates between HTTP and the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from postmortems.server.accounts.access import signed_in
from postmortems.server.accounts.roles import Action
from postmortems.server.library.guards import access, postmortem_or_404, requires
from postmortems.server.workflow import actions, comments, services, trackers
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.metrics import team_metrics
from postmortems.server.workflow.models import ActionItem, Comment
from postmortems.server.workflow.notify import server_settings


def _back(request: HttpRequest, key: str, step: Callable[[], Any]) -> HttpResponse:
    """Run ``step``; a refusal becomes a message on the page instead of an error page."""
    try:
        step()
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") or f"/p/{key}/#workflow")


@require_POST
@requires(Action.READ)
def move(request: HttpRequest, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    user, now = signed_in(request), timezone.now()
    name = request.POST.get("transition", "")
    note = request.POST.get("note", "").strip()[:2000]

    def step() -> Any:
        if name in {"request-review", "resubmit", "add-reviewers"}:
            names = request.POST.getlist("reviewer")
            people = list(User.objects.filter(username__in=names))
            return services.request_review(pm, user, people, now=now)
        if name == "approve":
            event = services.approve(pm, user, now=now, note=note)
            if event is None:
                messages.info(request, "approval recorded; more approvals are needed")
            return event
        if name == "request-changes":
            return services.request_changes(pm, user, now=now, note=note)
        return services.transition(pm, user, name, now=now, note=note)

    return _back(request, key, step)


@require_POST
@requires(Action.READ)
def answer(request: HttpRequest, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    accept = request.POST.get("accept") == "1"
    return _back(
        request, key, lambda: services.answer(pm, signed_in(request), accept, now=timezone.now())
    )


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@require_POST
@requires(Action.READ)
def comment(request: HttpRequest, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    parent_id = _int(request.POST.get("reply_to"))
    parent = get_object_or_404(Comment, pk=parent_id, postmortem=pm) if parent_id else None

    def step() -> Comment:
        return comments.add(
            pm,
            signed_in(request),
            request.POST.get("text", "")[:10000],
            now=timezone.now(),
            section=request.POST.get("section", ""),
            line=_int(request.POST.get("line")),
            reply_to=parent,
        )

    return _back(request, key, step)


@require_POST
@requires(Action.READ)
def resolve(request: HttpRequest, key: str, comment_id: int) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    thread = get_object_or_404(Comment, pk=comment_id, postmortem=pm)
    again = request.POST.get("reopen") == "1"
    return _back(
        request, key, lambda: comments.resolve(thread, signed_in(request), resolved=not again)
    )


def _item(request: HttpRequest, item_id: int) -> ActionItem:
    item = get_object_or_404(ActionItem.objects.select_related("postmortem"), pk=item_id)
    pm = postmortem_or_404(request, item.postmortem.key)
    me = signed_in(request)
    if not (access(request).can(Action.WRITE, pm) or item.owner == me.username):
        raise Http404("no such action item")
    return item


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@require_POST
@requires(Action.READ)
def edit_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    post = request.POST
    due_text = post.get("due", "").strip()
    change = actions.Change(
        status=post.get("status") or None,
        owner=post.get("owner") if "owner" in post else None,
        due=_date(due_text) if due_text else None,
        clear_due="due" in post and not due_text,
        kind=post.get("kind") or None,
        priority=post.get("priority") or None,
        reason=post.get("reason") if "reason" in post else None,
        tracker_url=post.get("tracker_url") if "tracker_url" in post else None,
    )
    if change.status and change.status not in ActionItem.State.values:
        raise Http404("no such status")
    step = lambda: actions.update_item(item, change, signed_in(request), now=timezone.now())  # noqa: E731
    return _back(request, item.postmortem.key, step)


@require_POST
@requires(Action.READ)
def open_ticket(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    tracker = request.POST.get("tracker", "")
    return _back(
        request,
        item.postmortem.key,
        lambda: trackers.open_ticket(item, tracker, server_settings()),
    )


def _items_page(request: HttpRequest, heading: str, items: QuerySet[ActionItem]) -> HttpResponse:
    rows = items.order_by("due", "postmortem__key", "position")[:500]
    context = {"heading": heading, "items": rows, "today": timezone.now().date()}
    return render(request, "workflow/items.html", context)


@requires(Action.READ)
def my_items(request: HttpRequest) -> HttpResponse:
    me = signed_in(request)
    mine = actions.items_of_owner(access(request), me.username)
    return _items_page(request, "My action items", mine)


@requires(Action.READ)
def team_items(request: HttpRequest, team: str) -> HttpResponse:
    return _items_page(
        request, f"Action items of team {team}", actions.items_of_team(access(request), team)
    )


@requires(Action.READ)
def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.now().date()
    return _items_page(
        request, "Overdue action items", actions.overdue_items(access(request), today)
    )


@requires(Action.READ)
def metrics(request: HttpRequest) -> HttpResponse:
    rows = team_metrics(access(request), timezone.now())
    return render(request, "workflow/metrics.html", {"rows": rows})
