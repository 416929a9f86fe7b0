"""Incident pages: the live timeline, notes and marks, status, milestones, roles, the draft."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import (
    am_alert,
    am_payload,
    integration,
    logged_in,
    open_incident,
    post,
)

pytestmark = pytest.mark.django_db


_login = logged_in


@pytest.fixture
def opened(client: Client) -> Any:
    return open_incident(client)


def _rows(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [" ".join(tr.get_text(" ").split()) for tr in soup.select("table.timeline tbody tr")]


def test_list_and_page_show_the_incident(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    listing = me.get("/incidents/")
    assert opened.key in listing.content.decode()
    assert "Incidents" in BeautifulSoup(listing.content, "html.parser").select_one("nav").text
    page = me.get(f"/incidents/{opened.key}/")
    rows = _rows(page.content)
    assert any("alert-fired" in r and "web-1" in r for r in rows)
    assert any("alert-resolved" in r and "web-2" in r for r in rows)
    filtered = BeautifulSoup(me.get("/incidents/?status=resolved").content, "html.parser")
    assert opened.key not in filtered.select_one("main").get_text().replace(
        filtered.select_one("aside.ongoing").get_text(), ""
    )  # not listed (the frame still names it as open)


def test_note_mark_status_milestone_role(make_user: Any, opened: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    me = _login(ann)
    base = f"/incidents/{opened.key}"
    assert me.post(f"{base}/note/", {"text": "Rolled back deploy 42"}).status_code == 302
    note = opened.events.get(kind="note", author="ann")  # the other: nobody was paged
    assert note.user == ann
    me.post(f"{base}/flag/", {"event": note.pk, "mark": "key_moment", "on": "1"})
    me.post(f"{base}/flag/", {"event": note.pk, "mark": "misleading", "on": "1"})
    note.refresh_from_db()
    assert note.key_moment
    assert note.misleading
    me.post(f"{base}/status/", {"status": "monitoring", "why": "fix is out"})
    me.post(
        f"{base}/milestone/", {"milestone": "started", "value": "2026-03-01T09:50", "why": "graphs"}
    )
    me.post(f"{base}/role/", {"role": "commander"})
    opened.refresh_from_db()
    assert opened.status == "monitoring"
    assert opened.mitigated is not None
    assert opened.started.isoformat() == "2026-03-01T09:50:00+00:00"
    edit = opened.events.get(kind="milestone-edit")
    assert (edit.author, "graphs" in edit.text) == ("ann", True)
    assert opened.roles.get().person == "ann"
    bob = _login(make_user("bob", "author", team="sre"))
    bob.post(f"{base}/role/", {"role": "commander"})
    spells = list(opened.roles.order_by("since").values_list("person", "until"))
    assert spells[0][0] == "ann"
    assert spells[0][1] is not None
    assert spells[1] == ("bob", None)
    assert opened.events.filter(kind="handover").count() == 1


def test_the_commander_gives_a_role_to_a_teammate(make_user: Any, opened: Any) -> None:
    """The scribe need not take the role themselves: the commander names them; a name that is
    no account, or one kept out of a restricted incident, is refused with the form kept."""
    from postmortems.server.incidents.models import Incident

    me = _login(make_user("ann", "author", team="sre"))
    make_user("sam", "viewer", team="sre")
    make_user("eve", "author", team="payments")
    base = f"/incidents/{opened.key}"
    assert me.post(f"{base}/role/", {"role": "scribe", "person": "sam"}).status_code == 302
    assert list(opened.roles.values_list("role", "person")) == [("scribe", "sam")]
    given = opened.events.get(kind="role-change")
    assert given.author == "ann"
    assert "sam" in given.text
    again = me.post(f"{base}/role/", {"role": "scribe", "person": "sam"})
    assert "sam is already scribe" in again.content.decode()
    me.post(f"{base}/role/", {"role": "scribe"})  # empty: ann takes it over (a hand-over)
    assert opened.roles.get(until__isnull=True).person == "ann"
    for stranger in ("nobody", "eve"):
        Incident.objects.filter(pk=opened.pk).update(restricted=stranger == "eve")
        refused = me.post(f"{base}/role/", {"role": "communications", "person": stranger})
        assert refused.status_code == 400
        page = BeautifulSoup(refused.content, "html.parser")
        assert f"{stranger!r} cannot take a role" in page.get_text()
        form = page.find("form", action=f"{base}/role/")
        assert form.find("input", attrs={"name": "person"})["value"] == stranger
        assert form.find("option", selected=True).text == "communications"
    assert not opened.roles.filter(role="communications").exists()


def test_a_status_reason_that_opens_with_a_user_name_keeps_it_as_typed(
    make_user: Any, opened: Any
) -> None:
    """ "sam is on it" names the account sam: not capitalised; a plain word still is."""
    me = _login(make_user("demo", "author", team="sre"))
    make_user("sam", "author", team="sre")
    base = f"/incidents/{opened.key}"
    me.post(f"{base}/status/", {"status": "investigating", "why": "sam is on it"})
    me.post(f"{base}/severity/", {"severity": "SEV2", "why": "sam says 12% fail"})
    me.post(f"{base}/status/", {"status": "identified", "why": "expired certificate"})
    said = list(opened.events.filter(author="demo").values_list("text", flat=True))
    assert said == [
        "Status changed from triage to investigating. sam is on it",
        "Severity lowered from SEV1 to SEV2. sam says 12% fail",
        "Status changed from investigating to identified. Expired certificate",
    ]


def _held(page: Any, base: str) -> dict[str, str]:
    """What the role form of an incident's page sends back: who held each role as drawn."""
    form = BeautifulSoup(page.content, "html.parser").find("form", action=f"{base}/role/")
    hidden = form.find_all("input", attrs={"type": "hidden"})
    return {i["name"]: i.get("value", "") for i in hidden if i["name"].startswith("held_")}


def test_the_timeline_says_who_moved_a_role(make_user: Any, opened: Any) -> None:
    """Taking a role from someone is said as taken, not as handed over by them; handing it on,
    and a third person giving it, are said as what they were."""
    sam, demo, ann = (_login(make_user(n, "author", team="sre")) for n in ("sam", "demo", "ann"))
    base = f"/incidents/{opened.key}"
    sam.post(f"{base}/role/", {"role": "commander"})
    demo.post(f"{base}/role/", {"role": "commander"})
    sam_again = sam.post(f"{base}/role/", {"role": "scribe"})
    assert sam_again.status_code == 302
    sam.post(f"{base}/role/", {"role": "scribe", "person": "demo"})
    ann.post(f"{base}/role/", {"role": "commander", "person": "sam"})
    ann.post(f"{base}/role/", {"role": "communications", "person": "demo"})
    said = list(opened.events.filter(kind__in=["handover", "role-change"]).values_list("text"))
    assert [t for (t,) in said] == [
        "sam is commander.",
        "demo took commander from sam.",
        "sam is scribe.",
        "sam handed scribe over to demo.",
        "ann gave commander to sam (was demo).",
        "ann gave communications to demo.",
    ]


def test_a_role_that_changed_hands_since_the_page_was_drawn_is_not_taken(
    make_user: Any, opened: Any
) -> None:
    """Two people with the page open: demo takes commander from sam; sam's older page then
    asks for it again: refused beside the form (400), saying who took it and when."""
    import datetime as dt

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident

    Incident.objects.filter(pk=opened.pk).update(timezone="Europe/Berlin")
    opened.refresh_from_db()
    sam_user = make_user("sam", "author", team="sre")
    make_user("demo", "author", team="sre")
    sam = _login(sam_user)
    base = f"/incidents/{opened.key}"
    services.take_role(opened, "commander", sam_user, dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC))
    shown = _held(sam.get(f"{base}/"), base)
    assert shown == {"held_commander": "sam", "held_scribe": "", "held_communications": ""}
    took = dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC)  # 02:00 in Berlin
    services.take_role(opened, "commander", _user("demo"), took)
    stale = sam.post(f"{base}/role/", {"role": "commander", **shown})
    assert stale.status_code == 400
    page = BeautifulSoup(stale.content, "html.parser")
    form = page.find("form", action=f"{base}/role/")
    said = "demo took commander at 02:00 CET — reload to see who holds it now"
    assert said in form.get_text()
    assert opened.roles.get(until__isnull=True).person == "demo"
    assert _held(stale, base)["held_commander"] == "demo"  # the page as it is now
    fresh = sam.post(f"{base}/role/", {"role": "commander", **_held(stale, base)})
    assert fresh.status_code == 302  # once seen, it may be taken
    nobody_then = sam.post(f"{base}/role/", {"role": "scribe", "held_scribe": "priya"})
    assert "priya is no longer scribe" in nobody_then.content.decode()


def _user(name: str) -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username=name)


def test_refused_status_move_says_why(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    answer = me.post(f"/incidents/{opened.key}/status/", {"status": "closed"}, follow=True)
    assert "cannot move from triage to closed" in answer.content.decode()
    opened.refresh_from_db()
    assert opened.status == "triage"


def test_a_duplicate_key_left_with_another_status_is_refused_not_recorded(
    make_user: Any, opened: Any
) -> None:
    """The form shows "Duplicate of" whatever the status chosen: a key typed there with
    investigating wrote "Marked as a duplicate of …" on the timeline of an incident that was not."""
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    me = _login(ann)
    other = services.declare("Other", ann, team="sre", now=timezone.now())
    sent = {"status": "investigating", "duplicate_of": other.key}
    answer = me.post(f"/incidents/{opened.key}/status/", sent)
    assert answer.status_code == 400
    assert "only a duplicate names the incident it duplicates" in answer.content.decode()
    opened.refresh_from_db()
    assert (opened.status, opened.duplicate_of) == ("triage", None)
    assert not opened.events.filter(text__startswith="Marked as a duplicate").exists()


def test_live_timeline_answers_204_when_nothing_changed(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    url = f"/incidents/{opened.key}/timeline/"
    assert me.get(url, {"rev": opened.revision}).status_code == 204
    me.post(f"/incidents/{opened.key}/note/", {"text": "new"})
    fresh = me.get(url, {"rev": opened.revision})
    assert fresh.status_code == 200
    assert any("new" in r for r in _rows(fresh.content))


def test_viewer_cannot_change(make_user: Any, opened: Any) -> None:
    me = _login(make_user("vic", "viewer", team="sre"))
    assert me.post(f"/incidents/{opened.key}/note/", {"text": "x"}).status_code == 403
    assert "Add note" not in me.get(f"/incidents/{opened.key}/").content.decode()


def test_the_list_offers_declaring_at_its_top_to_those_who_may(make_user: Any) -> None:
    """An SRE in a hurry finds the declaration first, not below a long list."""
    author = BeautifulSoup(
        _login(make_user("ann", "author", team="sre")).get("/incidents/").content, "html.parser"
    )
    head = author.select_one(".page-head")
    assert head.select_one("a.button[href='#declare']").get_text() == "Declare an incident"
    assert author.select_one("#declare").get_text() == "Declare an incident"
    viewer = _login(make_user("vic", "viewer", team="sre")).get("/incidents/").content.decode()
    assert 'href="#declare"' not in viewer


def test_declare_by_hand(make_user: Any) -> None:
    from postmortems.server.incidents.models import Incident

    me = _login(make_user("ann", "author", team="sre"))
    form = {
        "title": "Checkout slow",
        "severity": "SEV2",
        "team": "sre",
        "timezone": "Europe/Berlin",
    }
    answer = me.post("/incidents/declare/", {**form, "services": "checkout, db"})
    incident = Incident.objects.get()
    assert answer.url.endswith(f"/incidents/{incident.key}/")
    assert incident.services == ["checkout", "db"]
    assert incident.opened_by.username == "ann"
    opening = incident.events.get(kind="status-change")
    assert ["via", "web"] in opening.detail  # "Declared by ann on the incidents page"
    other = me.post("/incidents/declare/", {**form, "team": "payments"}, follow=True)
    assert "author role in team payments" in other.content.decode()
    bad = me.post("/incidents/declare/", {**form, "timezone": "Mars/Base"}, follow=True)
    assert "unknown timezone" in bad.content.decode()
    assert Incident.objects.count() == 1
    # Refused, the form comes back as it was sent: paging off stays off, the severity chosen
    # stays chosen (fixing the typo must not page people by surprise).
    sent = {**form, "timezone": "Mars/Base", "restricted": "on"}  # "page" unticked: not sent
    again = BeautifulSoup(me.post("/incidents/declare/", sent, follow=True).content, "html.parser")
    declare = again.find("form", action="/incidents/declare/")
    assert declare.find("option", selected=True).text == "SEV2"
    assert not declare.find("input", attrs={"name": "page"}).has_attr("checked")
    assert declare.find("input", attrs={"name": "restricted"}).has_attr("checked")
    assert declare.find("input", attrs={"name": "timezone"})["value"] == "Mars/Base"
    fresh = BeautifulSoup(me.get("/incidents/").content, "html.parser")
    declare = fresh.find("form", action="/incidents/declare/")
    assert declare.find("option", selected=True).text == "SEV3"
    assert declare.find("input", attrs={"name": "page"}).has_attr("checked")
    assert not declare.find("input", attrs={"name": "restricted"}).has_attr("checked")


def _refused_field(soup: Any, at: str) -> str:
    """The error said beside the control ``#at``, which is marked invalid and described by it."""
    control = soup.select_one(f"#{at}")
    assert control["aria-invalid"] == "true"
    assert control["aria-describedby"] == f"{at}-error"
    assert soup.select_one(f"label[for={at}]")  # the field's own label, the error beside it
    return str(soup.select_one(f"p.field-error#{at}-error").get_text())


@pytest.mark.parametrize(
    ("path", "sent", "at", "said"),
    [
        ("note", {"text": "   "}, "note-text", "This field is required."),
        ("duplicate", {"duplicate_of": "I" * 21}, "duplicate-of", "at most 20"),
        ("status/head", {"status": "resolved", "why": "w" * 501}, "head-why", "at most 500"),
        ("severity", {"severity": "SEV1", "why": "w" * 501}, "severity-why", "at most 500"),
        ("milestone", {"milestone": "started", "why": " "}, "milestone-why", "required"),
        (
            "milestone",
            {"milestone": "started", "value": "soon", "why": "x"},
            "milestone-value",
            "valid",
        ),
        ("role", {"role": "commander", "person": "bad name!"}, "role-person", "give a user name"),
    ],
)
def test_a_refused_field_of_an_incident_form_says_why_beside_it(
    make_user: Any, opened: Any, path: str, sent: dict[str, str], at: str, said: str
) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    answer = me.post(f"/incidents/{opened.key}/{path}/", sent)
    assert answer.status_code == 400
    soup = BeautifulSoup(answer.content, "html.parser")
    assert said in _refused_field(soup, at)
    assert said in soup.select_one(".messages [role=alert]").get_text()  # and in the summary
    assert len(soup.select("[aria-invalid]")) == 1  # the other forms' fields are not marked
    fresh = BeautifulSoup(me.get(f"/incidents/{opened.key}/").content, "html.parser")
    assert not fresh.select(".field-error, [aria-invalid]")  # said once


def test_a_refusal_of_a_whole_change_is_said_beside_its_form(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    sent = {"duplicate_of": "INC-1999-0009"}
    answer = me.post(f"/incidents/{opened.key}/duplicate/", sent)
    soup = BeautifulSoup(answer.content, "html.parser")
    beside = soup.select_one("details[open] form[action$='/duplicate/'] > p#duplicate-error")
    assert "no incident INC-1999-0009" in beside.get_text()
    assert not soup.select("[aria-invalid]")  # no field of it is wrong
    assert soup.select_one("#duplicate-of")["value"] == "INC-1999-0009"  # kept as sent


def test_a_refused_declaration_says_each_error_beside_its_field(make_user: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    form = {"title": "Checkout slow", "severity": "SEV2", "team": "sre", "timezone": "UTC"}
    for sent, at, said in (
        ({"title": " "}, "declare-title", "This field is required."),
        ({"timezone": "Europe/Berln"}, "declare-timezone", "unknown timezone 'Europe/Berln'"),
        ({"team": "payments"}, "declare-team", "author role in team payments"),
    ):
        answer = me.post("/incidents/declare/", {**form, **sent})
        assert answer.status_code == 400
        assert said in _refused_field(BeautifulSoup(answer.content, "html.parser"), at)


def test_write_the_postmortem_links_both_ways(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    me.post(f"/incidents/{opened.key}/status/", {"status": "resolved"})
    preview = me.get(f"/incidents/{opened.key}/postmortem/")
    assert "## Timeline" in preview.content.decode()
    assert "and the events marked <b>key moment</b>" in preview.content.decode()  # which go in
    assert "## Lessons Learned" not in preview.content.decode()
    sre = me.get(f"/incidents/{opened.key}/postmortem/", {"profile": "google-sre"})
    assert "## Lessons Learned" in sre.content.decode()
    answer = me.post(f"/incidents/{opened.key}/postmortem/", {"profile": "minimal"})
    opened.refresh_from_db()
    pm = opened.postmortem
    assert answer.url.endswith(f"/p/{pm.key}/")
    page = me.get(f"/p/{pm.key}/").content.decode()
    assert f"/incidents/{opened.key}/" in page
    assert f"incident: {opened.key}" in pm.text
    assert "## Root Cause\n" in pm.text  # the minimal format
    again = me.post(f"/incidents/{opened.key}/postmortem/", follow=True)
    assert "already has its postmortem" in again.content.decode()
    me.post(f"/incidents/{opened.key}/note/", {"text": "Found a second cause"})
    note = opened.events.get(text="Found a second cause")
    me.post(f"/incidents/{opened.key}/flag/", {"event": note.pk, "mark": "key_moment", "on": "1"})
    offered = me.get(f"/incidents/{opened.key}/postmortem/").content.decode()
    assert "Found a second cause" in offered
    pm.refresh_from_db()
    assert "Found a second cause" not in pm.text  # offered, never applied


def test_the_notes_people_wrote_are_offered_ticked_to_join_the_postmortem(
    make_user: Any, opened: Any
) -> None:
    """Nobody marks key moments mid-incident: the draft page lists what people wrote, the notes
    ticked; ticked ones are marked key moments and join the postmortem's timeline."""
    me = _login(make_user("ann", "author", team="sre"))
    base = f"/incidents/{opened.key}"
    me.post(f"{base}/note/", {"text": "archive_command failing: S3 credentials rotated"})
    me.post(f"{base}/note/", {"text": "Checked the replica lag, it was fine"})
    me.post(f"{base}/status/", {"status": "resolved"})
    found, fine = (opened.events.get(text__startswith=t) for t in ("archive_command", "Checked"))
    page = BeautifulSoup(me.get(f"{base}/postmortem/").content, "html.parser")
    boxes = {int(b["value"]): b.has_attr("checked") for b in page.select("[name=key_moment]")}
    assert boxes == {found.pk: True, fine.pk: True}  # the server's own notes are not offered
    said = page.select_one(f"[data-note='{found.pk}']").get_text(" ", strip=True)
    assert "· ann: archive_command failing" in said  # who wrote it
    preview = page.select_one("pre.draft").get_text()
    assert "archive_command failing" in preview  # the draft as creating it would write it
    assert "replica lag" in preview
    stale = me.post(f"{base}/postmortem/", {"key_moment": [found.pk, 10**9]}, follow=True)
    assert "The notes changed since the page was shown" in stale.content.decode()
    opened.refresh_from_db()
    assert opened.postmortem is None  # nothing written with what was not asked
    found.refresh_from_db()
    assert not found.key_moment
    # An unknown format falls back to the team's, as the form has always read it.
    me.post(f"{base}/postmortem/", {"key_moment": [found.pk], "profile": "nope"})
    opened.refresh_from_db()
    text = opened.postmortem.text
    assert "archive_command failing: S3 credentials rotated" in text
    assert "replica lag" not in text  # unticked
    assert "## Corrective and Preventative Measures" in text  # classic, the team's
    found.refresh_from_db()
    assert found.key_moment
    again = me.post(f"{base}/postmortem/", {"key_moment": [fine.pk]}, follow=True)
    assert "already has its postmortem" in again.content.decode()  # a second click
    fine.refresh_from_db()
    assert not fine.key_moment


def test_marking_the_notes_and_writing_the_postmortem_are_one_change(
    make_user: Any, opened: Any, monkeypatch: Any
) -> None:
    """A postmortem that cannot be saved leaves the notes as they were."""
    from postmortems.server.incidents import drafting
    from postmortems.server.library import store
    from postmortems.server.library.boundaries import NotAllowed

    me = _login(make_user("ann", "author", team="sre"))
    base = f"/incidents/{opened.key}"
    me.post(f"{base}/note/", {"text": "Rolled back the deploy"})
    note = opened.events.get(text="Rolled back the deploy")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NotAllowed("the library refused it")

    # Two clicks that both read the incident before either wrote: one postmortem, not two.
    from django.utils import timezone

    from postmortems.errors import PostmortemsError
    from postmortems.server.incidents.models import Incident

    first, second = Incident.objects.get(pk=opened.pk), Incident.objects.get(pk=opened.pk)
    made = drafting.write_postmortem(first, None, timezone.now())
    with pytest.raises(PostmortemsError, match="already has its postmortem"):
        drafting.write_postmortem(second, None, timezone.now())
    from postmortems.server.library.models import Postmortem

    assert Postmortem.objects.filter(key__startswith=made.key).count() == 1
    Incident.objects.filter(pk=opened.pk).update(postmortem=None)
    made.delete()

    monkeypatch.setattr(store, "create", refuse)
    answer = me.post(f"{base}/postmortem/", {"key_moment": [note.pk]}, follow=True)
    assert "the library refused it" in answer.content.decode()
    note.refresh_from_db()
    assert not note.key_moment
    assert drafting.unmarked_notes(opened) == [note]


def test_inbox_and_ingest_errors_pages(make_user: Any, client: Client) -> None:
    integ, secret = integration(team="sre")
    post(client, integ, secret, am_payload("w", am_alert("w1", severity="warning")))
    post(client, integ, secret, None, raw=b"{oops")
    me = _login(make_user("ann", "viewer", team="sre"))
    assert "alert w1" in me.get("/incidents/inbox/").content.decode()
    errors = me.get("/incidents/ingest-errors/").content.decode()
    assert "not valid JSON" in errors
    assert "{oops" in errors


def test_the_status_form_names_the_current_status_and_chooses_none(
    make_user: Any, opened: Any
) -> None:
    """A resolved incident's form does not come with a move chosen ("investigating", the first
    way out, read as the incident's status): the browser asks for one."""
    me = _login(make_user("ann", "author", team="sre"))
    me.post(f"/incidents/{opened.key}/role/", {"role": "commander"})
    held = BeautifulSoup(me.get(f"/incidents/{opened.key}/").content, "html.parser")
    assert held.select_one("table.roles tbody td:last-child").get_text() == "now"
    me.post(f"/incidents/{opened.key}/status/", {"status": "resolved", "why": "fixed"})
    page = BeautifulSoup(me.get(f"/incidents/{opened.key}/").content, "html.parser")
    # the commander held the role to the end, not "now" on an incident that is over
    assert page.select_one("table.roles tbody td:last-child").get_text() == "to the end"
    select = page.select_one("select[name=status]")
    assert select.has_attr("required")
    chosen = select.select_one("option[selected]")
    assert chosen is not None
    assert chosen["value"] == ""
    assert chosen.get_text() == "resolved → …"
    assert "investigating" in [o.get_text() for o in select.select("option")]


def test_every_page_names_the_open_incidents_the_reader_may_see(
    make_user: Any, opened: Any, client: Client
) -> None:
    """A live incident is seen from the library and the postmortems, not only from the incidents
    list; a restricted one only by its team; a resolved one no more."""
    from django.core.cache import cache
    from django.utils import timezone

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident

    outsider = _login(make_user("olga", "viewer", team="blue"))
    red = make_user("ivan", "author", team="red")
    insider = _login(red)
    secret = services.declare(
        "Payroll export leaking",
        red,
        team="red",
        severity="SEV1",
        restricted=True,
        now=timezone.now(),
    )

    def banner(me: Client) -> str:
        cache.clear()
        page = BeautifulSoup(me.get("/").content, "html.parser")
        found = page.select_one("aside.ongoing")
        return found.get_text(" ") if found else ""

    assert opened.title in banner(outsider)
    assert secret.title not in banner(outsider)
    assert secret.title in banner(insider)
    assert banner(insider).index(secret.title) < banner(insider).index(opened.title)  # SEV1 first
    Incident.objects.filter(pk=opened.pk).update(status="resolved")
    secret.status = "closed"
    secret.save()
    assert banner(insider) == ""


def test_the_list_finds_an_incident_by_its_words_and_never_a_hidden_one(make_user: Any) -> None:
    """``q`` looks in the key, title, services and timeline; a restricted incident of another
    team is not found by words only its timeline holds."""
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    ivan = make_user("ivan", "author", team="red")
    now = timezone.now()
    edge = services.declare("Edge errors", ann, team="sre", services=["edge-proxy"], now=now)
    services.note(edge, "The CERTIFICATE of api.example expired at 09:00", ann, now)
    queue = services.declare("Queue backlog", ann, team="sre", services=["billing-queue"], now=now)
    secret = services.declare("Payroll", ivan, team="red", restricted=True, now=now)
    services.note(secret, "certificate pinning broke payroll exports", ivan, now)

    def found(me: Client, q: str, **more: str) -> set[str]:
        page = me.get("/incidents/", {"q": q, **more})
        assert page.status_code == 200
        cells = BeautifulSoup(page.content, "html.parser").select("table.incidents td code")
        return {c.get_text() for c in cells}

    me = _login(ann)
    assert found(me, "certificate") == {edge.key}  # a note, any case; not the hidden one
    assert found(me, "billing") == {queue.key}  # a service
    assert found(me, "backlog") == {queue.key}  # the title
    assert found(me, edge.key.lower()) == {edge.key}  # the key
    assert found(me, "certificate", status="resolved") == set()  # with the other filters
    assert found(me, "  ") == {edge.key, queue.key}  # blank: no text filter
    empty = me.get("/incidents/", {"q": "nothing like it"}).content.decode()
    assert "No incident matches “nothing like it”." in empty
    assert found(_login(ivan), "certificate") == {edge.key, secret.key}
    # Each word anywhere, in any order; punctuation alone is no word; JSON's is not matched.
    assert found(me, "expired certificate") == {edge.key}
    assert found(me, "edge-proxy certificate") == {edge.key}  # a service and a note
    assert found(me, "billing certificate") == set()
    assert found(me, "(edge-proxy, certificate.)") == {edge.key}  # punctuation around words
    assert me.get("/incidents/", {"q": "[ ]"}).status_code == 400  # no word: said, not all
    assert found(me, 'proxy","billing') == set()  # across two services' JSON: no match


def test_a_filter_the_list_refuses_is_said_not_dropped(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    refused = me.get("/incidents/", {"q": "x" * 201})
    assert refused.status_code == 400
    page = BeautifulSoup(refused.content, "html.parser")
    said = page.select_one("ul.messages li.error").get_text()
    assert said.startswith("Search: ")  # the field as the page names it
    assert "at most 200 characters" in said
    assert opened.key not in page.select_one("table.incidents").get_text()
    assert me.get("/incidents/", {"status": "sleeping"}).status_code == 400
    many = me.get("/incidents/", {"q": "a b c d e f g h zzz"})  # never a word silently dropped
    assert many.status_code == 400
    assert "search for 8 words at most (9 given)" in many.content.decode()


def test_a_service_name_with_accents_is_found(make_user: Any) -> None:
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    cafe = services.declare(
        "Orders", ann, team="sre", services=["café-api", "日本"], now=timezone.now()
    )
    me = _login(ann)
    for word in ("café", "café-api", "日本"):
        cells = BeautifulSoup(me.get("/incidents/", {"q": word}).content, "html.parser")
        assert [c.get_text() for c in cells.select("table.incidents td code")] == [cafe.key]


def test_the_banner_agrees_with_a_change_made_on_the_page(make_user: Any) -> None:
    """The open-incidents banner is kept a few seconds; a change made through the incident's
    page is shown in it on the next page, not the banner from before. The incident's own page
    has no banner for it: the page says all of it."""
    me = _login(make_user("ann", "author", team="sre"))

    def banner(page: Any) -> str:
        found = BeautifulSoup(page.content, "html.parser").select_one("aside.ongoing")
        return " ".join(found.get_text(" ").split()) if found else ""

    form = {"title": "Login slow", "severity": "SEV3", "team": "sre", "timezone": "UTC"}
    declared = me.post("/incidents/declare/", form, follow=True)
    assert banner(declared) == ""  # its own page
    listing = me.get("/incidents/")
    assert "SEV3 Login slow triage · opened just now" in banner(listing)
    # the status is a badge in the palette's tone, as on the incident pages (st-STATE)
    aside = BeautifulSoup(listing.content, "html.parser").select_one("aside.ongoing")
    assert aside.select_one(".badge.st-triage").get_text() == "triage"
    key = declared.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1]
    me.post(f"/incidents/{key}/severity/", {"severity": "SEV1", "why": "all EU"})
    assert "SEV1 Login slow triage ·" in banner(me.get("/incidents/"))
    me.post(f"/incidents/{key}/status/", {"status": "investigating"})
    assert "SEV1 Login slow investigating ·" in banner(me.get("/"))
    assert banner(me.get(f"/incidents/{key.lower()}/")) == ""  # its page, in any case
    me.post(f"/incidents/{key}/status/", {"status": "resolved"})
    assert "Login slow" not in banner(me.get("/incidents/"))


def test_the_banner_says_how_many_more_and_links_to_the_open_ones(make_user: Any) -> None:
    import datetime as dt

    from django.core.cache import cache
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    me = _login(ann)
    hour_ago = timezone.now() - dt.timedelta(hours=2)
    made = [
        services.declare(f"Outage {n}", ann, team="sre", now=hour_ago + dt.timedelta(minutes=n))
        for n in range(5)
    ]
    services.change_status(made[0], "resolved", ann, timezone.now())
    cache.clear()
    aside = BeautifulSoup(me.get("/").content, "html.parser").select_one("aside.ongoing")
    assert " ".join(aside.get_text(" ").split()).startswith("Open incidents:")
    assert len(aside.select("a[href^='/incidents/INC-']")) == 3
    assert "· open 1\xa0hour" in aside.get_text()  # timesince, not "opened just now"
    more = aside.select("a")[-1]
    assert (more.get_text(), more["href"]) == (
        "1 more: all 4 open incidents",
        "/incidents/?status=open",
    )
    listed = BeautifulSoup(me.get(more["href"]).content, "html.parser")
    keys = [c.get_text() for c in listed.select("table.incidents td code")]
    assert keys == [i.key for i in reversed(made[1:])]  # the resolved one is not open
    own = BeautifulSoup(me.get(f"/incidents/{made[4].key}/").content, "html.parser")
    shown = own.select_one("aside.ongoing")
    assert " ".join(shown.get_text(" ").split()).startswith("Also open:")  # beside this one
    assert "Outage 4" not in shown.get_text()
    assert "more" not in shown.get_text()  # the 3 others are all shown
    assert len(shown.select("a[href^='/incidents/INC-']")) == 3
    api = me.get("/api/incidents", {"status": "open"}).json()
    assert [i["key"] for i in api] == keys


def test_the_banner_on_an_open_incidents_page_counts_it_out_of_the_more(make_user: Any) -> None:
    """The page's own incident, open but older than the worst ones the banner names, is
    neither named nor counted among the "more": its page says all of it."""
    import datetime as dt

    from django.core.cache import cache
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    start = timezone.now() - dt.timedelta(hours=3)
    made = [
        services.declare(f"Outage {n}", ann, team="sre", now=start + dt.timedelta(minutes=n))
        for n in range(6)
    ]
    cache.clear()
    me = _login(ann)
    aside = BeautifulSoup(me.get(f"/incidents/{made[0].key}/").content, "html.parser")
    banner = aside.select_one("aside.ongoing")
    assert "Outage 0" not in banner.get_text()
    assert banner.select("a")[-1].get_text() == "2 more: all 6 open incidents"
    elsewhere = BeautifulSoup(me.get("/").content, "html.parser").select_one("aside.ongoing")
    assert elsewhere.select("a")[-1].get_text() == "3 more: all 6 open incidents"
    # An incident opened after the banner's count was kept (by an alert: nothing forgets it),
    # seen on its page within the seconds the count is kept: the count is not below none.
    for done in made[3:]:
        services.change_status(done, "resolved", ann, timezone.now())
    cache.clear()
    me.get("/")  # 3 open ones, all named
    new = services.declare("Outage 6", ann, team="sre", now=timezone.now())
    fresh = BeautifulSoup(me.get(f"/incidents/{new.key}/").content, "html.parser")
    assert "more" not in fresh.select_one("aside.ongoing").get_text()


def test_a_refused_change_does_not_name_the_page_s_own_incident_in_the_banner(
    make_user: Any,
) -> None:
    """A refused note comes back as the incident's page (at ``/note/``, 400): the banner above
    it says "Also open" and names the others, as on the page itself, not this one again."""
    from django.core.cache import cache
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    here = services.declare("Checkout 502s", ann, team="sre", now=timezone.now())
    services.declare("Search slow", ann, team="sre", now=timezone.now())
    cache.clear()
    refused = _login(ann).post(f"/incidents/{here.key}/note/", {"text": " "})
    assert refused.status_code == 400
    banner = BeautifulSoup(refused.content, "html.parser").select_one("aside.ongoing")
    assert "Search slow" in banner.get_text()
    assert "Checkout 502s" not in banner.get_text()
    assert "Also open" in banner.get_text()


def test_a_change_goes_back_to_the_row_it_made_not_the_top_of_the_page(
    make_user: Any, opened: Any
) -> None:
    """On a phone the forms are far below the top: after a note, a mark or a status change the
    reader lands on the timeline's row that shows it."""
    me = _login(make_user("ann", "author", team="sre"))
    base = f"/incidents/{opened.key}"
    answer = me.post(f"{base}/note/", {"text": "Rolled back deploy 42"})
    note = opened.events.get(kind="note", author="ann")
    assert answer["Location"] == f"{base}/#event-{note.pk}"
    marked = me.post(f"{base}/flag/", {"event": note.pk, "mark": "key_moment", "on": "1"})
    assert marked["Location"] == f"{base}/#event-{note.pk}"
    moved = me.post(f"{base}/status/", {"status": "monitoring", "why": "fix is out"})
    change = opened.events.filter(kind="status-change").latest("pk")
    assert moved["Location"] == f"{base}/#event-{change.pk}"
    page = BeautifulSoup(me.get(moved["Location"]).content, "html.parser")
    assert "monitoring" in page.select_one(f"#event-{change.pk}").get_text()


def test_the_head_of_the_page_leads_to_its_forms(make_user: Any, opened: Any) -> None:
    """On a phone the forms are thousands of pixels below the timeline: the head links to them,
    for those who may change the incident."""
    author = BeautifulSoup(
        _login(make_user("ann", "author", team="sre")).get(f"/incidents/{opened.key}/").content,
        "html.parser",
    )
    jump = author.select_one(".pm-head .jump a")
    assert jump["href"] == "#record"
    assert author.find(id="record").find("textarea", attrs={"name": "text"}) is not None
    viewer = _login(make_user("vic", "viewer", team="sre")).get(f"/incidents/{opened.key}/")
    assert BeautifulSoup(viewer.content, "html.parser").select_one(".jump") is None


def test_the_declare_form_suggests_the_teams_one_may_declare_for(make_user: Any) -> None:
    """A free-text team was a guess ("SRE Team" is no team); the form offers the teams where
    the user is an author, and fills it in when there is only one."""
    from postmortems.server.accounts.models import set_role

    def form(client: Client) -> Any:
        return BeautifulSoup(client.get("/incidents/").content, "html.parser").find(
            id="declare-team"
        )

    ann = make_user("ann", "author", team="sre")
    one = form(_login(ann))
    assert one["value"] == "sre"
    assert [o["value"] for o in one.find_next("datalist").select("option")] == ["sre"]
    set_role(ann, "web", "author")
    set_role(ann, "payments", "viewer")  # may not declare for it: not offered
    two = form(_login(ann))
    assert not two.get("value")
    assert [o["value"] for o in two.find_next("datalist").select("option")] == ["sre", "web"]
    zones = BeautifulSoup(_login(ann).get("/incidents/").content, "html.parser")
    assert "Europe/Berlin" in [o["value"] for o in zones.select("#declare-zones option")]


def test_the_declare_form_starts_from_the_zone_of_ones_teams_on_call(make_user: Any) -> None:
    """The zone the form starts from is the one the team's on-call schedules use (most of them;
    the first by name on a tie), or the one all one's teams share; else the server's, UTC."""
    from postmortems.server.accounts.models import set_role
    from postmortems.server.oncall.models import Schedule

    def zone(client: Client) -> str:
        page = BeautifulSoup(client.get("/incidents/").content, "html.parser")
        return str(page.find("input", attrs={"name": "timezone"})["value"])

    ann = make_user("ann", "author", team="sre")
    assert zone(_login(ann)) == "UTC"  # no schedule: the server's zone
    for name, team, tz in [
        ("a-sre", "sre", "Europe/London"),
        ("b-sre", "sre", "America/New_York"),
        ("c-sre", "sre", "Europe/London"),
        ("web", "web", "Europe/Berlin"),
        ("web-eu", "web", "Europe/London"),
    ]:
        Schedule.objects.create(name=name, team=team, timezone=tz)
    assert zone(_login(ann)) == "Europe/London"  # two of sre's three schedules
    set_role(ann, "web", "author")  # web: Berlin and London, Berlin first by name
    assert zone(_login(ann)) == "UTC"  # sre's London, web's Berlin: none shared
    Schedule.objects.filter(name="web").update(name="z-web")
    assert zone(_login(ann)) == "Europe/London"  # both teams' zone
    refused = _login(ann).post("/incidents/declare/", {"title": "x", "timezone": "Mars/Base"})
    kept = BeautifulSoup(refused.content, "html.parser").find("input", attrs={"name": "timezone"})
    assert kept["value"] == "Mars/Base"  # a refused form keeps what was typed


def test_the_role_form_suggests_who_may_take_a_role(make_user: Any) -> None:
    """The names offered are the accounts the role may go to: a restricted incident's team."""
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    make_user("bob", "viewer", team="sre")
    make_user("walt", "author", team="web")
    me = _login(ann)

    def offered(key: str) -> list[str]:
        soup = BeautifulSoup(me.get(f"/incidents/{key}/").content, "html.parser")
        return [o["value"] for o in soup.select("#responders option")]

    public = services.declare("checkout down", ann, team="sre", now=timezone.now())
    secret = services.declare("breach", ann, team="sre", restricted=True, now=timezone.now())
    assert {"ann", "bob", "walt"} <= set(offered(public.key))
    assert offered(secret.key) == ["ann", "bob"]


def test_the_banner_names_one_open_incident_in_the_singular(make_user: Any) -> None:
    from django.core.cache import cache
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    services.declare("Login slow", ann, team="sre", now=timezone.now())
    cache.clear()
    aside = BeautifulSoup(_login(ann).get("/").content, "html.parser").select_one("aside.ongoing")
    assert " ".join(aside.get_text(" ").split()).startswith("Open incident:")


def test_an_incident_over_with_no_postmortem_says_so_at_its_top(
    make_user: Any, opened: Any
) -> None:
    """Resolved or closed and no postmortem: the head of the page leads to writing it, for those
    who may; not while it goes on, not once written, not when cancelled, not to a viewer."""
    me = _login(make_user("ann", "author", team="sre"))
    page = f"/incidents/{opened.key}/"

    def step(client: Client) -> Any:
        return BeautifulSoup(client.get(page).content, "html.parser").select_one(".next-step")

    assert step(me) is None  # still going on
    me.post(f"{page}status/", {"status": "resolved"})
    said = step(me)
    assert said is not None
    assert said.get_text(" ", strip=True).startswith("Resolved, with no postmortem yet")
    assert said.a["href"] == f"{page}postmortem/"
    assert step(_login(make_user("vic", "viewer", team="sre"))) is None
    live = BeautifulSoup(me.get(f"{page}timeline/").content, "html.parser")
    assert live.select_one(".next-step a")["href"] == f"{page}postmortem/"  # redrawn live too
    me.post(f"{page}postmortem/", {"profile": "classic"})
    assert step(me) is None  # written: the head links the postmortem instead


def test_a_cancelled_incident_is_not_asked_for_a_postmortem(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    page = f"/incidents/{opened.key}/"
    me.post(f"{page}status/", {"status": "cancelled", "why": "a test alert"})
    opened.refresh_from_db()
    assert opened.status == "cancelled"
    assert BeautifulSoup(me.get(page).content, "html.parser").select_one(".next-step") is None


def test_the_drafted_postmortem_is_the_servers_entry_not_a_note(
    make_user: Any, opened: Any
) -> None:
    """Writing the postmortem puts an entry of its own kind on the timeline that says who wrote
    which postmortem, linked; nobody may edit or redact it as if it were a typed note."""
    ann = make_user("ann", "author", team="sre")
    me = _login(ann)
    base = f"/incidents/{opened.key}"
    assert me.post(f"{base}/postmortem/").status_code == 302
    opened.refresh_from_db()
    pm_key = opened.postmortem.key
    entry = opened.events.get(kind="postmortem-drafted")
    assert (entry.author, entry.user, entry.detail) == ("ann", ann, [["postmortem", pm_key]])
    assert not opened.events.filter(kind="note", text__contains="drafted").exists()
    soup = BeautifulSoup(me.get(f"{base}/").content, "html.parser")
    row = soup.select_one(f"#event-{entry.pk}")
    assert " ".join(row.select_one("td.main").get_text(" ").split()) == (
        f"ann drafted the postmortem {pm_key} from the timeline."
    )
    assert row.select_one("td.main a")["href"] == f"/p/{pm_key}/"
    assert not row.select(".entry-form")  # no Edit, no Redact
    refused = me.post(f"{base}/entries/{entry.pk}/redact/", {"why": "x"})
    assert 400 <= refused.status_code < 500
    entry.refresh_from_db()
    assert entry.redacted_at is None


def test_old_drafted_notes_become_the_servers_entries(make_user: Any, opened: Any) -> None:
    """Migration 0014: the notes the server wrote in a person's name before ("Postmortem drafted
    from the timeline.", and the first ones, with the key) become ``postmortem-drafted``
    entries; a note edited since, or one a person wrote alike, stays a note."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from postmortems.server.incidents import drafting
    from postmortems.server.incidents.models import Event

    ann = make_user("ann", "author", team="sre")
    pm = drafting.write_postmortem(opened, ann, timezone.now())
    opened.events.filter(kind="postmortem-drafted").delete()
    now = timezone.now()

    def note(text: str, **extra: Any) -> Event:
        return Event.objects.create(
            incident=opened,
            at=now,
            kind="note",
            text=text,
            author="ann",
            user=ann,
            created=now,
            **extra,
        )

    plain = note("Postmortem drafted from the timeline.")
    keyed = note("Postmortem PM-2020-0001 drafted from the timeline.")
    edited = note("Postmortem drafted from the timeline.", edited_at=now)
    typed = note("Postmortem of the outage drafted from the timeline.")
    module = importlib.import_module(
        "postmortems.server.incidents.migrations.0014_postmortem_drafted_event"
    )
    module.convert_notes(apps, None)
    for row in (plain, keyed, edited, typed):
        row.refresh_from_db()
    assert (plain.kind, plain.text, plain.detail) == (
        "postmortem-drafted",
        "ann drafted the postmortem from the timeline.",
        [["postmortem", pm.key]],
    )
    assert (keyed.kind, keyed.detail) == ("postmortem-drafted", [["postmortem", "PM-2020-0001"]])
    assert (edited.kind, typed.kind) == ("note", "note")
