"""Workflow pages and form posts; each view only translates between HTTP and the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from postmortems.document.model import Status
from postmortems.server.accounts.access import signed_in
from postmortems.server.accounts.models import Team
from postmortems.server.accounts.roles import Action
from postmortems.server.config import current as server_settings
from postmortems.server.library import kept, panels
from postmortems.server.library.forms import NextForm
from postmortems.server.library.guards import access, posted, postmortem_or_404, requires
from postmortems.server.workflow import (
    actions,
    comments,
    inbox,
    moves,
    panel,
    services,
    trackers,
)
from postmortems.server.workflow.errors import RoleRefused, WorkflowError
from postmortems.server.workflow.forms import (
    TRACKERS,
    AnswerForm,
    CommentForm,
    ItemForm,
    MoveForm,
    NotARepeatForm,
    ResolveForm,
    TicketForm,
)
from postmortems.server.workflow.models import ActionItem, Comment

# What a refused post wrote, kept for its form: a comment's words and where it goes, a move's
# note and reviewers, an item's fields.
TYPED = ("text", "note", "transition", "reply_to", "line", "quote", "section", "reviewer")
TYPED_ITEM = ("status", "owner", "due", "kind", "priority", "reason", "tracker_url")


def _back(
    request: HttpRequest,
    form: NextForm,
    key: str,
    step: Callable[[], Any],
    at: str,
    done: tuple[str, str] | None = None,
) -> HttpResponse:
    """Run ``step``; a refusal becomes a message on the page instead of an error page: beside
    the button of the form ``at`` (``{at}-error`` in workflow/_panel.html), where the page opens
    (the review panel is far below the top); at the panel's head when the page no longer offers
    that form (:func:`panel.render`); at the page's top only when the post goes back to a page
    without the panel (``next``). ``done``: where on the panel the step is said once made, and
    the words (``("item-4", "Marked done.")``: :func:`panel.said_here`). A step the role never
    allows is the 403 page saying which role it needs."""
    anchor = "#workflow"
    try:
        step()
    except RoleRefused as exc:  # not a message beside the button: the 403 page, naming the role
        raise PermissionDenied(exc.said) from None
    except WorkflowError as exc:  # the page says which postmortem: the message need not
        said = exc.said.removeprefix(f"{key}: ")
        messages.error(request, said, extra_tags=panel.SAID)
        kept.keep(request, TYPED + TYPED_ITEM, {"__all__": said}, at=at)
        anchor = f"#{at}-error"
    else:
        if done is not None:
            where, words = done
            messages.success(request, words, extra_tags=panel.said_at(where))
            anchor = f"#{where}"
    page = reverse("library:detail", args=[key]) + anchor
    return redirect(form.back_to(page))


@posted(MoveForm)
def move(request: HttpRequest, form: MoveForm, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    user, now = signed_in(request), timezone.now()
    name, note = form.cleaned_data["transition"], form.cleaned_data["note"].strip()

    def step() -> Any:
        ack = bool(form.cleaned_data["acknowledge_repeat"])
        people = form.cleaned_data["reviewer"] or ()
        read = form.cleaned_data["version"]
        made = moves.make(
            pm, user, name, note=note, reviewers=people, acknowledged=ack, read=read, now=now
        )
        # Said at the top of the review panel, where the page opens (panel.said_here).
        if name == "approve" and made is None:
            messages.info(request, services.approval_recorded(pm), extra_tags=panel.SAID)
        else:
            pm.refresh_from_db(fields=["status"])
            messages.success(request, moved(pm.key, name, pm.status), extra_tags=panel.SAID)
        return made

    return _back(request, form, key, step, f"move-{name}")


# What the review panel says at its top once a move is made, above its state and history.
MOVED: dict[str, str] = {
    Status.IN_REVIEW: "{key} is in review: its reviewers are asked.",
    Status.DRAFT: "{key} is a draft again.",
    Status.APPROVED: "{key} is approved: its authors may publish it.",
    Status.CHANGES_REQUESTED: "Changes requested on {key}: its authors are told.",
    Status.PUBLISHED: "{key} is published.",
    Status.NOT_REQUIRED: "{key} is marked as needing no review.",
}


def moved(key: str, name: str, status: str) -> str:
    """The confirmation of the move ``name`` that left the postmortem ``key`` at ``status``."""
    if name == "add-reviewers":
        return f"Reviewers added to {key}: each is asked."
    return MOVED.get(status, "{key} is now " + status + ".").format(key=key)


@posted(NotARepeatForm)
def not_a_repeat(request: HttpRequest, form: NotARepeatForm, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    earlier = form.cleaned_data["earlier"]
    step = lambda: services.not_a_repeat(pm, signed_in(request), earlier, now=timezone.now())  # noqa: E731
    return _back(request, form, key, step, "not-a-repeat")


@posted(NotARepeatForm)
def repeat_after_all(request: HttpRequest, form: NotARepeatForm, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    earlier, user = form.cleaned_data["earlier"], signed_in(request)
    step = lambda: services.a_repeat_after_all(pm, user, earlier, now=timezone.now())  # noqa: E731
    return _back(request, form, key, step, "repeat-after-all")


@posted(AnswerForm)
def answer(request: HttpRequest, form: AnswerForm, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    accept = form.cleaned_data["accept"]
    user = signed_in(request)
    step = lambda: services.answer(pm, user, accept, now=timezone.now())  # noqa: E731
    return _back(request, form, key, step, "answer")


@posted(CommentForm)
def comment(request: HttpRequest, form: CommentForm, key: str) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    data = form.cleaned_data
    parent = (
        get_object_or_404(Comment, pk=data["reply_to"], postmortem=pm) if data["reply_to"] else None
    )

    posted: list[Comment] = []

    def step() -> Comment:
        said = comments.add(
            pm,
            signed_in(request),
            data["text"],
            now=timezone.now(),
            section=data["section"],
            line=data["line"],
            quote=data["quote"],
            near=data["quote_line"],
            reply_to=parent,
        )
        posted.append(said)
        return said

    refused = _back(request, form, key, step, f"comment-{data['reply_to'] or 'new'}")
    return _at_thread(request, form, key, posted[0]) if posted else refused


def _at_thread(request: HttpRequest, form: NextForm, key: str, said: Comment) -> HttpResponse:
    """A comment or a reply posted: the page opens at its thread (wherever the page shows it),
    which says it was posted, and only there (:func:`panel.said_here`)."""
    thread = said.parent_id or said.pk
    words = "Your reply is posted." if said.parent_id else "Your comment is posted."
    messages.success(request, words, extra_tags=panel.said_at(f"thread-{thread}"))
    page = reverse("library:detail", args=[key]) + f"#thread-{thread}"
    return redirect(form.back_to(page))


@posted(ResolveForm)
def resolve(request: HttpRequest, form: ResolveForm, key: str, comment_id: int) -> HttpResponse:
    pm = postmortem_or_404(request, key)
    thread = get_object_or_404(Comment, pk=comment_id, postmortem=pm)
    again = form.cleaned_data["reopen"]
    user = signed_in(request)
    step = lambda: comments.resolve(thread, user, resolved=not again)  # noqa: E731
    words = "Thread reopened." if again else "Thread resolved."
    where = f"thread-{thread.parent_id or thread.pk}"
    return _back(request, form, key, step, f"resolve-{comment_id}", (where, words))


def _item(request: HttpRequest, item_id: int) -> ActionItem:
    item = get_object_or_404(ActionItem.objects.select_related("postmortem"), pk=item_id)
    pm = postmortem_or_404(request, item.postmortem.key)
    me = signed_in(request)
    if not (access(request).can(Action.WRITE, pm) or item.owner == me.username):
        raise Http404("no such action item")
    return item


@posted(ItemForm)
def edit_item(request: HttpRequest, form: ItemForm, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    change, user = form.change(), signed_in(request)
    step = lambda: actions.update_item(item, change, user, now=timezone.now())  # noqa: E731
    done = (f"item-{item.pk}", actions.changed(change))
    return _back(request, form, item.postmortem.key, step, f"item-{item.pk}", done)


@posted(TicketForm)
def open_ticket(request: HttpRequest, form: TicketForm, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    if not actions.may_edit(item, request.user):
        raise PermissionDenied("opening a ticket needs the author role in the postmortem's teams")
    tracker = form.cleaned_data["tracker"]
    return _back(
        request,
        form,
        item.postmortem.key,
        lambda: trackers.open_ticket(item, tracker, server_settings()),
        f"ticket-{item.pk}",
        (f"item-{item.pk}", f"{TRACKERS[tracker]} ticket opened: the item links to it."),
    )


def _items_page(request: HttpRequest, heading: str, items: QuerySet[ActionItem]) -> HttpResponse:
    rows = items.order_by("due", "postmortem__key", "position")[:500]
    teams = sorted(access(request).teams)  # a tab to each of the reader's teams' items
    context = {"heading": heading, "items": rows, "today": timezone.now().date(), "teams": teams}
    return render(request, "workflow/items.html", context)


@requires(Action.READ)
def my_items(request: HttpRequest) -> HttpResponse:
    me = signed_in(request)
    mine = actions.items_of_owner(access(request), me.username)
    return _items_page(request, "My action items", mine)


@requires(Action.READ)
def team_items(request: HttpRequest, team: str) -> HttpResponse:
    items = actions.items_of_team(access(request), team)
    if not items.exists() and not Team.objects.filter(slug=team).exists():
        raise Http404(f"no team {team!r}")  # a mistyped team is not a team without items
    return _items_page(request, f"Action items of team {team}", items)


@requires(Action.READ)
def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.now().date()
    return _items_page(
        request, "Overdue action items", actions.overdue_items(access(request), today)
    )


@requires(Action.READ)
def inbox_page(request: HttpRequest) -> HttpResponse:
    me, seen = signed_in(request), access(request)
    today = timezone.now().date()
    context = {
        "reviews": inbox.reviews_for(me, seen),
        "waiting": inbox.waiting_on(me, seen),
        "overdue": inbox.my_overdue(me, seen, today),
        "notes": inbox.notifications(me, seen),
        "today": today,
        "sections": panels.fragments("PM_INBOX_SECTIONS", request),  # pages, postmortems due
    }
    return render(request, "workflow/inbox.html", context)
