"""On-call objects written as the YAML that :mod:`postmortems.oncall.spec` reads back.

``load_text(dump(config))`` gives ``config`` again (tested as a property); times are written in
the schedule's zone, so the file reads the way the team thinks about it.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from postmortems.oncall import model


def dump(config: model.Config) -> str:
    """The config as on-call YAML (schedules, then escalation policies, then services)."""
    data: dict[str, Any] = {}
    if config.schedules:
        data["schedules"] = [_schedule(s) for s in config.schedules]
    if config.policies:
        data["escalation_policies"] = [_policy(p) for p in config.policies]
    if config.services:
        data["services"] = [_service(s) for s in config.services]
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Short lists of names on one line; times of day quoted (``07:00`` unquoted is a number
    in YAML 1.1 readers)."""


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    flow = all(isinstance(i, str) for i in items) or all(
        isinstance(i, dict) and len(i) == 1 for i in items
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = '"' if _TIME_OF_DAY.match(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_TIME_OF_DAY = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def _schedule(schedule: model.Schedule) -> dict[str, Any]:
    out: dict[str, Any] = {"name": schedule.name, "timezone": schedule.timezone}
    if schedule.team:
        out["team"] = schedule.team
    if schedule.restricted:
        out["restricted"] = True
    out["layers"] = [_layer(layer) for layer in schedule.layers]
    if schedule.overrides:
        zone = ZoneInfo(schedule.timezone)
        out["overrides"] = [_override(o, zone) for o in schedule.overrides]
    return out


def _layer(layer: model.Layer) -> dict[str, Any]:
    start = layer.anchor.date()
    out: dict[str, Any] = {
        "name": layer.name,
        "users": list(layer.users),
        "shift": str(layer.shift),
        "handoff": _time(layer.handoff),
        "start": start.isoformat(),
    }
    if layer.restrictions:
        out["restrictions"] = [_restriction(r) for r in layer.restrictions]
    return out


def _restriction(restriction: model.Restriction) -> dict[str, Any]:
    return {
        "days": [model.WEEKDAYS[d] for d in restriction.weekdays],
        "from": _time(restriction.start),
        "to": _time(restriction.end),
    }


def _override(override: model.Override, zone: ZoneInfo) -> dict[str, Any]:
    out: dict[str, Any] = {"user": override.user}
    if override.kind != "replace":
        out["kind"] = override.kind
    if override.replaces is not None:
        out["replaces"] = override.replaces
    out["from"] = override.start.astimezone(zone).isoformat()
    out["to"] = override.end.astimezone(zone).isoformat()
    return out


def _policy(policy: model.EscalationPolicy) -> dict[str, Any]:
    out: dict[str, Any] = {"name": policy.name}
    if policy.team:
        out["team"] = policy.team
    if policy.repeat:
        out["repeat"] = policy.repeat
    out["steps"] = [
        {"targets": [{t.kind: t.name} for t in step.targets], "delay": _duration(step.delay)}
        for step in policy.steps
    ]
    return out


def _service(service: model.Service) -> dict[str, Any]:
    out: dict[str, Any] = {"name": service.name}
    if service.team:
        out["team"] = service.team
    out["escalation_policy"] = service.policy
    return out


def _time(moment: time) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _duration(delay: timedelta) -> str:
    seconds = int(delay.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0m"
