"""A revision that only moved the review status is no text of its own: the revisions page marks it
"status only", and an outdated comment says it was written on the revision whose text it read,
one the revisions page lists as a change of the text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from workflow_fixtures import NOW, cast, clean_text, page_of

from postmortems.server.library.revisions import status_only
from postmortems.server.library.store import unified_diff

pytestmark = pytest.mark.django_db

TEXT = "---\ntitle: T\nstatus: draft\nseverity: SEV2\n---\n## Summary\nDown.\n"


@pytest.mark.parametrize(
    ("after", "only"),
    [
        (TEXT.replace("status: draft", "status: in-review"), True),  # a lifecycle move
        (TEXT.replace("status: draft", "status: changes-requested"), True),
        ("---\nstatus: in-review\n---\n## Summary\nDown.\n", False),  # front matter lost
        (TEXT.replace("Down.", "Down for an hour."), False),  # an edit of the text
        (TEXT.replace("status: draft", "status: approved").replace("Down.", "Up."), False),
        (TEXT.replace("severity: SEV2", "severity: SEV1"), False),  # another field
        (TEXT.replace("status: draft", "  status: in-review"), False),  # not the top level
        (TEXT, False),  # nothing changed (no diff)
    ],
)
def test_a_diff_that_changes_only_the_status_line(after: str, only: bool) -> None:
    assert status_only(unified_diff(TEXT, after, "PM-1")) is only


def test_a_front_matter_added_for_the_status_is_a_status_move() -> None:
    body = "## Summary\nDown.\n"
    assert status_only(unified_diff(body, f"---\nstatus: in-review\n---\n{body}", "PM-1"))
    assert not status_only("")  # the first revision


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return cast(make_user, {"alice": "author", "bob": "reviewer"})


def test_a_comment_written_after_a_status_move_names_the_text_it_read(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import comments, services

    alice, bob = people["alice"], people["bob"]
    pm = store.create(clean_text(), alice).postmortem  # r1
    services.request_review(pm, alice, [bob], now=NOW)  # r2: draft → in-review, nothing else
    pm.refresh_from_db()
    assert pm.version == 2
    lines = pm.text.split("\n")
    line = lines.index("- 05:10 PST - Escalated to the platform team; Bob joins the bridge.") + 1
    said = comments.add(pm, bob, "Who paged them?", now=NOW, line=line)
    assert said.revision == 2  # what the page showed bob when he wrote it
    changed = pm.text.replace("Bob joins the bridge.", "Bob and Carol join the bridge.")
    store.save(changed, alice, key=pm.key, base_version=pm.version)  # r3: the line changed

    client.force_login(alice)
    thread = page_of(client, pm.key).select_one(f"#thread-{said.pk}")
    assert thread.select_one(".where .badge").get_text() == "outdated"
    link = thread.select_one(".where a")
    assert link.get_text() == "written on revision 1"
    assert link["href"] == f"/p/{pm.key}/revisions/1/"

    listed = page_of(client, f"{pm.key}/revisions")
    rows = {int(tr["data-revision"]): tr for tr in listed.select("table.revisions tbody tr")}
    assert sorted(rows) == [1, 2, 3]
    marked = {n for n, tr in rows.items() if "status-only" in (tr.get("class") or [])}
    assert marked == {2}  # the status move, and only it
    assert "status only" in rows[2].get_text(" ", strip=True)
    assert "status only" not in rows[1].get_text(" ", strip=True)  # the label's revision

    moved = page_of(client, f"{pm.key}/revisions/2")
    note = moved.select_one("p.status-only")
    assert "the text is that of revision 1" in note.get_text(" ", strip=True)
    assert note.select_one("a")["href"] == f"/p/{pm.key}/revisions/1/"
    assert page_of(client, f"{pm.key}/revisions/3").select_one("p.status-only") is None


def test_a_comment_written_on_an_edit_after_a_status_move_names_that_edit(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import comments, services

    alice, bob = people["alice"], people["bob"]
    pm = store.create(clean_text(), alice).postmortem  # r1
    services.request_review(pm, alice, [bob], now=NOW)  # r2: status only
    pm.refresh_from_db()
    edited = pm.text.replace("Bob joins the bridge.", "Bob joins the call.")
    pm = store.save(edited, alice, key=pm.key, base_version=pm.version).postmortem  # r3
    line = pm.text.split("\n").index(
        "- 05:10 PST - Escalated to the platform team; Bob joins the call."
    )
    said = comments.add(pm, bob, "Which call?", now=NOW, line=line + 1)
    again = pm.text.replace("Bob joins the call.", "Bob joins the bridge call.")
    store.save(again, alice, key=pm.key, base_version=pm.version)  # r4

    client.force_login(alice)
    link = page_of(client, pm.key).select_one(f"#thread-{said.pk} .where a")
    assert link.get_text() == "written on revision 3"
