"""/api/oncall/export: the on-call objects you may see as on-call YAML (``pm oncall export``
with ``PM_URL``), the same file ``pm oncall export`` writes on the server's machine.

What you may not see stays out, and so does what would name it: a restricted schedule of
another team, a policy of another team, a policy whose steps page a schedule you may not see,
and a service whose policy is left out (the file still reads back on its own).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from postmortems.oncall import model
from postmortems.oncall.specdump import dump
from postmortems.server.accounts.access import Access
from postmortems.server.api import schemas as s
from postmortems.server.api.oncall import reader
from postmortems.server.oncall import store
from postmortems.server.oncall.models import Policy, Schedule, Service
from postmortems.server.oncall.visibility import (
    visible_policies,
    visible_schedules,
    visible_services,
)

router = Router(tags=["on-call"])


class ExportOut(Schema):
    text: str = Field(description="On-call YAML: schedules, escalation policies, services.")
    schedules: int = Field(description="How many schedules the text holds.")
    policies: int
    services: int
    left_out: list[str] = Field(
        default=[],
        description="What the text leaves out and why: a layer row stored before the admin "
        "checked it, which no page can read either (fix it in the admin, then export again).",
    )


@router.get("/export", response={200: ExportOut, **s.ERRORS})
def export(request: HttpRequest) -> Any:
    """The schedules, escalation policies and services you may see, as on-call YAML."""
    left_out: list[str] = []
    config = visible_config(reader(request), left_out)
    return {
        "text": dump(config),
        "schedules": len(config.schedules),
        "policies": len(config.policies),
        "services": len(config.services),
        "left_out": left_out,
    }


def visible_config(access: Access, left_out: list[str] | None = None) -> model.Config:
    """What ``access`` may see of the stored on-call objects, as one config; a layer row that
    cannot be read is left out and said in ``left_out``."""
    rows = visible_schedules(access)
    schedules = store.load_schedules(rows, left_out=left_out)
    hidden = set(Schedule.objects.exclude(pk__in=rows.values("pk")).values_list("name", flat=True))
    seen = set(visible_policies(access).values_list("name", flat=True))
    every = store.load_policies()
    policies = [p for p in every.values() if p.name in seen and not _pages(p, hidden)]
    unseen = set(every) - {p.name for p in policies}
    services = [
        model.Service(name, policy, team)
        for name, policy, team in visible_services(access).values_list("name", "policy", "team")
        if policy not in unseen
    ]
    return model.Config(
        schedules=tuple(schedules.values()),
        policies=tuple(policies),
        sources=_sources(rows, [p.name for p in policies], [x.name for x in services]),
        services=tuple(services),
    )


def _sources(rows: QuerySet[Schedule], policies: list[str], services: list[str]) -> dict[str, str]:
    """The file each exported object is managed by (those made in the web UI have none)."""
    found = dict(rows.exclude(managed_by="").values_list("name", "managed_by"))
    made = Policy.objects.filter(name__in=policies).exclude(managed_by="")
    found.update(made.values_list("name", "managed_by"))
    named = Service.objects.filter(name__in=services).exclude(managed_by="")
    found.update((model.service_key(n), m) for n, m in named.values_list("name", "managed_by"))
    return found


def _pages(policy: model.EscalationPolicy, hidden: set[str]) -> bool:
    """Whether a step of ``policy`` pages one of the ``hidden`` schedules."""
    return any(
        t.kind == "schedule" and t.name in hidden for step in policy.steps for t in step.targets
    )
