"""In Chromium: a reviewer selects a passage of the rendered postmortem, presses "Comment on
this" and writes the comment; it is a comment on the line of the source the passage is on, shown
beside its section. Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when set.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone
from workflow_fixtures import clean_text

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def opened(live_server: Any, browser: Any, make_user: Any) -> tuple[Any, str]:
    """Alice's postmortem open in Chromium, signed in as her; and its text."""
    from postmortems.server.library import store

    alice = make_user("alice", "author")
    text = clean_text()
    store.create(text, alice)
    connections.close_all()
    page = browser_login(browser, live_server.url, "alice", password="pw-alice")
    page.goto(f"{live_server.url}/p/PM-W-1/")
    return page, text


def test_a_selected_passage_gets_a_line_comment(opened: tuple[Any, str]) -> None:
    page, text = opened
    assert page.locator(".quote-comment").is_hidden()

    passage = page.locator("article.doc li", has_text="Bob joins the bridge")
    passage.click(click_count=3)  # a triple click selects the entry
    shoot_desktop_and_phone(page, "quote-comment-offered", "PM_SHOTS_DIR")
    page.locator(".quote-comment").click()
    said = page.locator(".new-comment .quoted")
    assert "Escalated to the platform team" in said.inner_text()
    assert page.input_value(".new-comment select[name=section]") == "Timeline"
    shoot_desktop_and_phone(page, "quote-comment", "PM_SHOTS_DIR")
    page.keyboard.type("Who paged the platform team, and how?")  # the focus is in the comment
    page.click(".new-comment button[type=submit]")

    thread = page.locator(".thread", has_text="Who paged the platform team")
    thread.wait_for()
    line = text.split("\n").index(next(x for x in text.split("\n") if "Bob joins" in x)) + 1
    assert thread.get_attribute("data-anchor-line") == str(line)
    assert "Escalated to the platform team; Bob joins the bridge." in thread.inner_text()
    timeline = page.locator("article.doc section.pm-section[data-title='Timeline']")
    assert timeline.locator(".thread", has_text="Who paged").count() == 1  # beside its section


def test_a_passage_typed_without_a_mouse_gets_a_line_comment(opened: tuple[Any, str]) -> None:
    """Keyboard only: Tab to the Section and Passage fields, type, submit with Enter."""
    page, text = opened
    section = page.locator(".new-comment select[name=section]")
    section.focus()
    section.select_option("Timeline")
    page.keyboard.press("Tab")  # to Passage
    page.keyboard.type("Bob joins the bridge")
    comment = page.locator(".new-comment textarea[name=text]")
    comment.focus()
    page.keyboard.type("Who paged the platform team?")
    shoot_desktop_and_phone(page, "passage-typed", "PM_SHOTS_DIR")
    page.locator(".new-comment button[type=submit]").press("Enter")

    thread = page.locator(".thread", has_text="Who paged the platform team")
    thread.wait_for()
    line = next(n for n, x in enumerate(text.split("\n"), 1) if "Bob joins the bridge" in x)
    assert thread.get_attribute("data-anchor-line") == str(line)
