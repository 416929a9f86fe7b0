"""A person's inbox: the reviews asked of them, their postmortems that wait on them, their
overdue action items and their latest notifications. Every query keeps to what they may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from postmortems.document.model import Status
from postmortems.server.accounts.access import Access
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import actions, services
from postmortems.server.workflow.models import ActionItem, Comment, Delivery, ReviewRequest

# What an author does next, per status of their postmortem.
NEXT_STEP = {
    Status.DRAFT.value: "finish it and ask for a review",
    Status.CHANGES_REQUESTED.value: "address the review and resubmit",
    Status.APPROVED.value: "publish it",
}


@dataclass(frozen=True)
class Waiting:
    postmortem: Postmortem
    step: str


def reviews_for(me: User, access: Access) -> QuerySet[ReviewRequest]:
    """Reviews asked of ``me`` on postmortems in review, not answered with a verdict yet, each
    with ``since``: when it was asked in this round (a resubmit asks again), the oldest first."""
    visible = Postmortem.objects.filter(access.visible()).values("pk")
    rows = ReviewRequest.objects.filter(reviewer=me, postmortem__in=visible, verdict="")
    rows = rows.exclude(state=ReviewRequest.State.DECLINED)
    rows = rows.filter(postmortem__status=Status.IN_REVIEW.value)
    started = services.round_starts(OuterRef("postmortem")).values("created")[:1]
    rows = rows.annotate(since=Greatest("created", Coalesce(Subquery(started), "created")))
    return rows.select_related("postmortem", "requested_by").order_by("since", "pk")


def waiting_on(me: User, access: Access) -> list[Waiting]:
    """``me``'s postmortems (created by them or naming them in ``authors:``) that need them: by
    their state (:data:`NEXT_STEP`), or for a thread someone else opened that is still open."""
    mine = Q(created_by=me) | Q(labels__kind="authors", labels__value__in=[me.username])
    rows = Postmortem.objects.filter(access.visible()).filter(mine).distinct()
    threads = _open_threads_of_others(me, rows)
    rows = rows.filter(Q(status__in=list(NEXT_STEP)) | Q(pk__in=list(threads)))
    return [Waiting(pm, _step(pm, threads.get(pm.pk, 0))) for pm in rows.order_by("-updated")[:50]]


def _open_threads_of_others(me: User, rows: QuerySet[Postmortem]) -> dict[int, int]:
    """How many open review threads someone else than ``me`` started, per postmortem of ``rows``."""
    found = Comment.objects.filter(postmortem__in=rows.values("pk"), parent=None, resolved=False)
    counts = found.exclude(author=me).order_by().values("postmortem_id").annotate(n=Count("pk"))
    return {row["postmortem_id"]: row["n"] for row in counts}


def _step(pm: Postmortem, threads: int) -> str:
    steps = [NEXT_STEP[pm.status]] if pm.status in NEXT_STEP else []
    if threads:
        steps.append(f"answer {threads} open comment thread{'s' if threads > 1 else ''}")
    return "; ".join(steps)


def my_overdue(me: User, access: Access, today: dt.date) -> QuerySet[ActionItem]:
    rows = actions.overdue_items(access, today).filter(owner=me.username)
    return rows.order_by("due", "postmortem__key")


LABELS = {
    "review-requested": "Review requested",
    "changes-requested": "Changes requested",
    "approved": "Approved",
    "published": "Published",
    "action-item-assigned": "Action item assigned to you",
    "action-item-due": "Action item due soon",
    "action-item-overdue": "Action item overdue",
    "staff-review-assigned": "Staff review assigned",
    "review-reminder": "Reminder: your review waits",
    "approval": "Approved",
    "comment": "New comment",
    "reply": "New reply",
    "thread-resolved": "Thread resolved",  # posted to the webhooks only: no one's inbox
}
# What the inbox says after a note's label and who acted ("Approved by bob (more approvals
# needed)").
ASIDES = {"approval": "more approvals needed"}


@dataclass(frozen=True)
class Note:
    created: dt.datetime
    label: str
    postmortem: Postmortem | None
    by: str = ""  # who acted (approved, commented…); '' for the system or a note sent before
    aside: str = ""  # said after who acted, in brackets
    item: str = ""  # the action item's task, or the comment's words, for a note about one
    about: tuple[str, str] | None = None  # another app's object: its name and link
    anchor: str = ""  # where on the postmortem's page: a comment's thread (``#thread-12``)


# Another app's notifications sent through the outbox (an incident's role): its kind, how the
# inbox labels it, and what it is about — for each delivery the reader may still see, its
# name and link; one the reader may no longer see is left out. The app registers it in
# ``AppConfig.ready`` (the workflow app does not import it).
Describe = Callable[[Access, list[Delivery]], dict[int, tuple[str, str]]]
DESCRIBED: dict[str, tuple[str, Describe]] = {}


# Notes about one action item: their key starts with its kind and the item's id ("due:42:…").
ITEM_KEYS = ("assigned", "due", "overdue")
# Notes about one review comment: its kind and the comment's id ("comment:7", "reply:9").
COMMENT_KEYS = ("comment", "reply")


def notifications(me: User, access: Access, limit: int = 20) -> list[Note]:
    """The latest notifications sent to ``me`` (by e-mail address), on what ``me`` may see."""
    if not me.email:
        return []
    visible = Postmortem.objects.filter(access.visible()).values("pk")
    rows = Delivery.objects.filter(recipients__contains=me.email)
    rows = rows.filter(Q(postmortem__isnull=True) | Q(postmortem__in=visible))
    rows = rows.select_related("postmortem", "actor").order_by("-created")[: limit * 2]
    mine = [d for d in rows if me.email in d.recipients.split(",")][:limit]
    items = _items_named(mine, visible)
    said = _comments_named(mine, visible)
    about = _described(access, mine)
    return [
        _note(d, items.get(_item_id(d.key), ""), about.get(d.pk), said.get(_id_in(d.key)))
        for d in mine
        if d.kind not in DESCRIBED or d.pk in about
    ]


def _note(
    d: Delivery, item: str, about: tuple[str, str] | None, said: tuple[str, str, int] | None
) -> Note:
    label = DESCRIBED[d.kind][0] if d.kind in DESCRIBED else LABELS.get(d.kind, d.kind)
    by = d.actor.get_username() if d.actor is not None else ""
    aside = ASIDES.get(d.kind, "")
    if d.kind in COMMENT_KEYS and said is not None:  # who wrote it, its words, its thread
        who, words, thread = said
        anchor = f"#thread-{thread}"
        return Note(d.created, label, d.postmortem, by or who, aside, words, anchor=anchor)
    return Note(d.created, label, d.postmortem, by, aside, item, about)


def _described(access: Access, deliveries: list[Delivery]) -> dict[int, tuple[str, str]]:
    """What the other apps' notes are about, each kind in one call (:data:`DESCRIBED`)."""
    found: dict[int, tuple[str, str]] = {}
    for kind, (_, describe) in DESCRIBED.items():
        mine = [d for d in deliveries if d.kind == kind]
        if mine:
            found.update(describe(access, mine))
    return found


def _item_id(key: str) -> int | None:
    return _id_in(key, ITEM_KEYS)


def _id_in(key: str, kinds: tuple[str, ...] = COMMENT_KEYS) -> int | None:
    """The id a note's ``key`` names after its kind, when its kind is one of ``kinds``."""
    kind, _, rest = key.partition(":")
    number = rest.partition(":")[0]
    return int(number) if kind in kinds and number.isdigit() else None


def _comments_named(
    deliveries: list[Delivery], visible: QuerySet[Any]
) -> dict[int | None, tuple[str, str, int]]:
    """Who wrote each comment the notes name, its words and its thread, in one query (of
    postmortems one may see)."""
    ids = {n for n in (_id_in(d.key) for d in deliveries) if n is not None}
    if not ids:
        return {}
    rows = Comment.objects.filter(pk__in=ids, postmortem__in=visible)
    found = rows.values_list("pk", "author__username", "text", "parent_id")
    return {pk: (who or "someone", text, parent or pk) for pk, who, text, parent in found}


def _items_named(deliveries: list[Delivery], visible: QuerySet[Any]) -> dict[int | None, str]:
    """The task of each action item the notes name, in one query (of postmortems one may see)."""
    ids = {n for n in (_item_id(d.key) for d in deliveries) if n is not None}
    if not ids:
        return {}
    rows = ActionItem.objects.filter(pk__in=ids, postmortem__in=visible)
    return dict(rows.values_list("pk", "text"))
