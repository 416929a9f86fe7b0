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

from postmortems.incident import model as m
from postmortems.server.accounts.access import access_of
from postmortems.server.incidents import listeners, services
from postmortems.server.incidents.models import Incident
from postmortems.server.oncall import paging, timeline
from postmortems.server.oncall.models import Page, Policy, Service
from postmortems.server.oncall.visibility import may_edit


def policy_name(rule_policy: str, service: str) -> str:
    """The policy an alert pages: its rule's, else its service's ('' : none)."""
    if rule_policy or not service:
        return rule_policy
    found = Service.objects.filter(name=service).values_list("policy", flat=True).first()
    return found or ""


def page_for(item: listeners.Routed) -> Page | None:
    """Page the policy of one routed alert; None when it pages nothing."""
    if not (item.opened or item.page):
        return None
    name = policy_name(item.policy, item.service)
    if not name:  # a declared incident says so too (page_declared)
        about = f"service {item.service!r}" if item.service else "an alert that names no service"
        _note(
            item,
            f"Nobody was paged: no escalation policy is set for {about} (on-call "
            "services name one); page someone from On-call → Pages.",
        )
        return None
    incident = item.incident
    policy = Policy.objects.filter(name=name).first()
    if policy is None:
        _note(item, f"Nobody was paged: there is no escalation policy named {name!r}.")
        return None
    return _open(policy, incident, item.summary, item.now, alert=item.fingerprint)


def _open(
    policy: Policy, incident: Incident, summary: str, now: dt.datetime, alert: str = ""
) -> Page | None:
    """Page ``policy`` for ``incident`` unless it is already paging it (never twice)."""
    busy = Page.objects.filter(
        incident_key=incident.key, policy=policy, state__in=(Page.State.OPEN, Page.State.EXHAUSTED)
    )
    if busy.exists():
        return None
    title = incident.key if incident.restricted else f"{incident.key}: {summary}"
    return paging.open_page(
        policy, summary=title[:300], now=now, incident_key=incident.key, alert=alert[:300]
    )


def page_declared(incident: Incident, now: dt.datetime) -> list[Page]:
    """Page the policy of each of a declared incident's services (each policy once).

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
    notes = []
    if unrouted:
        notes.append(
            f"Nobody was paged for {', '.join(unrouted)}: no escalation policy is set for it "
            "(on-call services name one); page someone from On-call → Pages."
        )
    if missing:
        notes.append(
            f"Nobody was paged for {', '.join(missing)}: its escalation policy is missing."
        )
    if others:
        notes.append(
            f"Not paged: the on-call of {', '.join(others)} belongs to a team where the declarer "
            "has no author role; page it from On-call → Pages if your role in that team allows."
        )
    for text in notes:
        services.record(
            incident, [m.Event(at=now, kind="note", text=text, author="on-call")], None, now
        )
    opened = [_open(policy, incident, incident.title, now) for policy in mine]
    return [page for page in opened if page is not None]


def _note(item: listeners.Routed, text: str) -> None:
    event = m.Event(
        at=item.now,
        kind="note",
        text=text,
        author="on-call",
        external_id=f"oncall:no-policy:{item.fingerprint}"[:600],
    )
    services.record(item.incident, [event], None, item.now)


def stop_paging(incident: Incident, now: dt.datetime) -> int:
    """An incident that ended stops paging: its pages not yet acknowledged are resolved (no
    further escalation), each noted on the timeline; how many."""
    pages = (
        Page.objects.select_for_update()
        .filter(incident_key=incident.key, state__in=(Page.State.OPEN, Page.State.EXHAUSTED))
        .order_by("pk")
    )  # locked in one order, so two stops never wait on each other
    stopped = 0
    for page in pages:
        page.state = Page.State.RESOLVED
        page.save(update_fields=["state"])
        text = f"page {page.pk} ({page.policy_name}) stopped: the incident is {incident.status}"
        timeline.record(page, "resolved", text, now)
        stopped += 1
    return stopped


class AlertPaging(listeners.AlertListener):
    def routed(self, alerts: Sequence[listeners.Routed]) -> None:
        for item in alerts:
            page_for(item)

    def declared(self, incident: Incident, now: dt.datetime) -> None:
        page_declared(incident, now)

    def ended(self, incident: Incident, now: dt.datetime) -> None:
        stop_paging(incident, now)
