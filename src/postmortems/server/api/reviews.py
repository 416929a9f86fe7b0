"""/api/postmortems/{key}/review, /moves, /comments: the review workflow as the panel has it.

A bot or a script reads where a postmortem's review stands (its status, who was asked and what
they said, the moves the caller may make and why a move is refused, the history, the comment
threads) and makes the panel's moves through the same services: the same rights, the same
refusals (409, saying why; 403 naming the role a step needs, for a viewer's approval), the
same notifications. Comments are shown to the roles the panel
shows them to (a viewer reads the status, history and reviewers, not the threads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from postmortems.server.accounts.access import access_of, signed_in
from postmortems.server.api import schemas as s
from postmortems.server.api.items import Refused, visible_postmortem
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import comments, lifecycle, moves, services
from postmortems.server.workflow.errors import RoleRefused, WorkflowError
from postmortems.server.workflow.forms import MOVES
from postmortems.server.workflow.models import Comment

router = Router(tags=["reviews"])
ERRORS = {**s.ERRORS, 409: s.Error}


class ReviewerOut(Schema):
    reviewer: str
    state: str = Field(description="requested, accepted or declined.")
    verdict: str = Field(description='approved, changes, or "" (none yet in this round).')
    staff: bool = Field(description="Asked by the staff fallback.")
    asked: dt.datetime
    answered: dt.datetime | None


class MoveOut(Schema):
    name: str = Field(description="What to send as `transition` to POST …/moves.")
    allowed: bool
    why: str = Field(description="Why it is refused now (empty when allowed).")


class EventOut(Schema):
    at: dt.datetime
    by: str | None = Field(description="Who made the move (null: the system).")
    transition: str
    from_state: str
    to_state: str
    note: str


class CommentOut(Schema):
    id: int
    author: str | None
    text: str
    created: dt.datetime


class ThreadOut(CommentOut):
    section: str
    line: int | None = Field(description="Where its line is in the current text.")
    quote: str
    outdated: bool = Field(description="The line was changed or removed since.")
    resolved: bool
    replies: list[CommentOut]


class ReviewOut(Schema):
    key: str
    version: int = Field(description="Its current revision: send it as `version` to approve.")
    status: str
    approvals: int = Field(description="Approvals in this round.")
    required_approvals: int
    reviewers: list[ReviewerOut]
    moves: list[MoveOut] = Field(description="The moves the caller's part allows from here.")
    history: list[EventOut]
    threads: list[ThreadOut] | None = Field(
        description="The review comments; null for a role that does not read them (viewers)."
    )


class MoveIn(s.Body):
    transition: Literal[tuple(MOVES)] = Field(  # type: ignore[valid-type]
        description="request-review, resubmit, add-reviewers, approve, request-changes, …"
    )
    note: str = Field(default="", max_length=2000, pattern=s.NO_NUL)
    reviewers: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="User names to ask (request-review, resubmit, add-reviewers).",
    )
    acknowledge_repeat: bool = Field(
        default=False, description="Approve a repeat of an incident whose items are still open."
    )
    version: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="The revision you read (its `version`): approving a text changed since is "
        "refused (409).",
    )


class AnswerIn(s.Body):
    accept: bool = Field(description="true: accept the review request; false: decline it.")


class CommentIn(s.Body):
    text: str = Field(max_length=10_000, pattern=s.SOME_TEXT)
    section: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    line: int | None = Field(default=None, ge=1, le=10_000_000)
    quote: str = Field(
        default="",
        max_length=10_000,
        pattern=s.NO_NUL,
        description="Words of the passage it is about; it is placed on the line that holds them.",
    )
    reply_to: int | None = Field(default=None, description="The id of a thread to reply to.")


class ResolveIn(s.Body):
    reopen: bool = Field(default=False, description="true: open a resolved thread again.")


def _comment(c: Comment) -> dict[str, Any]:
    author = c.author.username if c.author else None
    return {"id": c.pk, "author": author, "text": c.text, "created": c.created}


def _threads(pm: Postmortem) -> list[dict[str, Any]]:
    return [
        {
            **_comment(th.first),
            "section": th.section,
            "line": th.line,
            "quote": th.first.quote,
            "outdated": th.outdated,
            "resolved": th.first.resolved,
            "replies": [_comment(r) for r in th.replies],
        }
        for th in comments.threads(pm)
    ]


def review_out(pm: Postmortem, user: Any) -> dict[str, Any]:
    """Where the review of ``pm`` stands, as ``user`` may see it."""
    reviews = services.active_reviews(pm)
    parts = services.parts_of(user, pm, reviews)
    current = services.state(pm)
    allowed = []
    for t in lifecycle.available(current, parts):
        facts = services.facts_for(pm, t, lint=t.name == "approve", reviews=reviews)
        why = lifecycle.refusals(t, parts, facts)
        allowed.append({"name": t.name, "allowed": not why, "why": "; ".join(why)})
    return {
        "key": pm.key,
        "version": pm.version,
        "status": current.value,
        "approvals": services.approvals(pm, reviews),
        "required_approvals": services.required_approvals(pm),
        "reviewers": [
            {
                "reviewer": r.reviewer.username,
                "state": r.state,
                "verdict": r.verdict,
                "staff": r.staff,
                "asked": r.created,
                "answered": r.answered,
            }
            for r in reviews
        ],
        "moves": allowed,
        "history": [
            {
                "at": e.created,
                "by": e.actor_name,  # type: ignore[attr-defined]  # services.history
                "transition": e.transition,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
            }
            for e in services.history(pm)
        ],
        "threads": _threads(pm) if access_of(user).reads_comments() else None,
    }


def _after(pm: Postmortem, user: Any, step: Callable[[], object]) -> dict[str, Any]:
    """Run the workflow ``step``; where the review stands then, or a 409 saying why not (a 403
    naming the role it needs when the caller's role never allows it)."""
    try:
        step()
    except RoleRefused as exc:  # the role never allows it: which role it needs
        raise Refused(403, exc.message, hint=exc.hint or "") from None
    except WorkflowError as exc:
        raise Refused(
            409, exc.message, hint=exc.hint or "see docs/workflow.md for the lifecycle"
        ) from None
    pm.refresh_from_db()
    return review_out(pm, user)


@router.get("/{key}/review", response={200: ReviewOut, **ERRORS}, summary="Where its review stands")
def get_review(request: HttpRequest, key: str) -> Any:
    pm = visible_postmortem(request, key)
    return review_out(pm, request.user)


@router.post(
    "/{key}/moves",
    response={200: ReviewOut, **ERRORS},
    summary="Make a review move: ask reviewers, approve, request changes, publish, …",
)
def make_move(request: HttpRequest, key: str, body: MoveIn) -> Any:
    """As the review panel's buttons. 409 when the move is not allowed now (the state, the
    caller's part, too few approvals, lint errors, an unacknowledged repeat), saying why; 403
    when the caller's role never allows it (approving or requesting changes without the
    reviewer role), naming the role; 422 for a reviewer name that is no active account."""
    pm, user = visible_postmortem(request, key), signed_in(request)
    if body.version is not None and body.version > pm.version:
        raise Refused(
            422,
            f"{key} has no revision {body.version}: it is at revision {pm.version}",
            hint="send the version you read (GET …/review gives it)",
            field="version",
        )
    people = list(User.objects.filter(is_active=True, username__in=body.reviewers))
    unknown = sorted(set(body.reviewers) - {u.username for u in people})
    if unknown:
        raise Refused(
            422,
            f"no active account named {', '.join(unknown)}",
            hint="give the user names of the reviewers to ask",
            field="reviewers",
        )
    step = lambda: moves.make(  # noqa: E731
        pm,
        user,
        body.transition,
        note=body.note.strip(),
        reviewers=people,
        acknowledged=body.acknowledge_repeat,
        read=body.version,
        now=timezone.now(),
    )
    return _after(pm, user, step)


@router.post(
    "/{key}/review/answer",
    response={200: ReviewOut, **ERRORS},
    summary="Accept or decline the review you were asked for",
)
def answer_review(request: HttpRequest, key: str, body: AnswerIn) -> Any:
    """As the panel's *Accept* and *Decline*: 409 when you were not asked (an admin may
    answer without having been asked); 403 without the reviewer role for its teams."""
    pm, user = visible_postmortem(request, key), signed_in(request)
    return _after(pm, user, lambda: services.answer(pm, user, body.accept, now=timezone.now()))


@router.post(
    "/{key}/comments",
    response={201: ThreadOut, **ERRORS},
    summary="Comment on a postmortem (a new thread, or a reply)",
)
def add_comment(request: HttpRequest, key: str, body: CommentIn) -> Any:
    """Who may comment as on the page: its authors, reviewers and admins, the owners of its
    action items (403 for others). 422 for a line outside the text or a quote no line holds;
    404 for a thread of another postmortem."""
    pm, user = visible_postmortem(request, key), signed_in(request)
    # as on the page: a viewer (an action item's owner too) neither reads nor writes the threads
    if not (access_of(user).reads_comments() and comments.may_comment(user, pm)):
        raise Refused(403, f"you cannot comment on {key}", hint="ask an author for a review")
    parent = None
    if body.reply_to is not None:
        parent = Comment.objects.filter(postmortem=pm, pk=body.reply_to).first()
        if parent is None:
            raise Http404(f"no thread {body.reply_to} on {key}")
    try:
        said = comments.add(
            pm,
            user,
            body.text,
            now=timezone.now(),
            section=body.section,
            line=body.line,
            quote=body.quote,
            reply_to=parent,
        )
    except WorkflowError as exc:
        raise Refused(422, exc.message, hint=exc.hint or "") from None
    thread = said.parent_id or said.pk
    return Status(201, next(t for t in _threads(pm) if t["id"] == thread))


@router.post(
    "/{key}/comments/{comment_id}/resolve",
    response={200: ThreadOut, **ERRORS},
    summary="Resolve a comment thread (or open it again)",
)
def resolve_comment(request: HttpRequest, key: str, comment_id: int, body: ResolveIn) -> Any:
    pm, user = visible_postmortem(request, key), signed_in(request)
    if not access_of(user).reads_comments():
        raise Http404(f"no thread {comment_id} on {key}")
    thread = Comment.objects.filter(postmortem=pm, pk=comment_id, parent=None).first()
    if thread is None:
        raise Http404(f"no thread {comment_id} on {key}")
    try:
        comments.resolve(thread, user, resolved=not body.reopen)
    except WorkflowError as exc:  # not the commenter, an author or an admin
        raise Refused(403, exc.message, hint="ask the commenter or an author") from None
    return next(t for t in _threads(pm) if t["id"] == thread.pk)
