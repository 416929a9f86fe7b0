"""The library's list, the API and the card read a postmortem's window the same way: an end read
across midnight is the next day's there too, an end dated before the start has no duration, and
times in a zone nobody knows are not stored, nor answered, as UTC."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.conftest import doc_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user: Any) -> Client:
    from postmortems.server.accounts.models import ApiToken

    user = make_user("alice", "author")
    _, raw = ApiToken.issue(user, "ci")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    client.force_login(user)
    return client


def _save(key: str, zone: str, resolved: str, summary: str) -> None:
    from postmortems.server.library import store

    text = doc_text(key).replace("timezone: UTC", f"timezone: {zone}")
    text = text.replace("started: 2024-02-12T04:00Z", "started: 2024-02-12T12:00")
    text = text.replace("resolved: 2024-02-12T06:30Z\n", resolved)
    text = text.replace("From 04:00 to 06:30 UTC checkout", summary)
    text = text.replace("04:07 UTC", "12:07").replace("06:30 UTC", "10:00")  # bare: the zone's
    store.create(text, None)


def _listed(client: Client, key: str) -> str:
    page = BeautifulSoup(client.get("/").content, "html.parser")
    link = page.select_one(f'table.pm-list a[href="/p/{key}/"]')
    return str(link.find_parent("tr").select_one("td.duration").get_text())


def _card_duration(client: Client, key: str) -> str:
    page = BeautifulSoup(client.get(f"/p/{key}/").content, "html.parser")
    fact = next(dt for dt in page.select("#summary-card .fact dt") if dt.get_text() == "Duration")
    return " ".join(fact.find_next("dd").get_text(" ", strip=True).split())


def test_an_unknown_zone_is_said_and_its_times_are_not_utc(author: Client) -> None:
    _save("PM-MARS", "Mars/Olympus", "", "From 12:00 to 10:00 checkout")
    got = author.get("/api/postmortems/PM-MARS").json()
    assert (got["timezone"], got["timezone_known"]) == ("Mars/Olympus", False)
    assert got["started"] is None  # not 12:00 UTC: nobody can place it
    assert got["duration_minutes"] == 1320  # 12:00 to 10:00 the next day, as the card says
    assert _listed(author, "PM-MARS") == _card_duration(author, "PM-MARS") == "22 h"
    page = BeautifulSoup(author.get("/p/PM-MARS/").content, "html.parser")
    when = page.select_one("#summary-card .fact.wide dd").get_text(" ", strip=True)
    assert "10:00 next day" in when
    assert "zone unknown" in when


def test_an_end_dated_before_the_start_has_no_duration_anywhere(author: Client) -> None:
    _save("PM-BACK", "UTC", "resolved: 2024-02-12T10:00\n", "Checkout")
    got = author.get("/api/postmortems/PM-BACK").json()
    assert got["timezone_known"] is True
    assert got["duration_minutes"] is None
    assert _listed(author, "PM-BACK") == "—"
    assert _card_duration(author, "PM-BACK") == "— (end before start)"


def test_a_known_zone_answers_its_duration(author: Client) -> None:
    from postmortems.server.library import store

    store.create(doc_text("PM-DUR"), None)
    got = author.get("/api/postmortems/PM-DUR").json()
    assert (got["timezone_known"], got["duration_minutes"]) == (True, 150)
    assert got["started"] == "2024-02-12T04:00:00Z"
