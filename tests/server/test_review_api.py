"""The review workflow through the API: GET …/review, POST …/moves, …/review/answer, …/comments.

A bot takes a postmortem from draft to published as the review panel does: the same rights, the
same refusals (409 saying why), comments only for the roles the panel shows them to, and a
restricted postmortem answered 404 to whoever may not read it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from workflow_fixtures import clean_text, with_settings

pytestmark = pytest.mark.django_db


def _client(user: Any, scope: str = "write") -> Client:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "t", scope=scope)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def people(make_user: Callable[..., Any], settings: Any) -> dict[str, Client]:
    with_settings(settings, review_approvals=("*:1",))
    roles = {"alice": "author", "bob": "reviewer", "dan": "reviewer", "vic": "viewer"}
    return {name: _client(make_user(name, role)) for name, role in roles.items()}


@pytest.fixture
def key() -> str:
    from postmortems.server.library import store

    return str(store.create(clean_text("PM-API-R"), None).postmortem.key)


def test_a_bot_takes_a_postmortem_through_review_to_published(
    people: dict[str, Client], key: str
) -> None:
    alice, bob = people["alice"], people["bob"]
    start = alice.get(f"/api/postmortems/{key}/review").json()
    assert (start["status"], start["reviewers"], start["history"]) == ("draft", [], [])
    assert {m["name"] for m in start["moves"]} >= {"request-review"}

    asked = _post(
        alice,
        f"/api/postmortems/{key}/moves",
        {"transition": "request-review", "reviewers": ["bob"]},
    )
    assert asked.status_code == 200, asked.json()
    assert asked.json()["status"] == "in-review"
    assert [(r["reviewer"], r["state"], r["verdict"]) for r in asked.json()["reviewers"]] == [
        ("bob", "requested", "")
    ]

    said = _post(
        bob,
        f"/api/postmortems/{key}/comments",
        {"text": "Say when the alert fired.", "quote": "Timeline"},
    )
    assert said.status_code == 201, said.json()
    thread = said.json()
    assert (thread["author"], thread["resolved"], thread["line"] > 1) == ("bob", False, True)
    reply = _post(
        alice,
        f"/api/postmortems/{key}/comments",
        {"text": "Added at 04:07.", "reply_to": thread["id"]},
    )
    assert [r["text"] for r in reply.json()["replies"]] == ["Added at 04:07."]
    done = _post(alice, f"/api/postmortems/{key}/comments/{thread['id']}/resolve", {})
    assert done.json()["resolved"] is True

    approved = _post(bob, f"/api/postmortems/{key}/moves", {"transition": "approve"})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert approved.json()["approvals"] == 1
    published = _post(alice, f"/api/postmortems/{key}/moves", {"transition": "publish"})
    assert published.json()["status"] == "published", published.json()
    moves = [(e["by"], e["transition"]) for e in published.json()["history"]]
    assert moves == [("alice", "request-review"), ("bob", "approve"), ("alice", "publish")]


def test_a_move_not_allowed_now_is_a_409_that_says_why(people: dict[str, Client], key: str) -> None:
    alice, bob = people["alice"], people["bob"]
    early = _post(bob, f"/api/postmortems/{key}/moves", {"transition": "approve"})
    assert early.status_code == 409
    assert "only a postmortem in review is approved" in early.json()["detail"]
    _post(
        alice,
        f"/api/postmortems/{key}/moves",
        {"transition": "request-review", "reviewers": ["bob"]},
    )
    own = _post(alice, f"/api/postmortems/{key}/moves", {"transition": "approve"})
    assert (own.status_code, "nobody approves their own work" in own.json()["detail"]) == (
        409,
        True,
    )
    vague = _post(bob, f"/api/postmortems/{key}/moves", {"transition": "request-changes"})
    assert vague.status_code == 409
    assert vague.json()["hint"].startswith("write it in the note")
    unknown = _post(
        alice,
        f"/api/postmortems/{key}/moves",
        {"transition": "add-reviewers", "reviewers": ["nobody"]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "reviewers", "msg": "no active account named nobody"}
    ]
    typo = _post(alice, f"/api/postmortems/{key}/moves", {"transition": "aprove"})
    assert typo.status_code == 422


def test_changes_requested_then_answered_and_resubmitted(
    people: dict[str, Client], key: str
) -> None:
    alice, bob = people["alice"], people["bob"]
    _post(
        alice,
        f"/api/postmortems/{key}/moves",
        {"transition": "request-review", "reviewers": ["bob"]},
    )
    accepted = _post(bob, f"/api/postmortems/{key}/review/answer", {"accept": True})
    assert accepted.json()["reviewers"][0]["state"] == "accepted"
    back = _post(
        bob,
        f"/api/postmortems/{key}/moves",
        {"transition": "request-changes", "note": "Name the root cause."},
    )
    assert back.json()["status"] == "changes-requested"
    assert back.json()["history"][-1]["note"] == "Name the root cause."
    again = _post(
        alice, f"/api/postmortems/{key}/moves", {"transition": "resubmit", "reviewers": ["bob"]}
    )
    assert again.json()["status"] == "in-review", again.json()
    assert again.json()["reviewers"][0]["verdict"] == ""  # a new round: no verdict yet


def test_viewers_read_the_state_not_the_comments_and_cannot_comment(
    people: dict[str, Client], key: str
) -> None:
    _post(people["alice"], f"/api/postmortems/{key}/comments", {"text": "Draft note."})
    seen = people["vic"].get(f"/api/postmortems/{key}/review").json()
    assert (seen["status"], seen["threads"], seen["moves"]) == ("draft", None, [])
    said = _post(people["vic"], f"/api/postmortems/{key}/comments", {"text": "Hi"})
    assert said.status_code == 403
    assert people["alice"].get(f"/api/postmortems/{key}/review").json()["threads"][0]["text"] == (
        "Draft note."
    )


def test_a_read_token_reads_and_does_not_move(
    make_user: Callable[..., Any], people: dict[str, Client], key: str
) -> None:
    from django.contrib.auth.models import User

    reader = _client(User.objects.get(username="alice"), scope="read")
    assert reader.get(f"/api/postmortems/{key}/review").status_code == 200
    refused = _post(
        reader,
        f"/api/postmortems/{key}/moves",
        {"transition": "request-review", "reviewers": ["bob"]},
    )
    assert refused.status_code == 403


def test_a_restricted_postmortem_is_no_one_elses(
    make_user: Callable[..., Any], make_pm: Callable[..., Any]
) -> None:
    pm = make_pm("PM-API-SECRET", restricted=True, teams="sec")
    outsider = _client(make_user("oscar", "author"))  # an author, but of team sre
    for path in ("review", "comments"):
        url = f"/api/postmortems/{pm.key}/{path}"
        answer = outsider.get(url) if path == "review" else _post(outsider, url, {"text": "x"})
        assert answer.status_code == 404
        assert "Checkout" not in answer.content.decode()


def test_a_bad_body_is_a_422_naming_the_field(people: dict[str, Client], key: str) -> None:
    alice = people["alice"]
    blank = _post(alice, f"/api/postmortems/{key}/comments", {"text": "   "})
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "text"
    far = _post(alice, f"/api/postmortems/{key}/comments", {"text": "x", "line": 99999})
    assert (far.status_code, "outside the document" in far.json()["detail"]) == (422, True)
    nowhere = _post(alice, f"/api/postmortems/{key}/comments", {"text": "x", "reply_to": 12345})
    assert nowhere.status_code == 404


def test_an_approval_of_a_text_changed_since_it_was_read_is_refused(
    people: dict[str, Client], key: str
) -> None:
    from django.contrib.auth.models import User

    from postmortems.server.library import store

    alice, bob = people["alice"], people["bob"]
    asked = _post(
        alice,
        f"/api/postmortems/{key}/moves",
        {"transition": "request-review", "reviewers": ["bob"]},
    ).json()
    read = asked["version"]  # bob reads this revision; the status move to in-review is in it
    from postmortems.server.library.models import Postmortem

    pm = Postmortem.objects.get(key=key)
    store.update(
        key,
        pm.text + "\nA paragraph bob never read.\n",
        User.objects.get(username="alice"),
        base_version=pm.version,
    )
    stale = _post(bob, f"/api/postmortems/{key}/moves", {"transition": "approve", "version": read})
    assert stale.status_code == 409
    assert f"changed since you read it (revision {read}, now {read + 1})" in stale.json()["detail"]
    assert stale.json()["hint"].startswith("read what changed")
    now = bob.get(f"/api/postmortems/{key}/review").json()
    assert (now["status"], now["approvals"]) == ("in-review", 0)  # nothing was approved
    fresh = _post(
        bob, f"/api/postmortems/{key}/moves", {"transition": "approve", "version": now["version"]}
    )
    assert fresh.json()["status"] == "approved", fresh.json()


def test_a_viewer_who_owns_an_action_item_reads_no_thread_through_a_reply(
    people: dict[str, Client], key: str
) -> None:
    from postmortems.server.workflow.models import ActionItem

    ActionItem.objects.filter(postmortem__key=key).update(owner="vic")
    said = _post(people["bob"], f"/api/postmortems/{key}/comments", {"text": "A remark."}).json()
    reply = _post(
        people["vic"], f"/api/postmortems/{key}/comments", {"text": "hi", "reply_to": said["id"]}
    )
    assert reply.status_code == 403
    assert "A remark." not in reply.content.decode()


def test_a_version_the_postmortem_never_had_is_a_422(people: dict[str, Client], key: str) -> None:
    _post(
        people["alice"],
        f"/api/postmortems/{key}/moves",
        {"transition": "request-review", "reviewers": ["bob"]},
    )
    far = _post(
        people["bob"], f"/api/postmortems/{key}/moves", {"transition": "approve", "version": 99999}
    )
    assert far.status_code == 422
    assert far.json()["errors"][0]["field"] == "version"
    assert people["bob"].get(f"/api/postmortems/{key}/review").json()["status"] == "in-review"
