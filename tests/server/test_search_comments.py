"""A search result whose snippet is not the postmortem's text says where it is from ("From a
review comment by priya"), and the review comments are found and shown only to those who read
them (the review panel shows viewers none). SQLite and, with PM_TEST_DB=postgres, PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.conftest import doc_text

from postmortems.server.accounts.access import access_of
from postmortems.server.library import fulltext, queries, store
from postmortems.server.workflow import comments

pytestmark = pytest.mark.django_db
ANY = queries.Filters()
REMARK = "Was the haproxy reload the trigger? The quorum loss came right after it."


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    pm = store.create(doc_text("PM-S", title="Checkout lost its etcd quorum"), None).postmortem
    priya = make_user("priya", "reviewer")
    comments.add(pm, priya, REMARK, now=pm.updated)
    return {"alice": make_user("alice", "author"), "vera": make_user("vera", "viewer")}


def hits(user: Any, q: str) -> list[fulltext.Hit]:
    return fulltext.search(access_of(user), ANY, q).hits


def test_a_snippet_from_a_review_comment_says_so_and_by_whom(people: dict[str, Any]) -> None:
    [hit] = hits(people["alice"], "haproxy")
    assert (hit.source, hit.author) == ("comment", "priya")
    assert "<mark>haproxy</mark>" in hit.snippet
    [text] = hits(people["alice"], "certificate renewal")
    assert (text.source, text.author) == ("", "")  # the postmortem's own text: no label
    [title] = hits(people["alice"], "etcd")
    assert title.source == "title"

    client = Client()
    client.force_login(people["alice"])
    page = BeautifulSoup(client.get("/search/?q=haproxy").content, "html.parser")
    result = page.select_one("ol.search-results li")
    label = result.select_one(".snippet-source").get_text(" ", strip=True)
    assert label == "From a review comment by priya:"
    assert "haproxy" in result.select_one(".snippet").get_text()
    page = BeautifulSoup(client.get("/search/?q=certificate+renewal").content, "html.parser")
    assert page.select_one("ol.search-results li .snippet-source") is None
    api = client.get("/api/search?q=haproxy").json()["results"]
    assert [(r["snippet_from"], r["snippet_author"]) for r in api] == [("comment", "priya")]
    api = client.get("/api/search?q=certificate+renewal").json()["results"]
    assert [(r["snippet_from"], r["snippet_author"]) for r in api] == [("text", None)]


def test_a_viewer_neither_finds_nor_sees_the_review_comments(people: dict[str, Any]) -> None:
    vera = people["vera"]
    assert hits(vera, "haproxy") == []  # a word only the comment holds
    assert hits(vera, "haproxy checkout") == []
    [hit] = hits(vera, "quorum")  # the title holds it too: found, the comment not shown
    assert hit.source != "comment"
    assert "haproxy" not in hit.snippet
    client = Client()
    client.force_login(vera)
    page = client.get("/search/?q=quorum").content.decode()
    assert "haproxy" not in page
    assert "review comment" not in page
    api = client.get("/api/search?q=haproxy").json()
    assert (api["count"], api["results"]) == (0, [])
    # the panel, whose rule the search follows, shows her no comment either
    assert "haproxy" not in client.get("/p/PM-S/").content.decode()
