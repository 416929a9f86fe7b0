"""Contributing factors: suggested from the text, confirmed or rejected by people, stored."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.conftest import doc_text

from postmortems.server.insights.models import ContributingFactor
from postmortems.server.library import store

pytestmark = pytest.mark.django_db

CAUSE = "The TLS certificate expired. We renewed it."
LEAK = "A memory leak in the session cache exhausted the nodes."


@pytest.fixture
def leak(make_user: Any) -> dict[str, Any]:
    store.create(doc_text("PM-LEAK").replace(CAUSE, LEAK), None)
    store.create(doc_text("PM-HIDDEN", restricted=True, teams="red").replace(CAUSE, LEAK), None)
    return {
        "author": make_user("alice", "author"),
        "viewer": make_user("vera", "viewer"),
        "outsider": make_user("olga", "admin", team="blue"),
    }


def fragment(client: Client, key: str) -> BeautifulSoup:
    return BeautifulSoup(client.get(f"/insights/factors/{key}/").content, "html.parser")


def states(soup: BeautifulSoup) -> dict[str, str]:
    return {
        li["data-factor"]: li.select_one(".badge").get_text() for li in soup.select("li.factor")
    }


def test_the_text_suggests_and_a_writer_confirms(leak: dict[str, Any], client: Client) -> None:
    client.force_login(leak["author"])
    page = BeautifulSoup(client.get("/p/PM-LEAK/").content, "html.parser")
    assert page.select_one("#factors-slot")["hx-get"] == "/insights/factors/PM-LEAK/"
    soup = fragment(client, "PM-LEAK")
    assert states(soup)["bug"] == "suggested"
    assert "memory leak" in soup.select_one("li[data-factor=bug]").get_text()
    assert ContributingFactor.objects.count() == 0  # a suggestion is not a fact
    url = "/insights/factors/PM-LEAK/"
    client.post(url, {"factor": "bug", "state": "confirmed"}, headers={"HX-Request": "true"})
    client.post(url, {"factor": "deploy", "state": "confirmed"})
    soup = fragment(client, "PM-LEAK")
    assert (states(soup)["bug"], states(soup)["deploy"]) == ("confirmed", "confirmed")
    [bug] = ContributingFactor.objects.filter(slug="bug")
    assert (bug.decided_by, bug.phrase) == (leak["author"], "memory leak")
    client.post(url, {"factor": "deploy", "state": "clear"})
    assert "deploy" not in states(fragment(client, "PM-LEAK"))
    client.post(url, {"factor": "bug", "state": "rejected"})
    assert states(fragment(client, "PM-LEAK"))["bug"] == "rejected"


def test_bad_input_and_rights(leak: dict[str, Any], client: Client) -> None:
    client.force_login(leak["author"])
    bad = client.post("/insights/factors/PM-LEAK/", {"factor": "aliens", "state": "confirmed"})
    assert bad.status_code == 400
    assert "Factor: Select a valid choice" in bad.content.decode()
    viewer = Client()
    viewer.force_login(leak["viewer"])
    assert "Confirm" not in viewer.get("/insights/factors/PM-LEAK/").content.decode()
    refused = viewer.post("/insights/factors/PM-LEAK/", {"factor": "bug", "state": "confirmed"})
    assert refused.status_code == 403
    outsider = Client()
    outsider.force_login(leak["outsider"])
    assert outsider.get("/insights/factors/PM-HIDDEN/").status_code == 404
    posted = outsider.post("/insights/factors/PM-HIDDEN/", {"factor": "bug", "state": "confirmed"})
    assert posted.status_code == 404
    assert not ContributingFactor.objects.exists()
