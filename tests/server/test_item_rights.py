"""A viewer can write (issue 13, item 5): item changes need the postmortem's authors' rights.

A viewer who owned an action item could change its owner and due date, which rewrote the
postmortem as that viewer. Now the owner without the author role in the postmortem's teams may
only mark their own item done, or comment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from tests.server.conftest import doc_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    people = {
        "alice": make_user("alice", "author"),
        "vera": make_user("vera", "viewer"),  # owns the item, viewer in the team
        "otto": make_user("otto", "author", team="other"),  # owns nothing, author elsewhere
    }
    text = doc_text("PM-I", teams="sre").replace("@bob", "@vera")
    pm = store.create(text, people["alice"]).postmortem
    item = ActionItem.objects.get(postmortem=pm)
    assert item.owner == "vera"
    return {**people, "pm": pm, "item": item}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state(world: dict[str, Any]) -> tuple[int, str, Any, str]:
    world["pm"].refresh_from_db()
    world["item"].refresh_from_db()
    item = world["item"]
    return world["pm"].version, item.owner, item.due, item.status


@pytest.mark.parametrize(
    "post",
    [
        {"owner": "vera2"},
        {"due": "2030-01-01"},
        {"due": ""},
        {"owner": "", "status": "done"},
        {"priority": "high"},
        {"kind": "detective"},
        {"status": "wont-do", "reason": "no"},
        {"tracker_url": "https://tracker.example/OPS-1"},
    ],
)
def test_an_owner_who_is_a_viewer_cannot_change_the_item(world: dict[str, Any], post: Any) -> None:
    before = _state(world)
    response = _client(world["vera"]).post(f"/actions/{world['item'].pk}/", post, follow=True)
    assert response.status_code == 200
    assert "only the postmortem's authors and reviewers change action items" in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert _state(world) == before  # no revision written as the viewer
    world["item"].refresh_from_db()
    assert world["item"].tracker_url == ""


def test_an_owner_who_is_a_viewer_may_mark_it_done(world: dict[str, Any]) -> None:
    version = _state(world)[0]
    _client(world["vera"]).post(f"/actions/{world['item'].pk}/", {"status": "done"})
    assert _state(world)[3] == "done"
    assert _state(world)[0] == version + 1  # the checkbox in the text is ticked
    assert "- [x] Automate certificate renewal" in world["pm"].text


def test_an_owner_who_is_a_viewer_may_comment(world: dict[str, Any]) -> None:
    from postmortems.server.workflow import comments

    now = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    made = comments.add(world["pm"], world["vera"], "Started on it.", now=now)
    assert made.author == world["vera"]
    assert not comments.may_comment(world["otto"], world["pm"])


def test_an_owner_who_is_a_viewer_cannot_open_a_ticket(world: dict[str, Any]) -> None:
    response = _client(world["vera"]).post(
        f"/actions/{world['item'].pk}/ticket/", {"tracker": "github"}
    )
    assert response.status_code == 403


def test_an_author_of_another_team_sees_no_item_to_change(world: dict[str, Any]) -> None:
    before = _state(world)
    response = _client(world["otto"]).post(f"/actions/{world['item'].pk}/", {"owner": "otto"})
    assert response.status_code == 404
    assert _state(world) == before


def test_an_author_of_the_team_changes_every_field(world: dict[str, Any]) -> None:
    version = _state(world)[0]
    _client(world["alice"]).post(
        f"/actions/{world['item'].pk}/", {"owner": "alice", "due": "2030-01-01"}
    )
    assert _state(world)[:3] == (version + 1, "alice", dt.date(2030, 1, 1))
