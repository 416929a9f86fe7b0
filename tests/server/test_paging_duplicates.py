"""An incident marked a duplicate stops paging (as a resolved or cancelled one does), the page
saying why; the incident it duplicates says on its timeline who marked which incident, linked.

Before, INC-B marked a duplicate of INC-A kept escalating: minutes later it paged the whole team
although INC-A's page was acknowledged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oncall_fixtures import policy
from tests.server.incident_fixtures import am_alert, am_payload, integration, post

from postmortems.oncall import model

pytestmark = pytest.mark.django_db


def _setup() -> None:
    from postmortems.server.oncall import store

    # alice first; 10 minutes later the whole team (as in the report).
    whole = policy("sre-page", (((("user", "alice"),), 10), ((("team", "sre"),), 10)))
    config = model.Config((), (whole,), {}, (model.Service("checkout", "sre-page", "sre"),))
    store.apply_config(config, dry_run=False)


def _alert_incident(fingerprint: str, group: str, **kw: Any) -> Any:
    from postmortems.server.incidents.models import Incident

    integ, secret = integration(f"prod-{group}", team="sre", **kw)
    alert = am_alert(fingerprint, service=f"svc-{fingerprint}")  # each its own incident
    answer = post(Client(), integ, secret, am_payload(group, alert))
    assert answer.status_code == 200, answer.content
    (key,) = answer.json()["incidents"]
    return Incident.objects.get(key=key)


def _notes(incident: Any) -> list[tuple[str, str]]:
    rows = incident.events.filter(kind="note").order_by("at", "id")
    return list(rows.values_list("text", "link"))


def test_a_duplicate_stops_escalating_when_the_original_is_answered(make_user: Any) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Page

    _setup()
    alice, ivy = make_user("alice", "author"), make_user("ivy", "author")
    make_user("bob", "author")
    first = _alert_incident("a1", "g1")
    second = _alert_incident("b1", "g2")
    page_a = Page.objects.get(incident_key=first.key)
    page_b = Page.objects.get(incident_key=second.key)
    paging.acknowledge(page_a, alice, timezone.now())

    services.change_status(second, "duplicate", ivy, timezone.now(), duplicate_of=first)

    page_b.refresh_from_db()
    assert (page_b.state, page_b.stopped) == ("cancelled", f"duplicate of {first.key}")
    # Minutes later the tick pages nobody: before, the whole team.
    assert paging.tick(page_b.opened + dt.timedelta(minutes=30)) == 0
    assert set(Notification.objects.values_list("user", flat=True)) == {"alice"}
    assert _notes(second)[-1] == (
        f"page {page_b.pk} (sre-page) stopped: this incident is a duplicate of {first.key}",
        "",
    )
    text, link = _notes(first)[-1]
    assert text == f"{second.key} marked as a duplicate of this incident by ivy: alert b1"
    assert link.startswith("http")
    assert link.endswith(f"/incidents/{second.key}/")
    # Both pages show it: the incident's Paging panel, and the page itself.
    reader = Client()
    reader.force_login(ivy)
    html = reader.get(f"/incidents/{first.key}/").content.decode()
    assert f'href="{link}"' in html
    shown = reader.get(f"/oncall/pages/{page_b.pk}/").content.decode()
    assert f"cancelled: paging stopped before anyone acknowledged — duplicate of {first.key}" in (
        " ".join(shown.split())
    )
    panel = reader.get(f"/incidents/{second.key}/").content.decode()
    assert f"(duplicate of {first.key})" in panel
    assert reader.get("/api/oncall/pages", {"state": "cancelled"}).json()[0]["stopped"] == (
        f"duplicate of {first.key}"
    )


@pytest.mark.parametrize(
    ("status", "state", "stopped"),
    [
        ("resolved", "resolved", "the incident is resolved"),
        ("cancelled", "cancelled", "the incident was cancelled"),
    ],
)
def test_resolving_or_cancelling_records_why_the_page_stopped_as_a_duplicate_does(
    make_user: Any, status: str, state: str, stopped: str
) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.oncall.models import Page

    _setup()
    ivy = make_user("ivy", "author")
    incident = _alert_incident("a1", "g1")
    if status == "resolved":
        services.change_status(incident, "investigating", ivy, timezone.now())
    services.change_status(incident, status, ivy, timezone.now())
    page = Page.objects.get()
    assert (page.state, page.stopped) == (state, stopped)
    assert _notes(incident)[-1][0] == f"page {page.pk} (sre-page) stopped: {stopped}"


def test_a_duplicate_of_a_resolved_incident_stops_too(make_user: Any) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.oncall.models import Page

    _setup()
    ivy = make_user("ivy", "author")
    first = _alert_incident("a1", "g1")
    services.change_status(first, "investigating", ivy, timezone.now())
    services.change_status(first, "resolved", ivy, timezone.now())
    second = _alert_incident("b1", "g2")
    services.change_status(second, "duplicate", ivy, timezone.now(), duplicate_of=first)
    assert Page.objects.get(incident_key=second.key).state == "cancelled"
    assert not Page.objects.filter(incident_key=first.key, state="open").exists()


def test_each_timeline_names_the_other_incident_only_to_who_may_see_it(make_user: Any) -> None:
    """A restricted duplicate is not named on the open original's timeline (nor linked); an
    open duplicate of a restricted original does not name it either, on its timeline or its
    page."""
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    _setup()
    alice, ivy = make_user("alice", "author"), make_user("ivy", "author")
    hidden = _alert_incident("s1", "g1", restricted=True)
    shown = _alert_incident("o1", "g2")
    for key in (hidden.key, shown.key):
        paging.acknowledge(Page.objects.get(incident_key=key), alice, timezone.now())
    third = _alert_incident("o2", "g3")
    fourth = _alert_incident("s2", "g4", restricted=True)

    services.change_status(fourth, "duplicate", ivy, timezone.now(), duplicate_of=shown)
    services.change_status(third, "duplicate", ivy, timezone.now(), duplicate_of=hidden)

    assert (
        "A restricted incident was marked as a duplicate of this incident by ivy.",
        "",
    ) in _notes(shown)
    assert fourth.key not in str(list(shown.events.values_list("text", "link")))
    page = Page.objects.get(incident_key=third.key)
    assert page.stopped == "duplicate of another incident"
    assert hidden.key not in str(list(third.events.values_list("text", "link")))
    # The restricted original's own readers see who was marked a duplicate of it, linked.
    text, link = _notes(hidden)[-1]
    assert text.startswith(f"{third.key} marked as a duplicate of this incident by ivy")
    assert link.endswith(f"/incidents/{third.key}/")


def test_the_api_and_the_pages_form_page_a_policy_once_and_only_while_it_goes_on(
    make_user: Any,
) -> None:
    """POST /api/oncall/pages twice for one incident paged alice twice (and an alert had paged
    her already), and paged for a closed incident: the incident's page refused both."""
    import json

    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.incidents import services
    from postmortems.server.oncall.models import Page

    _setup()
    alice = make_user("alice", "author")
    incident = services.declare("Checkout slow", alice, now=timezone.now(), team="sre")
    token = ApiToken.issue(alice, "script", scope="write")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def page(key: str) -> Any:
        body = {"policy": "sre-page", "summary": "checkout slow", "incident": key}
        return api.post("/api/oncall/pages", json.dumps(body), content_type="application/json")

    assert page(incident.key).status_code == 201
    again = page(incident.key)
    assert again.status_code == 409
    assert again.json()["detail"] == f"sre-page is already paging {incident.key}"
    assert again.json()["hint"].startswith("it goes on escalating")
    assert Page.objects.filter(incident_key=incident.key).count() == 1
    closed = services.declare("Old", alice, now=timezone.now(), team="sre")
    services.change_status(closed, "resolved", alice, timezone.now())
    ended = page(closed.key)
    assert ended.status_code == 409
    assert "nobody is paged for it" in ended.json()["detail"]
    client = Client()
    client.force_login(alice)
    form = {"summary": "checkout slow", "incident": incident.key}
    refused = client.post("/oncall/policies/sre-page/page/", form, follow=True)
    assert "sre-page is already paging" in refused.content.decode()
    assert Page.objects.filter(incident_key=incident.key).count() == 1
