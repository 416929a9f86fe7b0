"""The workflow through the web pages: state and history on every postmortem page, forms work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from workflow_fixtures import cast, clean_text, page_of, with_settings


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return cast(make_user, {"alice": "author", "bob": "reviewer", "vic": "viewer"})


def test_review_round_trip_through_the_forms(
    client: Any, people: dict[str, Any], settings: Any
) -> None:
    from postmortems.server.library import store

    with_settings(settings, review_approvals=("*:1",))
    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people["alice"])
    page = page_of(client, pm.key)
    assert page.select_one("#workflow [data-state]")["data-state"] == "draft"
    assert [b["data-move"] for b in page.select("#workflow button[data-move]")] == [
        "request-review",
        "not-required",
    ]
    client.post(
        f"/p/{pm.key}/workflow/move/", {"transition": "request-review", "reviewer": ["bob"]}
    )
    client.force_login(people["bob"])
    panel = page_of(client, pm.key).select_one("#workflow")
    asked = panel.select_one("form.asked")  # the request comes first, saying what it is
    assert "You were asked to review this postmortem" in asked.get_text()
    assert asked.find_next("div", class_="moves") is not None  # before the verdicts
    client.post(f"/p/{pm.key}/workflow/answer/", {"accept": "1"})
    assert page_of(client, pm.key).select_one("#workflow form.asked") is None  # answered
    client.post(f"/p/{pm.key}/workflow/comment/", {"text": "Which alias?", "line": "46"})
    approve = page_of(client, pm.key).select_one("form.move:has(button[data-move=approve])")
    assert approve.select_one(".open-threads").get_text() == "1 comment thread still open"
    client.post(f"/p/{pm.key}/workflow/move/", {"transition": "approve"})
    page = page_of(client, pm.key)
    said = page.select_one("#workflow #workflow-said li[role=status]").get_text(" ", strip=True)
    assert said == f"{pm.key} is approved: its authors may publish it."  # where the page opens
    assert page.select_one("#messages") is None  # not again at the top, out of sight
    assert page_of(client, pm.key).select_one("#workflow-said") is None  # said once
    client.force_login(people["alice"])
    publish = page_of(client, pm.key).select_one("form.move:has(button[data-move=publish])")
    assert publish.select_one(".open-threads").get_text() == "1 comment thread still open"
    client.post(f"/p/{pm.key}/workflow/move/", {"transition": "publish"})  # said, not a gate
    page = page_of(client, pm.key)
    assert page.select_one("#workflow [data-state]")["data-state"] == "published"
    said = page.select_one("#workflow-said").get_text(" ", strip=True)
    assert said == f"{pm.key} is published."
    history = [li.get_text(" ", strip=True) for li in page.select("#workflow .history li")]
    assert [h.split(" · ", 2)[2] for h in history] == [
        "draft → in-review",
        "in-review → approved",
        "approved → published",
    ]
    assert "line 46" in page.select_one("#workflow .thread").get_text()


def test_a_refused_move_is_a_message_not_an_error(client: Any, people: dict[str, Any]) -> None:
    from postmortems.server.library import store

    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people["vic"])
    response = client.post(f"/p/{pm.key}/workflow/move/", {"transition": "publish"}, follow=True)
    assert response.status_code == 200
    assert "it cannot publish" in response.content.decode()
    pm.refresh_from_db()
    assert pm.status == "draft"
    assert not BeautifulSoup(response.content, "html.parser").select("#workflow button[data-move]")


def test_marking_an_item_done_on_the_page_ticks_the_checkbox(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    pm = store.create(clean_text(), people["alice"]).postmortem
    item = ActionItem.objects.filter(postmortem=pm).first()
    client.force_login(people["vic"])
    assert client.post(f"/actions/{item.pk}/", {"status": "done"}).status_code == 404
    client.force_login(people["alice"])
    client.post(f"/actions/{item.pk}/", {"status": "done", "owner": "bob", "due": "2024-03-01"})
    pm.refresh_from_db()
    assert "- [x] Automate certificate renewal with cert-manager (owner: @bob" in pm.text


def test_comment_on_a_section_chosen_from_the_document(client: Any, people: dict[str, Any]) -> None:
    from postmortems.server.library import store

    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people["alice"])
    page = page_of(client, pm.key)
    options = [o.get_text() for o in page.select(".new-comment select[name=section] option")]
    assert options[1:] == [
        "Issue Summary",
        "Timeline",
        "Root Cause and Resolution",
        "Corrective and Preventative Measures",
    ]
    client.post(f"/p/{pm.key}/workflow/comment/", {"text": "Add 04:30.", "section": "Timeline"})
    thread = page_of(client, pm.key).select_one("#workflow .thread")
    assert "§ Timeline" in thread.get_text()
    assert "Add 04:30." in thread.get_text()


def test_viewers_see_state_history_and_items_but_no_review_controls(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.library import store

    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people["vic"])
    page = page_of(client, pm.key)
    assert page.select_one("#workflow [data-state]")["data-state"] == "draft"
    assert len(page.select("#workflow .item")) == 3
    assert not page.select("#workflow form")


def test_a_refused_move_is_said_beside_its_button(client: Any, people: dict[str, Any]) -> None:
    """The review panel is far below the top: the refusal is said beside the form's button, an
    alert, and the page opens there; not at the page's top, out of sight."""
    from postmortems.server.library import store

    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people["alice"])
    refused = client.post(f"/p/{pm.key}/workflow/move/", {"transition": "request-review"})
    assert refused["Location"] == f"/p/{pm.key}/#move-request-review-error"
    page = page_of(client, pm.key)
    beside = page.select_one("form.move:has(button[data-move=request-review]) .field-error")
    assert beside["id"] == "move-request-review-error"
    assert beside["role"] == "alert"
    assert beside.get_text().startswith("ask at least one reviewer")  # the page names the pm
    assert page.select_one("#messages") is None
    assert page.select_one("#workflow-said") is None  # not twice in the panel either
    assert len(page.select("#workflow .field-error")) == 1  # not beside the other moves
    assert not page_of(client, pm.key).select(".field-error")  # said once
    fine = client.post(
        f"/p/{pm.key}/workflow/move/", {"transition": "request-review", "reviewer": ["bob"]}
    )
    assert fine["Location"] == f"/p/{pm.key}/#workflow"


@pytest.mark.parametrize(
    ("who", "sent", "at"),
    [
        ("alice", {"transition": "publish"}, "move-publish"),  # from a page older than the state
        ("bob", {"transition": "approve"}, "move-approve"),  # no longer asked
        ("bob", {"transition": "withdraw"}, "move-withdraw"),  # not his to make
    ],
)
def test_a_refused_move_the_page_does_not_offer_is_said_where_the_page_opens(
    client: Any, people: dict[str, Any], who: str, sent: dict[str, Any], at: str
) -> None:
    """The move's form is not on the page it comes back to: the refusal is said under the
    panel's heading, with the id the redirect names, so the page opens beside it."""
    from postmortems.server.library import store

    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people[who])
    refused = client.post(f"/p/{pm.key}/workflow/move/", sent)
    assert refused["Location"] == f"/p/{pm.key}/#{at}-error"
    page = page_of(client, pm.key)
    assert page.select_one("#messages") is None  # not at the top, out of sight
    [where] = page.select(f"#{at}-error")
    assert where["role"] == "alert"
    assert len(where.get_text()) > 20  # why, in a sentence
    assert where.find_parent(id="workflow") is not None
    assert where.find_previous("h2").get_text(" ", strip=True).startswith("Review")
    assert len(page.select("#workflow .field-error")) == 1
    assert "pm:stray-error" not in str(page)
    again = page_of(client, pm.key)
    assert not again.select(".field-error")  # said once
    assert "pm:stray-error" not in str(again)


def test_a_refused_comment_is_said_beside_its_form(client: Any, people: dict[str, Any]) -> None:
    from postmortems.server.library import store

    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people["alice"])
    url = f"/p/{pm.key}/workflow/comment/"
    refused = client.post(url, {"text": "Which alias?", "line": "9999"})
    assert refused["Location"] == f"/p/{pm.key}/#comment-new-error"
    beside = page_of(client, pm.key).select_one("form.new-comment .field-error")
    assert beside["id"] == "comment-new-error"
    assert beside.get_text().startswith("line 9999 is outside the document")
    client.post(url, {"text": "Which alias?", "line": "46"})
    thread = page_of(client, pm.key).select_one("#workflow .thread")
    refused = client.post(url, {"text": "And?", "line": "9999", "reply_to": thread["data-thread"]})
    at = f"comment-{thread['data-thread']}"
    assert refused["Location"] == f"/p/{pm.key}/#{at}-error"
    page = page_of(client, pm.key)
    assert (
        page.select_one(f"#workflow .thread form #{at}-error")
        .get_text()
        .startswith("line 9999 is outside the document")
    )
    assert not page.select("form.new-comment .field-error")
    assert page.select_one(f"#{at}-error")["role"] == "alert"
    assert page.select_one("#messages") is None  # not again at the page's top, out of sight
    reply = page.select_one(f"#workflow .thread form:has(#{at}-error) input[name=text]")
    assert reply["value"] == "And?"  # what was typed comes back


def test_a_comment_posted_or_resolved_is_said_in_its_thread(
    client: Any, people: dict[str, Any]
) -> None:
    """Without JavaScript: the page opens at the thread, which says what was done, and only it."""
    from postmortems.server.library import store

    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people["bob"])
    posted = client.post(f"/p/{pm.key}/workflow/comment/", {"text": "Which alias?", "line": "46"})
    page = page_of(client, pm.key)
    thread = page.select_one("#workflow .thread")
    assert posted["Location"] == f"/p/{pm.key}/#thread-{thread['data-thread']}"
    said = thread.select_one("[role=status][data-said-here]")
    assert said.get_text() == "Your comment is posted."
    assert page.select_one("#messages") is None  # not again at the page's top
    assert page_of(client, pm.key).select_one("[data-said-here]") is None  # said once
    reply = {"text": "The MX.", "reply_to": thread["data-thread"]}
    client.post(f"/p/{pm.key}/workflow/comment/", reply)
    page = page_of(client, pm.key)
    assert page.select_one(".thread [data-said-here]").get_text() == "Your reply is posted."
    resolved = client.post(f"/p/{pm.key}/workflow/comment/{thread['data-thread']}/resolve/")
    assert resolved["Location"] == f"/p/{pm.key}/#thread-{thread['data-thread']}"
    page = page_of(client, pm.key)
    said = page.select_one(f"#thread-{thread['data-thread']}.resolved [role=status]")
    assert said.get_text() == "Thread resolved."
    assert page.select_one("#messages") is None


def test_a_refused_item_change_is_said_beside_the_item(client: Any, people: dict[str, Any]) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    pm = store.create(clean_text(), people["alice"]).postmortem
    item = ActionItem.objects.filter(postmortem=pm).first()
    client.force_login(people["alice"])
    refused = client.post(f"/actions/{item.pk}/", {"status": "wont-do", "reason": ""})
    assert refused["Location"] == f"/p/{pm.key}/#item-{item.pk}-error"
    item_box = page_of(client, pm.key).select_one(f"#workflow .item[data-item='{item.pk}']")
    beside = item_box.select_one(".field-error")
    assert beside.get_text().startswith("say why it won't be done")
    assert beside["role"] == "alert"
    assert page_of(client, pm.key).select_one("#messages") is None  # said once, beside


def test_an_item_edit_refused_keeps_what_was_typed(client: Any, people: dict[str, Any]) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    pm = store.create(clean_text(), people["alice"]).postmortem
    item = ActionItem.objects.filter(postmortem=pm).first()
    client.force_login(people["alice"])
    sent = {"status": "wont-do", "owner": "carol", "due": "2031-05-04", "kind": "detective"}
    sent |= {"priority": "low", "reason": "", "tracker_url": "https://jira.example/OPS-9"}
    client.post(f"/actions/{item.pk}/", sent)
    page = page_of(client, pm.key)
    box = page.select_one(f"#item-{item.pk} details.item-more[open] form.item-edit")
    assert box.select_one("input[name=owner]")["value"] == "carol"
    assert box.select_one("input[name=due]")["value"] == "2031-05-04"
    assert box.select_one("input[name=tracker_url]")["value"] == "https://jira.example/OPS-9"
    assert box.select_one("select[name=status] option[selected]")["value"] == "wont-do"
    assert box.select_one("select[name=kind] option[selected]")["value"] == "detective"
    item.refresh_from_db()
    assert item.owner != "carol"  # refused: nothing saved
    again = page_of(client, pm.key).select_one(f"#item-{item.pk} details.item-more")
    assert not again.has_attr("open")  # shown once; then the item's own values
    assert again.select_one("input[name=owner]")["value"] == item.owner


def test_an_item_marked_done_is_said_beside_it(client: Any, people: dict[str, Any]) -> None:
    """Without JavaScript: the page opens at the item, which says it is done; the page's top
    does not say it again. Posted from the action-items page (``next``), that page's top says
    it: no panel is there to."""
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    pm = store.create(clean_text(), people["alice"]).postmortem
    first, second = ActionItem.objects.filter(postmortem=pm).order_by("position")[:2]
    client.force_login(people["alice"])
    done = client.post(f"/actions/{first.pk}/", {"status": "done"})
    assert done["Location"] == f"/p/{pm.key}/#item-{first.pk}"
    page = page_of(client, pm.key)
    said = page.select_one(f"#workflow #item-{first.pk} p[role=status][data-said-here]")
    assert said.get_text() == "Marked done."
    assert page.select_one(f"#item-{first.pk} .badge").get_text() == "Done"
    assert page.select_one("#messages") is None
    assert len(page.select("[data-said-here]")) == 1  # not beside the other items
    client.post(f"/actions/{second.pk}/", {"owner": "bob", "kind": "preventive"})
    said = page_of(client, pm.key).select_one(f"#item-{second.pk} [data-said-here]")
    assert said.get_text() == "Item saved."
    back = client.post(f"/actions/{first.pk}/", {"status": "open", "next": "/actions/"})
    assert back["Location"] == "/actions/"
    mine = BeautifulSoup(client.get("/actions/").content, "html.parser")
    assert mine.select_one("#messages").get_text(" ", strip=True) == "Open again."


@pytest.mark.parametrize(
    ("sent", "back"),
    [
        ("/p/PM-1/#workflow", "/p/PM-1/#workflow"),
        ("/actions/?owner=me", "/actions/?owner=me"),
        ("//evil.example/", "/p/X/"),
        ("/\\evil.example/", "/p/X/"),  # browsers read it as //evil.example
        ("/\t/evil.example/", "/p/X/"),  # browsers drop the tab
        ("https://evil.example/", "/p/X/"),
        ("p/relative", "/p/X/"),
        ("", "/p/X/"),
    ],
)
def test_a_form_goes_back_only_to_a_path_of_this_site(sent: str, back: str) -> None:
    from postmortems.server.workflow.forms import NextForm

    form = NextForm({"next": sent})
    assert form.is_valid()
    assert form.back_to("/p/X/") == back


def test_a_ticket_of_a_restricted_postmortem_says_where_its_words_go(
    client: Any, people: dict[str, Any], settings: Any
) -> None:
    from postmortems.server.library import store

    with_settings(settings, github_token="ght", github_repo="acme/ops")
    open_ = store.create(clean_text("PM-W-1"), people["alice"]).postmortem
    secret = clean_text("PM-W-2").replace("---\n", "---\nrestricted: true\nteams: [sre]\n", 1)
    hidden = store.create(secret, people["alice"]).postmortem
    client.force_login(people["alice"])
    for pm, warned in ((open_, False), (hidden, True)):
        panel = page_of(client, pm.key).select_one("#workflow")
        assert panel.find("button", string="Open github ticket") is not None
        assert ("the ticket carries the item's words to github" in panel.get_text()) is warned


def test_a_team_that_publishes_only_resolved_postmortems_is_held_to_it(
    client: Any, people: dict[str, Any], make_user: Callable[..., Any], settings: Any
) -> None:
    """Its admin ticks the setting on /teams/; an approved postmortem of the team with a thread
    open is not published (said beside Publish, once), then is once the thread is resolved.
    Approving is not held."""
    from postmortems.server.library import store
    from postmortems.server.workflow import comments
    from postmortems.server.workflow.models import Comment

    with_settings(settings, review_approvals=("*:1",))
    client.force_login(make_user("ada", "admin"))
    body = {"sre-draft_profile": "classic", "sre-publish_resolved_only": "on"}
    saved = client.post("/teams/sre/", body, follow=True).content.decode()
    assert "publishes only when every review thread is resolved" in saved
    shown = BeautifulSoup(client.get("/teams/").content, "html.parser")
    assert shown.select_one("[name=sre-publish_resolved_only]").has_attr("checked")
    text = clean_text().replace("tags: [tls]", "tags: [tls]\nteams: [sre]")
    pm = store.create(text, people["alice"]).postmortem
    client.force_login(people["alice"])
    move = f"/p/{pm.key}/workflow/move/"
    client.post(move, {"transition": "request-review", "reviewer": ["bob"]})
    client.force_login(people["bob"])
    client.post(f"/p/{pm.key}/workflow/comment/", {"text": "Which alias?", "line": "46"})
    client.post(move, {"transition": "approve"})
    pm.refresh_from_db()
    assert pm.status == "approved"  # approving is not held
    client.force_login(people["alice"])
    publish = page_of(client, pm.key).select_one("form.move:has(button[data-move=publish])")
    said = "1 comment thread still open: team sre publishes only when every thread is resolved"
    assert publish.select_one(".why").get_text(strip=True) == said  # no reminder beside
    refused = client.post(move, {"transition": "publish"}, follow=True).content.decode()
    assert said in refused
    pm.refresh_from_db()
    assert pm.status == "approved"
    comments.resolve(Comment.objects.get(postmortem=pm), people["alice"])
    client.post(move, {"transition": "publish"})
    pm.refresh_from_db()
    assert pm.status == "published"
