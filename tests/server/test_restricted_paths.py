"""Restricted postmortems and incidents stay out of the paths a security review found open:
the history of an acknowledged repeat, the incident's postmortem diff, "duplicate of", paging
with an incident's key; and webhook addresses (credentials) stay out of logs and pages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from incident_fixtures import restrict_to_other_team

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Breach of the payroll vault"


def login(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _secret_text(key: str) -> str:
    from workflow_fixtures import clean_text

    return (
        clean_text(key, status="published")
        .replace("2024-02-12", "2023-02-12")
        .replace("tags: [tls]", "tags: [tls]\nrestricted: true\nteams: [red]")
        .replace(
            "title: Checkout API returned 502s after certificate expiry",
            f"title: {SECRET_TITLE} (certificate expiry)",
        )
    )


def test_an_acknowledged_repeat_counts_a_restricted_one_without_naming_it(
    make_user: Any, settings: Any
) -> None:
    from workflow_fixtures import NOW, clean_text, with_settings

    from postmortems.server.accounts.models import set_role
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Event, ReviewRequest

    with_settings(settings, review_approvals=("*:1",))
    bob = make_user("bob", "reviewer", team="sre")
    set_role(bob, "red", "viewer")  # bob reads the red team's restricted postmortems
    carol = make_user("carol", "viewer", team="sre")  # carol does not
    store.create(_secret_text("PM-SECRET"), None)
    pm = store.create(clean_text("PM-NEW", status="in-review"), None).postmortem
    ReviewRequest.objects.create(postmortem=pm, reviewer=bob, created=NOW)

    # The reviewer is shown what he may see, title included, before approving...
    panel = login(bob).get("/p/PM-NEW/").content.decode()
    assert "PM-SECRET" in panel
    assert SECRET_TITLE in panel
    services.approve(pm, bob, now=NOW, acknowledged=True)

    # ...but the history every reader reads counts it.
    ack = Event.objects.get(postmortem=pm, transition="acknowledge-repeat")
    assert ack.note == "acknowledged a repeat of 1 restricted postmortem"
    assert login(carol).get("/p/PM-SECRET/").status_code == 404
    page = login(carol).get("/p/PM-NEW/").content.decode()
    assert "PM-SECRET" not in page
    assert SECRET_TITLE not in page
    assert "acknowledged a repeat of 1 restricted postmortem" in page


@pytest.mark.parametrize(
    ("named", "kept"),
    [
        # a restricted one, and a public one: the public one stays named
        (
            "PM-SECRET (Vault; keys): 2 open action items; PM-NEW (Checkout): 1 open action item",
            "PM-NEW (Checkout): 1 open action item; 1 restricted postmortem",
        ),
        # one deleted since (it may have been restricted): counted
        (
            "PM-NEW (Checkout): 1 open action item; PM-GONE (Vault): 2 open action items",
            "PM-NEW (Checkout): 1 open action item; 1 restricted postmortem",
        ),
        # a title that looks like the start of another part: counted too high, never shown
        ("PM-SECRET (Vault; door (north)): 2 open action items", "2 restricted postmortems"),
    ],
)
def test_the_migration_rewrites_notes_that_named_a_restricted_postmortem(
    make_user: Any, named: str, kept: str
) -> None:
    import importlib

    from django.apps import apps
    from workflow_fixtures import NOW, clean_text

    from postmortems.server.library import store
    from postmortems.server.workflow.models import Event

    store.create(_secret_text("PM-SECRET"), None)
    pm = store.create(clean_text("PM-NEW", status="in-review"), None).postmortem
    old = "acknowledged a repeat of " + named
    row = Event.objects.create(
        postmortem=pm, created=NOW, transition="acknowledge-repeat", note=old
    )
    other = Event.objects.create(postmortem=pm, created=NOW, transition="approve", note=old)
    migration = importlib.import_module(
        "postmortems.server.workflow.migrations.0003_repeat_notes_name_no_restricted"
    )
    migration.count_restricted(apps, None)
    row.refresh_from_db()
    assert row.note == "acknowledged a repeat of " + kept
    assert "Vault" not in row.note
    other.refresh_from_db()
    assert other.note == old  # only the acknowledgements


@pytest.fixture
def taken_over(make_user: Any) -> Iterator[tuple[Any, Any]]:
    """An incident of team sre whose postmortem the security team restricted to itself."""
    from postmortems.server.incidents import drafting, services

    ann = make_user("ann", "author", team="sre")
    root = make_user("root", superuser=True)
    now = timezone.now()
    incident = services.declare("Checkout down", ann, team="sre", severity="SEV2", now=now)
    pm = drafting.write_postmortem(incident, ann, now)
    restrict_to_other_team(pm, root, SECRET_TITLE)
    incident.refresh_from_db()
    return ann, incident


def test_the_incident_offers_no_diff_of_a_postmortem_its_team_cannot_see(
    taken_over: tuple[Any, Any],
) -> None:
    ann, incident = taken_over
    client = login(ann)
    assert client.get(f"/p/{incident.postmortem.key}/").status_code == 404
    page = client.get(f"/incidents/{incident.key}/postmortem/")
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET_TITLE not in html
    assert "restricted to teams you are not in" in html
    api = client.get(f"/api/incidents/{incident.key}/postmortem")
    assert api.status_code == 403
    assert SECRET_TITLE not in api.content.decode()
    assert "restricted" in api.json()["detail"]


def test_the_incident_still_offers_its_diff_to_who_can_see_the_postmortem(
    make_user: Any, taken_over: tuple[Any, Any]
) -> None:
    _, incident = taken_over
    sam = make_user("sam", "author", team="security")
    from postmortems.server.accounts.models import set_role

    set_role(sam, "sre", "author")  # may change the incident and read the postmortem
    body = login(sam).get(f"/api/incidents/{incident.key}/postmortem").json()
    assert body["postmortem"] == incident.postmortem.key
    assert "diff" in body


def test_duplicate_of_a_hidden_incident_is_refused_like_a_missing_one(make_user: Any) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident

    ann = make_user("ann", "author", team="sre")
    sam = make_user("sam", "author", team="security")
    now = timezone.now()
    hidden = services.declare("Vault breach", sam, team="security", restricted=True, now=now)
    mine = services.declare("Checkout down", ann, team="sre", now=now)
    client = login(ann)
    answers = []
    for key in (hidden.key, "INC-1999-0001"):
        r = client.post(
            f"/incidents/{mine.key}/status/",
            {"status": "duplicate", "duplicate_of": key},
            follow=True,
        )
        answers.append(r.content.decode().replace(key, "KEY"))
        assert f"no incident {key}" in r.content.decode()
    assert Incident.objects.get(pk=mine.pk).duplicate_of_id is None
    visible = services.declare("Checkout down again", ann, team="sre", now=now)
    client.post(
        f"/incidents/{mine.key}/status/", {"status": "duplicate", "duplicate_of": visible.key}
    )
    assert Incident.objects.get(pk=mine.pk).duplicate_of_id == visible.pk
    # The API says the same, as a refused move (409), for a hidden and a missing one alike.
    details = []
    for key in (hidden.key, "INC-1999-0001"):
        r = client.post(
            f"/api/incidents/{visible.key}/status",
            {"status": "duplicate", "duplicate_of": key},
            content_type="application/json",
        )
        assert r.status_code == 409
        details.append(r.json()["detail"].replace(key, "KEY"))
    assert details[0] == details[1] == "no incident KEY to be a duplicate of — check its key"


def test_a_duplicate_points_at_an_incident_that_goes_on(make_user: Any) -> None:
    """Not at another duplicate (a loop hid both from the open list), nor a cancelled one."""
    from postmortems.incident.model import IncidentError
    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    now = timezone.now()
    a, b, c = (services.declare(t, ann, team="sre", now=now) for t in ("A", "B", "C"))
    services.change_status(a, "duplicate", ann, now, duplicate_of=b)
    with pytest.raises(IncidentError, match=f"{a.key} is itself a duplicate of {b.key}") as info:
        services.change_status(b, "duplicate", ann, now, duplicate_of=a)
    assert info.value.hint == f"mark this one a duplicate of {b.key}"
    services.change_status(c, "cancelled", ann, now)
    with pytest.raises(IncidentError, match="was cancelled"):
        services.change_status(b, "duplicate", ann, now, duplicate_of=c)


def test_paging_names_only_an_incident_the_pager_may_change(make_user: Any) -> None:
    from oncall_fixtures import apply, policy

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Event
    from postmortems.server.oncall.models import Page

    ann = make_user("ann", "author", team="sre")
    make_user("alice", "viewer", team="sre")
    make_user("bob", "viewer", team="sre")
    sam = make_user("sam", "author", team="security")
    apply(policies=(policy(),))  # sre-page, team sre
    now = timezone.now()
    hidden = services.declare("Vault breach", sam, team="security", restricted=True, now=now)
    before = Event.objects.filter(incident=hidden).count()
    client = login(ann)
    r = client.post("/oncall/policies/sre-page/page/", {"summary": "spam", "incident": hidden.key})
    assert r.status_code == 400
    assert f"no incident {hidden.key} that you may change" in r.content.decode()
    assert 'value="spam"' in r.content.decode()
    r = client.post(
        "/api/oncall/pages",
        json.dumps({"policy": "sre-page", "summary": "spam", "incident": hidden.key}),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert hidden.key in r.json()["detail"]
    assert not Page.objects.exists()
    assert Event.objects.filter(incident=hidden).count() == before

    seen = services.declare("Seen by all", sam, team="security", now=now)  # not ann's to change
    r = _post_page(client, seen.key)
    assert r.status_code == 422
    assert f"no incident {seen.key} that you may change" in r.json()["detail"]

    mine = services.declare("Checkout down", ann, team="sre", now=now)
    r = client.post(
        "/api/oncall/pages",
        json.dumps({"policy": "sre-page", "summary": "db", "incident": mine.key}),
        content_type="application/json",
    )
    assert r.status_code == 201
    assert Event.objects.filter(incident=mine, text__contains="aged").exists()


def _post_page(client: Client, key: str) -> Any:
    body = {"policy": "sre-page", "summary": "spam", "incident": key}
    return client.post("/api/oncall/pages", json.dumps(body), content_type="application/json")


class _Gone(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_a_webhook_address_is_never_logged_or_shown(
    make_user: Any, settings: Any, caplog: Any
) -> None:
    from oncall_fixtures import apply, policy
    from workflow_fixtures import with_settings

    from postmortems.server.oncall import notify
    from postmortems.server.oncall.models import Notification, Page

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gone)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hook = f"http://127.0.0.1:{server.server_port}/services/T0001/B0001/XoXoSeCrEtToKeN"
        with_settings(settings, webhook_urls=(hook,))
        ann = make_user("ann", "author", team="sre")
        make_user("alice", "viewer", team="sre")
        make_user("bob", "viewer", team="sre")
        vic = make_user("vic", "viewer", team="sre")
        apply(policies=(policy(),))
        login(ann).post("/oncall/policies/sre-page/page/", {"summary": "db down"})
        page = Page.objects.get()
        row = Notification.objects.get(page=page, channel="webhook")
        with caplog.at_level("WARNING"):
            problems = notify.send(row.pk)
    finally:
        server.shutdown()
        server.server_close()
    assert problems == ["webhook 1 (127.0.0.1): HTTP 404 after 1 attempts"]
    assert "webhook 1 (127.0.0.1): HTTP 404" in caplog.text
    assert "XoXoSeCrEtToKeN" not in caplog.text
    html = login(vic).get(f"/oncall/pages/{page.pk}/").content.decode()
    assert "XoXoSeCrEtToKeN" not in html
    assert "webhook 1 (127.0.0.1)" in html


def test_a_webhook_label_names_its_place_and_host_only() -> None:
    from postmortems.server.workflow.webhooks import label

    assert label("https://hooks.slack.com/services/T/B/secret", 2) == "webhook 2 (hooks.slack.com)"
    assert label("https://user:pass@example.org:8443/x", 1) == "webhook 1 (example.org)"
    assert label("http://[::1", 3) == "webhook 3 (?)"


def test_a_malformed_webhook_address_is_not_named_either() -> None:
    from postmortems.server.workflow import webhooks

    secret = "hooks.example.org/services/T/B/XoXoSeCrEt"
    problems = webhooks.post_all([secret], {"text": "x"}, "")
    assert problems == ["webhook 1 (?): cannot post there (ValueError) after 1 attempts"]


def test_the_refusal_of_a_duplicate_of_a_duplicate_names_a_hidden_original_to_no_one(
    make_user: Any,
) -> None:
    from postmortems.incident.model import IncidentError
    from postmortems.server.incidents import services

    sam = make_user("sam", "author", team="security")
    eve = make_user("eve", "author", team="web")
    now = timezone.now()
    hidden = services.declare("Vault breach", sam, team="security", restricted=True, now=now)
    open_one = services.declare("Vault alarms", sam, team="security", now=now)
    services.change_status(open_one, "duplicate", sam, now, duplicate_of=hidden)
    mine = services.declare("Login slow", eve, team="web", now=now)
    with pytest.raises(IncidentError) as info:
        services.change_status(mine, "duplicate", eve, now, duplicate_of=open_one)
    assert hidden.key not in f"{info.value} {info.value.hint}"
    assert "is itself a duplicate of the incident it duplicates" in str(info.value)
    with pytest.raises(IncidentError, match=hidden.key):  # its own team is told which
        services.change_status(
            services.declare("x", sam, team="security", now=now),
            "duplicate",
            sam,
            now,
            duplicate_of=open_one,
        )
