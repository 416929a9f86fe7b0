"""Correcting and redacting what people typed on an incident's timeline: who may, what is kept
(every earlier version of an edit) and what is gone for good (a redacted text, everywhere)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.utils import timezone
from tests.server.incident_fixtures import logged_in

from postmortems.server.incidents import drafting, services
from postmortems.server.incidents.models import Event, EventVersion, Incident

pytestmark = pytest.mark.django_db

SECRET = "hunter2-Zq7vX9"
NOTE = f"Logged in to the replica with password {SECRET} and restarted it"


def _declare(user: Any, *, team: str = "sre", zone: str = "UTC", **kw: Any) -> Incident:
    now = timezone.now() - dt.timedelta(hours=1)
    return services.declare("Checkout 502s", user, team=team, timezone=zone, now=now, **kw)


def _note(incident: Incident, user: Any, text: str, minutes_ago: int = 30) -> Event:
    return services.note(incident, text, user, timezone.now() - dt.timedelta(minutes=minutes_ago))


def _edit(client: Client, incident: Incident, event: Event, **data: str) -> Any:
    return client.post(f"/incidents/{incident.key}/entries/{event.pk}/edit/", data)


def _redact(client: Client, incident: Incident, event: Event, reason: str = "a password") -> Any:
    return client.post(f"/incidents/{incident.key}/entries/{event.pk}/redact/", {"reason": reason})


def _page(client: Client, incident: Incident) -> BeautifulSoup:
    return BeautifulSoup(client.get(f"/incidents/{incident.key}/").content, "html.parser")


def _row(page: BeautifulSoup, event: Event) -> Any:
    return page.select_one(f"tr#event-{event.pk}")


def _api(user: Any) -> Client:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "cli", scope="write")
    return Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)


def _json(client: Client, method: str, path: str, body: Any) -> Any:
    return client.generic(method, path, json.dumps(body), content_type="application/json")


# -- editing ---------------------------------------------------------------------------------


def test_the_author_corrects_a_note_and_every_earlier_version_is_kept(make_user: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann)
    note = _note(incident, ann, "Rolled back deploy 41")
    me = logged_in(ann)
    assert _edit(me, incident, note, text="Rolled back deploy 42").status_code == 302
    assert _edit(me, incident, note, text="Rolled back deploy 42 (eu only)").status_code == 302
    note.refresh_from_db()
    assert note.text == "Rolled back deploy 42 (eu only)"
    assert note.edited_by == "ann"
    assert note.edited_at is not None
    kept = list(EventVersion.objects.filter(event=note).values_list("text", "by"))
    assert kept == [("Rolled back deploy 41", "ann"), ("Rolled back deploy 42", "ann")]
    row = _row(_page(me, incident), note)
    said = " ".join(row.get_text(" ").split())
    assert "Edited by ann" in said
    versions = [" ".join(li.get_text(" ").split()) for li in row.select("details.versions li")]
    assert len(versions) == 2
    assert "deploy 42 " in versions[0]  # newest first
    assert "deploy 41" in versions[1]
    assert "edited" in [b.get_text() for b in row.select(".badge")]


def test_saving_the_form_unchanged_writes_no_version(make_user: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann, zone="Europe/Berlin")
    note = _note(incident, ann, "Paged the DBA")
    me = logged_in(ann)
    shown = _row(_page(me, incident), note).select_one("input[name=at]")["value"]
    local = note.at.astimezone(ZoneInfo("Europe/Berlin"))
    assert shown == f"{local:%Y-%m-%d %H:%M:%S %Z}"  # with its abbreviation: CET
    assert _edit(me, incident, note, text="Paged the DBA", at=shown).status_code == 302
    assert not EventVersion.objects.filter(event=note).exists()
    before = note.at
    note.refresh_from_db()
    assert note.at == before  # to the microsecond: the field's seconds were the same time


def test_a_new_time_is_read_in_the_incident_zone_and_reorders_the_timeline(
    make_user: Any,
) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann, zone="America/New_York")
    first = _note(incident, ann, "First thing noticed", minutes_ago=40)
    second = _note(incident, ann, "Second thing noticed", minutes_ago=20)
    me = logged_in(ann)
    later = (timezone.now() - dt.timedelta(minutes=5)).astimezone(
        dt.timezone(incident_offset(incident))
    )
    assert (
        _edit(
            me, incident, first, text="First thing noticed", at=later.strftime("%Y-%m-%dT%H:%M")
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert first.at == later.replace(second=0, microsecond=0)
    ids = [tr["id"] for tr in _page(me, incident).select("table.timeline tbody tr")]
    assert ids.index(f"event-{second.pk}") < ids.index(f"event-{first.pk}")
    version = EventVersion.objects.get(event=first)
    assert version.text == "First thing noticed"
    assert version.at < first.at  # the time it had before


def incident_offset(incident: Incident) -> dt.timedelta:
    offset = timezone.now().astimezone(ZoneInfo(incident.timezone)).utcoffset()
    assert offset is not None
    return offset


def test_the_commander_and_a_team_admin_may_edit_others_notes_a_stranger_may_not(
    make_user: Any,
) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann)
    note = _note(incident, ann, "Disk at 95 percent")
    bob = make_user("bob", "author", team="sre")
    assert _edit(logged_in(bob), incident, note, text="Disk at 59 percent").status_code == 403
    note.refresh_from_db()
    assert (note.text, note.versions.count()) == ("Disk at 95 percent", 0)
    services.take_role(incident, "commander", bob, timezone.now())
    assert _edit(logged_in(bob), incident, note, text="Disk at 96 percent").status_code == 302
    boss = make_user("boss", "admin", team="sre")
    assert _edit(logged_in(boss), incident, note, text="Disk at 97 percent").status_code == 302
    note.refresh_from_db()
    assert note.text == "Disk at 97 percent"
    assert (note.edited_by, note.author) == ("boss", "ann")
    assert list(note.versions.values_list("by", flat=True)) == ["ann", "bob"]
    viewer = make_user("vic", "viewer", team="sre")
    assert _edit(logged_in(viewer), incident, note, text="x y z").status_code == 403
    other = make_user("olga", "admin", team="payments")
    restricted = _declare(ann, restricted=True)
    hidden = _note(restricted, ann, "Only sre reads this")
    assert _edit(logged_in(other), restricted, hidden, text="read it").status_code == 404
    hidden.refresh_from_db()
    assert hidden.text == "Only sre reads this"


def test_the_page_offers_each_person_only_what_they_may_do(make_user: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    bob = make_user("bob", "author", team="sre")
    incident = _declare(ann)
    mine, theirs = _note(incident, ann, "Mine to fix"), _note(incident, bob, "Bob's words")
    opened = incident.events.get(kind="status-change")
    page = _page(logged_in(ann), incident)
    assert _row(page, mine).select_one("details.entry-form.edit form") is not None
    assert _row(page, mine).select_one("details.entry-form.redact") is None  # not the author's
    assert _row(page, theirs).select_one("details.entry-form") is None
    assert _row(page, opened).select_one("details.entry-form") is None
    form = _row(page, mine).select_one("details.entry-form.edit form")
    assert form.select_one("input[name=csrfmiddlewaretoken]") is not None
    assert form.select_one("textarea[name=text]").get_text() == "Mine to fix"
    boss = _page(logged_in(make_user("boss", "admin", team="sre")), incident)
    assert _row(boss, theirs).select_one("details.entry-form.redact form") is not None
    assert _row(boss, opened).select_one("details.entry-form") is None


def test_a_refused_edit_comes_back_with_what_was_typed_and_why(make_user: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann)
    note = _note(incident, ann, "Cache flushed")
    me = logged_in(ann)
    future = (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = _edit(me, incident, note, text="Cache flushed twice", at=future)
    assert refused.status_code == 400
    page = BeautifulSoup(refused.content, "html.parser")
    details = _row(page, note).select_one("details.entry-form.edit")
    assert details.has_attr("open")
    assert details.select_one("textarea").get_text() == "Cache flushed twice"
    assert "in the future" in details.get_text()
    blank = _edit(me, incident, note, text="   ")
    assert blank.status_code == 400
    field = BeautifulSoup(blank.content, "html.parser").select_one(f"#edit-text-{note.pk}")
    assert field["aria-invalid"] == "true"
    note.refresh_from_db()
    assert (note.text, note.versions.count()) == ("Cache flushed", 0)


def test_only_notes_and_chat_people_posted_are_edited_or_redacted(make_user: Any) -> None:
    boss = make_user("boss", "admin", team="sre")
    incident = _declare(boss)
    opened = incident.events.get(kind="status-change")
    oncall = services.record(
        incident,
        [services.m.Event(timezone.now(), "note", "Nobody answered the page", author="on-call")],
        None,
        timezone.now(),
    )[0]
    alert = services.record(
        incident,
        [services.m.Event(timezone.now(), "alert-fired", "Alert fired: 5xx", author="am/prod")],
        None,
        timezone.now(),
    )[0]
    me = logged_in(boss)
    for event in (opened, oncall, alert):
        answer = _edit(me, incident, event, text="rewritten history")
        assert answer.status_code == 400
        assert "cannot be edited" in answer.content.decode()
        assert _redact(me, incident, event).status_code == 400
        event.refresh_from_db()
        assert event.text != "rewritten history"
        assert event.redacted_at is None


# -- redacting -------------------------------------------------------------------------------


def _holding(secret: str) -> list[str]:
    """Every table and text column of the database's own models that holds ``secret``, and
    the search index's table."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if model._default_manager.filter(**{f"{field.attname}__icontains": secret}).exists():
                found.append(f"{model._meta.db_table}.{field.attname}")
    with connection.cursor() as cur:
        cur.execute("SELECT title, head, body, notes FROM library_fulltext")
        if any(secret in " ".join(row) for row in cur.fetchall()):
            found.append("library_fulltext")
    return found


def _incident_with_a_pasted_secret(make_user: Any) -> tuple[Incident, Event, Any]:
    """An incident whose note held a password twice over (an edit kept the first version),
    marked a key moment, and its postmortem written from the timeline and then revised,
    with a reviewer's comment quoting the line."""
    from postmortems.server.library import store
    from postmortems.server.workflow import comments

    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann)
    note = _note(incident, ann, NOTE.replace(SECRET, SECRET + "!"))
    note = services.flag(incident, note.pk, "key_moment", True, ann)
    from postmortems.server.incidents import entries

    entries.edit(incident, note.pk, ann, timezone.now(), text=NOTE)
    pm = drafting.write_postmortem(incident, ann, timezone.now())
    assert SECRET in pm.text
    line = next(x for x in pm.text.splitlines() if SECRET in x)
    edited = pm.text.replace(line, f"{line} It was eu-west-1.", 1)  # a person's words after it
    pm = store.update(pm.key, edited, ann, pm.version).postmortem
    line = next(x for x in pm.text.splitlines() if SECRET in x)
    comments.add(pm, ann, "Is this the right password?", now=timezone.now(), quote=line[2:])
    incident.refresh_from_db()
    return incident, note, pm


def test_a_redaction_leaves_the_words_nowhere(make_user: Any) -> None:
    incident, note, pm = _incident_with_a_pasted_secret(make_user)
    assert set(_holding(SECRET)) >= {
        "incidents_event.text",
        "incidents_eventversion.text",
        "library_postmortem.text",
        "library_postmortem.rendered_html",
        "library_revision.text",
        "library_revision.diff",
        "workflow_comment.quote",
        "library_fulltext",
    }
    sam = make_user("sam", "author", team="sre")
    api = _api(sam)
    assert api.get(f"/api/search?q={SECRET}").json()["count"] == 1  # found before
    assert len(api.get(f"/api/incidents?q={SECRET}").json()) == 1
    services.take_role(incident, "commander", sam, timezone.now())
    me = logged_in(sam)
    answer = _redact(me, incident, note, reason="a password pasted by mistake")
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"#event-{note.pk}")
    note.refresh_from_db()
    assert note.text.startswith("Redacted by sam at ")
    assert note.text.endswith(": a password pasted by mistake")
    assert (note.redacted_by, note.redaction_reason) == ("sam", "a password pasted by mistake")
    assert not EventVersion.objects.filter(event=note).exists()
    assert _holding(SECRET) == []
    assert _holding(SECRET + "!") == []
    pm.refresh_from_db()
    assert "mistake. It was eu-west-1." in pm.text  # the words around it are kept
    assert pm.revisions.first().message.startswith(f"redacted a note of {incident.key}")
    # … and nowhere a person or a program reads it.
    page = me.get(f"/incidents/{incident.key}/")
    assert f"Its words were taken out of {pm.key} too" in page.content.decode()
    assert SECRET not in page.content.decode()
    assert "redacted" in [b.get_text() for b in _row(_page(me, incident), note).select(".badge")]
    for path in (
        f"/incidents/{incident.key}/postmortem/",
        f"/p/{pm.key}/",
        f"/p/{pm.key}/raw/",
        f"/p/{pm.key}/revisions/1/",
        f"/p/{pm.key}/revisions/2/",
    ):
        shown = me.get(path)
        assert shown.status_code == 200, path
        assert SECRET not in shown.content.decode(), path
    api = _api(sam)
    shown = api.get(f"/api/incidents/{incident.key}").json()
    entry = next(e for e in shown["timeline"] if e["id"] == note.pk)
    assert entry["redacted"]["by"] == "sam"
    assert entry["edited"] is None
    assert SECRET not in json.dumps(shown)
    assert api.get(f"/api/search?q={SECRET}").json()["count"] == 0
    assert api.get(f"/api/incidents?q={SECRET}").json() == []
    offer = drafting.offered(incident)  # the changes the incident offers its postmortem
    offered = offer.diff + "".join(k.text + k.record for k in offer.kept)
    assert SECRET not in offered
    assert "Redacted by sam" in pm.text + offered  # in the text already, or on offer


def test_a_redaction_is_refused_to_the_author_and_said_to_the_redactor(make_user: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann)
    note = _note(incident, ann, NOTE)
    assert _redact(logged_in(ann), incident, note).status_code == 403
    note.refresh_from_db()
    assert note.text == NOTE
    boss = logged_in(make_user("boss", "admin", team="sre"))
    assert _redact(boss, incident, note, reason="  ").status_code == 400
    said = _redact(boss, incident, note, reason="personal data")
    assert said.status_code == 302
    page = _page(boss, incident)
    assert "Redacted: the note's text and its earlier versions are gone." in page.get_text()
    assert _redact(boss, incident, note, reason="again").status_code == 400
    assert _edit(boss, incident, note, text="back").status_code == 400
    note.refresh_from_db()
    assert note.redaction_reason == "personal data"


def test_the_redactor_hears_when_the_postmortem_did_not_hold_the_words(make_user: Any) -> None:
    boss = make_user("boss", "admin", team="sre")
    incident = _declare(boss)
    note = _note(incident, boss, NOTE)  # not a key moment: not on the draft's timeline
    pm = drafting.write_postmortem(incident, boss, timezone.now())
    me = logged_in(boss)
    assert _redact(me, incident, note).status_code == 302
    said = " ".join(_page(me, incident).get_text().split())
    assert f"{pm.key} did not hold its words as the draft wrote them" in said
    assert pm.revisions.count() == 1  # nothing to record in it


def test_a_slack_message_redacted_is_not_brought_back_by_the_same_import(make_user: Any) -> None:
    boss = make_user("boss", "admin", team="sre")
    incident = _declare(boss)
    message = services.m.Event(
        timezone.now() - dt.timedelta(minutes=9),
        "chat-message",
        f"token is {SECRET}",
        author="Alice Doe",
        link="https://example.slack.com/archives/C1/p1",
        external_id="slack:C1:1.0001",
    )
    (row,) = services.record(incident, [message], boss, timezone.now())
    assert _redact(logged_in(boss), incident, row, reason="a token").status_code == 302
    row.refresh_from_db()
    assert row.link == ""
    assert services.record(incident, [message], boss, timezone.now()) == []
    assert _holding(SECRET) == []


# -- the API ---------------------------------------------------------------------------------


def test_the_api_edits_and_redacts_with_json_answers(make_user: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann)
    note = _note(incident, ann, "Failover started")
    path = f"/api/incidents/{incident.key}/events/{note.pk}"
    api = _api(ann)
    done = _json(api, "PATCH", path, {"text": "Failover started in eu-west"})
    assert done.status_code == 200, done.content
    assert done.json()["text"] == "Failover started in eu-west"
    assert done.json()["edited"]["by"] == "ann"
    assert [v["text"] for v in done.json()["edited"]["versions"]] == ["Failover started"]
    shown = api.get(f"/api/incidents/{incident.key}").json()
    entry = next(e for e in shown["timeline"] if e["id"] == note.pk)
    assert entry["edited"]["versions"][0]["text"] == "Failover started"
    future = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    assert _json(api, "PATCH", path, {"at": future}).status_code == 422
    assert _json(api, "PATCH", path, {"txt": "typo"}).status_code == 422
    assert _json(api, "PATCH", path, {"text": " "}).status_code == 422
    assert _json(api, "POST", f"{path}/redact", {"reason": "secret"}).status_code == 403
    stranger = _api(make_user("bob", "author", team="sre"))
    refused = _json(stranger, "PATCH", path, {"text": "mine now"})
    assert refused.status_code == 403
    assert "commander" in refused.json()["detail"]
    missing = _json(api, "PATCH", f"/api/incidents/{incident.key}/events/999999", {"text": "x"})
    assert missing.status_code == 404
    assert missing.json()["detail"].startswith("no entry 999999")
    opened = incident.events.get(kind="status-change")
    status_path = f"/api/incidents/{incident.key}/events/{opened.pk}"
    assert _json(api, "PATCH", status_path, {"text": "x"}).status_code == 409
    boss = _api(make_user("boss", "admin", team="sre"))
    redacted = _json(boss, "POST", f"{path}/redact", {"reason": "customer's name"})
    assert redacted.status_code == 200, redacted.content
    assert redacted.json()["redacted"] == {
        "at": redacted.json()["redacted"]["at"],
        "by": "boss",
        "reason": "customer's name",
    }
    assert redacted.json()["text"].startswith("Redacted by boss at ")
    assert _json(boss, "POST", f"{path}/redact", {"reason": "again"}).status_code == 409
    assert not EventVersion.objects.filter(event_id=note.pk).exists()


def test_each_entry_shows_the_id_the_cli_takes_as_its_permalink(make_user: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann)
    note = _note(incident, ann, "Failover started")
    page = _page(logged_in(make_user("vic", "viewer", team="sre")), incident)
    for event in incident.events.all():
        link = _row(page, event).select_one("td.date a.entry-id")
        assert (link.get_text(), link["href"]) == (f"#{event.pk}", f"#event-{event.pk}")
    assert _row(page, note).select_one("a.entry-id").get_text() == f"#{note.pk}"


def test_a_time_before_the_incident_began_is_refused_with_the_range(make_user: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann, zone="Europe/Paris")
    note = _note(incident, ann, "Failover started")
    path = f"/api/incidents/{incident.key}/events/{note.pk}"
    api = _api(ann)
    began = incident.created.astimezone(ZoneInfo("Europe/Paris"))
    early = _json(api, "PATCH", path, {"at": "2020-01-01T10:00:00+00:00"})
    assert early.status_code == 422, early.content
    said = early.json()["detail"]
    assert said.startswith("the note's time is before the incident began")
    assert f"give a time from {began:%Y-%m-%d %H:%M} CET to now" in said.replace("CEST", "CET")
    nothing = _json(api, "PATCH", path, {})
    assert nothing.status_code == 422
    assert nothing.json()["detail"] == "nothing to change: give text or at"
    later = (incident.created + dt.timedelta(minutes=5)).isoformat()
    assert _json(api, "PATCH", path, {"at": later}).status_code == 200
    page = _edit(logged_in(ann), incident, note, text="Failover started", at="2020-01-01T10:00")
    assert page.status_code == 400
    form = _row(BeautifulSoup(page.content, "html.parser"), note).select_one("details.edit")
    assert "before the incident began" in form.get_text()
    note.refresh_from_db()
    assert note.at == incident.created + dt.timedelta(minutes=5)
    assert list(note.versions.values_list("text", flat=True)) == ["Failover started"]


def test_openapi_names_the_entry_operations(make_user: Any) -> None:
    api = _api(make_user("ann", "author", team="sre"))
    paths = api.get("/api/openapi.json").json()["paths"]
    assert "patch" in paths["/api/incidents/{key}/events/{event_id}"]
    assert "post" in paths["/api/incidents/{key}/events/{event_id}/redact"]


# What a new process does on a SQLite database of its own (a file, as a server's): a note with
# a password, corrected, drafted into a postmortem, then redacted.
_ON_A_FILE = """
import datetime as dt, glob, os, sys
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from postmortems.server.accounts.models import create_account, set_role
from postmortems.server.incidents import drafting, entries, services

call_command("migrate", verbosity=0)
boss = create_account("boss", "pw-boss-123456")
set_role(boss, "sre", "admin")
now = timezone.now()
incident = services.declare("Replica down", boss, team="sre", now=now - dt.timedelta(hours=1))
note = services.note(incident, "password %(secret)s oops", boss, now - dt.timedelta(minutes=5))
services.flag(incident, note.pk, "key_moment", True, boss)
entries.edit(incident, note.pk, boss, timezone.now(), text="the password %(secret)s oops")
drafting.write_postmortem(incident, boss, timezone.now())
incident.refresh_from_db()
files = glob.glob(os.path.join(os.environ["PM_DATA_DIR"], "postmortems.sqlite3*"))
def copies():
    return sum(open(f, "rb").read().count(b"%(secret)s") for f in files)
before = copies()
entries.redact(incident, note.pk, "a password", boss, timezone.now())
print(before, copies())
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's files")
def test_on_sqlite_the_redacted_words_leave_the_database_files(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    secret = "ZZ-not-a-real-password-QQ"
    env = {**os.environ, "PM_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", _ON_A_FILE % {"secret": secret}],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    before, after = map(int, done.stdout.split())
    assert before > 0  # the file, its write-ahead log and the index held it
    assert after == 0


def test_an_entry_moved_into_the_hour_the_clocks_repeat_says_which_and_keeps_it(
    make_user: Any,
) -> None:
    ann = make_user("ann", "author", team="sre")
    incident = _declare(ann, zone="America/New_York")
    # it began in October: a time in November is inside it
    Incident.objects.filter(pk=incident.pk).update(started=dt.datetime(2026, 10, 31, tzinfo=dt.UTC))
    note = _note(incident, ann, "Failover started")
    me = logged_in(ann)
    refused = _edit(me, incident, note, text="Failover started", at="2026-11-01 01:30")
    assert refused.status_code == 400
    said = " ".join(BeautifulSoup(refused.content, "html.parser").get_text().split())
    assert "2026-11-01 01:30 happens twice in America/New_York" in said
    assert "write 2026-11-01 01:30 EDT for the first time or 2026-11-01 01:30 EST" in said
    moved = _edit(me, incident, note, text="Failover started", at="2026-11-01 01:30:20 EST")
    assert moved.status_code == 302
    note.refresh_from_db()
    assert note.at == dt.datetime(2026, 11, 1, 6, 30, 20, tzinfo=dt.UTC)  # the second 01:30
    shown = _row(_page(me, incident), note).select_one("input[name=at]")["value"]
    assert shown == "2026-11-01 01:30:20 EST"  # shown as it reads back: to the same instant
    skipped = _edit(me, incident, note, text="Failover started", at="2026-03-08T02:30")
    assert "the clocks go forward over it" in skipped.content.decode()
