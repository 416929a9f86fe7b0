"""The incidents API: declare, note, status, resolve, show with its timeline, metrics, draft."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.server.incident_fixtures import am_alert, am_payload, integration, post

from postmortems.server.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _token(user: Any, scope: str = "write") -> Client:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "cli", scope=scope)
    return Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)


def _send(client: Client, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_declare_note_resolve_show(make_user: Any) -> None:
    api = _token(make_user("ann", "author", team="sre"))
    made = _send(api, "/api/incidents", {"title": "DB slow", "severity": "SEV2", "team": "sre"})
    assert made.status_code == 201, made.content
    key = made.json()["key"]
    assert _send(api, f"/api/incidents/{key}/notes", {"text": "failover"}).status_code == 201
    moved = _send(api, f"/api/incidents/{key}/status", {"status": "monitoring"})
    assert moved.json()["status"] == "monitoring"
    done = _send(api, f"/api/incidents/{key}/resolve", {"why": "latency normal"})
    assert done.json()["status"] == "resolved"
    shown = api.get(f"/api/incidents/{key}").json()
    kinds = [e["kind"] for e in shown["timeline"]]
    assert kinds.count("status-change") == 3
    from postmortems.server.incidents.models import Event

    opening = Event.objects.get(incident__key=key, kind="status-change", text__startswith="Decl")
    assert ["via", "api"] in opening.detail  # the draft says "Declared by ann through the API"
    assert "note" in kinds
    assert shown["milestones"]["resolved"] is not None
    assert shown["metrics"]["time_to_resolve"] is not None
    listed = api.get("/api/incidents", {"status": "resolved"}).json()
    assert [i["key"] for i in listed] == [key]


def test_the_severity_is_raised_and_lowered_on_the_record(make_user: Any) -> None:
    api = _token(make_user("ann", "author", team="sre"))
    key = _send(api, "/api/incidents", {"title": "DB slow", "severity": "SEV3", "team": "sre"})
    key = key.json()["key"]
    raised = _send(api, f"/api/incidents/{key}/severity", {"severity": "SEV1", "why": "all EU"})
    assert raised.status_code == 200, raised.content
    assert raised.json()["severity"] == "SEV1"
    lowered = _send(api, f"/api/incidents/{key}/severity", {"severity": "SEV2"})
    assert lowered.json()["severity"] == "SEV2"
    again = _send(api, f"/api/incidents/{key}/severity", {"severity": "SEV2"})
    assert again.status_code == 409
    assert "already SEV2" in again.json()["detail"]
    bad = _send(api, f"/api/incidents/{key}/severity", {"severity": "SEV5"})
    assert bad.status_code == 422
    timeline = api.get(f"/api/incidents/{key}").json()["timeline"]
    changes = [e["text"] for e in timeline if e["kind"] == "severity-change"]
    assert changes == [
        "Severity raised from SEV3 to SEV1. All EU",  # the reason starts a sentence
        "Severity lowered from SEV1 to SEV2.",
    ]
    viewer = _token(make_user("vic", "viewer", team="sre"))
    refused = _send(viewer, f"/api/incidents/{key}/severity", {"severity": "SEV4"})
    assert refused.status_code == 403
    assert Incident.objects.get(key=key).severity == "SEV2"


def test_an_event_time_without_its_offset_is_refused_as_sent(make_user: Any) -> None:
    api = _token(make_user("ann", "author", team="sre"))
    key = _send(api, "/api/incidents", {"title": "DB slow", "team": "sre"}).json()["key"]
    event = {"at": "2026-12-04T10:00:00", "kind": "note", "text": "failover"}
    answer = _send(api, f"/api/incidents/{key}/events", {"events": [event]})
    assert 400 <= answer.status_code < 500
    said = json.dumps(answer.json())
    assert "2026-12-04T10:00:00" in said
    assert "datetime.datetime" not in said


def test_every_field_of_the_declaration_reaches_the_incident(make_user: Any) -> None:
    from postmortems.server.incidents.models import Incident

    api = _token(make_user("ann", "author", team="sre"))
    body = {"title": "DB slow", "severity": "SEV1", "team": "sre", "services": ["db"]}
    body |= {"restricted": True, "timezone": "Europe/Berlin", "page": False}
    made = _send(api, "/api/incidents", body)
    assert made.status_code == 201, made.content
    row = Incident.objects.get(key=made.json()["key"])
    stored = (row.title, row.severity, row.team, row.services, row.restricted, row.timezone)
    assert stored == ("DB slow", "SEV1", "sre", ["db"], True, "Europe/Berlin")


def test_refusals_are_json(make_user: Any) -> None:
    api = _token(make_user("ann", "author", team="sre"))
    key = _send(api, "/api/incidents", {"title": "x", "team": "sre"}).json()["key"]
    bad = _send(api, f"/api/incidents/{key}/status", {"status": "closed"})
    assert bad.status_code == 409  # no such move from triage
    assert "cannot move from triage to closed" in bad.json()["detail"]
    other = _send(api, "/api/incidents", {"title": "y", "team": "sre"}).json()["key"]
    kept = _send(
        api, f"/api/incidents/{key}/status", {"status": "cancelled", "duplicate_of": other}
    )
    assert kept.status_code == 409  # a duplicate's key with another status: not "Marked as …"
    assert "only a duplicate names the incident it duplicates" in kept.json()["detail"]
    assert api.get(f"/api/incidents/{key}").json()["status"] == "triage"
    assert _send(api, "/api/incidents", {"title": "x", "timezone": "Nowhere"}).status_code == 422
    assert _send(api, "/api/incidents", "Outage").status_code == 422  # not read as attributes
    assert _send(api, f"/api/incidents/{key}/status", {"status": "gone"}).status_code == 422
    assert _send(api, "/api/incidents", {"title": "x", "restricted": 0}).status_code == 422
    make_user("wes", "author", team="web")  # a team of the server, not ann's
    assert _send(api, "/api/incidents", {"title": "x", "team": "web"}).status_code == 403
    # A NUL in a service name (PostgreSQL's JSON cannot hold one; the fuzzer found the 500)
    nul = _send(api, "/api/incidents", {"title": "x", "team": "sre", "services": ["a\u0000b"]})
    assert nul.status_code == 422, nul.content
    reader = _token(make_user("rita", "viewer", team="sre"), scope="read")
    assert _send(reader, f"/api/incidents/{key}/notes", {"text": "x"}).status_code == 403
    assert Client().get("/api/incidents").status_code == 401


def test_events_are_idempotent(make_user: Any) -> None:
    api = _token(make_user("ann", "author", team="sre"))
    key = _send(api, "/api/incidents", {"title": "x", "team": "sre"}).json()["key"]
    at = dt.datetime(2026, 3, 1, 10, 5, tzinfo=dt.UTC).isoformat()
    batch = {
        "events": [
            {"at": at, "kind": "chat-message", "text": "seeing 502s", "external_id": "slack:c:1"}
        ]
    }
    assert _send(api, f"/api/incidents/{key}/events", batch).json() == {"added": 1, "skipped": 0}
    with CaptureQueriesContext(connection) as queries:
        again = _send(api, f"/api/incidents/{key}/events", batch).json()
    assert again == {"added": 0, "skipped": 1}
    reads = [q["sql"] for q in queries if "external_id" in q["sql"] and "SELECT" in q["sql"]]
    assert len(reads) == 1, reads  # the known ids are read once, for the check and the write
    # The same event twice in one batch (an exporter's retry inside it): written once.
    twice = {"events": [{**batch["events"][0], "external_id": "slack:c:9"}] * 2}
    assert _send(api, f"/api/incidents/{key}/events", twice).json() == {"added": 1, "skipped": 1}
    assert Incident.objects.get(key=key).events.filter(external_id="slack:c:9").count() == 1
    # An offset PostgreSQL cannot store (+19:15) is the same instant in UTC, not a 500.
    far = {"at": "2026-03-02T05:20:00+19:15", "kind": "note", "text": "x", "external_id": "n:2"}
    assert _send(api, f"/api/incidents/{key}/events", {"events": [far]}).status_code == 200
    stored = Incident.objects.get(key=key).events.get(external_id="n:2").at
    assert stored == dt.datetime(2026, 3, 1, 10, 5, tzinfo=dt.UTC)
    off = {**far, "at": "9999-12-31T23:00:00-01:30", "external_id": "n:3"}  # past the calendar
    refused = _send(api, f"/api/incidents/{key}/events", {"events": [off]})
    assert refused.status_code == 422
    assert "between 0001-01-02 and 9999-12-30" in refused.text


def test_an_event_in_the_future_or_a_response_before_detection_is_refused(make_user: Any) -> None:
    """The milestones read the events: an acknowledgement hours before the detection, or a note
    dated next year, would make them say what did not happen (a hand edit refuses the same)."""
    from django.utils import timezone

    api = _token(make_user("ann", "author", team="sre"))
    key = _send(api, "/api/incidents", {"title": "x", "team": "sre"}).json()["key"]
    detected = Incident.objects.get(key=key).detected
    cases = [
        ("note", timezone.now() + dt.timedelta(days=365), "in the future"),
        (
            "acknowledgement",
            detected - dt.timedelta(hours=2),
            "is before the incident was detected",
        ),
        ("escalation", detected - dt.timedelta(hours=3), "is before the incident was detected"),
    ]
    for kind, at, said in cases:
        event = {"at": at.isoformat(), "kind": kind, "text": "x", "external_id": kind}
        refused = _send(api, f"/api/incidents/{key}/events", {"events": [event]})
        assert refused.status_code == 409, refused.content
        assert said in refused.json()["detail"]
    assert (
        Incident.objects.get(key=key).events.filter(external_id__in=["note", "escalation"]).count()
        == 0
    )
    # A chat message or a page before the detection is history (a page detects), and a clock a
    # little ahead is a clock.
    before = (detected - dt.timedelta(hours=1)).isoformat()
    fine = [
        {"at": before, "kind": "chat-message", "text": "hm"},
        {"at": before, "kind": "page", "text": "paged by the old pager"},
        {
            "at": (timezone.now() + dt.timedelta(minutes=2)).isoformat(),
            "kind": "note",
            "text": "ok",
        },
    ]
    assert _send(api, f"/api/incidents/{key}/events", {"events": fine}).json()["added"] == 3


def test_postmortem_once_then_a_diff(make_user: Any) -> None:
    api = _token(make_user("ann", "author", team="sre"))
    key = _send(api, "/api/incidents", {"title": "Cache stampede", "team": "sre"}).json()["key"]
    _send(api, f"/api/incidents/{key}/resolve", {})
    written = _send(api, f"/api/incidents/{key}/postmortem", {"profile": "google-sre"})
    assert written.status_code == 201, written.content
    assert "## Trigger" in written.json()["text"]  # the team's format
    pm_key = written.json()["postmortem"]
    assert api.get(f"/api/postmortems/{pm_key}").status_code == 200
    assert api.get(f"/api/incidents/{key}").json()["postmortem"] == pm_key
    assert _send(api, f"/api/incidents/{key}/postmortem", {}).status_code == 409
    offer = api.get(f"/api/incidents/{key}/postmortem").json()
    assert offer["postmortem"] == pm_key
    assert offer["draft"] == ""


def test_the_offered_draft_is_in_the_profile_asked_for(make_user: Any) -> None:
    """GET …/postmortem?profile= drafts in that format (as the page's Format selector and the
    POST do); an unknown one is a 422 that names the known ones; the schema declares it."""
    api = _token(make_user("ann", "author", team="sre"))
    key = _send(api, "/api/incidents", {"title": "Search 5xx", "team": "sre"}).json()["key"]
    url = f"/api/incidents/{key}/postmortem"
    assert "## Trigger" not in api.get(url).json()["draft"]  # the team's: classic
    sre = api.get(f"{url}?profile=google-sre")
    assert sre.status_code == 200, sre.content
    assert "## Trigger" in sre.json()["draft"]
    assert "## Trigger" not in api.get(f"{url}?profile=minimal").json()["draft"]
    wrong = api.get(f"{url}?profile=sre")
    assert wrong.status_code == 422
    said = json.dumps(wrong.json())
    assert all(name in said for name in ("classic", "google-sre", "minimal")), said
    schema = api.get("/api/openapi.json").json()
    params = schema["paths"]["/api/incidents/{key}/postmortem"]["get"]["parameters"]
    assert "profile" in [p["name"] for p in params]


def test_the_drafts_notes_are_the_pages_unless_the_post_names_them(make_user: Any) -> None:
    """A note typed on the incident joins the drafted timeline by default, as its page ticks
    it; a chat message only when named; ``key_moments: []`` takes none."""
    api = _token(make_user("ann", "author", team="sre"))
    keys = [
        _send(api, "/api/incidents", {"title": t, "team": "sre"}).json()["key"]
        for t in ("Cache stampede", "Cache stampede again")
    ]
    now = timezone.now()
    for key in keys:
        typed = [
            {
                "at": (now - dt.timedelta(minutes=9)).isoformat(),
                "kind": "note",
                "text": "Rolled back deploy 4812",
            },
            {
                "at": (now - dt.timedelta(minutes=8)).isoformat(),
                "kind": "chat-message",
                "text": "anyone else seeing 502s?",
            },
        ]
        assert _send(api, f"/api/incidents/{key}/events", {"events": typed}).status_code == 200
    offer = api.get(f"/api/incidents/{keys[0]}/postmortem").json()
    notes = offer["notes"]
    assert [(n["kind"], n["text"], n["author"], n["ticked"]) for n in notes] == [
        ("note", "Rolled back deploy 4812", "ann", True),  # named by who typed it
        ("chat", "anyone else seeing 502s?", "ann", False),
    ]
    assert "Rolled back deploy 4812" in offer["draft"]
    assert "anyone else seeing 502s" not in offer["draft"]
    wrong = _send(
        api, f"/api/incidents/{keys[0]}/postmortem", {"key_moments": [notes[0]["id"] + 99]}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "key_moments"
    assert "GET /api/incidents/" in wrong.json()["hint"]
    written = _send(api, f"/api/incidents/{keys[0]}/postmortem", {})
    assert written.status_code == 201, written.content
    assert written.json()["text"] == offer["draft"]  # the draft offered is the one written
    assert api.get(f"/api/incidents/{keys[0]}/postmortem").json()["notes"] == []
    chat_only = {
        "key_moments": [api.get(f"/api/incidents/{keys[1]}/postmortem").json()["notes"][1]["id"]]
    }
    text = _send(api, f"/api/incidents/{keys[1]}/postmortem", chat_only).json()["text"]
    assert "anyone else seeing 502s" in text
    assert "Rolled back deploy 4812" not in text


def test_metrics_per_team_leave_out_restricted_incidents(make_user: Any, client: Client) -> None:
    integ, secret = integration("vault", team="sec", restricted=True)
    post(client, integ, secret, am_payload("v", am_alert("v1")))
    api = _token(make_user("ann", "author", team="sre"))
    for n in range(3):
        key = _send(api, "/api/incidents", {"title": f"i{n}", "team": "sre"}).json()["key"]
        _send(api, f"/api/incidents/{key}/resolve", {})
    seen = api.get("/api/incidents/metrics", {"by": "team"}).json()
    assert set(seen["groups"]) == {"sre"}
    assert seen["groups"]["sre"]["time_to_resolve"]["count"] == 3
    assert "time_to_detect" in seen["definitions"]
    insider = _token(make_user("sam", "viewer", team="sec"))
    assert "sec" in insider.get("/api/incidents/metrics").json()["groups"]
    hidden = api.get("/api/incidents").json()
    assert all(i["team"] != "sec" for i in hidden)
    from postmortems.server.incidents.models import Incident

    vault_key = Incident.objects.get(team="sec").key
    assert api.get(f"/api/incidents/{vault_key}").status_code == 404
    assert api.get(f"/api/incidents/{vault_key}/postmortem").status_code == 404
    assert insider.get(f"/api/incidents/{vault_key}").status_code == 200


def test_openapi_documents_the_incidents(make_user: Any) -> None:
    api = _token(make_user("ann", "viewer", team="sre"))
    paths = api.get("/api/openapi.json").json()["paths"]
    assert "/api/incidents/{key}" in paths
    assert "/api/incidents/metrics" in paths


def test_the_statuses_the_api_accepts_are_the_lifecycle_s() -> None:
    from typing import get_args

    from postmortems.incident.lifecycle import STATUSES
    from postmortems.server.api.incidents import StatusName

    assert get_args(StatusName) == STATUSES


def test_an_event_at_the_calendars_end_shows_in_utc(make_user: Any) -> None:
    # An alert's stamp can reach the end of the calendar, where a zone east of UTC has no date.
    user = make_user("ann", "author", team="sre")
    api = _token(user)
    made = {"title": "x", "team": "sre", "timezone": "Pacific/Kiritimati"}
    key = _send(api, "/api/incidents", made).json()["key"]
    incident = Incident.objects.get(key=key)
    late = dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)
    incident.events.create(at=late, kind="note", text="stamped at the end", created=late)
    web = Client()
    web.force_login(user)
    page = web.get(f"/incidents/{key}/")
    assert page.status_code == 200
    assert "9999-12-31 23:30:00 UTC" in page.content.decode()
    assert web.get(f"/incidents/{key}/timeline/").status_code == 200


def test_the_list_takes_words_and_keeps_restricted_ones_hidden(make_user: Any) -> None:
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    ivan = make_user("ivan", "author", team="red")
    now = timezone.now()
    dns = services.declare("Resolver timeouts", ann, team="sre", services=["dns"], now=now)
    secret = services.declare("Resolver leak", ivan, team="red", restricted=True, now=now)
    api = _token(ann)
    listed = api.get("/api/incidents", {"q": "RESOLVER"}).json()
    assert [i["key"] for i in listed] == [dns.key]
    assert api.get("/api/incidents", {"q": "dns", "severity": "SEV1"}).json() == []
    assert {i["key"] for i in _token(ivan).get("/api/incidents", {"q": "resolver"}).json()} == {
        dns.key,
        secret.key,
    }
    for name, value in (("status", "sleeping"), ("severity", "SEV9")):
        unknown = api.get("/api/incidents", {name: value})
        assert unknown.status_code == 422
        assert f"unknown {name} '{value}'" in json.dumps(unknown.json())
    too_many = api.get("/api/incidents", {"q": "a b c d e f g h zzz"})
    assert too_many.status_code == 422
    assert "8 words at most" in json.dumps(too_many.json())
    too_long = api.get("/api/incidents", {"q": "x" * 201})
    assert too_long.status_code == 422
    assert "q" in json.dumps(too_long.json())


def test_an_event_s_author_is_shown_with_who_posted_it_and_year_one_is_refused(
    make_user: Any,
) -> None:
    """An API client may name any author (a chat bridge posts its people's words): the page
    and the API also say who posted it when that is someone else. An event in the year 1 would
    move the milestones there: refused, as the milestone form refuses it."""
    api = _token(make_user("ann", "author", team="sre"))
    key = _send(api, "/api/incidents", {"title": "x", "team": "sre"}).json()["key"]
    at = dt.datetime.now(dt.UTC).isoformat()
    said = {"at": at, "kind": "note", "text": "rolled back", "author": "vera", "external_id": "b:1"}
    own = {"at": at, "kind": "note", "text": "checked", "author": "ann", "external_id": "b:2"}
    assert _send(api, f"/api/incidents/{key}/events", {"events": [said, own]}).status_code == 200
    timeline = api.get(f"/api/incidents/{key}").json()["timeline"]
    posted = {e["text"]: (e["author"], e["posted_by"]) for e in timeline}
    assert posted["rolled back"] == ("vera", "ann")
    assert posted["checked"] == ("ann", "")
    reader = Client()
    reader.force_login(make_user("vic", "viewer", team="sre"))
    assert "via ann" in reader.get(f"/incidents/{key}/").content.decode()
    old = {**own, "at": "0001-01-02T00:00:00+00:00", "external_id": "b:3"}
    refused = _send(api, f"/api/incidents/{key}/events", {"events": [old]})
    assert refused.status_code == 409
    assert "in the year 1" in refused.json()["detail"]


def test_declaring_for_a_team_the_server_lacks_names_it_and_the_choices(make_user: Any) -> None:
    """It was a 403 "you need the author role in team nope", as if the team existed (for a
    superuser, who may declare for any team, it was already the 422)."""
    api = _token(make_user("ada", "author", team="sre"))
    make_user("bo", "author", team="web")
    typo = _send(api, "/api/incidents", {"title": "Checkout slow", "team": "nope"})
    assert typo.status_code == 422
    assert typo.json()["detail"].startswith("no team 'nope'")
    assert typo.json()["detail"].endswith("leave the team empty or name an existing one")
    other = _send(api, "/api/incidents", {"title": "Checkout slow", "team": "web"})
    assert other.status_code == 403
    assert not Incident.objects.exists()


def test_a_nul_in_a_text_field_is_named_as_such(make_user: Any) -> None:
    """ "a\\u0000b" as a note was refused as "empty or only spaces"."""
    ada = make_user("ada", "author", team="sre")
    api = _token(ada)
    key = _send(api, "/api/incidents", {"title": "Checkout slow", "team": "sre"}).json()["key"]
    refused = _send(api, f"/api/incidents/{key}/notes", {"text": "a\u0000b"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["msg"] == "the value must not hold a NUL character (\\0)"
    blank = _send(api, f"/api/incidents/{key}/notes", {"text": "   "})
    assert blank.json()["errors"][0]["msg"] == "the value must not be empty or only spaces"


def test_the_incident_list_pages_with_offset(make_user: Any) -> None:
    """?offset= was silently ignored: every page was the first."""
    api = _token(make_user("ada", "author", team="sre"))
    keys = [
        _send(api, "/api/incidents", {"title": f"Outage {n}", "team": "sre"}).json()["key"]
        for n in range(5)
    ]
    pages = [api.get("/api/incidents", {"limit": 2, "offset": n}).json() for n in (0, 2, 4)]
    listed = [i["key"] for page in pages for i in page]
    assert sorted(listed) == sorted(keys)  # each once, in three pages
    assert api.get("/api/incidents", {"offset": -1}).status_code == 422


def test_a_deploy_posted_before_the_impact_opens_the_drafted_timeline(make_user: Any) -> None:
    """The commander's case: "payouts-api v2.14 deployed" posted through the events API ten
    minutes before the impact's start, set by hand; the classic draft's timeline left it out
    and only google-sre's Trigger said it. Now both say it, by the one rule."""
    from zoneinfo import ZoneInfo

    ann = make_user("ann", "author", team="sre")
    api = _token(ann)
    body = {"title": "Payouts failing", "team": "sre", "timezone": "America/New_York"}
    key = _send(api, "/api/incidents", body).json()["key"]
    start = (timezone.now() - dt.timedelta(hours=2)).astimezone(ZoneInfo("America/New_York"))
    start = start.replace(second=0, microsecond=0)
    deploy, older = start - dt.timedelta(minutes=10), start - dt.timedelta(minutes=61)
    events = [
        {"at": deploy.isoformat(), "kind": "deploy", "text": "payouts-api v2.14 deployed"},
        {"at": older.isoformat(), "kind": "deploy", "text": "billing-cron v7 deployed"},
    ]
    assert _send(api, f"/api/incidents/{key}/events", {"events": events}).status_code == 200
    client = Client()
    client.force_login(ann)
    form = {"milestone": "started", "value": f"{start:%Y-%m-%dT%H:%M}", "why": "graphs"}
    assert client.post(f"/incidents/{key}/milestone/", form).status_code == 302
    url = f"/api/incidents/{key}/postmortem"
    classic = api.get(url).json()["draft"]
    when = f"{deploy:%H:%M} {deploy.tzname()}"
    lines = [line for line in classic.splitlines() if line.startswith("- ")]
    assert lines[0] == f"- {when} - Change: payouts-api v2.14 deployed."
    assert lines[1].startswith(f"- {start:%H:%M} {start.tzname()} - Impact began (set by ann")
    assert "billing-cron" not in classic  # 61 minutes before the start: not a likely trigger
    sre = api.get(f"{url}?profile=google-sre").json()["draft"]
    assert (
        "Changes recorded from an hour before the impact to its detection: payouts-api v2.14 "
        f"deployed ({when})."
    ) in sre
    assert f"- {when} - Change: payouts-api v2.14 deployed." in sre
