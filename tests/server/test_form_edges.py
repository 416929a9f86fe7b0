"""Forms at the edges (a review of every form): times at the calendar's ends are refused with a
message instead of a 500 now or on a later page, a milestone is read in its incident's zone, an
action item's owner cannot write lines into the Markdown, and the page-by-hand form is offered
only to those who may page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from incident_fixtures import logged_in, open_incident
from workflow_fixtures import clean_text

pytestmark = pytest.mark.django_db

EDGES = [
    ("Asia/Tokyo", "0001-01-01T00:00", "0001-01-01T05:00"),
    ("America/Los_Angeles", "9999-12-31T18:00", "9999-12-31T23:59"),
]


@pytest.fixture
def web(make_user: Any) -> tuple[Client, dict[str, str]]:
    alice = make_user("alice", "author", "sre")
    make_user("bob", "author", "sre")
    client = logged_in(alice)
    client.raise_request_exception = False
    base = {
        "name": "web", "timezone": "UTC", "team": "sre", "layer": "primary",
        "users": "alice, bob", "shift_count": "1", "shift_unit": "weeks", "handoff": "09:00",
        "start": "2026-03-02",
    }  # fmt: skip
    assert client.post("/oncall/new/", base).status_code == 302
    return client, base


@pytest.mark.parametrize("kind", ["override", "swap", "layer", "new schedule"])
@pytest.mark.parametrize(("zone", "start", "end"), EDGES)
def test_on_call_times_at_the_calendars_ends_are_refused(
    web: tuple[Client, dict[str, str]], kind: str, zone: str, start: str, end: str
) -> None:
    from postmortems.server.oncall.models import Schedule

    client, base = web
    Schedule.objects.filter(name="web").update(timezone=zone)
    if kind == "override":
        form = {"user": "bob", "kind": "replace", "start": start, "end": end, "note": "N"}
        answer = client.post("/oncall/s/web/overrides/", form)
    elif kind == "swap":
        form = {"responder": "bob", "give_start": start, "give_end": end, "note": "N"}
        answer = client.post("/oncall/s/web/swaps/", form)
    elif kind == "layer":
        answer = client.post("/oncall/s/web/layers/", {**base, "start": start[:10]})
    else:
        new = {**base, "name": "web2", "timezone": zone, "start": start[:10]}
        answer = client.post("/oncall/new/", new)
    assert answer.status_code == 400
    assert "give a day from 1900-01-01 to 9000-12-31" in answer.content.decode()
    assert client.get("/oncall/s/web/").status_code == 200


def test_a_milestone_is_read_in_the_incidents_zone_and_within_the_calendar(
    make_user: Any,
) -> None:
    incident = open_incident(Client())
    incident.timezone = "Asia/Tokyo"
    incident.save(update_fields=["timezone"])
    client = logged_in(make_user("alice", "author", "sre"))
    client.raise_request_exception = False
    path = f"/incidents/{incident.key}/milestone/"
    client.post(path, {"milestone": "started", "value": "2026-03-01T10:00", "why": "graphs"})
    incident.refresh_from_db()
    assert incident.started is not None
    assert incident.started.isoformat() == "2026-03-01T01:00:00+00:00"  # 10:00 in Tokyo
    for value in ("0001-01-01T00:00", "9999-12-31T23:59"):
        form = {"milestone": "started", "value": value, "why": "graphs"}
        assert client.post(path, form).status_code == 400
    assert client.get(f"/incidents/{incident.key}/postmortem/").status_code == 200


@pytest.mark.parametrize(
    "front",
    [
        "started: 0001-01-01T00:00+14:00\nresolved: 0001-01-01T01:00+14:00",
        "started: 9999-12-31T23:59-12:00\nresolved: 9999-12-31T23:59-12:00",
        "timezone: Asia/Tokyo\nstarted: 0001-01-01T00:00Z",
    ],
)
def test_a_postmortem_time_at_the_calendars_end_is_refused_in_words(
    make_user: Any, front: str
) -> None:
    from django.utils.html import escape

    from postmortems.server.library.models import Postmortem

    client = logged_in(make_user("alice", "author", "sre"))
    client.raise_request_exception = False
    text = f"---\ntitle: a\n{front}\n---\n## Summary\n\nText.\n"
    saved = client.post("/new/", {"text": text})
    assert 400 <= saved.status_code < 500
    assert escape("calendar's end") in saved.content.decode()
    assert escape(text) in saved.content.decode()  # kept in the editor
    assert not Postmortem.objects.exists()
    preview = client.post("/preview/", {"text": text})  # shown if it can be, else said why
    assert preview.status_code in (200, 422)
    if preview.status_code == 422:
        assert escape("calendar's end") in preview.content.decode()


@pytest.fixture
def item_of_alice(make_user: Any) -> tuple[Client, Any, Any]:
    """alice's client, her postmortem and its first action item."""
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    alice = make_user("alice", "author")
    pm = store.create(clean_text(), alice).postmortem
    item = ActionItem.objects.filter(postmortem=pm).first()
    assert item is not None
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client, pm, item


def test_an_owner_with_a_line_break_is_refused(item_of_alice: tuple[Client, Any, Any]) -> None:
    client, pm, item = item_of_alice
    answer = client.post(f"/actions/{item.pk}/", {"owner": "bob\n## Injected\n- [ ] evil"})
    assert answer.status_code == 400
    assert "give a user name" in answer.content.decode()
    pm.refresh_from_db()
    assert "## Injected" not in pm.text
    assert client.post(f"/actions/{item.pk}/", {"owner": "bob"}).status_code == 302


def test_a_browser_post_the_form_would_not_send_gets_a_page_back_to_the_form(
    item_of_alice: tuple[Client, Any, Any],
) -> None:
    client, pm, item = item_of_alice
    form = {"due": "2026-02-30"}
    browser = {
        "Accept": "text/html,application/xhtml+xml",
        "Referer": f"http://testserver/p/{pm.key}/",
    }
    answer = client.post(f"/actions/{item.pk}/", form, headers=browser)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert '<header class="top">' in page  # in the site's frame, not a bare line of text
    assert "<b>Due</b>" in page
    assert ">2026-02-30</textarea>" in page  # what was sent, shown again
    assert f'href="http://testserver/p/{pm.key}/"' in page  # back to the form
    away = {**browser, "Referer": "https://evil.example/"}
    assert (
        "evil.example"
        not in client.post(f"/actions/{item.pk}/", form, headers=away).content.decode()
    )
    script = client.post(f"/actions/{item.pk}/", form)  # no Accept: a script gets plain text
    assert script["Content-Type"].startswith("text/plain")
    assert script.content.decode().startswith("bad request: Due: Enter a valid date.")


def test_the_page_by_hand_form_is_offered_only_to_who_may_page(make_user: Any) -> None:
    from oncall_fixtures import apply, policy

    make_user("alice", "viewer", team="sre")
    make_user("bob", "viewer", team="sre")
    viewer = make_user("vic", "viewer", team="sre")
    author = make_user("ann", "author", team="sre")
    apply(policies=(policy(),))
    page = logged_in(viewer).get("/oncall/pages/").content.decode()
    assert 'name="summary"' not in page
    assert "needs the author role in team sre" in page
    assert "; then wait 10 min</li>" in page  # not 0:10:00
    assert 'name="summary"' in logged_in(author).get("/oncall/pages/").content.decode()
    # Where a policy is made: the YAML (how, for a schedule made here), or the admin, linked
    # for who may add one there only.
    assert "applied with <code>pm oncall apply</code> by someone with the admin role" in page
    assert 'id="policy-how"' in page
    assert "/admin/oncall/policy/add/" not in page
    root = logged_in(make_user("root", superuser=True)).get("/oncall/pages/").content.decode()
    assert 'href="/admin/oncall/policy/add/"' in root
    services = logged_in(make_user("sue", superuser=True)).get("/oncall/").content.decode()
    assert 'href="/admin/oncall/service/add/"' in services


def test_a_refused_declaration_keeps_what_was_typed(make_user: Any) -> None:
    client = logged_in(make_user("alice", "author", "sre"))
    form = {"title": "DB writes fail", "severity": "SEV2", "team": "sre"}
    answer = client.post("/incidents/declare/", {**form, "timezone": "Europe/Berln"}, follow=True)
    page = answer.content.decode()
    assert "Europe/Berln" in page  # the message, and the field filled again
    assert 'value="DB writes fail"' in page
    assert 'value="DB writes fail"' not in client.get("/incidents/").content.decode()  # once


@pytest.mark.parametrize(
    ("milestone", "value", "message"),
    [
        ("detected", "2099-06-01T10:00", "detected cannot be in the future"),
        ("mitigated", "1999-01-01T00:00", "mitigated (1999-01-01 00:00) would come before started"),
        # resolved on the record and open in every list: move it to resolved instead
        ("resolved", "2026-03-01T07:00", "is still triage: it has no resolution to correct"),
        ("started", "2099-01-01T00:00", "started cannot be in the future"),
        # 02:30 on 8 March 2026 does not exist in New York: the clocks went from 02:00 to 03:00
        (
            "mitigated",
            "2026-03-08T02:30",
            "2026-03-08 02:30 does not happen in America/New_York: the clocks go forward over it",
        ),
        # 01:30 on 1 November 2026 happens twice there: the form says how to write each
        (
            "started",
            "2026-11-01 01:30",
            "write 2026-11-01 01:30 EDT for the first time or 2026-11-01 01:30 EST for the second",
        ),
        ("started", "2026-11-01 01:30 CET", "CET is not the time of America/New_York"),
    ],
)
def test_a_milestone_out_of_order_in_the_future_or_skipped_by_the_clocks_is_refused(
    make_user: Any, milestone: str, value: str, message: str
) -> None:
    incident = open_incident(Client())
    incident.timezone = "America/New_York"
    incident.save(update_fields=["timezone"])
    before = (incident.started, incident.detected, incident.mitigated, incident.resolved)
    client = logged_in(make_user("alice", "author", "sre"))
    form = {"milestone": milestone, "value": value, "why": "from the graphs"}
    answer = client.post(f"/incidents/{incident.key}/milestone/", form)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert message in page
    assert '<header class="top">' in page  # the incident's page again, not a bare error
    assert "from the graphs" in page  # what was typed is kept
    assert f"<option selected>{milestone}</option>" in page  # and which milestone it was for
    incident.refresh_from_db()
    assert (incident.started, incident.detected, incident.mitigated, incident.resolved) == before


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2026-11-01 01:30 EDT", "2026-11-01T05:30:00+00:00"),  # the first 01:30
        ("2026-11-01 01:30 EST", "2026-11-01T06:30:00+00:00"),  # an hour later, the second
        ("2026-11-01 01:30 -05:00", "2026-11-01T06:30:00+00:00"),
        ("2026-11-01T00:30", "2026-11-01T04:30:00+00:00"),  # a time that happens once: as before
    ],
)
def test_a_milestone_in_the_hour_the_clocks_repeat_is_set_with_its_abbreviation(
    make_user: Any, value: str, utc: str
) -> None:
    incident = open_incident(Client())
    incident.timezone = "America/New_York"
    incident.save(update_fields=["timezone"])
    client = logged_in(make_user("alice", "author", "sre"))
    # detected at 02:00, after the repeated hour (02:00 EST happens once): started before it
    detected = {"milestone": "detected", "value": "2026-11-01 02:00", "why": "the pager"}
    assert client.post(f"/incidents/{incident.key}/milestone/", detected).status_code == 302
    form = {"milestone": "started", "value": value, "why": "from the graphs"}
    assert client.post(f"/incidents/{incident.key}/milestone/", form).status_code == 302
    incident.refresh_from_db()
    assert incident.started is not None
    assert incident.started.isoformat() == utc


def test_the_severity_changes_from_the_page_and_the_draft_tells_it(make_user: Any) -> None:
    from postmortems.server.incidents import drafting

    incident = open_incident(Client())
    alice = make_user("alice", "author", "sre")
    client = logged_in(alice)
    page = client.get(f"/incidents/{incident.key}/").content.decode()
    assert "Change severity" in page
    form = {"severity": "SEV2", "why": "the EU region is affected too"}
    assert client.post(f"/incidents/{incident.key}/severity/", form).status_code == 302
    incident.refresh_from_db()
    assert incident.severity == "SEV2"
    same = client.post(f"/incidents/{incident.key}/severity/", form)
    assert same.status_code == 400
    assert "is already SEV2" in same.content.decode()
    draft = drafting.draft_text(incident, alice)  # SEV1 is the most severe: SEV2 is lower
    assert "severity: SEV2" in draft
    assert "Severity lowered from SEV1 to SEV2. The EU region is affected too." in draft


def test_milestones_of_an_outage_found_late_or_resolved_earlier_than_recorded(
    make_user: Any,
) -> None:
    import datetime as dt

    from postmortems.server.incidents import services

    alice = make_user("alice", "author", "sre")
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    incident = services.declare("Stale cache", alice, team="sre", now=now - dt.timedelta(hours=6))
    services.change_status(incident, "resolved", alice, now - dt.timedelta(hours=1))
    # Resolved earlier than it was recorded: the automatic mitigation (the resolve) follows.
    services.set_milestone(incident, "resolved", now - dt.timedelta(hours=5), alice, "graphs", now)
    incident.refresh_from_db()
    assert incident.resolved == incident.mitigated == now - dt.timedelta(hours=5)
    # Found days after it was over: the impact and its mitigation come before the detection.
    services.set_milestone(incident, "started", now - dt.timedelta(days=3), alice, "logs", now)
    at = now - dt.timedelta(days=3, hours=-1)
    services.set_milestone(incident, "mitigated", at, alice, "logs", now)
    incident.refresh_from_db()
    assert incident.mitigated == at < incident.detected


def test_a_blank_note_gets_the_page_again_with_why(make_user: Any) -> None:
    from postmortems.server.incidents.models import Event

    incident = open_incident(Client())
    client = logged_in(make_user("alice", "author", "sre"))
    notes = Event.objects.filter(kind="note").count()
    answer = client.post(f"/incidents/{incident.key}/note/", {"text": "   "})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Note: This field is required." in page
    assert '<header class="top">' in page
    assert Event.objects.filter(kind="note").count() == notes


def test_a_refused_status_change_keeps_its_why(make_user: Any) -> None:
    incident = open_incident(Client())
    client = logged_in(make_user("alice", "author", "sre"))
    form = {"why": "same page as yesterday", "duplicate_of": "INC-1999-0009"}
    page = client.post(f"/incidents/{incident.key}/duplicate/", form, follow=True).content.decode()
    assert "no incident INC-1999-0009" in page
    assert 'value="same page as yesterday"' in page
    assert 'value="INC-1999-0009"' in page


def test_a_refused_comment_keeps_its_text(make_user: Any, settings: Any) -> None:
    from workflow_fixtures import NOW

    from postmortems.server.library import store
    from postmortems.server.workflow import services

    alice = make_user("alice", "author")
    bob = make_user("bob", "reviewer")
    pm = store.create(clean_text(status="draft"), alice).postmortem
    services.request_review(pm, alice, [bob], now=NOW)
    client = Client()
    client.force_login(bob)
    form = {"text": "Where is the rollback step?", "line": "5000"}
    page = client.post(f"/p/{pm.key}/workflow/comment/", form, follow=True).content.decode()
    assert "outside the document" in page
    assert "Where is the rollback step?</textarea>" in page
    assert 'value="5000"' in page


def test_a_refused_swap_request_keeps_its_note(web: tuple[Client, dict[str, str]]) -> None:
    client, _ = web
    form = {
        "responder": "alice",  # herself: refused by the rule, after the form was valid
        "give_start": "2026-03-06T09:00",
        "give_end": "2026-03-07T09:00",
        "note": "covering my dentist appointment",
    }
    answer = client.post("/oncall/s/web/swaps/", form)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "covering my dentist appointment" in page
    assert 'value="alice"' in page
    assert '<li class="error" role="alert">you cannot swap with yourself' in page  # a refusal


def test_a_hand_set_resolution_goes_when_the_incident_is_reopened(make_user: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from postmortems.server.incidents import services

    alice = make_user("alice", "author", "sre")
    incident = open_incident(Client())
    now = timezone.now()
    services.change_status(incident, "resolved", alice, now)
    earlier = now - dt.timedelta(minutes=5)
    services.set_milestone(incident, "resolved", earlier, alice, "graphs", now)
    services.change_status(incident, "investigating", alice, now + dt.timedelta(minutes=1))
    incident.refresh_from_db()
    assert incident.status == "investigating"
    assert "resolved" not in incident.manual
    assert incident.resolved is None  # open again, and so on the record
