"""Comments beside what they are about: the page says where each rendered section starts in the
source and where each thread's line is now, so a comment stays with its section when the text
above it changes (site.js places it; tests/server/test_walk_browser.py checks that in Chromium).
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from incident_fixtures import logged_in
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
    reply = logged_in(user).get("/p/PM-W-1/")
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
    assert "red herring" in first.select_one("code.line-text").get_text()
    assert _section_of(page, first) == "Timeline"  # still beside its section
    assert _section_of(page, second) == "Root Cause and Resolution"
    assert not first.select(".badge")  # not outdated: its line did not change


def test_a_passage_selected_in_the_page_is_found_on_its_line_of_the_source() -> None:
    from postmortems.server.workflow.comments import line_of_quote

    text = clean_text()
    lines = text.split("\n")

    def line_with(words: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if words in line)

    # As the page shows it: no `code` ticks, no list marks; the selection may start mid-word.
    assert line_of_quote(text, "Bob finds certificate has expired in nginx") == line_with(
        "Bob finds"
    )
    assert line_of_quote(text, "heckout confirmed healthy; incident closed.") == line_with(
        "Checkout confirmed healthy"
    )
    # A passage over a wrapped line of the source starts where its first words are.
    wrapped = "most requests with HTTP 502. About 75% of users could not complete a purchase"
    assert line_of_quote(text, wrapped) == line_with("most requests with HTTP 502")
    # Across two paragraphs: its first one is the line.
    assert line_of_quote(text, "expired, every upstream handshake failed\n\nTwo things") == (
        line_with("expired, every upstream handshake failed")
    )
    # The same words twice: the one in the section the passage was selected in.
    root_cause = line_with("## Root Cause and Resolution")
    assert line_of_quote(text, "certificate", near=root_cause) == line_with(
        "That upstream certificate"
    )
    assert line_of_quote(text, "certificate") == line_with("title:")  # the first anywhere
    # A timeline entry as the page shows it: its time without the zone, a milestone's badge.
    shown = "05:10 Escalated to the platform team; Bob joins the bridge. ESCALATED"
    assert line_of_quote(text, shown) == line_with("Bob joins the bridge")
    assert line_of_quote(text, "words that are nowhere in it") is None
    # Typed words are whole words first: "ssl" is the line saying SSL, not one with "sslv3".
    typed = "# T\n\nWe ran sslv3 checks.\n\nThe SSL handshake failed.\n"
    assert line_of_quote(typed, "ssl") == 5
    assert line_of_quote(typed, "slv3") == 3  # inside a word when no whole word has it
    assert line_of_quote(text, "  \n ** \n") is None


def test_a_comment_on_a_selected_passage_is_a_line_comment(make_user: Any) -> None:
    from postmortems.server.library import store

    alice = make_user("alice", "author")
    text = clean_text()
    store.create(text, alice)
    client = Client()
    client.force_login(alice)
    near = text.split("\n").index("## Timeline") + 1
    posted = client.post(
        "/p/PM-W-1/workflow/comment/",
        {
            "text": "Was the rollback needed?",
            "section": "Timeline",
            "quote": "Alice suspects the 03:50 deploy and rolls it back",
            "quote_line": str(near),
        },
    )
    assert posted.status_code == 302, posted.content
    thread = _page(alice).select_one(".thread[data-anchor-line]")
    assert thread is not None
    assert "rolls it back; errors continue" in thread.get_text()
    assert int(thread["data-anchor-line"]) == near + 3


def test_words_typed_into_passage_anchor_the_comment_in_the_chosen_section(
    make_user: Any,
) -> None:
    """Without a mouse: a reviewer types words of the passage and picks its section; the
    comment goes on the line of those words in that section (the heading is where the search
    starts), not on the same words earlier in the text."""
    from postmortems.server.library import store

    alice = make_user("alice", "author")
    text = clean_text()
    store.create(text, alice)
    lines = text.split("\n")
    client = Client()
    client.force_login(alice)
    form = _page(alice).select_one("form.new-comment")
    assert form is not None
    field = form.select_one("input[type=text][name=quote]")
    assert field is not None
    assert field.find_parent("label").get_text(strip=True) == "Passage"

    posted = client.post(
        "/p/PM-W-1/workflow/comment/",
        {
            "text": "Why did nothing warn us?",
            "section": "Root Cause and Resolution",
            "quote": "certificate",
        },
    )
    assert posted.status_code == 302, posted.content
    thread = _page(alice).select_one(".thread[data-anchor-line]")
    assert thread is not None
    heading = lines.index("## Root Cause and Resolution") + 1
    found = int(thread["data-anchor-line"])
    assert any("certificate" in line for line in lines[: heading - 1])  # earlier too
    assert found > heading  # but the section's is taken
    assert "certificate" in lines[found - 1]


def test_a_passage_no_line_holds_is_refused_and_what_was_typed_is_kept(make_user: Any) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import Comment

    alice = make_user("alice", "author")
    store.create(clean_text(), alice)
    client = Client()
    client.force_login(alice)
    posted = client.post(
        "/p/PM-W-1/workflow/comment/",
        {"text": "Was this the trigger?", "section": "Timeline", "quote": "the moon was full"},
        follow=True,
    )
    assert Comment.objects.count() == 0
    page = BeautifulSoup(posted.content, "html.parser")
    form = page.select_one("form.new-comment")
    said = form.select_one("#comment-new-error[role=alert]").get_text(" ", strip=True)
    assert "no line of the text holds “the moon was full”" in said  # beside the form
    assert "leave Passage empty" in said
    assert page.select_one("#messages") is None  # not again at the page's top, out of sight
    assert form.select_one("textarea[name=text]").get_text() == "Was this the trigger?"
    assert form.select_one("input[name=quote]")["value"] == "the moon was full"
    assert form.select_one("select[name=section] option[selected]").get_text() == "Timeline"
