"""Helpers of the incident tests: integrations, payloads from the documented examples, counts."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from django.test import Client

EXAMPLES = Path(__file__).resolve().parents[1] / "incident" / "examples"


def example(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{kind}.json").read_text())
    return data


def am_payload(
    group: str = "g1", *alerts: dict[str, Any], status: str = "firing"
) -> dict[str, Any]:
    """An Alertmanager v4 payload of ``alerts`` (default: the example's firing alert)."""
    data = example("alertmanager")
    data["groupKey"] = group
    data["status"] = status
    data["alerts"] = list(alerts) or [copy.deepcopy(data["alerts"][0])]
    return data


def am_alert(
    fingerprint: str,
    *,
    severity: str = "critical",
    status: str = "firing",
    starts: str = "2026-03-01T10:00:00Z",
    ends: str = "0001-01-01T00:00:00Z",
    service: str = "checkout",
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": f"A-{fingerprint}", "severity": severity, "service": service},
        "annotations": {"summary": f"alert {fingerprint}"},
        "startsAt": starts,
        "endsAt": ends,
        "generatorURL": "http://prometheus.example/graph",
        "fingerprint": fingerprint,
    }


def integration(name: str = "prod", kind: str = "alertmanager", **kw: Any) -> tuple[Any, str]:
    """An integration (of ``team``: the team is made, as an operator makes it first)."""
    from postmortems.server.accounts.models import Team
    from postmortems.server.incidents import integrations

    if kw.get("team"):
        Team.objects.get_or_create(slug=kw["team"], defaults={"name": kw["team"]})
    return integrations.create(name, kind, **kw)


def post(
    client: Client, integ: Any, secret: str, data: Any, *, raw: bytes | None = None, **headers: Any
) -> Any:
    body = raw if raw is not None else json.dumps(data).encode()
    if "Authorization" not in headers and secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.generic(
        "POST", integ.path, body, content_type="application/json", headers=headers
    )


def counts() -> dict[str, int]:
    from postmortems.server.incidents.models import Alert, Event, Incident, IngestError

    return {
        "incidents": Incident.objects.count(),
        "events": Event.objects.count(),
        "alerts": Alert.objects.count(),
        "errors": IngestError.objects.count(),
    }


def logged_in(user: Any) -> Any:
    """A test client signed in as ``user`` that answers errors instead of raising them."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def declared(user: Any, **kw: Any) -> Any:
    """Incident "Checkout 502s" of team sre, declared now by ``user``."""
    from django.utils import timezone

    from postmortems.server.incidents import services

    return services.declare("Checkout 502s", user, team="sre", now=timezone.now(), **kw)


def open_incident(client: Any) -> Any:
    """The incident Alertmanager's documented example opens for team sre."""
    from postmortems.server.incidents.models import Incident

    integ, secret = integration(team="sre")
    assert post(client, integ, secret, example("alertmanager")).status_code == 200
    return Incident.objects.get()


def restrict_to_other_team(pm: Any, by: Any, title_prefix: str) -> None:
    """Another team takes ``pm`` over: restricted, ``teams: [security]``, its title prefixed."""
    from postmortems.server.library import store

    text = re.sub(r"(?m)^teams:.*$", "teams: [security]", pm.text, count=1)
    text = re.sub(r"(?m)^restricted:.*\n", "", text, count=1)
    text = text.replace("---\n", "---\nrestricted: true\n", 1)
    store.update(pm.key, text.replace("title: ", f"title: {title_prefix} / ", 1), by, pm.version)
