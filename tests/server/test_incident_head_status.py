"""The head of an open incident's page: Resolve and Mitigated with a note, through the status
form's checks; marking a duplicate is an action of its own, not a field of the status form."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import logged_in, open_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(client: Client) -> Any:
    return open_incident(client)


def _soup(client: Client, key: str) -> BeautifulSoup:
    return BeautifulSoup(client.get(f"/incidents/{key}/").content, "html.parser")


def _head_buttons(soup: BeautifulSoup) -> list[tuple[str, str]]:
    form = soup.select_one(".pm-head form#head-status")
    if form is None:
        return []
    return [(b["value"], b.get_text()) for b in form.select("button[name=status]")]


def test_an_open_incident_offers_resolve_and_mitigated_at_its_head(
    make_user: Any, opened: Any
) -> None:
    me = logged_in(make_user("ann", "author", team="sre"))
    soup = _soup(me, opened.key)
    # Resolve first: Enter in the note's field presses it.
    assert _head_buttons(soup) == [("resolved", "Resolve"), ("monitoring", "Mitigated")]
    form = soup.select_one("form#head-status")
    assert form["action"] == f"/incidents/{opened.key}/status/head/"
    assert form.select_one("input[name=csrfmiddlewaretoken]")
    assert soup.select_one("label[for=head-why]").get_text(" ").split()[0] == "Note"


def test_resolve_at_the_head_resolves_with_its_note_and_goes_back_to_its_row(
    make_user: Any, opened: Any
) -> None:
    me = logged_in(make_user("ann", "author", team="sre"))
    sent = {"status": "resolved", "why": "rolled back deploy 42"}
    answer = me.post(f"/incidents/{opened.key}/status/head/", sent)
    opened.refresh_from_db()
    assert opened.status == "resolved"
    row = opened.events.filter(kind="status-change").latest("pk")
    assert row.text == "Status changed from triage to resolved. Rolled back deploy 42"
    assert answer.status_code == 302
    assert answer.url == f"/incidents/{opened.key}/#event-{row.pk}"
    assert _head_buttons(_soup(me, opened.key)) == []  # over: nothing to resolve


def test_mitigated_moves_to_monitoring_and_leaves_resolve(make_user: Any, opened: Any) -> None:
    me = logged_in(make_user("ann", "author", team="sre"))
    me.post(f"/incidents/{opened.key}/status/head/", {"status": "monitoring", "why": ""})
    opened.refresh_from_db()
    assert (opened.status, opened.mitigated is not None) == ("monitoring", True)
    assert _head_buttons(_soup(me, opened.key)) == [("resolved", "Resolve")]


def test_a_stale_resolve_is_refused_with_the_status_forms_words(
    make_user: Any, opened: Any
) -> None:
    """Two people press Resolve: the second is told beside the buttons, nothing is recorded
    twice, and the note they typed is there to keep (the incident has ended: no move is
    offered, but the form comes back with the note and the refusal)."""
    me = logged_in(make_user("ann", "author", team="sre"))
    url = f"/incidents/{opened.key}/status/head/"
    me.post(url, {"status": "resolved"})
    moves = opened.events.filter(kind="status-change").count()
    again = me.post(url, {"status": "resolved", "why": "my long careful note"})
    assert again.status_code == 400
    soup = BeautifulSoup(again.content, "html.parser")
    assert "the incident is already resolved" in soup.select_one(".messages").get_text()
    beside = soup.select_one("#head-status > #head-status-error").get_text()
    assert "the incident is already resolved" in beside
    assert soup.select_one("#head-why")["value"] == "my long careful note"
    assert _head_buttons(soup) == []  # nothing to press on an ended incident
    assert opened.events.filter(kind="status-change").count() == moves
    # read again, the page offers no head form: it came back for the refusal only
    assert _soup(me, opened.key).select_one("#head-status") is None


def test_the_head_makes_its_two_moves_only(make_user: Any, opened: Any) -> None:
    """Another move posted at the head's address is refused there (the status form makes
    it), with the note kept; the incident does not move."""
    me = logged_in(make_user("ann", "author", team="sre"))
    sent = {"status": "closed", "why": "typed"}
    refused = me.post(f"/incidents/{opened.key}/status/head/", sent)
    assert refused.status_code == 400
    soup = BeautifulSoup(refused.content, "html.parser")
    assert "closed" in soup.select_one("#head-status > #head-move-error").get_text()
    assert soup.select_one("#head-why")["value"] == "typed"  # kept as sent
    assert soup.select_one("#status-why").get("value") is None  # not the status form's
    opened.refresh_from_db()
    assert opened.status != "closed"


def test_who_may_not_change_it_is_offered_no_resolve(make_user: Any, opened: Any) -> None:
    viewer = logged_in(make_user("vic", "viewer", team="sre"))
    assert _head_buttons(_soup(viewer, opened.key)) == []
    answer = viewer.post(f"/incidents/{opened.key}/status/head/", {"status": "resolved"})
    assert answer.status_code == 403
    opened.refresh_from_db()
    assert opened.status == "triage"


def test_the_status_form_has_no_duplicate_field_and_marking_one_is_its_own_form(
    make_user: Any, opened: Any
) -> None:
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    me = logged_in(ann)
    soup = _soup(me, opened.key)
    status = soup.select_one("form[action$='/status/']")
    assert status.select("input[name=duplicate_of]") == []
    assert "duplicate" not in [o.get_text() for o in status.select("option")]
    mark = soup.select_one("details.mark-duplicate")
    assert mark.select_one("summary").get_text() == "Mark as duplicate of…"
    assert not mark.has_attr("open")
    other = services.declare("Other", ann, team="sre", now=timezone.now())
    sent = {"duplicate_of": other.key.lower(), "why": "same alert"}
    assert me.post(f"/incidents/{opened.key}/duplicate/", sent).status_code == 302
    opened.refresh_from_db()
    assert (opened.status, opened.duplicate_of) == ("duplicate", other)
    row = opened.events.filter(kind="status-change").latest("pk")
    assert row.text == f"Marked as a duplicate of {other.key}. Same alert"
    after = _soup(me, opened.key)
    assert after.select("details.mark-duplicate") == []  # a duplicate is restored, not marked
    assert _head_buttons(after) == []


def test_marking_a_duplicate_needs_the_other_key(make_user: Any, opened: Any) -> None:
    me = logged_in(make_user("ann", "author", team="sre"))
    answer = me.post(f"/incidents/{opened.key}/duplicate/", {"duplicate_of": " ", "why": "x"})
    assert answer.status_code == 400
    soup = BeautifulSoup(answer.content, "html.parser")
    assert "required" in soup.select_one("#duplicate-of-error").get_text()
    assert soup.select_one("#duplicate-why")["value"] == "x"
    opened.refresh_from_db()
    assert opened.status == "triage"
