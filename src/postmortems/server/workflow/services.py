"""Lifecycle moves and review steps: check the table, save the status, record the event, notify.

Every function takes ``now`` so tests (and ``pm remind``) control the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, QuerySet

from postmortems import __version__
from postmortems.document import parse
from postmortems.document.model import Status
from postmortems.errors import PostmortemsError
from postmortems.lint import Severity as LintSeverity
from postmortems.lint import lint_document, lint_text
from postmortems.server.accounts.access import access_of, team_labels
from postmortems.server.accounts.models import Team
from postmortems.server.accounts.roles import Action, Role
from postmortems.server.config import current as server_settings
from postmortems.server.library import store
from postmortems.server.library.models import Postmortem, Revision
from postmortems.server.library.rendering import format_for, team_formats
from postmortems.server.workflow import gate, lifecycle, repeats
from postmortems.server.workflow.errors import RoleRefused, WorkflowError
from postmortems.server.workflow.lifecycle import Facts, Transition, Who
from postmortems.server.workflow.models import Comment, Event, ReviewRequest
from postmortems.server.workflow.notify import Kind, notify
from postmortems.server.workflow.textedit import add_reviewers, set_status

Verdict = ReviewRequest.Verdict


def state(pm: Postmortem) -> Status:
    return lifecycle.state_of(pm.status)


def authors(pm: Postmortem) -> list[User]:
    """The created-by user and the users named in ``authors:``."""
    names = [n.lstrip("@") for n in pm.values_of("authors")]
    found = list(User.objects.filter(username__in=names))
    if pm.created_by_id and all(u.pk != pm.created_by_id for u in found):
        found.append(User.objects.get(pk=pm.created_by_id))
    return found


def active_reviews(pm: Postmortem) -> list[ReviewRequest]:
    rows = ReviewRequest.objects.filter(postmortem=pm).exclude(state=ReviewRequest.State.DECLINED)
    rows = rows.select_related("reviewer")
    return list(rows)


def parts_of(
    user: Any, pm: Postmortem, reviews: list[ReviewRequest] | None = None
) -> frozenset[Who]:
    """The parts ``user`` plays for ``pm`` (none when they cannot see it).

    ``reviews``: the active review requests, when the caller already has them.
    """
    access = access_of(user)
    if not access.can(Action.READ, pm):
        return frozenset()
    parts = set()
    role = access.role_in(team_labels(pm))  # roles apply within the postmortem's teams
    if role >= Role.ADMIN:
        parts.add(Who.ADMIN)
    if role >= Role.AUTHOR and any(u.pk == user.pk for u in authors(pm)):
        parts.add(Who.AUTHOR)
    reviews = active_reviews(pm) if reviews is None else reviews
    # Asked to review, and still a reviewer of the postmortem's teams: a reviewer demoted since,
    # or one whose postmortem moved to teams where they have no role, reviews it no more.
    if any(r.reviewer_id == user.pk for r in reviews) and may_review(user, pm):
        parts.add(Who.REVIEWER)
    return frozenset(parts)


def may_review(person: User, pm: Postmortem) -> bool:
    """The reviewer role in one of ``pm``'s teams, or in the staff review team (any team's)."""
    access = access_of(person)
    names = team_labels(pm)
    staff_team = server_settings().staff_review_team
    return access.can(Action.READ, pm, names) and access.reviews(names, staff_team)


def needs_reviewer_role(pm: Postmortem, user: Any, doing: str) -> None:
    """Refused with :class:`RoleRefused` (a 403) unless ``user`` may review ``pm``
    (:func:`may_review`; an admin may); ``doing``: the step, as "approving"."""
    if may_review(user, pm):
        return
    names = sorted(team_labels(pm))
    staff_team = server_settings().staff_review_team
    team = f"team {' or '.join(names)}" if names else "one of your teams"  # no team: any
    also = f" (or in the staff review team, {staff_team})" if staff_team else ""
    role = access_of(user).role_in(frozenset(names))
    asked = ReviewRequest.objects.filter(postmortem=pm, reviewer_id=getattr(user, "pk", None))
    before = "you no longer hold the reviewer role for its teams: " if asked.exists() else ""
    raise RoleRefused(
        f"{pm.key}: {before}{doing} it needs the reviewer role in {team}{also}; "
        + (f"your role there is {role.label}" if role else "you have no role there"),
        hint=f"ask an admin of {team} for the reviewer role, or its authors to ask a reviewer",
    )


def lint_errors(pm: Postmortem) -> tuple[str, ...]:
    formats = tuple(sorted(team_formats().items()))
    return _errors_of(pm.text, pm.source_name or f"{pm.key}.md", formats)


def _errors_of(text: str, path: str, formats: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The lint errors of ``text``, linted once a text (and formats) in the server's cache: an
    approval asks for them three times (its own check, the guard of the move, the move itself),
    and the review panel of one in review at each view of its authors and reviewers."""
    said = repr((__version__, text, path, formats)).encode()
    key = "pm-lint-errors:" + hashlib.sha256(said).hexdigest()
    found: tuple[str, ...] | None = cache.get(key)
    if found is None:
        found = _linted(text, path, formats)
        cache.set(key, found, LINTED_FOR)
    return found


LINTED_FOR = 24 * 3600  # seconds; a text's errors change only with this version (in the key)


def _linted(text: str, path: str, formats: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    try:
        doc = parse(text, path)
    except PostmortemsError:  # unreadable: the errors say why
        found = lint_text(text, path=path)
    else:  # held to the format it is written in or its team's, as the editor's live lint is
        found = lint_document(doc, path=path, profile=format_for(doc, dict(formats)))
    return tuple(
        f"line {v.line}: {v.code} {v.message}" for v in found if v.severity is LintSeverity.ERROR
    )


def facts_for(
    pm: Postmortem,
    t: Transition,
    *,
    lint: bool = True,
    reviews: list[ReviewRequest] | None = None,
    asker: Any = None,
) -> Facts:
    """What the guards of ``t`` need; ``lint=False``: what a page showing the buttons needs (no
    linting, no count of who else could review); ``reviews``: the active review requests, when
    the caller already has them; ``asker``: who makes the move (who they may ask counts)."""
    conf = server_settings()
    reviews = active_reviews(pm) if reviews is None else reviews
    guard = t.guard
    asking = lint and guard is lifecycle.Guard.HAS_REVIEWER
    return Facts(
        approvals=approvals(pm, reviews),
        required=required_approvals(pm),
        lint_errors=lint_errors(pm) if lint and guard is lifecycle.Guard.APPROVED_CLEAN else (),
        minor=lifecycle.is_minor(pm.severity, conf.review_not_required_below),
        reviewers=len(reviews),
        could_ask=len(reviews) + len(reviewer_candidates(pm, asker)) if asking else None,
        fallback=len(superusers_to_ask(pm)) if asking else 0,
        **_threads_gate(pm) if guard is lifecycle.Guard.THREADS_RESOLVED else {},
    )


def _threads_gate(pm: Postmortem) -> dict[str, Any]:
    """The open review threads, when a team of ``pm`` publishes only with none open."""
    strict = Team.objects.filter(slug__in=sorted(pm.teams), publish_resolved_only=True)
    team = strict.order_by("slug").values_list("slug", flat=True).first()
    if team is None:
        return {}
    open_threads = Comment.objects.filter(postmortem=pm, parent=None, resolved=False).count()
    return {"open_threads": open_threads, "resolving_team": team}


def approvals(pm: Postmortem, reviews: list[ReviewRequest]) -> int:
    """The approvals of this round that count: their reviewer still holds the role for the
    postmortem's teams."""
    return sum(r.verdict == Verdict.APPROVED and may_review(r.reviewer, pm) for r in reviews)


def approvers(pm: Postmortem) -> list[str]:
    """The usernames of those whose approval of this round counts (:func:`approvals`), in the
    order they approved: the postmortem's reviewers once it is approved."""
    rows = sorted(active_reviews(pm), key=lambda r: (r.answered or r.created, r.pk))
    return [
        r.reviewer.username
        for r in rows
        if r.verdict == Verdict.APPROVED and may_review(r.reviewer, pm)
    ]


def required_approvals(pm: Postmortem) -> int:
    """How many approvals ``pm``'s severity needs (``review_approvals``)."""
    return lifecycle.approvals_needed(pm.severity, server_settings().review_approvals)


def reviewer_candidates(pm: Postmortem, asker: Any = None) -> list[User]:
    """Users who could still be asked (by ``asker``; None: by its authors): reviewer role or
    more, can see ``pm``, not an author, not asked yet (nor declined); for a postmortem of no
    team, a reviewer of a team of theirs (:func:`may_be_asked`)."""
    taken = _authors_or_asked(pm)
    roles = [r.label for r in Role if r >= Role.REVIEWER]
    users = User.objects.filter(memberships__role__in=roles, is_active=True).distinct()
    circle = reviewer_circle(pm, asker)
    return [
        u
        for u in users.order_by("username")
        if u.pk not in taken and may_review(u, pm) and _in_circle(u, circle)
    ]


def reviewer_circle(pm: Postmortem, asker: Any = None) -> frozenset[str] | None:
    """The teams whose reviewers may be asked to review ``pm``; None: every team whose reviewers
    may review it (:func:`may_review`). A postmortem naming its teams is theirs already; one
    naming none belongs to every team, and is reviewed within the teams of the people it is
    about: those of ``asker`` and of its authors (a superuser among them: every team)."""
    if pm.teams:
        return None
    teams: set[str] = set()
    for person in (asker, *authors(pm)):
        seen = access_of(person)
        if seen.superuser:
            return None
        teams |= seen.teams
    return frozenset(teams)


def _in_circle(person: User, circle: frozenset[str] | None) -> bool:
    """``person`` holds the reviewer role in a team of ``circle`` (None: any), or in the staff
    review team, or is a superuser (an admin of every team)."""
    if circle is None or person.is_superuser:
        return True
    staff_team = server_settings().staff_review_team
    held = access_of(person).team_roles
    return any(r >= Role.REVIEWER and (t in circle or t == staff_team) for t, r in held)


def may_be_asked(person: User, pm: Postmortem, asker: Any) -> bool:
    """Whether ``asker`` may ask ``person`` to review ``pm``: who may review it
    (:func:`may_review`), and for a postmortem of no team a reviewer of the teams of ``asker``
    or of its authors, of the staff review team, or a superuser (:func:`reviewer_circle`)."""
    return may_review(person, pm) and _in_circle(person, reviewer_circle(pm, asker))


def _authors_or_asked(pm: Postmortem) -> set[int]:
    """The ids of ``pm``'s authors and of everyone asked to review it (declined too)."""
    asked = ReviewRequest.objects.filter(postmortem=pm).values_list("reviewer_id", flat=True)
    return {u.pk for u in authors(pm)} | set(asked)


def superusers_to_ask(pm: Postmortem) -> list[User]:
    """The superusers the staff fallback asks when fewer people may review ``pm`` than it needs
    approvals (:mod:`~postmortems.server.workflow.shortfall`): they read every postmortem, a
    restricted one too, and approve as admins. Active, not an author, not asked before (a
    superuser who declined is not asked again)."""
    taken = _authors_or_asked(pm)
    users = User.objects.filter(is_superuser=True, is_active=True).order_by("username")
    return [u for u in users if u.pk not in taken]


def check(pm: Postmortem, user: Any, name: str) -> Transition:
    """The transition ``name`` for ``pm`` now, or :class:`WorkflowError` saying why not."""
    current = state(pm)
    t = lifecycle.find(name, current)
    if t is None:
        raise WorkflowError(
            f"{pm.key} is {current.value}: it cannot {name.replace('-', ' ')}",
            hint="see docs/workflow.md for the lifecycle",
        )
    why = lifecycle.refusals(t, parts_of(user, pm), facts_for(pm, t, asker=user))
    if t.target is Status.APPROVED and _is_author(user, pm):
        why.insert(0, "nobody approves their own work")
    if why:
        raise WorkflowError(f"{pm.key}: " + "; ".join(why))
    return t


def _move(pm: Postmortem, t: Transition, user: Any, note: str, now: dt.datetime) -> Event:
    """Write the new status into the front matter (a revision) and record the event; an
    approval writes who approved it into ``reviewers:`` in the same revision."""
    # the front matter is edited on LF lines; a CRLF file keeps its line ends
    lf = pm.text.replace("\r\n", "\n")
    text, message = set_status(lf, t.target), f"status: {t.source.value} → {t.target.value}"
    if t.target is Status.APPROVED:
        names = approvers(pm)
        text = add_reviewers(text, names)
        message += f"; reviewed by {', '.join(names)}" if names else ""
    if "\r\n" in pm.text:
        text = text.replace("\n", "\r\n")
    store.save(
        text,
        user,
        key=pm.key,
        base_version=pm.version,  # ``pm`` is locked: an editor's save since is refused, as stale
        message=message,
        by_workflow=True,
        now=now,
    )
    pm.refresh_from_db()
    if t.target is Status.IN_REVIEW:
        # A new round: earlier verdicts no longer count.
        ReviewRequest.objects.filter(postmortem=pm).update(verdict=Verdict.NONE)
    actor = user if getattr(user, "is_authenticated", False) else None
    return Event.objects.create(
        postmortem=pm,
        actor=actor,
        created=now,
        transition=t.name,
        from_state=t.source.value,
        to_state=t.target.value,
        note=note,
    )


def transition(pm: Postmortem, user: Any, name: str, *, now: dt.datetime, note: str = "") -> Event:
    """Apply the transition ``name`` (any of the table's names) if the table allows it."""
    with transaction.atomic():
        pm = Postmortem.objects.select_for_update().get(pk=pm.pk)
        t = check(pm, user, name)
        event = _move(pm, t, user, note, now)
    _announce(pm, event, now)
    return event


def _announce(pm: Postmortem, event: Event, now: dt.datetime) -> None:
    """Tell whom ``event`` concerns, never its actor: the reviewers of a round that starts, the
    authors of a verdict, the authors and reviewers of a publication."""
    target, actor = event.to_state, event.actor
    who = actor.username if actor else "someone"
    if target == Status.IN_REVIEW:
        reviewers = [r.reviewer for r in active_reviews(pm)]
        said = f"{who} asks you to review {pm.title}"
        notify(Kind.REVIEW_REQUESTED, pm, reviewers, said, now=now, actor=actor)
    elif target == Status.CHANGES_REQUESTED:
        said = f"{who} requested changes to {pm.title}" + (f": {event.note}" if event.note else "")
        notify(Kind.CHANGES_REQUESTED, pm, authors(pm), said, now=now, actor=actor)
    elif target == Status.APPROVED:
        said = f"{pm.title} was approved ({who}'s approval finished the review)"
        notify(Kind.APPROVED, pm, authors(pm), said, now=now, actor=actor)
    elif target == Status.PUBLISHED:
        people = authors(pm) + [r.reviewer for r in active_reviews(pm)]
        said = f"{pm.title} was published by {who}"
        notify(Kind.PUBLISHED, pm, people, said, now=now, actor=actor)


def _approval_short(pm: Postmortem, user: Any, note: str, now: dt.datetime) -> None:
    """An approval that does not finish the review yet: in the history, and told the authors."""
    said = MORE_NEEDED + (f": {note.strip()}" if note.strip() else "")
    Event.in_place(pm, user, now, APPROVAL, Status.IN_REVIEW.value, said)
    got, needed = approvals(pm, active_reviews(pm)), required_approvals(pm)
    told = f"{user.username} approved {pm.title}: {got} of {needed} approvals, more are needed"
    told += f" ({note.strip()})" if note.strip() else ""
    notify(Kind.APPROVAL, pm, authors(pm), told, now=now, actor=user)


def request_review(
    pm: Postmortem, user: Any, reviewers: Iterable[User], *, now: dt.datetime, staff: bool = False
) -> list[ReviewRequest]:
    """Ask ``reviewers``; a draft (or a changed one) moves to in-review, once enough reviewers
    are asked for the approvals its severity needs (else nobody is asked)."""
    mine = parts_of(user, pm)
    if not staff and not mine & {Who.AUTHOR, Who.ADMIN}:
        raise WorkflowError(f"{pm.key}: only an author or an admin may ask for a review")
    with transaction.atomic():  # a move refused for too few reviewers asks none of them
        made = [_ask(pm, user, person, now, staff) for person in reviewers]
        start = {Status.DRAFT: "request-review", Status.CHANGES_REQUESTED: "resubmit"}
        name = start.get(state(pm))
        if name and not staff:
            transition(pm, user, name, now=now)
            return made
    if made:
        people = [r.reviewer for r in made]
        kind = Kind.STAFF_ASSIGNED if staff else Kind.REVIEW_REQUESTED
        who = getattr(user, "username", "")  # none: the staff fallback, the system's
        said = f"{who} asks you to review {pm.title}" if who else f"please review {pm.title}"
        notify(kind, pm, people, said, now=now, actor=user)
    return made


def _ask(pm: Postmortem, user: Any, person: User, now: dt.datetime, staff: bool) -> ReviewRequest:
    if any(a.pk == person.pk for a in authors(pm)):
        raise WorkflowError(f"{person.username} is an author of {pm.key}: pick a peer")
    if not may_review(person, pm):
        raise WorkflowError(
            f"{person.username} cannot review {pm.key}",
            hint="reviewers need the reviewer role in a team that can see the postmortem",
        )
    circle = None if staff else reviewer_circle(pm, user)  # the staff fallback picks its own
    if not _in_circle(person, circle):
        raise WorkflowError(
            _outside_circle(pm, person, circle or frozenset()),
            hint="pick a reviewer of those teams, or name its teams (`teams:`) to ask theirs",
        )
    row, created = ReviewRequest.objects.get_or_create(
        postmortem=pm,
        reviewer=person,
        defaults={"requested_by": _user(user), "created": now, "staff": staff},
    )
    if not created and row.state == ReviewRequest.State.DECLINED:
        row.state, row.created, row.staff = ReviewRequest.State.REQUESTED, now, staff
        row.save()
    return row


def _outside_circle(pm: Postmortem, person: User, circle: frozenset[str]) -> str:
    """Why ``person`` may not be asked to review ``pm``, a postmortem of no team."""
    teams = f"team {', '.join(sorted(circle))}" if circle else "no team"
    return (
        f"{person.username} cannot review {pm.key}: it names no team, so its reviewers come from "
        f"the teams of its authors and of who asks ({teams}) or from the staff review team, "
        f"and {person.username} is a reviewer of none of them"
    )


def _own_request(pm: Postmortem, user: Any, now: dt.datetime) -> ReviewRequest:
    row = ReviewRequest.objects.filter(postmortem=pm).filter(reviewer=user).first()
    admin = Who.ADMIN in parts_of(user, pm)
    if row is None and not admin:
        raise WorkflowError(f"{pm.key}: you were not asked to review it")
    if not admin and not may_review(user, pm):  # demoted, or the postmortem changed teams
        raise WorkflowError(
            f"{pm.key}: you no longer hold the reviewer role for its teams",
            hint="its authors can ask another reviewer",
        )
    if row is None:
        row = ReviewRequest.objects.create(
            postmortem=pm, reviewer=user, requested_by=user, created=now
        )
    return row


def answer(pm: Postmortem, user: Any, accept: bool, *, now: dt.datetime) -> ReviewRequest:
    """Accept or decline a review request."""
    needs_reviewer_role(pm, user, "accepting or declining a review of")
    row = _own_request(pm, user, now)
    row.state = ReviewRequest.State.ACCEPTED if accept else ReviewRequest.State.DECLINED
    row.answered = now
    row.save()
    return row


def _is_author(user: Any, pm: Postmortem) -> bool:
    return any(a.pk == getattr(user, "pk", None) for a in authors(pm))


def approve(
    pm: Postmortem,
    user: Any,
    *,
    now: dt.datetime,
    note: str = "",
    acknowledged: bool = False,
    read: int | None = None,
) -> Event | None:
    """Record an approval; once enough reviewers approved (and lint is clean) move to approved.

    A repeat of an earlier incident whose corrective items are open (:mod:`repeats`) is approved
    only once the reviewer ``acknowledged`` it; the acknowledgement is recorded. ``read``: the
    revision the reviewer read (the page's, the API's ``version``); a text changed since is not
    approved unread (a status move since is no change).
    """
    if _is_author(user, pm):
        raise WorkflowError(
            f"{pm.key}: nobody approves their own work", hint="ask a peer or the staff team"
        )
    needs_reviewer_role(pm, user, "approving")  # before the state: a viewer never approves
    if state(pm) is not Status.IN_REVIEW:
        raise WorkflowError(
            f"{pm.key} is {state(pm).value}: only a postmortem in review is approved"
        )
    _unchanged_since(pm, read)
    errors = lint_errors(pm)
    if errors:
        raise WorkflowError(
            f"{pm.key}: {len(errors)} lint error(s) block approval: " + "; ".join(errors[:3]),
            hint="ask the author to fix them, or request changes",
        )
    mine = ReviewRequest.objects.filter(postmortem=pm, reviewer=user).first()
    reviewing = parts_of(user, pm) & {Who.REVIEWER, Who.ADMIN}  # else: refused below, saying why
    if mine is not None and mine.verdict == Verdict.APPROVED and reviewing:
        raise WorkflowError(
            f"{pm.key}: you approved it already; it waits for more approvals",
            hint="ask another reviewer, or the staff team",
        )
    found = repeats.check(pm, user, now.date())
    if found and not acknowledged:
        raise WorkflowError(
            f"{pm.key} repeats an earlier incident whose corrective items are still open: "
            + "; ".join(map(str, found)),
            hint="tick 'I acknowledge the repeat' to approve it anyway",
        )
    with transaction.atomic():
        # again on the locked row: a save since the check above is not approved unread
        _unchanged_since(Postmortem.objects.select_for_update().get(pk=pm.pk), read)
        if found:
            repeats.record(pm, user, Status.IN_REVIEW.value, found, now)
        row = _own_request(pm, user, now)
        row.state, row.verdict, row.answered = ReviewRequest.State.ACCEPTED, Verdict.APPROVED, now
        row.save()
    t = lifecycle.find("approve", Status.IN_REVIEW)
    assert t is not None
    if lifecycle.refusals(t, parts_of(user, pm), facts_for(pm, t)):  # more approvals needed
        _approval_short(pm, user, note, now)
        return None
    return transition(pm, user, "approve", now=now, note=note)


def _unchanged_since(pm: Postmortem, read: int | None) -> None:
    """Refused when the text of ``pm`` changed after revision ``read`` (its author saved while
    the reviewer read it): an approval is of the text its reviewer read."""
    if read is not None and read > pm.version:
        raise WorkflowError(
            f"{pm.key} has no revision {read}: it is at revision {pm.version}",
            hint="send the version you read (the review's version)",
        )
    if read is None or read == pm.version:
        return
    then = Revision.objects.filter(postmortem=pm, number=read).values_list("text", flat=True)
    if all(gate.material(text) == gate.material(pm.text) for text in then):
        return  # a status move, a task ticked or its owner or due date moved: not a change
    raise WorkflowError(
        f"{pm.key} changed since you read it (revision {read}, now {pm.version}): "
        "nothing was approved",
        hint="read what changed (its Revisions page), then approve the text as it is now",
    )


def approval_recorded(pm: Postmortem) -> str:
    """What a reviewer is told when their approval does not finish the review."""
    got, needed = approvals(pm, active_reviews(pm)), required_approvals(pm)
    return f"approval recorded: {got} of {needed}; more approvals are needed"


APPROVAL = "approval"  # the history's row of an approval that does not finish the review
MORE_NEEDED = "approved; more approvals needed"  # what that row says


def not_a_repeat(pm: Postmortem, user: Any, key: str, *, now: dt.datetime) -> Event | None:
    """``user`` marks the earlier postmortem ``key``, flagged as repeated, "not a repeat": the
    approval asks about it no more. Who may approve ``pm`` decides (its reviewers and admins,
    never its authors), while it is in review."""
    _decides_repeats(pm, user)
    with transaction.atomic():
        return repeats.dismiss(pm, user, key, Status.IN_REVIEW.value, now)


def a_repeat_after_all(pm: Postmortem, user: Any, key: str, *, now: dt.datetime) -> Event | None:
    """``user`` takes back the "not a repeat" of ``key``: the match is flagged again, and the
    approval asks to acknowledge it. Who may mark it may take it back, while it is in review."""
    _decides_repeats(pm, user)
    with transaction.atomic():
        return repeats.take_back(pm, user, key, Status.IN_REVIEW.value, now)


def _decides_repeats(pm: Postmortem, user: Any) -> None:
    """Refused unless ``user`` may say what ``pm`` repeats: who may approve it (its reviewers
    and admins, never its authors), while it is in review."""
    if _is_author(user, pm) or not parts_of(user, pm) & {Who.REVIEWER, Who.ADMIN}:
        raise WorkflowError(f"{pm.key}: only a reviewer who may approve it decides what it repeats")
    if state(pm) is not Status.IN_REVIEW:
        raise WorkflowError(
            f"{pm.key} is {state(pm).value}: what it repeats is decided while it is in review"
        )


def request_changes(pm: Postmortem, user: Any, *, now: dt.datetime, note: str = "") -> Event:
    """Send ``pm`` back to its author; the reviewer says what to change, in the note or in a
    comment of theirs still open from this round of review (as a code review asks)."""
    needs_reviewer_role(pm, user, "requesting changes to")
    check(pm, user, "request-changes")  # the part and the state are said first
    said = open_said_this_round(pm, user)
    if not note.strip() and not said:
        raise WorkflowError(
            f"{pm.key}: say what should change",
            hint="write it in the note, or comment on the lines to change first",
        )
    # The history and the authors' notification say why: the note, or where to look.
    note = note.strip() or f"see {said} open comment{'s' if said > 1 else ''}"
    with transaction.atomic():
        if Who.REVIEWER in parts_of(user, pm):
            row = _own_request(pm, user, now)
            row.state, row.verdict, row.answered = (
                ReviewRequest.State.ACCEPTED,
                Verdict.CHANGES,
                now,
            )
            row.save()
        return transition(pm, user, "request-changes", now=now, note=note)


def round_starts(pm: Postmortem | OuterRef) -> QuerySet[Event]:
    """The events that started a round of review of ``pm`` (a postmortem, or a reference to
    one in a subquery), the last first: its moves into in-review from elsewhere (a request, a
    resubmit, a save that sent it back)."""
    moves = Event.objects.filter(postmortem=pm, to_state=Status.IN_REVIEW.value).exclude(
        from_state=Status.IN_REVIEW.value  # an approval or an acknowledgement within the round
    )
    return moves.order_by("-created", "-id")


def round_start(pm: Postmortem) -> Event | None:
    """The event that started ``pm``'s current round of review (None when it never was)."""
    return round_starts(pm).first()


def open_said_this_round(pm: Postmortem, user: Any) -> int:
    """How many comments of ``user`` on ``pm`` are still open, written since it went into
    review (the last move into in-review)."""
    start = round_start(pm)
    since = start.created if start else None
    said = Comment.objects.filter(postmortem=pm, author=user, resolved=False)
    return (said.filter(created__gte=since) if since else said).count()


def history(pm: Postmortem) -> list[Event]:
    """The transitions of ``pm`` with the columns the panel shows and the actor's name
    (``actor_name``, None for the system), by a query written out (see ``panel.ITEMS_SQL``)."""
    return list(Event.objects.raw(HISTORY_SQL, [pm.pk]))


HISTORY_SQL = (
    "SELECT e.id, e.created, e.transition, e.from_state, e.to_state, e.note,"
    f" u.username AS actor_name FROM {Event._meta.db_table} e"
    f" LEFT JOIN {User._meta.db_table} u ON u.id = e.actor_id"
    " WHERE e.postmortem_id = %s ORDER BY e.created, e.id"
)


def _user(user: Any) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None
