"""An overdue action item is marked wherever it appears: the postmortem's rendered action table,
its review panel, the item lists, the inbox and the API. Only the open item due before today is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from workflow_fixtures import clean_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    """alice's item is overdue (open, due 2024-02-20); bob's is due in a month; carol's is done."""
    from postmortems.server.library import store

    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    alice = make_user("alice", "author")
    make_user("bob", "author")
    make_user("carol", "author")
    text = clean_text().replace("due: 2024-03-01", f"due: {later}")
    store.create(text, alice)
    return {"alice": alice, "later": later}


def _page(user: Any, path: str) -> BeautifulSoup:
    client = Client()
    client.force_login(user)
    reply = client.get(path)
    assert reply.status_code == 200
    return BeautifulSoup(reply.content, "html.parser")


def _marked(rows: list[Any]) -> list[str]:
    return [" ".join(r.get_text(" ").split()) for r in rows if r.select(".badge.overdue")]


def test_the_rendered_action_table_marks_the_overdue_item(world: dict[str, Any]) -> None:
    page = _page(world["alice"], "/p/PM-W-1/")
    rows = page.select("table.pm-actions tbody tr")
    assert len(rows) == 3
    marked = _marked(rows)
    assert len(marked) == 1
    assert "certificate expiry" in marked[0]
    assert "2024-02-20" in marked[0]
    assert world["later"] in " ".join(r.get_text() for r in rows)  # bob's date is shown, plain


def test_the_review_panel_marks_the_overdue_item(world: dict[str, Any]) -> None:
    page = _page(world["alice"], "/p/PM-W-1/")
    marked = _marked(page.select("#workflow .item"))
    assert len(marked) == 1
    assert "certificate expiry" in marked[0]


def test_the_item_lists_mark_the_overdue_item(world: dict[str, Any], make_user: Any) -> None:
    mine = _marked(_page(world["alice"], "/actions/").select("table.items tbody tr"))
    assert len(mine) == 1
    assert "certificate expiry" in mine[0]
    from django.contrib.auth import get_user_model

    bob = get_user_model().objects.get(username="bob")
    bobs = _page(bob, "/actions/").select("table.items tbody tr")
    assert len(bobs) == 1  # his item, due later: listed, not marked
    assert not _marked(bobs)
    everyone = _page(world["alice"], "/actions/overdue/").select("table.items tbody tr")
    assert len(_marked(everyone)) == len(everyone) == 1
    # which postmortem, by its title (the key alone tells a reader nothing), and how late
    [row] = everyone
    assert "Checkout API returned 502s" in row.select_one(".pm-of-item a").get_text()
    assert row.select_one(".badge.overdue").get_text().endswith(" overdue")
    assert row.select_one(".badge.overdue").get_text() != "overdue"


def test_the_inbox_marks_the_overdue_item(world: dict[str, Any]) -> None:
    rows = _page(world["alice"], "/inbox/").select("#inbox-overdue tbody tr")
    assert len(_marked(rows)) == len(rows) == 1


def test_the_api_says_which_item_is_overdue(world: dict[str, Any]) -> None:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(world["alice"], "ci")
    reply = Client(headers={"Authorization": f"Bearer {raw}"}).get(
        "/api/postmortems/PM-W-1/action-items"
    )
    assert reply.status_code == 200
    items = {i["owner"]: i for i in reply.json()}
    assert {o: i["overdue"] for o, i in items.items()} == {
        "alice": True,
        "bob": False,
        "carol": False,
    }
    assert items["carol"]["status"] == "done"
    assert items["bob"]["due"] == world["later"]
    missing = Client(headers={"Authorization": f"Bearer {raw}"}).get(
        "/api/postmortems/PM-NOPE/action-items"
    )
    assert missing.status_code == 404


def _statuses(page: BeautifulSoup) -> dict[str, str]:
    rows = page.select("table.pm-actions tbody tr")
    return {r.select("td")[2].get_text(): r.select_one(".status").get_text() for r in rows}


@pytest.mark.parametrize("who", ["alice", "vic"])  # a writer's page and a reader's
def test_the_rendered_action_table_says_the_state_the_server_holds(
    world: dict[str, Any], make_user: Any, who: str
) -> None:
    """The checkbox says open; the item rows say in progress or won't do, and the table does
    too. A won't-do item is not overdue, an item in progress still is; the stored page is not
    rendered again for it."""
    from postmortems.server.library.models import Postmortem
    from postmortems.server.workflow.models import ActionItem

    user = world["alice"] if who == "alice" else make_user("vic", "viewer")
    assert _statuses(_page(user, "/p/PM-W-1/")) == {
        "alice": "Open",
        "bob": "Open",
        "carol": "✓ Done",
    }
    stored = Postmortem.objects.get(key="PM-W-1").rendered_html
    items = ActionItem.objects.filter(postmortem__key="PM-W-1")
    items.filter(owner="alice").update(status=ActionItem.State.IN_PROGRESS)
    items.filter(owner="bob").update(status=ActionItem.State.WONT_DO, reason="replaced")
    page = _page(user, "/p/PM-W-1/")
    assert _statuses(page) == {"alice": "In progress", "bob": "Won't do", "carol": "✓ Done"}
    assert page.select_one("table.pm-actions .status-in-progress") is not None
    marked = _marked(page.select("table.pm-actions tbody tr"))
    assert len(marked) == 1
    assert "certificate expiry" in marked[0]  # alice's, in progress and late
    items.filter(owner="alice").update(status=ActionItem.State.WONT_DO, reason="moot")
    assert not _marked(_page(user, "/p/PM-W-1/").select("table.pm-actions tbody tr"))
    assert Postmortem.objects.get(key="PM-W-1").rendered_html == stored
