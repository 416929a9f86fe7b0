"""A service's page says who is on call for it now (``PM_SERVICE_PANELS``, :mod:`library.panels`):
the service's escalation policy, step by step, and whom each step pages at this moment (the
people on call on a schedule it names, a person, a team). Only what the reader may see: the
service (no team, or one of theirs), its policy (the same rule) and the schedules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from postmortems.server.accounts.access import Access
from postmortems.server.library.guards import access
from postmortems.server.oncall import queries, store
from postmortems.server.oncall.models import Policy, Service, Step
from postmortems.server.oncall.visibility import visible_schedules, visible_services


@dataclass(frozen=True)
class Target:
    kind: str  # user | schedule | team
    name: str
    people: list[tuple[str, bool]]  # who it pages now, and whether each has an account


@dataclass(frozen=True)
class StepRow:
    number: int
    after: str  # when it pages: "at once", "after 10 min"
    targets: list[Target]


def render(request: HttpRequest, name: str) -> str:
    """Who is on call for the service ``name`` (in any case); nothing for a service the on-call
    app does not know, or one the reader may not see."""
    me = access(request)
    service = _service(me, name)
    if service is None:
        return ""
    policy = _policy(me, service.policy)
    steps = _steps(me, list(policy.steps.all()), timezone.now()) if policy else []
    context = {"service": service, "policy": policy, "steps": steps}
    return render_to_string("oncall/_service_oncall.html", context, request)


def _service(me: Access, name: str) -> Service | None:
    rows = list(visible_services(me).filter(name__iexact=name.strip())[:5])
    return next((s for s in rows if s.name == name), rows[0] if rows else None)


def _policy(me: Access, name: str) -> Policy | None:
    """The policy ``name`` when the reader may see it (no team, or one of theirs)."""
    policy = Policy.objects.filter(name=name).prefetch_related("steps").first() if name else None
    if policy is None or (policy.team and not me.superuser and policy.team not in me.teams):
        return None
    return policy


def _steps(me: Access, steps: list[Step], now: dt.datetime) -> list[StepRow]:
    """Each step, when it pages and whom it pages now: the schedules in three queries, the
    accounts in one."""
    targets = [[(str(t.get("kind")), str(t.get("name"))) for t in _dicts(s.targets)] for s in steps]
    named = sorted({name for each in targets for kind, name in each if kind == "schedule"})
    seen = visible_schedules(me).filter(name__in=named)
    on_call = queries.on_call_all(seen, now) if named else {}  # the visible ones, by name
    paged = {p for names in on_call.values() for p in names}
    users = {name for each in targets for kind, name in each if kind == "user"}
    missing = store.without_account(paged | users)
    rows, waited = [], dt.timedelta()
    for number, (step, each) in enumerate(zip(steps, targets, strict=True), 1):
        shown = []
        for kind, name in each:
            if kind == "schedule" and name not in on_call:
                continue  # a schedule the reader may not see is not named
            people = (name,) if kind == "user" else on_call.get(name, ())
            shown.append(Target(kind, name, [(p, p not in missing) for p in people]))
        rows.append(StepRow(number, _after(waited), shown))
        waited += step.delay
    return rows


def _dicts(targets: object) -> list[dict[str, object]]:
    """A step's targets as stored (one malformed before the admin checked them pages nobody)."""
    return [t for t in targets if isinstance(t, dict)] if isinstance(targets, list) else []


def _after(waited: dt.timedelta) -> str:
    """When a step pages, from the page's opening: "at once", "after 1 h 30 min"."""
    minutes = int(waited.total_seconds()) // 60
    if not minutes:
        return "at once"
    hours, minutes = divmod(minutes, 60)
    parts = (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "")
    return "after " + " ".join(p for p in parts if p)
