"""Paging by hand from an incident's page: a person, the on-call of a schedule, or an escalation
policy, for that incident (the *Paging* panel's form).

Whoever may change the incident may page; they choose among what they may see: the people who
may see the incident (those a role may go to; its team's first, then the others: another team's
person is ordinary escalation, and a viewer paged may acknowledge), the schedules they see,
and the policies they may page by hand (the author role in the policy's team, as on *On-call
→ Pages*); for a restricted incident only the schedules and policies that page nobody who may
not see it (:mod:`.incidentreach`). A person or a schedule is paged at once and once more after
``paging.DIRECT_WAIT``; a policy escalates through its steps. Each refusal says why and what to
do instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User

from postmortems.errors import PostmortemsError
from postmortems.incident import lifecycle
from postmortems.oncall import model
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.accounts.models import Membership
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Incident
from postmortems.server.oncall import alerting, incidentreach, paging
from postmortems.server.oncall.models import Page, Policy
from postmortems.server.oncall.unseen import listed
from postmortems.server.oncall.visibility import may_edit, visible_schedules


class PagingRefused(PostmortemsError):
    """A page by hand that cannot be sent."""


@dataclass(frozen=True, slots=True)
class Choices:
    """What the form offers, each list sorted by name: the people who may see the incident,
    those of its team (``teammates``, all of them) apart from the others (``others``: another
    team's, the escalation a responder reaches for, and superusers; the first
    ``rights.RESPONDERS_SHOWN`` of all who may respond)."""

    policies: list[str]
    schedules: list[str]
    teammates: list[str]
    others: list[str]


def may_page(access: Access, incident: Incident) -> bool:
    """Whether the form is offered: the reader may change the incident, and it goes on."""
    return rights.changes(access, incident) and incident.status not in lifecycle.ENDED


def pageable_policies(access: Access) -> list[Policy]:
    """The policies ``access`` sees and may page by hand."""
    rows = Policy.objects.order_by("name")
    seen = [p for p in rows if not p.team or access.superuser or p.team in access.teams]
    return [p for p in seen if may_edit(access, p.team)]


def choices(access: Access, incident: Incident, now: dt.datetime) -> Choices:
    """What ``access`` may page for ``incident``: for a restricted one, not a schedule or a
    policy that may page someone who may not see it."""
    schedules = list(visible_schedules(access).order_by("name").values_list("name", flat=True))
    policies = pageable_policies(access)
    unseen = incidentreach.unseen_schedules(incident, schedules, now)
    hidden = incidentreach.unseen_policies(incident, policies, now)
    team = _members(incident.team)
    return Choices(
        policies=[p.name for p in policies if p.name not in hidden],
        schedules=[name for name in schedules if name not in unseen],
        # its team's people, however many accounts the site has: not cut from the list below
        teammates=sorted(rights.readers(incident, team)),
        others=[name for name in rights.responders(incident) if name not in team],
    )


def _members(team: str) -> frozenset[str]:
    """The user names of ``team``'s members, whatever their role: a viewer paged may
    acknowledge, and what they may write is their role's business (none for no team)."""
    rows = Membership.objects.filter(team__slug=team) if team else Membership.objects.none()
    return frozenset(rows.values_list("user__username", flat=True))


def page_someone(
    access: Access,
    user: User,
    incident: Incident,
    kind: str,
    name: str,
    now: dt.datetime,
    message: str = "",
) -> Page:
    """Page ``kind`` ``name`` (a policy, a schedule, a user) for ``incident`` as ``user``;
    ``message``: why (the notifications, the inbox and the timeline say it)."""
    _check_going_on(access, incident)
    title = incident.key if incident.restricted else f"{incident.key}: {incident.title}"
    summary = title[:300]
    if kind == "policy":
        policy = next((p for p in pageable_policies(access) if p.name == name), None)
        if policy is None:
            raise PagingRefused(
                f"no escalation policy {name!r} that you may page",
                hint="paging a team's policy needs the author role in that team",
            )
        check_policy(access, incident, policy, now)
        return paging.open_page(
            policy, summary=summary, now=now, incident_key=incident.key, message=message, by=user
        )
    team = _check_target(access, incident, kind, name, now)
    if _paged_by_hand(incident, kind, name):
        raise PagingRefused(
            f"{kind} {name} is already paged for {incident.key}",
            hint="it pages once more after a few minutes unless acknowledged",
        )
    target = model.Target(kind, name)
    return paging.open_direct(
        target,
        user,
        summary=summary,
        now=now,
        incident_key=incident.key,
        team=team,
        message=message,
    )


def check_policy(access: Access, incident: Incident, policy: Policy, now: dt.datetime) -> None:
    """A policy paged for ``incident``, from its page, *On-call → Pages* or the API: the
    incident goes on, the policy is not paging it already (each page would page the same
    people again), and it pages nobody who may not see the incident (:func:`check_reach`)."""
    _check_going_on(access, incident)
    if alerting.busy(incident, policy, (Page.State.OPEN,)):
        raise PagingRefused(
            f"{policy.name} is already paging {incident.key}",
            hint="it goes on escalating until someone acknowledges it",
        )
    check_reach(incident, policy, now)


def check_reach(incident: Incident, policy: Policy, now: dt.datetime) -> None:
    """Refuse ``policy`` for a restricted ``incident`` when its steps may page someone who may
    not see it (``pm page open`` on the server's database asks this alone)."""
    through = incidentreach.unseen_policies(incident, [policy], now).get(policy.name)
    if through:
        raise PagingRefused(
            f"{policy.name!r} cannot be paged for {incident.key}: its {', '.join(through)} may "
            f"page people who cannot see this restricted incident",
            hint=_REACH_HINT.format(team=incident.team),
        )


_REACH_HINT = (
    "page a person of team {team}, or a schedule or policy that pages only people who may see "
    "the incident"
)


def _check_going_on(access: Access, incident: Incident) -> None:
    if not rights.changes(access, incident):
        raise PagingRefused(
            f"your role cannot change {incident.key}",
            hint="paging for an incident needs the author role in its team",
        )
    if incident.status == lifecycle.DUPLICATE and incident.duplicate_of is not None:
        original = incident.duplicate_of
        shown = original.key if rights.sees(access, original) else "the incident it duplicates"
        raise PagingRefused(
            f"{incident.key} is a duplicate of {shown}", hint=f"page someone from {shown}"
        )
    if incident.status in lifecycle.ENDED:
        raise PagingRefused(
            f"{incident.key} is {incident.status}: nobody is paged for it",
            hint="move it back to investigating first if it goes on",
        )


def _check_target(
    access: Access, incident: Incident, kind: str, name: str, now: dt.datetime
) -> str:
    """The team that bounds a page of ``kind`` ``name`` ('' : none), or a refusal: a restricted
    schedule's, else a restricted incident's (its page is seen as the incident is)."""
    bound = incident.team if incident.restricted else ""
    if kind == "schedule":
        schedule = visible_schedules(access).filter(name=name).first()
        if schedule is None:
            raise PagingRefused(f"no schedule {name!r}", hint="choose one from the list")
        outsiders = incidentreach.unseen_schedules(incident, [name], now).get(name)
        if outsiders:
            raise PagingRefused(
                f"{name!r} cannot be paged for {incident.key}: {listed(outsiders, shown=3)} "
                "may be on call there and cannot see this restricted incident",
                hint=_REACH_HINT.format(team=incident.team),
            )
        return schedule.team if schedule.restricted else bound
    if kind == "user":
        account = User.objects.filter(username=name, is_active=True).first()
        if account is None or not rights.sees(access_of(account), incident):
            raise PagingRefused(
                f"{name!r} cannot be paged for {incident.key}",
                hint="name an active account that may see the incident (its team's, if restricted)",
            )
        return bound
    raise PagingRefused(
        f"unknown kind of target {kind!r}", hint="choose a person, a schedule or a policy"
    )


def _paged_by_hand(incident: Incident, kind: str, name: str) -> bool:
    """Whether a page by hand of ``kind`` ``name`` for ``incident`` is still paging (one that
    ran out may be sent again)."""
    waiting = Page.objects.filter(
        incident_key=incident.key, policy__isnull=True, state=Page.State.OPEN
    ).values_list("targets", flat=True)
    return any({"kind": kind, "name": name} in targets for targets in waiting)
