"""A reviewer's day: the inbox, overdue items marked, owners from accounts, the item control."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from postmortems.server import demo
from postmortems.server.workflow.models import ActionItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def library() -> None:
    demo.load(today=timezone.now().date())


def _page(name: str, path: str) -> BeautifulSoup:
    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    reply = client.get(path)
    assert reply.status_code == 200
    return BeautifulSoup(reply.content, "html.parser")


@pytest.mark.usefixtures("library")
def test_a_reviewer_sees_the_reviews_asked_of_them() -> None:
    page = _page("priya", "/inbox/")
    asked = [tr["data-review"] for tr in page.select("#inbox-reviews tr[data-review]")]
    assert asked == ["PM-DEMO-004"]
    notes = page.select_one("#inbox-notes").get_text(" ", strip=True)
    assert "Review requested" in notes
    assert "Logins failed" in notes


@pytest.mark.usefixtures("library")
def test_an_author_sees_what_waits_on_them_and_their_overdue_items() -> None:
    page = _page("demo", "/inbox/")
    waiting = {li["data-waiting"] for li in page.select("#inbox-waiting li")}
    # approved: publish; draft: finish; in review: a thread a reviewer opened waits on an answer
    assert waiting == {"PM-DEMO-003", "PM-DEMO-004", "PM-DEMO-006"}
    (review,) = page.select("#inbox-waiting li[data-waiting='PM-DEMO-004']")
    assert "answer 1 open comment thread" in review.get_text()
    today = timezone.now().date()
    expected = ActionItem.objects.filter(
        owner="demo", due__lt=today, status__in=["open", "in-progress"]
    )
    assert expected.exists()
    shown = {int(tr["data-item"]) for tr in page.select("#inbox-overdue tr[data-item]")}
    assert shown == {i.pk for i in expected}
    assert not page.select("#inbox-reviews tr[data-review]")


@pytest.mark.usefixtures("library")
def test_a_note_about_an_action_item_names_the_task() -> None:
    """ "Action item assigned to you" twice on one postmortem: each note says which task."""
    from postmortems.server.workflow.models import Delivery

    page = _page("demo", "/inbox/")
    notes = [li.get_text(" ", strip=True) for li in page.select("#inbox-notes li")]
    assigned = [n for n in notes if "Action item assigned to you" in n]
    assert assigned
    tasks = set(ActionItem.objects.filter(owner="demo").values_list("text", flat=True))
    for note in assigned:
        assert any(task[:60] in note for task in tasks), note
    kinds = {d.key.partition(":")[0] for d in Delivery.objects.filter(kind="action-item-assigned")}
    assert kinds == {"assigned"}  # the key the inbox reads the item from


@pytest.mark.usefixtures("library")
def test_the_inbox_keeps_restricted_postmortems_to_their_team(make_user: Any) -> None:
    past = timezone.now().date() - dt.timedelta(days=30)
    ActionItem.objects.filter(postmortem__key="PM-DEMO-SEC-1").update(owner="priya", due=past)
    page = _page("priya", "/inbox/")
    assert "Leaked" not in page.get_text()
    assert "PM-DEMO-SEC-1" not in str(page)
    ActionItem.objects.filter(postmortem__key="PM-DEMO-SEC-1").update(owner="security")
    security = _page("security", "/inbox/")
    overdue = security.select_one("#inbox-overdue").get_text()
    assert "Leaked staging credentials" in overdue  # its team sees it, by its title


@pytest.mark.usefixtures("library")
def test_overdue_items_are_marked_on_the_postmortem_page_and_the_lists() -> None:
    page = _page("demo", "/p/PM-DEMO-001/")
    overdue = [div for div in page.select("#workflow .item") if div.select(".badge.overdue")]
    assert overdue
    assert all(
        "cert-manager" in d.get_text() for d in overdue if "not an account" not in d.get_text()
    )
    lists = _page("demo", "/actions/overdue/")
    assert lists.select("td.overdue .badge.overdue")


@pytest.mark.usefixtures("library")
def test_items_are_edited_through_a_compact_control_with_owners_from_accounts() -> None:
    page = _page("demo", "/p/PM-DEMO-001/")
    item = page.select_one("#workflow .item")
    assert item.select_one("details.item-more summary").get_text() == "Edit item"
    owner = item.select_one("details input[name=owner]")
    accounts = {o["value"] for o in page.select("datalist#accounts option")}
    assert owner["list"] == "accounts"
    assert {"demo", "priya", "sam"} <= accounts
    assert "lena" in accounts  # not restricted: every account may own its items
    restricted = _page("security", "/p/PM-DEMO-SEC-1/")
    names = {o["value"] for o in restricted.select("datalist#accounts option")}
    assert "priya" not in names  # she cannot see it, so she cannot own its items


def test_an_owner_who_is_no_account_is_flagged(make_user: Any) -> None:
    from tests.server.conftest import doc_text

    from postmortems.server.library import store

    make_user("alice", "author")
    store.create(doc_text("PM-O"), None)  # its item is owned by @bob, who has no account
    page = _page("alice", "/p/PM-O/")
    assert "not an account" in page.select_one("#workflow .item").get_text()


@pytest.mark.usefixtures("library")
def test_the_demo_says_how_far_each_review_got() -> None:
    """PM-DEMO-004 (SEV2) waits for its second approval, and says so; a published SEV2 shows
    the two approvals that approved it (it said "0 of 2")."""
    waiting = _page("demo", "/p/PM-DEMO-004/")
    assert waiting.select_one("#workflow h3 .approvals").get_text() == "1 of 2 approvals"
    needs = waiting.select_one("#workflow .needs").get_text(" ", strip=True)
    assert needs == "Needs 2 approvals (SEV2), has 1; 2 reviewers asked."
    history = waiting.select_one("ol.history").get_text(" ", strip=True)
    # An approval that leaves it in review reads as one, not as a move to where it was.
    assert "sam · approval (still in-review) · approved; more approvals needed" in history
    assert "in-review → in-review" not in history
    done = _page("demo", "/p/PM-DEMO-001/")
    assert done.select_one("#workflow h3 .approvals").get_text() == "2 of 2 approvals"


@pytest.mark.usefixtures("library")
def test_review_buttons_are_labelled_in_words() -> None:
    page = _page("priya", "/p/PM-DEMO-004/")
    labels = [b.get_text() for b in page.select("#workflow button[data-move]")]
    assert "Request changes" in labels
    assert "Approve" in labels
