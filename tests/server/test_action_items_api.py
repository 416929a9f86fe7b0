"""PATCH /api/postmortems/{key}/action-items/{id}: the review panel's item edits through the API,
with the panel's rights (authors change everything, an owner only marks done or reopens), a
reason for won't do, the task line rewritten as a revision, and JSON errors that say the fix."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TASK = "- [ ] Automate certificate renewal (owner: @bob, due: 2024-03-01)"


def _client(user: Any, scope: str = "write") -> Client:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "t", scope=scope)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _patch(client: Client, key: str, item: int, body: Any) -> Any:
    path = f"/api/postmortems/{key}/action-items/{item}"
    return client.patch(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def pm(make_pm: Any) -> Any:
    return make_pm("PM-ITEMS", teams="sre")


def _item(pm: Any) -> Any:
    from postmortems.server.workflow.models import ActionItem

    return ActionItem.objects.get(postmortem=pm)


def _text(pm: Any) -> str:
    pm.refresh_from_db()
    return str(pm.text)


def test_an_author_moves_the_state_owner_and_due_date(pm: Any, make_user: Any) -> None:
    author = _client(make_user("alice", "author"))
    item = _item(pm).pk
    moved = _patch(author, pm.key, item, {"status": "in-progress"})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "in-progress"
    assert TASK in _text(pm)  # still open in the Markdown: only done ticks the box
    done = _patch(author, pm.key, item, {"status": "done"})
    assert (done.status_code, done.json()["status"]) == (200, "done")
    assert TASK.replace("[ ]", "[x]") in _text(pm)
    assert pm.revisions.first().message.startswith("action item:")  # a revision like any other
    again = _patch(author, pm.key, item, {"status": "open", "owner": "@dan", "due": "2024-05-01"})
    assert again.json() | {"id": 0} == {
        "id": 0,
        "text": "Automate certificate renewal",
        "owner": "dan",
        "due": "2024-05-01",
        "status": "open",
        "kind": again.json()["kind"],
        "priority": "medium",
        "overdue": True,
        "tracker_url": "",
        "reason": "",
    }
    assert "- [ ] Automate certificate renewal (owner: @dan, due: 2024-05-01)" in _text(pm)
    cleared = _patch(author, pm.key, item, {"due": None})
    assert cleared.json()["due"] is None
    assert "- [ ] Automate certificate renewal (owner: @dan)" in _text(pm)
    listed = author.get(f"/api/postmortems/{pm.key}/action-items").json()
    assert [(i["id"], i["owner"], i["due"]) for i in listed] == [(item, "dan", None)]


def test_wont_do_needs_a_reason_said_as_json_with_the_fix(pm: Any, make_user: Any) -> None:
    author = _client(make_user("alice", "author"))
    item = _item(pm).pk
    refused = _patch(author, pm.key, item, {"status": "wont-do"})
    assert refused.status_code == 422
    said = refused.json()
    assert said["detail"] == "say why it won't be done"
    assert said["hint"] == 'give "reason": why it won\'t be done'
    assert [e["field"] for e in said["errors"]] == ["reason"]
    assert _item(pm).status == "open"  # nothing was changed
    ok = _patch(author, pm.key, item, {"status": "wont-do", "reason": "the CA renews for us"})
    assert (ok.json()["status"], ok.json()["reason"]) == ("wont-do", "the CA renews for us")
    assert ok.json()["overdue"] is False  # won't do is never overdue
    reopened = _patch(author, pm.key, item, {"status": "open"})
    assert (reopened.json()["status"], reopened.json()["reason"]) == ("open", "")  # not stale


def test_the_owner_may_only_mark_done_or_reopen(pm: Any, make_user: Any) -> None:
    owner = _client(make_user("bob", "viewer"))  # the item's owner, no author role
    item = _item(pm).pk
    done = _patch(owner, pm.key, item, {"status": "done"})
    assert (done.status_code, done.json()["status"]) == (200, "done")
    assert TASK.replace("[ ]", "[x]") in _text(pm)
    reopened = _patch(owner, pm.key, item, {"status": "open"})
    assert (reopened.status_code, reopened.json()["status"]) == (200, "open")
    for body in ({"due": "2030-01-01"}, {"status": "in-progress"}, {"owner": "bob"}):
        refused = _patch(owner, pm.key, item, body)
        assert refused.status_code == 403, body
        assert refused.json()["detail"] == (
            "only the postmortem's authors and reviewers change action items; as its owner you "
            "may mark it done or reopen it"
        )
        assert refused.json()["hint"] == "ask an author of the postmortem's team"
    assert (_item(pm).due.isoformat(), _item(pm).status) == ("2024-03-01", "open")
    stranger = _patch(_client(make_user("viv", "viewer")), pm.key, item, {"status": "done"})
    assert stranger.status_code == 403
    assert "as its owner" not in stranger.json()["detail"]


def test_hidden_missing_and_foreign_items_are_404(make_pm: Any, make_user: Any) -> None:
    hidden = make_pm("PM-RED", restricted=True, teams="red")
    mine = make_pm("PM-SRE", teams="sre")
    author = _client(make_user("alice", "author"))
    red_item = _item(hidden).pk
    said = {key: _patch(author, key, red_item, {"status": "done"}) for key in ("PM-RED", "PM-NOPE")}
    # a restricted postmortem of another team answers as one that does not exist
    assert [r.status_code for r in said.values()] == [404, 404]
    assert said["PM-RED"].json()["detail"] == "no postmortem PM-RED that you may see"
    assert said["PM-NOPE"].json()["detail"] == "no postmortem PM-NOPE that you may see"
    foreign = _patch(author, "PM-SRE", red_item, {"status": "done"})  # not an item of PM-SRE
    assert foreign.status_code == 404
    assert foreign.json()["detail"] == f"no action item {red_item} on PM-SRE"
    assert _item(hidden).status == "open"
    assert _patch(author, mine.key, _item(mine).pk, {"status": "done"}).status_code == 200


def test_bodies_that_change_nothing_or_do_not_fit_are_422(pm: Any, make_user: Any) -> None:
    author = _client(make_user("alice", "author"))
    item = _item(pm).pk
    nothing = _patch(author, pm.key, item, {})
    assert nothing.status_code == 422
    assert nothing.json()["detail"] == "the body changes nothing"
    assert nothing.json()["hint"].startswith("give one or more of status, owner, due")
    assert _patch(author, pm.key, item, {"status": None}).json()["detail"] == (
        "the body changes nothing"
    )
    for body, field in (
        ({"status": "closed"}, "status"),
        ({"state": "done"}, "state"),  # a misspelt field is refused, not ignored
        ({"due": "next week"}, "due"),
        ({"owner": "bob smith"}, "owner"),
        ({"tracker_url": "javascript:alert(1)"}, "tracker_url"),
    ):
        refused = _patch(author, pm.key, item, body)
        assert refused.status_code == 422, body
        assert [e["field"] for e in refused.json()["errors"]] == [field], body
    assert _item(pm).status == "open"


def test_a_read_token_may_not_change_an_item(pm: Any, make_user: Any) -> None:
    reader = _client(make_user("alice", "author"), scope="read")
    refused = _patch(reader, pm.key, _item(pm).pk, {"status": "done"})
    assert refused.status_code == 403
    assert "may only read" in refused.json()["detail"]
    assert _item(pm).status == "open"
