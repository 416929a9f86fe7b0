"""Comments beside what they are about: the page says where each rendered section starts in the
source and where each thread's line is now, so a comment stays with its section when the text
above it changes (site.js places it; tests/server/test_walk_browser.py checks that in Chromium).
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from workflow_fixtures import NOW, clean_text

pytestmark = pytest.mark.django_db


def _section_of(page: BeautifulSoup, thread: Any) -> str:
    """The section site.js puts ``thread`` beside: the last one starting at or before its line,
    or the one with its title."""
    sections = page.select("article.doc section.pm-section[data-line]")
    if thread.get("data-anchor-line"):
        line = int(thread["data-anchor-line"])
        return [s["data-title"] for s in sections if int(s["data-line"]) <= line][-1]
    return next(
        s["data-title"] for s in sections if s["data-title"] == thread["data-anchor-section"]
    )


def _page(user: Any) -> BeautifulSoup:
    client = Client()
    client.force_login(user)
    reply = client.get("/p/PM-W-1/")
    assert reply.status_code == 200
    return BeautifulSoup(reply.content, "html.parser")


def test_a_line_comment_stays_beside_its_section_when_lines_are_added_above(
    make_user: Any,
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import comments

    alice = make_user("alice", "author")
    text = clean_text()
    pm = store.create(text, alice).postmortem
    line = text.split("\n").index(next(x for x in text.split("\n") if "red herring" in x)) + 1
    comments.add(pm, alice, "Why did we look at the database?", now=NOW, line=line)
    comments.add(pm, alice, "Say who renews it now.", now=NOW, section="Root Cause and Resolution")
    page = _page(alice)
    first, second = page.select("#workflow .thread")
    assert int(first["data-anchor-line"]) == line
    assert _section_of(page, first) == "Timeline"
    assert _section_of(page, second) == "Root Cause and Resolution"

    longer = text.replace(
        "## Timeline\n", "A second paragraph,\nthree lines long,\nabove.\n\n## Timeline\n"
    )
    store.save(longer, alice, key="PM-W-1", base_version=pm.version)
    page = _page(alice)
    first, second = page.select("#workflow .thread")
    assert int(first["data-anchor-line"]) == line + 4  # followed through the edit
    assert "red herring" in first.select_one(".where code").get_text()
    assert _section_of(page, first) == "Timeline"  # still beside its section
    assert _section_of(page, second) == "Root Cause and Resolution"
    assert not first.select(".badge")  # not outdated: its line did not change
