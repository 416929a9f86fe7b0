"""In Chromium: what a comment or an action item's form did, or why it was refused, is said
beside that form, and the page's top does not say it again.

With JavaScript the forms post through htmx, which swaps the review panel in place (the page is
not loaded again: a mark set on ``window`` survives); the message takes the focus, so a screen
reader reads it out, and what was typed in the refused form, and in the panel's other forms,
stays. Without JavaScript the page goes back to the form it came from (see also
``test_workflow_pages.py``).

Screenshots (1366 px and a 390 px phone, what the reader sees) go to ``PM_SHOTS_DIR`` when set."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium
from tests.server.test_review_panel_said_browser import _shoot
from workflow_fixtures import NOW, clean_text

KEY = "PM-W-1"

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

SIZES = [(1366, 768), (390, 844)]


def _draft_with_a_thread() -> tuple[int, int]:
    """alice's draft with its three action items, and bob's comment on line 46 (in *Root Cause
    and Resolution*: the page places it beside that section): the thread's id and the first
    item's."""
    from django.db import connections

    from postmortems.server.accounts.models import create_account, set_role
    from postmortems.server.library import store
    from postmortems.server.workflow import comments
    from postmortems.server.workflow.models import ActionItem

    people = {}
    for name, role in (("alice", "author"), ("bob", "reviewer")):
        people[name] = create_account(name, f"pw-{name}-123")
        set_role(people[name], "sre", role)
    pm = store.create(clean_text(KEY), people["alice"]).postmortem
    thread = comments.add(pm, people["bob"], "Which log level?", now=NOW, line=46)
    first = ActionItem.objects.filter(postmortem=pm).order_by("position").first()
    connections.close_all()
    return thread.pk, first.pk


def _focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_refused_comment_is_said_beside_its_form_and_keeps_its_words(
    live_server: Any, browser: Any, width: int, height: int
) -> None:
    _draft_with_a_thread()
    url = f"{live_server.url}/p/{KEY}/"
    bob = browser_login(
        browser, live_server.url, "bob", viewport={"width": width, "height": height}
    )
    bob.goto(url)
    bob.evaluate("window.notReloaded = true")
    form = bob.locator("#workflow form.new-comment")
    form.locator("input[name=line]").fill("9999")  # no such line: the server refuses it
    form.locator("textarea[name=text]").fill("Why was the log line at warn level?")
    form.locator("button[type=submit]").click()
    refused = bob.locator("#workflow form.new-comment #comment-new-error")
    expect(refused).to_have_attribute("role", "alert")
    expect(refused).to_contain_text("line 9999 is outside the document")
    expect(refused).to_be_in_viewport(ratio=1)
    assert _focused_id(bob) == "comment-new-error"  # a screen reader reads it out
    typed = bob.locator("#workflow form.new-comment textarea[name=text]")
    expect(typed).to_have_value("Why was the log line at warn level?")  # nothing typed is lost
    expect(bob.locator("#messages")).to_have_count(0)  # not at the page's top
    assert bob.evaluate("window.notReloaded") is True  # htmx swapped the panel in place
    _shoot(bob, f"comment-refused-{width}")


def test_a_reply_is_said_in_its_thread_beside_the_text(live_server: Any, browser: Any) -> None:
    """The thread sits beside its section (not in the panel): the reply is said there, the
    thread is placed there again after the swap, once, and a reply half typed in the new
    comment form stays."""
    thread, _ = _draft_with_a_thread()
    url = f"{live_server.url}/p/{KEY}/"
    bob = browser_login(browser, live_server.url, "bob", viewport={"width": 1366, "height": 768})
    bob.goto(url)
    box = bob.locator(f"article.doc aside.notes #thread-{thread}")
    bob.locator("#workflow form.new-comment textarea[name=text]").fill("Half a thought")
    box.locator("input[name=text]").fill("It was warn.")
    box.locator("button", has_text="Reply").click()
    said = bob.locator(f"article.doc aside.notes #thread-{thread} [data-said-here]")
    expect(said).to_have_text("Your reply is posted.")
    expect(said).to_have_attribute("role", "status")
    expect(said).to_be_in_viewport(ratio=1)
    assert _focused_id(bob) == f"thread-{thread}-said"
    expect(bob.locator(f"#thread-{thread}")).to_have_count(1)
    expect(bob.locator(f"#thread-{thread} .reply")).to_contain_text("It was warn.")
    typed = bob.locator("#workflow form.new-comment textarea[name=text]")
    expect(typed).to_have_value("Half a thought")  # the other form's words stay
    expect(bob.locator("#messages")).to_have_count(0)
    _shoot(bob, "reply-posted-1366")
    bob.locator(f"#thread-{thread} button", has_text="Resolve").click()
    expect(bob.locator(f"#thread-{thread}.resolved [data-said-here]")).to_have_text(
        "Thread resolved."
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_an_item_marked_done_is_said_beside_it(
    live_server: Any, browser: Any, width: int, height: int
) -> None:
    _, item = _draft_with_a_thread()
    url = f"{live_server.url}/p/{KEY}/"
    viewport = {"width": width, "height": height}
    alice = browser_login(browser, live_server.url, "alice", viewport=viewport)
    alice.goto(url)
    alice.evaluate("window.notReloaded = true")
    row = alice.locator("article.doc table.pm-actions tbody tr").first
    expect(row).not_to_contain_text("Done")
    head = re.search(r"revision (\d+),", alice.inner_text(".pm-head .meta"))
    assert head, alice.inner_text(".pm-head .meta")
    revision = int(head.group(1))
    alice.locator(f"#item-{item} button[data-done='{item}']").click()
    said = alice.locator(f"#workflow #item-{item} [data-said-here]")
    expect(said).to_have_text("Marked done.")
    expect(said).to_have_attribute("role", "status")
    expect(said).to_be_in_viewport(ratio=1)
    assert _focused_id(alice) == f"item-{item}-said"
    expect(alice.locator(f"#item-{item} .badge").first).to_have_text("Done")
    expect(row).to_contain_text("Done")  # the text's table says it too
    # the box ticked in the text is a new revision, which the head says too
    expect(alice.locator(".pm-head .meta")).to_contain_text(f"revision {revision + 1},")
    expect(alice.locator("#messages")).to_have_count(0)
    assert alice.evaluate("window.notReloaded") is True
    _shoot(alice, f"item-done-{width}")


def test_an_owner_that_is_no_user_name_is_said_beside_the_item_form(
    live_server: Any, browser: Any
) -> None:
    """The server cannot read the post (400): said beside the form, the words left in it."""
    _, item = _draft_with_a_thread()
    alice = browser_login(
        browser, live_server.url, "alice", viewport={"width": 1366, "height": 768}
    )
    alice.goto(f"{live_server.url}/p/{KEY}/")
    alice.locator(f"#item-{item} summary", has_text="Edit item").click()
    form = alice.locator(f"#item-{item} form.item-edit")
    form.locator("input[name=owner]").fill("bob smith")
    form.locator("button", has_text="Save item").click()
    refused = form.locator(".field-error[role=alert]")
    expect(refused).to_contain_text("give a user name")
    expect(form.locator("input[name=owner]")).to_have_value("bob smith")


def test_without_javascript_a_refused_comment_is_said_where_the_page_opens(
    live_server: Any, browser: Any
) -> None:
    _draft_with_a_thread()
    url = f"{live_server.url}/p/{KEY}/"
    bob = browser_login(
        browser,
        live_server.url,
        "bob",
        viewport={"width": 390, "height": 844},
        java_script_enabled=False,
    )
    bob.goto(url)
    form = bob.locator("#workflow form.new-comment")
    form.locator("input[name=line]").fill("9999")
    form.locator("textarea[name=text]").fill("Why warn?")
    form.locator("button[type=submit]").click()
    bob.wait_for_url(f"{url}#comment-new-error")
    refused = bob.locator("#comment-new-error")
    expect(refused).to_have_attribute("role", "alert")
    expect(refused).to_be_in_viewport()
    expect(form.locator("textarea[name=text]")).to_have_value("Why warn?")
    expect(bob.locator("#messages")).to_have_count(0)


def test_after_a_swap_the_panel_forms_still_work_and_keep_what_is_typed(
    live_server: Any, browser: Any
) -> None:
    """A refused comment swaps the panel in: *Comment on this* fills the new form, and a note
    half typed for *Request changes* (a form the post did not send) stays."""
    thread, item = _draft_with_a_thread()
    alice = browser_login(
        browser, live_server.url, "alice", viewport={"width": 1366, "height": 768}
    )
    alice.goto(f"{live_server.url}/p/{KEY}/")
    alice.locator(f"#item-{item} summary", has_text="Edit item").click()
    alice.locator(f"#item-{item} input[name=reason]").fill("Half a reason")
    alice.locator(f"#thread-{thread} input[name=text]").fill("A reply begun")
    form = alice.locator("#workflow form.new-comment")
    form.locator("input[name=line]").fill("9999")
    form.locator("textarea[name=text]").fill("Refused")
    form.locator("button[type=submit]").click()
    expect(alice.locator("#comment-new-error")).to_be_focused()
    expect(alice.locator(f"#item-{item} input[name=reason]")).to_have_value("Half a reason")
    expect(alice.locator(f"#item-{item} input[name=reason]")).to_be_visible()  # unfolded
    expect(alice.locator(f"#thread-{thread} input[name=text]")).to_have_value("A reply begun")
    alice.locator("article.doc li", has_text="Bob joins the bridge").click(click_count=3)
    alice.locator(".quote-comment").click()
    quoted = alice.locator("#workflow form.new-comment .quoted")
    expect(quoted).to_contain_text("Escalated to the platform team")
    expect(alice.locator("#workflow form.new-comment input[name=line]")).to_have_value("")
