"""The demo's live side: the team's on-call (as code), three incidents with their timelines
and two alerts in the alert inbox.

Two incidents are resolved, their postmortems not yet written: the payments provider's slow
week-old one, and the search timeouts two days ago (the "Write the postmortem" button is there
to try). One is in progress, opened by alerts forty minutes ago: the payments provider is slow
again, and its page's *Seen before?* panel finds the double charge such a slowness caused (its
corrective items still open) and last week's incident. Two warnings that routing sent to no
incident wait in the inbox, to open an incident from, attach to the one in progress, or dismiss.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

ONCALL = Path(__file__).resolve().parent / "oncall.yaml"


def play(now: dt.datetime) -> None:
    """Load the on-call schedules and the incidents, once."""
    from postmortems.server.incidents.models import Incident

    _oncall()
    if Incident.objects.exists():
        return
    prod = _integration()
    _provider_slow(now - dt.timedelta(days=6, hours=5))
    _resolved(now - dt.timedelta(days=2, hours=3))
    _ongoing(now - dt.timedelta(minutes=40), prod)
    _inbox(now, prod)


def _oncall() -> None:
    from postmortems.oncall import spec
    from postmortems.server.oncall import store

    store.apply_config(
        spec.load_text(ONCALL.read_text(encoding="utf-8"), "demo/oncall.yaml"), dry_run=False
    )


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def _plus(start: dt.datetime, minutes: int) -> dt.datetime:
    return start + dt.timedelta(minutes=minutes)


def _alert(at: dt.datetime, text: str, fingerprint: str) -> Any:
    from postmortems.incident import model as m

    return m.Event(at, "alert-fired", text, author="alertmanager/prod", external_id=fingerprint)


def _declare(title: str, by: Any, severity: str, names: list[str], now: dt.datetime) -> Any:
    """A demo incident of team sre, on London time."""
    from postmortems.server.incidents import services

    return services.declare(
        title,
        by,
        severity=severity,
        team="sre",
        services=names,
        timezone="Europe/London",
        now=now,
        via="web",
    )


def _resolved(start: dt.datetime) -> None:
    from postmortems.incident import model as m
    from postmortems.server.incidents import services

    demo, priya = _user("demo"), _user("priya")
    title = "Search API timeouts after an index rebuild"
    incident = _declare(title, demo, "SEV2", ["search", "api-gateway"], _plus(start, 6))
    events = [
        _alert(start, "SearchLatencyHigh: p99 above 2 s on search-api", "demo:search-p99"),
        m.Event(
            _plus(start, 9),
            "note",
            "Rolled back the morning's search-api deploy.",
            author="demo",
            misleading=True,
        ),
        m.Event(
            _plus(start, 21),
            "note",
            "Latency unchanged after the rollback; the index rebuild started minutes before "
            "holds the cluster's heap.",
            author="priya",
            key_moment=True,
        ),
        m.Event(
            _plus(start, 28),
            "note",
            "Paused the index rebuild; p99 back under 300 ms.",
            author="demo",
            key_moment=True,
        ),
        m.Event(
            _plus(start, 58),
            "alert-resolved",
            "SearchLatencyHigh resolved",
            author="alertmanager/prod",
            external_id="demo:search-p99:resolved",
        ),
    ]
    services.record(incident, events, demo, _plus(start, 58))
    services.take_role(incident, "commander", demo, _plus(start, 7))
    services.take_role(incident, "scribe", priya, _plus(start, 8))
    for minutes, status in (
        (8, "investigating"),
        (25, "identified"),
        (30, "monitoring"),
        (60, "resolved"),
    ):
        services.change_status(incident, status, demo, _plus(start, minutes))


def _provider_slow(start: dt.datetime) -> None:
    """Last week's slowness of the payments provider: resolved, no postmortem written."""
    from postmortems.incident import model as m
    from postmortems.server.incidents import services

    sam = _user("sam")
    title = "Payments provider slow in eu-west"
    incident = _declare(title, sam, "SEV3", ["payments"], _plus(start, 4))
    events = [
        _alert(start, "PaymentsUpstreamLatency: p95 above 1 s", "demo:payments-latency-1"),
        m.Event(
            _plus(start, 10),
            "note",
            "The payments provider's eu endpoint answers in about 2 s; their status page "
            "confirms degraded performance in eu-west.",
            author="sam",
            key_moment=True,
        ),
        m.Event(
            _plus(start, 34),
            "note",
            "Provider latency back to normal; no change on our side.",
            author="sam",
        ),
    ]
    services.record(incident, events, sam, _plus(start, 34))
    services.take_role(incident, "commander", sam, _plus(start, 5))
    for minutes, status in ((6, "investigating"), (34, "monitoring"), (50, "resolved")):
        services.change_status(incident, status, sam, _plus(start, minutes))


def _ongoing(start: dt.datetime, prod: Any) -> None:
    from postmortems.incident import model as m
    from postmortems.server.incidents import services

    sam = _user("sam")
    title = "Checkout error rate above 5% in eu-west"
    incident = _declare(title, sam, "SEV1", ["checkout-api", "payments"], _plus(start, 3))
    _paged(incident, _plus(start, 3))
    _send(prod, CHECKOUT_5XX, start, _plus(start, 3))  # joins it: its service's open incident
    events = [
        _alert(
            _plus(start, 2),
            "PaymentsUpstreamLatency: p95 above 1 s",
            "demo:payments-latency",
        ),
        m.Event(
            _plus(start, 12),
            "note",
            "Errors come from the payments provider's eu endpoint; other regions are fine.",
            author="sam",
            key_moment=True,
        ),
        m.Event(
            _plus(start, 15),
            "note",
            "Provider's status page confirms it:\n"
            "https://status.payments.example/incidents/8812\n"
            "Their ETA is 30 minutes.",
            author="sam",
            key_moment=True,
        ),
        m.Event(
            _plus(start, 18),
            "note",
            "Our payments client times out after two seconds and retries the charge while "
            "the gateway is slow.",
            author="sam",
        ),
    ]
    services.record(incident, events, sam, _plus(start, 18))
    services.take_role(incident, "commander", sam, _plus(start, 4))
    services.change_status(incident, "investigating", sam, _plus(start, 5))
    _corrected(incident, sam, _plus(start, 14))


def _corrected(incident: Any, sam: Any, at: dt.datetime) -> None:
    """A note corrected by its author (the earlier version kept) and one redacted by the
    commander (its text gone): what the timeline shows of both."""
    from postmortems.server.incidents import entries, services

    ticket = services.note(incident, "Opened ticket 55102 with the provider.", sam, at)
    entries.edit(
        incident, ticket.pk, sam, _plus(at, 1), text="Opened ticket 55120 with the provider."
    )
    priya = _user("priya")
    pasted = services.note(
        incident, "Provider console: login ops@shop.example, pw Tr0ub4dor&3", priya, _plus(at, 2)
    )
    entries.redact(incident, pasted.pk, "a password pasted by mistake", sam, _plus(at, 3))


def _paged(incident: Any, at: dt.datetime) -> None:
    """checkout-api's policy paged its on-call, who acknowledged two minutes later."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    policy = Policy.objects.get(name="sre-default")
    summary = f"{incident.key}: {incident.title}"  # as the pages of an incident are named
    page = paging.open_page(policy, summary=summary, now=at, incident_key=incident.key)
    first = page.notifications.order_by("id").first()
    if first is not None:
        paging.acknowledge(page, _user(first.user), _plus(at, 2))


# Two warnings of the sre team's Alertmanager, as its webhook sends them: no routing rule opens
# an incident for a warning, so both land in the alert inbox.
INBOX = (
    (25, "DiskSpaceLow", "postgres", "db-eu-2", "/var/lib/postgresql above 85% on db-eu-2"),
    (9, "SearchIndexLag", "search", "search-eu-1", "Search indexer 6 minutes behind on eu-1"),
)


def _integration() -> Any:
    """The sre team's Alertmanager, ``alertmanager/prod``."""
    from postmortems.server.incidents import integrations

    integration, _secret = integrations.create(
        "prod", "alertmanager", team="sre", timezone="Europe/London"
    )
    return integration


# The checkout alert of the incident in progress: what a responder opens under its entry
# (its description, runbook, dashboard and labels).
CHECKOUT_5XX = {
    "labels": {
        "alertname": "CheckoutErrorRate",
        "severity": "critical",
        "service": "checkout-api",
        "region": "eu-west",
        "instance": "checkout-eu-1",
    },
    "annotations": {
        "summary": "CheckoutErrorRate: 5xx above 5% for 2 minutes",
        "description": "5.8% of checkout requests in eu-west answered 5xx over 2 minutes "
        "(threshold 5%).\nMost are 502s from the payments client.",
        "runbook_url": "https://runbooks.example/checkout/error-rate",
        "dashboard_url": "https://grafana.example/d/checkout?var-region=eu-west",
    },
}


def _send(integration: Any, alert: dict[str, Any], at: dt.datetime, received: dt.datetime) -> None:
    """``alert`` (labels and annotations) firing since ``at``, as the webhook sends it."""
    from postmortems.incident.payloads import parse
    from postmortems.server.incidents import ingest

    name = alert["labels"]["alertname"]
    firing = {
        **alert,
        "status": "firing",
        "startsAt": at.isoformat(),
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": f"https://prometheus.example/graph?g0.expr={name}",
        "fingerprint": f"demo-{name.lower()}",
    }
    group = f"{{}}:{{alertname={name!r}}}"
    body = {"version": "4", "groupKey": group, "status": "firing", "alerts": [firing]}
    ingest.ingest(integration, parse("alertmanager", json.dumps(body).encode()), received)


def _inbox(now: dt.datetime, integration: Any) -> None:
    """Two warnings of ``alertmanager/prod`` (team sre), ingested."""
    for minutes, name, service, instance, summary in INBOX:
        labels = {"alertname": name, "severity": "warning", "service": service}
        annotations = {
            "summary": summary,
            "description": f"{summary}: a warning, before it pages anyone.",
            "runbook_url": f"https://runbooks.example/{service}/{name.lower()}",
        }
        at = now - dt.timedelta(minutes=minutes)
        alert = {"labels": {**labels, "instance": instance}, "annotations": annotations}
        _send(integration, alert, at, at + dt.timedelta(seconds=30))
