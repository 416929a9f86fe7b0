"""Action items and the Markdown task list stay in step, both ways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from workflow_fixtures import NOW, clean_text

from postmortems.server.workflow.errors import WorkflowError

BOB_TASK = "- [ ] Automate certificate renewal with cert-manager (owner: @bob, due: 2024-03-01)"


@pytest.fixture
def alice(make_user: Callable[..., Any]) -> Any:
    make_user("bob", "reviewer")
    return make_user("alice", "author")


def _items(pm: Any) -> list[Any]:
    from postmortems.server.workflow.models import ActionItem

    return list(ActionItem.objects.filter(postmortem=pm))


def test_saving_markdown_creates_updates_and_removes_items(alice: Any) -> None:
    from postmortems.server.library import store

    pm = store.create(clean_text(), alice).postmortem
    items = _items(pm)
    assert [(i.owner, i.due, i.status) for i in items] == [
        ("bob", dt.date(2024, 3, 1), "open"),
        ("alice", dt.date(2024, 2, 20), "open"),
        ("carol", dt.date(2024, 2, 14), "done"),
    ]
    assert items[1].kind == "detective"  # "Add an alert …"
    first_id = items[0].pk
    text = pm.text.replace(BOB_TASK, BOB_TASK.replace("[ ]", "[x]").replace("@bob", "@dan"))
    text = text.replace("- [x] Route expiry reminders", "- [ ] Route expiry reminders")
    text = text.replace(
        "- [ ] Add an alert on certificate expiry under 14 days for every endpoint"
        " (owner: @alice, due: 2024-02-20)\n",
        "",
    )
    pm = store.update(pm.key, text, alice, base_version=pm.version).postmortem
    items = _items(pm)
    assert [(i.pk == first_id, i.owner, i.status) for i in items] == [
        (True, "dan", "done"),
        (False, "carol", "open"),
    ]


def test_editing_an_item_on_the_server_rewrites_its_checkbox_line(alice: Any) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.actions import Change, update_item

    pm = store.create(clean_text(), alice).postmortem
    item = _items(pm)[0]
    update_item(item, Change(status="done"), alice, now=NOW)
    pm.refresh_from_db()
    assert BOB_TASK.replace("[ ]", "[x]") in pm.text
    assert pm.revisions.first().message.startswith("action item:")  # a revision like any other
    item = _items(pm)[0]
    assert (item.status, item.closed) == ("done", NOW)

    update_item(
        item, Change(owner="@dan", due=dt.date(2024, 4, 1), status="in-progress"), alice, now=NOW
    )
    pm.refresh_from_db()
    assert (
        "- [ ] Automate certificate renewal with cert-manager (owner: @dan, due: 2024-04-01)"
        in pm.text
    )
    item = _items(pm)[0]
    assert (item.status, item.owner, item.closed) == ("in-progress", "dan", None)


def test_wont_do_needs_a_reason_and_keeps_the_box_unticked(alice: Any) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.actions import Change, update_item

    pm = store.create(clean_text(), alice).postmortem
    item = _items(pm)[0]
    with pytest.raises(WorkflowError, match="why"):
        update_item(item, Change(status="wont-do"), alice, now=NOW)
    update_item(
        item, Change(status="wont-do", reason="cert-manager is being replaced"), alice, now=NOW
    )
    pm.refresh_from_db()
    assert BOB_TASK in pm.text
    store.update(pm.key, pm.text + "\nMore notes.\n", alice, base_version=pm.version)
    assert _items(pm)[0].status == "wont-do"  # a later save keeps what Markdown cannot say


def test_a_task_that_is_not_a_list_item_is_not_rewritten(alice: Any) -> None:
    from postmortems.document.model import ActionItem
    from postmortems.server.workflow.textedit import replace_task_line

    with pytest.raises(Exception, match="not a list item"):
        replace_task_line("| task | owner |\n| a | b |\n", 2, ActionItem("a", True))
    numbered = replace_task_line("1. Fix it (owner: @x)\n", 1, ActionItem("Fix it", True, "x"))
    assert numbered == "1. [x] Fix it (owner: @x)\n"


def test_item_pages_list_mine_a_teams_and_overdue(alice: Any, client: Any) -> None:
    from postmortems.server.library import store

    store.create(clean_text(), alice)
    client.force_login(alice)
    mine = client.get("/actions/").content.decode()
    assert "Add an alert on certificate expiry" in mine
    assert "cert-manager" not in mine
    overdue = client.get("/actions/overdue/").content.decode()
    assert "cert-manager" in overdue
    assert "Route expiry reminders" not in overdue
    team = client.get("/actions/team/sre/").content.decode()
    assert "cert-manager" in team  # bob is in sre


def test_item_pages_hide_restricted_postmortems_of_other_teams(
    alice: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    from postmortems.server.library import store

    secret = clean_text("PM-SEC").replace(
        "cause_category", "restricted: true\nteams: [sec]\ncause_category"
    )
    store.create(secret, None)
    client.force_login(alice)
    assert "cert-manager" not in client.get("/actions/overdue/").content.decode()
    client.force_login(make_user("eve", "author", team="sec"))
    assert "cert-manager" in client.get("/actions/overdue/").content.decode()
