"""What other apps do when an incident opens or an alert lands in one: listeners it calls.

The incidents app does not import the apps built on it (docs/design.md, "Rules"). The on-call
app pages people when an alert opens an incident (or joins one through a rule with paging on),
and when a person declares one with paging on: it registers an :class:`AlertListener` in its
``AppConfig.ready``; :mod:`ingest` calls every registered one inside the payload's transaction,
after the alerts' events are written, :func:`services.declare` inside its own, and
:func:`services.change_status` when an incident ends or becomes a duplicate (its pages stop).
The admin asks it too whether a routing rule may name an escalation policy (the policies are
the on-call app's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from postmortems.server.accounts.access import Access
from postmortems.server.incidents.models import Incident


@dataclass(frozen=True)
class Routed:
    """A new firing alert routed into ``incident``."""

    incident: Incident
    summary: str
    fingerprint: str
    service: str
    policy: str  # the matching rule's escalation policy ('' : none named)
    page: bool  # the matching rule pages for alerts joining an open incident too
    opened: bool  # this alert opened the incident
    now: dt.datetime


class AlertListener:
    """Override what an app needs; the default does nothing."""

    def policy_refusal(self, name: str, viewer: Access | None) -> str:
        """Why a routing rule may not name the escalation policy ``name`` ('' when it may),
        in words for ``viewer``."""
        return ""

    def routed(self, alerts: Sequence[Routed]) -> None:
        """New firing alerts went into incidents (inside the ingesting transaction)."""

    def team_zones(self, teams: Sequence[str]) -> dict[str, str]:
        """The IANA zone each of ``teams`` keeps its time in, where the app knows one (the
        on-call app: the zone of the team's schedules)."""
        return {}

    def declared(self, incident: Incident, now: dt.datetime) -> None:
        """A person declared ``incident`` and asked to page (inside the declaring transaction)."""

    def ended(self, incident: Incident, now: dt.datetime) -> None:
        """``incident`` is moving to resolved, closed, cancelled or duplicate (inside the
        transaction that moves it, before its row is written: ``incident.status`` and
        ``incident.duplicate_of`` are already the new ones)."""


LISTENERS: list[AlertListener] = []


def register(listener: AlertListener) -> None:
    if not any(type(known) is type(listener) for known in LISTENERS):
        LISTENERS.append(listener)


def routed(alerts: Sequence[Routed]) -> None:
    if alerts:
        for listener in LISTENERS:
            listener.routed(alerts)


def declared(incident: Incident, now: dt.datetime) -> None:
    for listener in LISTENERS:
        listener.declared(incident, now)


def ended(incident: Incident, now: dt.datetime) -> None:
    for listener in LISTENERS:
        listener.ended(incident, now)


def team_zones(teams: Sequence[str]) -> dict[str, str]:
    """The zone of each of ``teams`` that an app knows (the first app's that knows it)."""
    found: dict[str, str] = {}
    for listener in reversed(LISTENERS):
        found.update(listener.team_zones(teams))
    return found


def policy_refusal(name: str, viewer: Access | None) -> str:
    """Why a routing rule may not name the policy ``name``: the first app's refusal, or ''."""
    said = (listener.policy_refusal(name, viewer) for listener in LISTENERS)
    return next((text for text in said if text), "")
