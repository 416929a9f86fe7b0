"""The incident lifecycle as data: the statuses, the table of moves between them, and the
milestones the recorded events imply.

Like the review workflow's table (``server/workflow/lifecycle.py``), nothing here touches a
database: the incidents app calls :func:`check_transition` before it records a status change, and
:func:`milestones_from_events` whenever the timeline changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from postmortems.incident.model import (
    MILESTONES,
    ROLES,
    Event,
    IncidentError,
    Milestones,
    in_order,
)

TRIAGE = "triage"
INVESTIGATING = "investigating"
IDENTIFIED = "identified"
MONITORING = "monitoring"
RESOLVED = "resolved"
CLOSED = "closed"
CANCELLED = "cancelled"
DUPLICATE = "duplicate"  # the server keeps the key of the incident it duplicates (duplicate_of)

STATUSES: tuple[str, ...] = (
    TRIAGE,
    INVESTIGATING,
    IDENTIFIED,
    MONITORING,
    RESOLVED,
    CLOSED,
    CANCELLED,
    DUPLICATE,
)
STATUS_MEANING: dict[str, str] = {
    TRIAGE: "opened (by an alert or a person); nobody has looked yet",
    INVESTIGATING: "responders are looking for the cause",
    IDENTIFIED: "the cause is known; a fix is under way",
    MONITORING: "a fix or mitigation is in; watching that it holds",
    RESOLVED: "the impact is over; the postmortem can be written",
    CLOSED: "follow-up is done; nothing more will be recorded",
    CANCELLED: "not an incident after all (a false alarm)",
    DUPLICATE: "the same incident as another one (named by its key)",
}
OPEN: tuple[str, ...] = (TRIAGE, INVESTIGATING, IDENTIFIED, MONITORING)  # still going on
ENDED: tuple[str, ...] = (RESOLVED, CLOSED, CANCELLED, DUPLICATE)


@dataclass(frozen=True, slots=True)
class Transition:
    name: str  # the verb shown on the button and used in URLs
    source: str
    target: str


def _moves(name: str, sources: Sequence[str], target: str) -> tuple[Transition, ...]:
    return tuple(Transition(name, s, target) for s in sources)


# Forward moves may skip statuses (an alert that resolved itself goes from triage to resolved);
# going back is allowed while the incident is open (the cause was not it, the fix did not hold)
# and from resolved (it came back). Closed is final; cancelled and duplicate can be undone.
TRANSITIONS: tuple[Transition, ...] = (
    *_moves("investigate", (TRIAGE, IDENTIFIED, MONITORING), INVESTIGATING),
    *_moves("identify", (TRIAGE, INVESTIGATING, MONITORING), IDENTIFIED),
    *_moves("monitor", (TRIAGE, INVESTIGATING, IDENTIFIED), MONITORING),
    *_moves("resolve", OPEN, RESOLVED),
    Transition("reopen", RESOLVED, INVESTIGATING),
    Transition("close", RESOLVED, CLOSED),
    *_moves("cancel", OPEN, CANCELLED),
    *_moves("mark-duplicate", OPEN, DUPLICATE),
    Transition("restore", CANCELLED, TRIAGE),
    Transition("restore", DUPLICATE, TRIAGE),
)
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def check_status(status: str) -> None:
    """Raise :class:`IncidentError` unless ``status`` is one of :data:`STATUSES`."""
    if status not in STATUSES:
        raise IncidentError(
            f"unknown incident status {status!r}", hint=f"use one of: {', '.join(STATUSES)}"
        )


def allowed_targets(source: str) -> list[str]:
    """The statuses an incident in ``source`` may move to, in :data:`STATUSES` order."""
    check_status(source)
    return [s for s in STATUSES if (source, s) in _BY_PAIR]


def find(source: str, target: str) -> Transition | None:
    """The move from ``source`` to ``target``, if the table has one."""
    return _BY_PAIR.get((source, target))


def check_transition(old: str, new: str, *, duplicate_of: str = "", key: str = "") -> Transition:
    """The move from ``old`` to ``new``, or :class:`IncidentError` saying why not and what to do.

    A move to ``duplicate`` names the incident it duplicates (``duplicate_of``, not ``key``
    itself); no other move names one (the timeline would say "Marked as a duplicate" of an
    incident moved to investigating).
    """
    check_status(old)
    check_status(new)
    if old == new:
        raise IncidentError(
            f"the incident is already {old}", hint="pick another status, or leave it as it is"
        )
    move = _BY_PAIR.get((old, new))
    if move is None:
        targets = allowed_targets(old)
        if old == CLOSED:
            hint = "a closed incident is final: declare a new incident and link this one"
        else:
            hint = f"from {old} it may move to: {', '.join(targets)}"
        raise IncidentError(f"an incident cannot move from {old} to {new}", hint=hint)
    if new == DUPLICATE:
        if not duplicate_of.strip():
            raise IncidentError(
                "a duplicate incident must name the incident it duplicates",
                hint="give the other incident's key (duplicate_of, e.g. INC-2026-0041)",
            )
        if key and duplicate_of.strip() == key:
            raise IncidentError(
                f"{key} cannot be a duplicate of itself",
                hint="give the key of the other incident",
            )
    elif duplicate_of.strip():
        raise IncidentError(
            f"only a duplicate names the incident it duplicates, and this move is to {new}",
            hint=f"choose the status duplicate, or leave 'duplicate of' empty to move to {new}",
        )
    return move


# ---------------------------------------------------------------------------------------------
# Milestones from events


def _hand_set(events: Sequence[Event]) -> dict[str, dt.datetime | None]:
    """Milestones edited by hand on the record: the last edit of each wins; an edit with no
    value hands the milestone back to the automatic rule. Reopening (an ended incident moved
    back to an open status) ends a resolution set by hand with the resolution it corrected."""
    out: dict[str, dt.datetime | None] = {}
    for event in in_order(e for e in events if e.kind in ("milestone-edit", "status-change")):
        if event.kind == "status-change":
            if event.get("from") in ENDED and event.get("to") not in ENDED:
                out.pop("resolved", None)
            continue
        name, raw = event.get("milestone"), event.get("value")
        if name not in MILESTONES:
            continue
        try:
            out[name] = dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            continue
    return out


def _status_walk(events: Sequence[Event]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(mitigated, resolved) from the status changes, in time order.

    Mitigated: the first move into monitoring, else the move into resolved; resolved: the move
    into resolved. A move back to investigating or identified (the fix did not hold, it came
    back) clears both: what counts is the last mitigation and resolution that stuck.
    """
    mitigated = resolved = None
    for event in in_order(e for e in events if e.kind == "status-change"):
        target = event.get("to")
        if target == MONITORING:
            mitigated = mitigated or event.at
        elif target == RESOLVED:
            resolved = event.at
            mitigated = mitigated or event.at
        elif target in (INVESTIGATING, IDENTIFIED, TRIAGE):
            mitigated = resolved = None
    return mitigated, resolved


def _first(events: Sequence[Event], *kinds: str) -> dt.datetime | None:
    times = [e.at for e in events if e.kind in kinds]
    return min(times) if times else None


def _escalated(events: Sequence[Event]) -> dt.datetime | None:
    """The first escalation: an escalation policy's next step, or a later page of someone the
    first pages did not reach (pulled in to help; the same person paged again by an alert that
    fired again is no escalation)."""
    pages = sorted((e for e in events if e.kind == "page"), key=lambda e: e.at)
    paged = {_paged(e) for e in pages if e.at == pages[0].at} if pages else set()
    later = next((e.at for e in pages if e.at > pages[0].at and _paged(e) not in paged), None)
    times = [t for t in (_first(events, "escalation"), later) if t]
    return min(times) if times else None


def _paged(event: Event) -> str:
    """Who a page reached: the on-call app's key ends with the person (or, for a restricted
    schedule's, a digest of it); a page typed by hand says it in its words."""
    return event.external_id.rsplit(":", 1)[-1] if event.external_id else event.text


def automatic_milestones(events: Sequence[Event]) -> Milestones:
    """The milestones the events imply before any hand edit (:func:`milestones_from_events`)."""
    detected = _first(events, "alert-fired", "status-change", "page")
    first_alert = _first(events, "alert-fired")
    started = min(t for t in (first_alert, detected) if t is not None) if detected else None
    mitigated, resolved = _status_walk(events)
    return Milestones(
        started=started,
        detected=detected,
        acknowledged=_first(events, "acknowledgement"),
        escalated=_escalated(events),
        mitigated=mitigated,
        resolved=resolved,
    )


def milestones_from_events(events: Sequence[Event], manual: Milestones | None = None) -> Milestones:
    """The incident's milestones: set by hand where someone set them, else from the events.

    The automatic rules:

    - ``detected``: the first alert that fired, page, or status change (the declaration);
    - ``started``: the first alert's start, but never after ``detected`` (impact began no later
      than it was noticed);
    - ``acknowledged``: the first acknowledgement; ``escalated``: the first escalation (an
      escalation policy's next step, or a later page pulling in more people);
    - ``mitigated``: the first move to monitoring, else the move to resolved;
    - ``resolved``: the move to resolved — after a move back (reopened), the later one.

    A milestone set by hand wins: ``manual`` (what the server stores) first, then the last
    ``milestone-edit`` event of that milestone. ``started`` and ``detected`` follow a hand-set
    ``detected`` (nothing started after it was noticed), and an automatic ``mitigated`` follows
    a hand-set ``resolved`` (nothing was mitigated after it was resolved).
    """
    hand = _hand_set(events)
    if manual is not None:
        hand.update(manual.known())
    auto = automatic_milestones(events)
    values: dict[str, dt.datetime | None] = {}
    for name in MILESTONES:
        values[name] = hand[name] if hand.get(name) is not None else auto.get(name)
    if hand.get("started") is None and values["started"] and values["detected"]:
        values["started"] = min(values["started"], values["detected"])
    if hand.get("mitigated") is None and values["resolved"]:
        # Mitigated no later than resolved: a resolution set earlier by hand takes it along.
        values["mitigated"] = min(values["mitigated"] or values["resolved"], values["resolved"])
    return Milestones(**values)


# ---------------------------------------------------------------------------------------------
# Roles


@dataclass(frozen=True, slots=True)
class RoleSpell:
    """Who held a role from when until when (None: still holds it)."""

    role: str
    person: str
    since: dt.datetime
    until: dt.datetime | None = None


def role_history(events: Sequence[Event]) -> list[RoleSpell]:
    """Who held each role when, from the ``role-change`` and ``handover`` events."""
    spells: list[RoleSpell] = []
    current: dict[str, int] = {}  # role -> index of its open spell
    for event in in_order(e for e in events if e.kind in ("role-change", "handover")):
        role, person = event.get("role"), event.get("person")
        if role not in ROLES:
            continue
        if role in current:
            i = current.pop(role)
            spells[i] = RoleSpell(role, spells[i].person, spells[i].since, event.at)
        if person:
            current[role] = len(spells)
            spells.append(RoleSpell(role, person, event.at))
    return spells


def current_roles(events: Sequence[Event]) -> tuple[tuple[str, str], ...]:
    """(role, person) held now, in :data:`ROLES` order."""
    held = {s.role: s.person for s in role_history(events) if s.until is None}
    return tuple((role, held[role]) for role in ROLES if role in held)
