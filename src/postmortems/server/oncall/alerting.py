"""Paging from incidents: an alert that opens an incident (or joins one through a routing rule
with paging on) pages an escalation policy — the rule's, else its service's; an incident a person
declares with paging on pages the policy of each of its services (docs/oncall.md, "Paging from
alerts"). Called by the incidents app (``incidents.listeners``) inside the transaction that
writes the alert or the incident, so the page, its first notifications' tasks and its timeline
event are written with them or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.urls import reverse

from postmortems.incident import model as m
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.config import absolute_url
from postmortems.server.incidents import listeners, services
from postmortems.server.incidents.models import Incident
from postmortems.server.oncall import ending, paging, policyuse, queries
from postmortems.server.oncall.models import Page, Policy, Service
from postmortems.server.oncall.visibility import may_edit


def policy_name(rule_policy: str, service: str) -> str:
    """The policy an alert pages: its rule's, else its service's ('' : none)."""
    if rule_policy or not service:
        return rule_policy
    found = Service.objects.filter(name=service).values_list("policy", flat=True).first()
    return found or ""


def page_for(item: listeners.Routed) -> Page | None:
    """Page the policy of one routed alert; None when it pages nothing. With no policy named
    for it, or one that does not exist, the policy of its team is paged when the team has
    exactly one; the timeline says which and why, or why nobody was paged and how to fix it."""
    if not (item.opened or item.page):
        return None
    name = policy_name(item.policy, item.service)
    policy = Policy.objects.filter(name=name).first() if name else None
    if policy is not None:
        return _open(policy, item.incident, item.summary, item.now, alert=item.fingerprint)
    about = f"service {item.service!r}" if item.service else "an alert that names no service"
    why = (
        f"there is no escalation policy named {name!r}"
        if name
        else f"no escalation policy is set for {about}"
    )
    team = item.incident.team
    found = list(Policy.objects.filter(team=team).order_by("name")) if team else []
    if len(found) == 1:
        fallback = found[0]
        if busy(item.incident, fallback):
            return None
        choose = CHOOSE if item.service else CHOOSE_UNNAMED
        text = f"Paged {fallback.name}, the only escalation policy of team {team}: {why}."
        _note(item, f"{text} {choose}")
        return _open(fallback, item.incident, item.summary, item.now, alert=item.fingerprint)
    how = HOW_TO_ROUTE if item.service else HOW_TO_ROUTE_UNNAMED
    _note(item, f"Nobody was paged: {why}, and {_no_fallback(team, found)}. {how}")
    return None


# What the notes of an alert without a policy say to do.
CHOOSE = "Name a policy for the service to choose whom its alerts page."
CHOOSE_UNNAMED = "Give the alert a service label (service, app or job) to choose whom it pages."
HOW_TO_ROUTE = (
    "Name a policy for the service under services: in the on-call YAML (pm oncall apply), or "
    "page someone from this incident's Paging panel."
)
HOW_TO_ROUTE_UNNAMED = (
    "Give the alert a service label (service, app or job) whose service names a policy in the "
    "on-call YAML, or page someone from this incident's Paging panel."
)


def _no_fallback(team: str, policies: Sequence[Policy], what: str = "the alert") -> str:
    """Why the team of ``what`` (an alert, a declared incident) gives no policy to page
    instead."""
    if not team:
        return f"{what} has no team whose policy could be paged instead"
    if not policies:
        return f"team {team} has no escalation policy to page instead"
    names = ", ".join(p.name for p in policies[:5]) + (", …" if len(policies) > 5 else "")
    count = f"{len(policies)} escalation policies ({names})"
    return f"team {team} has {count}, so which to page is not clear"


def _open(
    policy: Policy, incident: Incident, summary: str, now: dt.datetime, alert: str = ""
) -> Page | None:
    """Page ``policy`` for ``incident`` unless it is already paging it (never twice)."""
    if busy(incident, policy):
        return None
    title = incident.key if incident.restricted else f"{incident.key}: {summary}"
    return paging.open_page(
        policy, summary=title[:300], now=now, incident_key=incident.key, alert=alert[:300]
    )


WAITING = (Page.State.OPEN, Page.State.EXHAUSTED)


def busy(incident: Incident, policy: Policy, states: Sequence[str] = WAITING) -> bool:
    """Whether ``policy`` pages ``incident`` already: a page of it in one of ``states`` (by
    default, one nobody acknowledged yet)."""
    return Page.objects.filter(incident_key=incident.key, policy=policy, state__in=states).exists()


def page_declared(incident: Incident, now: dt.datetime) -> list[Page]:
    """Page the policy of each of a declared incident's services (each policy once); when none
    of them names one, the policy of its team when the team has exactly one, as for an alert.

    Only the policies its declarer could page by hand (the author role in the policy's team) are
    paged; a note on the timeline names the services whose on-call was not paged, and why.
    """
    declarer = access_of(incident.opened_by)
    rows = Service.objects.filter(name__in=incident.services).exclude(policy="")
    found = {p.name: p for p in Policy.objects.filter(name__in={s.policy for s in rows})}
    missing = sorted(s.name for s in rows if s.policy not in found)
    policies = sorted({s.policy for s in rows if s.policy in found})
    mine = [found[name] for name in policies if may_edit(declarer, found[name].team)]
    others = sorted(s.name for s in rows if s.policy in found and found[s.policy] not in mine)
    unrouted = sorted(set(incident.services) - {s.name for s in rows})
    fallback = None if mine or others else _team_policy(incident, declarer)
    if fallback is not None:
        mine = [fallback]
    notes = _declared_notes(incident, unrouted, missing, fallback, nobody=not mine and not others)
    if others:
        notes.append(
            f"Not paged: the on-call of {', '.join(others)} belongs to a team where the declarer "
            "has no author role; page it from this incident's Paging panel if your role in that "
            "team allows."
        )
    for text in notes:
        services.record(
            incident, [m.Event(at=now, kind="note", text=text, author="on-call")], None, now
        )
    opened = [_open(policy, incident, incident.title, now) for policy in mine]
    return [page for page in opened if page is not None]


def _team_policy(incident: Incident, declarer: Access) -> Policy | None:
    """The only escalation policy of the incident's team, if its declarer could page it."""
    found = list(Policy.objects.filter(team=incident.team)[:2]) if incident.team else []
    if len(found) != 1 or not may_edit(declarer, found[0].team):
        return None
    return found[0]


def _declared_notes(
    incident: Incident,
    unrouted: list[str],
    missing: list[str],
    fallback: Policy | None,
    *,
    nobody: bool,
) -> list[str]:
    """What the timeline says of a declared incident's services that page no one: the team's
    policy paged instead and why; else each such service, and, when nobody at all was paged,
    why the team's policy was not either — always a note, so the declarer learns it."""
    if fallback is not None:
        return [_fallback_note(incident, fallback, unrouted, missing)]
    if nobody:
        why = _unpaged(unrouted, missing) or "the incident names no service"
        team = incident.team
        found = list(Policy.objects.filter(team=team).order_by("name")[:6]) if team else []
        instead = (
            f"the declarer has no author role in team {team} to page its policy {found[0].name}"
            if len(found) == 1
            else _no_fallback(team, found, "the incident")
        )
        return [f"Nobody was paged: {why}, and {instead}. {HOW_TO_ROUTE}"]
    notes = []
    if unrouted:
        notes.append(
            f"Nobody was paged for {', '.join(unrouted)}: no escalation policy is set for it "
            "(on-call services name one); page someone from this incident's Paging panel."
        )
    if missing:
        notes.append(
            f"Nobody was paged for {', '.join(missing)}: its escalation policy is missing."
        )
    return notes


def _unpaged(unrouted: list[str], missing: list[str]) -> str:
    """Why the services named page no one ('' when it names none)."""
    why = [f"no escalation policy is set for {', '.join(unrouted)}"] if unrouted else []
    why += [f"the escalation policy of {', '.join(missing)} is missing"] if missing else []
    return "; ".join(why)


def _fallback_note(
    incident: Incident, policy: Policy, unrouted: list[str], missing: list[str]
) -> str:
    said = _unpaged(unrouted, missing) or "the incident names no service"
    paged = f"Paged {policy.name}, the only escalation policy of team {incident.team}: {said}."
    return f"{paged} Name a policy for a service to choose whom it pages."


def _note(item: listeners.Routed, text: str) -> None:
    """A note on the paging of an alert, linked to the services' table (where the policy each
    service pages is shown, and how it is set)."""
    event = m.Event(
        at=item.now,
        kind="note",
        text=text,
        author="on-call",
        link=absolute_url(reverse("oncall:list")) + "#services",
        external_id=f"oncall:no-policy:{item.fingerprint}"[:600],
    )
    services.record(item.incident, [event], None, item.now)


class AlertPaging(listeners.AlertListener):
    def routed(self, alerts: Sequence[listeners.Routed]) -> None:
        for item in alerts:
            page_for(item)

    def declared(self, incident: Incident, now: dt.datetime) -> None:
        page_declared(incident, now)

    def ended(self, incident: Incident, now: dt.datetime) -> None:
        ending.stop_paging(incident, now)

    def policy_refusal(self, name: str, viewer: Access | None) -> str:
        return policyuse.unknown(name, viewer=viewer, what="an incident the rule opens")

    def team_zones(self, teams: Sequence[str]) -> dict[str, str]:
        return queries.team_zones(teams)
