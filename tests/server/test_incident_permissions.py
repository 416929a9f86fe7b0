"""Restricted incidents never show outside their team: list, page, inbox, errors, draft."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.server.incident_fixtures import am_alert, am_payload, integration, post

pytestmark = pytest.mark.django_db

SECRET_TITLE = "alert vault-1"


@pytest.fixture
def vault(client: Client) -> Any:
    """A restricted incident of team sec, an inbox alert and an ingest error of its integration."""
    from postmortems.server.incidents.models import Incident

    integ, secret = integration("vault", team="sec", restricted=True)
    post(client, integ, secret, am_payload("v", am_alert("vault-1")))
    post(client, integ, secret, am_payload("v2", am_alert("vault-warn", severity="warning")))
    post(client, integ, secret, None, raw=b'{"vault-secret-body')  # its sender, cut short
    return Incident.objects.get()


def _as(make_user: Any, name: str, team: str, role: str = "admin") -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(name, role, team=team))
    return client


def test_outsiders_see_nothing(make_user: Any, vault: Any) -> None:
    out = _as(make_user, "eve", "web")
    assert vault.key not in out.get("/incidents/").content.decode()
    assert SECRET_TITLE not in out.get("/incidents/").content.decode()
    for path in ("", "timeline/", "postmortem/"):
        assert out.get(f"/incidents/{vault.key}/{path}").status_code == 404
    assert out.post(f"/incidents/{vault.key}/note/", {"text": "x"}).status_code == 404
    assert "vault-warn" not in out.get("/incidents/inbox/").content.decode()
    errors = out.get("/incidents/ingest-errors/").content.decode()
    assert "vault-secret-body" not in errors
    assert "/hooks/alertmanager/vault/" not in errors


def test_members_see_it(make_user: Any, vault: Any) -> None:
    member = _as(make_user, "sam", "sec", "viewer")
    assert vault.key in member.get("/incidents/").content.decode()
    assert member.get(f"/incidents/{vault.key}/").status_code == 200
    assert "vault-warn" in member.get("/incidents/inbox/").content.decode()
    assert "vault-secret-body" in member.get("/incidents/ingest-errors/").content.decode()


def test_a_linked_postmortem_panel_hides_a_restricted_incident(make_user: Any, vault: Any) -> None:
    from tests.server.conftest import doc_text

    from postmortems.server.incidents import drafting
    from postmortems.server.library import store

    pm = store.create(doc_text("PM-OPEN"), None).postmortem
    vault.postmortem = pm
    vault.save()
    out = _as(make_user, "eve", "web")
    assert vault.key not in out.get("/p/PM-OPEN/").content.decode()
    member = _as(make_user, "sam", "sec", "viewer")
    assert vault.key in member.get("/p/PM-OPEN/").content.decode()
    assert drafting.panel is not None


def test_the_panel_links_the_newest_incident_the_reader_may_see(make_user: Any, vault: Any) -> None:
    """An older open incident and a newer restricted one drafted the same postmortem: outsiders
    are shown the open one, members of the team the newer one (and never a hidden title)."""
    import datetime as dt

    from tests.server.conftest import doc_text

    from postmortems.server.incidents.models import Incident
    from postmortems.server.library import store

    pm = store.create(doc_text("PM-TWO"), None).postmortem
    Incident.objects.create(
        key="INC-2000-0001",
        year=2000,
        number=1,
        title="the open one",
        severity="SEV3",
        status="resolved",
        created=vault.created - dt.timedelta(days=1),
        postmortem=pm,
    )
    Incident.objects.filter(pk=vault.pk).update(postmortem=pm)
    outsider = _as(make_user, "eve", "web", "viewer").get("/p/PM-TWO/").content.decode()
    assert "INC-2000-0001" in outsider
    assert "the open one" in outsider
    assert vault.key not in outsider
    assert vault.title not in outsider
    member = _as(make_user, "sam", "sec", "viewer").get("/p/PM-TWO/").content.decode()
    assert vault.key in member
    assert "INC-2000-0001" not in member


def test_links_to_a_hidden_postmortem_or_duplicate_are_not_shown(
    make_user: Any, vault: Any
) -> None:
    """An open incident names what its reader may see: not the restricted postmortem drafted
    from it, nor the restricted incident it duplicates (page, timeline and API alike)."""
    import json

    from django.utils import timezone
    from tests.server.conftest import doc_text

    from postmortems.server.incidents import services
    from postmortems.server.library import store

    sam = make_user("sam", "admin", team="sec")
    opened = services.declare("Checkout slow", sam, now=timezone.now(), team="sec")
    opened.postmortem = store.create(
        doc_text("PM-SECRET", restricted=True, teams="sec"), None
    ).postmortem
    opened.save()
    services.change_status(opened, "duplicate", sam, timezone.now(), duplicate_of=vault)
    out = _as(make_user, "eve", "web")
    page = out.get(f"/incidents/{opened.key}/").content.decode()
    assert vault.key not in page
    assert "Marked as a duplicate of a restricted incident." in page
    assert "PM-SECRET" not in page
    shown = json.loads(out.get(f"/api/incidents/{opened.key}").content)
    assert (shown["duplicate_of"], shown["postmortem"]) == (None, None)
    listed = json.loads(out.get("/api/incidents").content)
    assert [(i["key"], i["postmortem"]) for i in listed] == [(opened.key, None)]
    member = _as(make_user, "max", "sec", "viewer")
    assert (
        f'href="/incidents/{vault.key}/"'
        in member.get(f"/incidents/{opened.key}/").content.decode()
    )
    shown = json.loads(member.get(f"/api/incidents/{opened.key}").content)
    assert (shown["duplicate_of"], shown["postmortem"]) == (vault.key, "PM-SECRET")


def test_a_link_that_is_not_http_is_refused_or_not_linked(make_user: Any, client: Client) -> None:
    """Timeline links given through the API must be http(s); an alert's or a chat export's
    link that is not (stored as sent) is shown as text, never as a `javascript:` href."""
    import datetime as dt

    from postmortems.server.incidents.models import Event, Incident

    integ, secret = integration("web")
    bad = {"generatorURL": "javascript:alert(document.domain)"}
    post(client, integ, secret, am_payload("g", am_alert("x1") | bad))
    post(client, integ, secret, am_payload("w", am_alert("x2", severity="warning") | bad))
    incident = Incident.objects.get()
    writer = _as(make_user, "ann", "web", "author")
    body = {"at": "2026-03-01T10:05:00Z", "kind": "chat-message", "text": "see this"}
    for link, status in (
        ("javascript:alert(1)", 422),
        ("data:text/html,x", 422),
        ("https://ok.example/1", 200),
    ):
        answer = writer.post(
            f"/api/incidents/{incident.key}/events",
            {"events": [body | {"link": link, "external_id": link}]},
            content_type="application/json",
        )
        assert answer.status_code == status, (link, answer.content)
    at = dt.datetime(2026, 3, 1, 10, 6, tzinfo=dt.UTC)
    Event.objects.create(
        incident=incident,
        at=at,
        kind="chat-message",
        text="old row",
        link="javascript:x()",
        created=at,
    )
    inner = {"at": "2026-03-01T10:07:00Z", "kind": "note", "text": "graph", "external_id": "g"}
    inner["link"] = "http://prometheus-k8s-0:9090/graph?g0.expr=up"  # a host without a dot
    events = {"events": [inner]}
    assert (
        writer.post(
            f"/api/incidents/{incident.key}/events", events, content_type="application/json"
        ).status_code
        == 200
    )
    page = writer.get(f"/incidents/{incident.key}/").content.decode()
    assert 'href="https://ok.example/1"' in page
    assert 'href="http://prometheus-k8s-0:9090/graph?g0.expr=up"' in page
    assert "javascript:" not in page
    inbox = writer.get("/incidents/inbox/").content.decode()
    assert "alert x2" in inbox
    assert "javascript:" not in inbox


def test_the_draft_note_names_no_postmortem_restricted_after(make_user: Any) -> None:
    """The timeline's entry that the postmortem was drafted kept the key on the open incident's
    page and API once the postmortem was restricted (its link was hidden): it names the key,
    linked, only to a reader of the postmortem."""
    import json

    from django.utils import timezone

    from postmortems.server.incidents import drafting, services
    from postmortems.server.library import store

    sam = make_user("sam", "admin", team="sec")
    opened = services.declare("Vault sealed", sam, now=timezone.now(), team="sec")
    drafted = drafting.write_postmortem(opened, sam, timezone.now())
    text = drafted.text.replace("restricted: false", "restricted: true", 1)
    if "restricted: true" not in text:
        text = text.replace("\n---\n", "\nrestricted: true\nteams: [sec]\n---\n", 1)
    store.update(drafted.key, text, sam, base_version=drafted.version)
    out = _as(make_user, "eve", "web", "viewer")
    page = out.get(f"/incidents/{opened.key}/").content.decode()
    assert "sam drafted the postmortem from the timeline." in page
    assert drafted.key not in page
    shown = json.loads(out.get(f"/api/incidents/{opened.key}").content)
    assert shown["postmortem"] is None
    assert drafted.key not in json.dumps(shown)
    member = _as(make_user, "max", "sec", "viewer")
    seen = member.get(f"/incidents/{opened.key}/").content.decode()
    assert f'href="/p/{drafted.key}/"' in seen
    assert f'sam drafted the postmortem <a href="/p/{drafted.key}/">{drafted.key}</a>' in seen
