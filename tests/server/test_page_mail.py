"""A page's email tells the incident: ``[SEV1] INC-… title`` as the subject (the key once), and
in the body its severity, status, services, link (on the configured ``public_url``), the alert's
description, runbook and source, and the acknowledgement link. A restricted incident is told in
full only to a person who may see it. Sent through a real SMTP server on 127.0.0.1 by the worker.

Before: ``PAGE: INC-2026-0003: …`` and a body of ``Page 2 (incident INC-2026-0003):
INC-2026-0003: …`` with no severity, no link to the incident and no alert description."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from oncall_fixtures import policy
from tests.server.incident_fixtures import am_alert, am_payload, integration, post
from workflow_fixtures import run_tasks, with_settings

from postmortems.oncall import model

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes
PUBLIC = "https://pm.example.com/base"


def _people(make_user: Any, team: str = "sre", *names: str) -> None:
    for name in names:
        user = make_user(name, "author", team=team)
        user.email = f"{name}@example.com"
        user.save()


def _alert(**annotations: str) -> dict[str, Any]:
    alert = am_alert("a1", service="checkout")
    alert["labels"]["severity"] = "critical"
    alert["annotations"].update(annotations)
    return alert


def _open(team: str = "sre", pager: str = "sre", **kw: Any) -> str:
    from postmortems.server.oncall import store

    pages = policy("pages", (((("user", "alice"),), 10),), team=pager)
    service = model.Service("checkout", "pages", pager)
    store.apply_config(model.Config((), (pages,), {}, (service,)), dry_run=False)
    integ, secret = integration(team=team, **kw)
    alert = _alert(
        description="5xx above 5% on checkout for 10 minutes",
        runbook_url="https://runbooks.example.com/checkout-5xx",
    )
    answer = post(Client(), integ, secret, am_payload("g1", alert))
    assert answer.status_code == 200, answer.content
    (key,) = answer.json()["incidents"]
    return str(key)


def _body(mail: Any) -> list[str]:
    return str(mail.get_payload(decode=True).decode()).splitlines()


def test_a_page_email_tells_the_incident_the_alert_and_the_links(
    smtp_server: list[Any], make_user: Any, settings: Any
) -> None:
    from postmortems.server.incidents.models import Incident

    with_settings(settings, public_url=PUBLIC)
    _people(make_user, "sre", "alice")
    key = _open()
    incident = Incident.objects.get(key=key)
    assert incident.severity == "SEV1"  # a critical alert
    run_tasks()
    (mail,) = smtp_server
    subject = " ".join(str(mail["Subject"]).split())
    assert subject == f"[postmortems] [SEV1] {key} alert a1"
    assert subject.count(key) == 1
    body = _body(mail)
    assert body[0] == "You are paged: pages: step 1 of 1 (user alice)."
    assert body[2:8] == [
        f"{key} alert a1",
        "Severity: SEV1",
        "Status: triage",
        "Services: checkout",
        f"Incident: {PUBLIC}/incidents/{key}/",
        "",
    ]
    assert body[8:12] == [
        "Alert: alert a1",
        "5xx above 5% on checkout for 10 minutes",
        "Runbook: https://runbooks.example.com/checkout-5xx",
        "Source: http://prometheus.example/graph",
    ]
    assert body[13] == "Acknowledge (opens a confirmation page):"
    assert body[14].startswith(f"{PUBLIC}/oncall/ack/")
    # The link works: it opens the confirmation page of this page.
    confirm = Client().get(body[14].removeprefix(PUBLIC))
    assert confirm.status_code == 200
    assert "Acknowledge as alice" in confirm.content.decode()


def test_a_restricted_incident_is_told_in_full_only_to_who_may_see_it(
    smtp_server: list[Any], make_user: Any, settings: Any
) -> None:
    """A policy of no team pages alice, of team sre, for an incident restricted to team red:
    she is paged all the same, by its key and link, without what the incident is about."""
    with_settings(settings, public_url=PUBLIC)
    _people(make_user, "sre", "alice")
    key = _open(team="red", pager="", restricted=True)
    run_tasks()
    (mail,) = smtp_server
    subject = " ".join(str(mail["Subject"]).split())
    assert subject == f"[postmortems] Restricted incident {key} needs you"
    told = "\n".join(_body(mail))
    assert "and you cannot see it: sign in and ask its commander for access" in told
    assert f"Incident: {PUBLIC}/incidents/{key}/" in told
    for secret in ("alert a1", "5xx above", "runbooks.example.com", "checkout", "SEV1"):
        assert secret not in told


def test_a_restricted_incident_is_told_in_full_to_its_team(
    smtp_server: list[Any], make_user: Any, settings: Any
) -> None:
    with_settings(settings, public_url=PUBLIC)
    _people(make_user, "red", "alice")
    key = _open(team="red", pager="red", restricted=True)
    run_tasks()
    (mail,) = smtp_server
    assert " ".join(str(mail["Subject"]).split()) == f"[postmortems] [SEV1] {key} alert a1"
    assert "Runbook: https://runbooks.example.com/checkout-5xx" in _body(mail)


def test_a_page_by_hand_says_its_message_and_the_webhook_names_a_restricted_one_by_key(
    smtp_server: list[Any], make_user: Any, settings: Any
) -> None:
    """A page from On-call → Pages with a summary of its own: the email says it; the webhook
    post of a restricted incident names it by its key only."""
    from django.contrib.auth.models import User
    from django.utils import timezone
    from oncall_fixtures import apply

    from postmortems.server.incidents import services
    from postmortems.server.oncall import pagemail
    from postmortems.server.oncall.models import Notification

    with_settings(settings, public_url=PUBLIC)
    _people(make_user, "sre", "alice", "ivy")
    apply(policies=(policy("pages", (((("user", "alice"),), 10),)),))
    ivy = User.objects.get(username="ivy")
    client = Client()
    client.force_login(ivy)
    ledger = services.declare("Ledger drift", ivy, team="sre", now=timezone.now())
    typed = {"summary": "DBA needed now", "incident": ledger.key}
    assert client.post("/oncall/policies/pages/page/", typed).status_code == 302
    run_tasks()
    (mail,) = smtp_server
    assert (
        " ".join(str(mail["Subject"]).split()) == f"[postmortems] [SEV3] {ledger.key} Ledger drift"
    )
    assert _body(mail)[-5:-3] == ["", "Message: DBA needed now"]
    secret = services.declare(
        "Card data exposed", ivy, team="sre", restricted=True, now=timezone.now()
    )
    client.post("/oncall/policies/pages/page/", {"summary": "x", "incident": secret.key})
    row = Notification.objects.get(page__incident_key=secret.key, channel="email")
    line = pagemail.told(row, "https://ack").line
    assert (
        line == f"Page #{row.page_id}: {secret.key} (restricted) — alice, pages: step 1 of 1 "
        "(user alice)"
    )
    first = Notification.objects.get(page__incident_key=ledger.key, channel="email")
    assert pagemail.told(first, "x").line == (
        f"Page #{first.page_id}: [SEV3] {ledger.key} Ledger drift — alice, pages: step 1 of 1 "
        "(user alice)"
    )
