"""An approval records who reviewed: their names go into the front matter's ``reviewers:``, in
the revision that approves it, so the page, the Markdown, the API and an export all say so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from workflow_fixtures import NOW, clean_text, with_settings

from postmortems.server.workflow.textedit import add_reviewers

BODY = "\n## Issue Summary\n\nWords the author wrote.\n"


@pytest.mark.parametrize(
    ("front", "names", "expected"),
    [
        ("reviewers: [bob]  # the peer\n", ["Bob", "dan"], "reviewers: [bob, dan]  # the peer\n"),
        ("reviewers:\n  - bob\n  - '@carol'\n", ["carol"], "reviewers:\n  - bob\n  - '@carol'\n"),
        (
            "reviewers:\n  - bob\ntags: [tls]\n",
            ["dan"],
            "reviewers:\n  - bob\n  - dan\ntags: [tls]\n",
        ),
        ("reviewers: bob\n", ["dan"], "reviewers: [bob, dan]\n"),
        ("reviewers: []\n", ["dan"], "reviewers: [dan]\n"),
        (
            "authors: [alice]\ntags: [tls]\n",
            ["dan"],
            "authors: [alice]\nreviewers: [dan]\ntags: [tls]\n",
        ),
        (
            "tags: [tls]  # ours\n",
            ["@sam", "dan"],
            "tags: [tls]  # ours\nreviewers: ['@sam', dan]\n",
        ),
    ],
)
def test_the_reviewers_field_gets_the_new_names_and_nothing_else_changes(
    front: str, names: list[str], expected: str
) -> None:
    text = f"---\ntitle: T\n{front}---\n{BODY}"
    assert add_reviewers(text, names) == f"---\ntitle: T\n{expected}---\n{BODY}"


def test_front_matter_is_added_when_there_is_none() -> None:
    assert add_reviewers(BODY, ["bob"]) == f"---\nreviewers: [bob]\n---\n{BODY}"


def test_a_field_the_line_edit_cannot_hold_is_written_again() -> None:
    text = "---\n{title: T, reviewers: [bob]}\n---\n" + BODY
    written = add_reviewers(text, ["dan"])
    assert written.endswith("---\n" + BODY)
    assert "reviewers:\n- bob\n- dan\n" in written
    assert "title: T\n" in written


@pytest.fixture
def team(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    with_settings(settings, review_approvals=("*:2",))
    return {
        "alice": make_user("alice", "author"),
        "bob": make_user("bob", "reviewer"),
        "dan": make_user("dan", "reviewer"),
        "sam": make_user("sam", "reviewer"),
    }


def _approved_by(team: dict[str, Any], names: list[str], text: str) -> Any:
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    pm = store.create(text, team["alice"]).postmortem
    services.request_review(pm, team["alice"], [team[n] for n in names], now=NOW)
    for i, name in enumerate(names):
        pm.refresh_from_db()
        services.approve(pm, team[name], now=NOW + dt.timedelta(minutes=i))
    pm.refresh_from_db()
    assert pm.status == "approved"
    return pm


def test_approval_lists_who_approved_as_the_reviewers_everywhere(
    team: dict[str, Any], client: Any, tmp_path: Any
) -> None:
    from postmortems.server.library.models import Revision
    from postmortems.server.library.revisions import status_only

    text = clean_text()  # it lists bob already: "reviewers: [bob]"
    pm = _approved_by(team, ["sam", "bob"], text)
    assert "\nreviewers: [bob, sam]\n" in pm.text
    # Every word the author wrote is still there: only the two front matter lines changed.
    before = text.replace("status: draft", "status: approved").split("\n")
    assert [a for a, b in zip(before, pm.text.split("\n"), strict=True) if a != b] == [
        "reviewers: [bob]"
    ]
    last = Revision.objects.filter(postmortem=pm).order_by("-number").first()
    assert last.author.username == "bob"  # the approval that finished the review
    assert last.message == "status: in-review → approved; reviewed by sam, bob"
    assert not status_only(last.diff)  # it wrote the reviewers too
    assert pm.values_of("reviewers") == ["bob", "sam"]

    client.force_login(team["alice"])
    assert b"reviewers: [bob, sam]" in client.get(f"/p/{pm.key}/raw/").content
    page = BeautifulSoup(client.get(f"/p/{pm.key}/").content, "html.parser")
    fact = page.select_one("#summary-card .fact.reviewers")
    assert fact is not None
    assert fact.get_text(" ", strip=True) == "Reviewed by bob, sam"
    got = client.get(f"/api/postmortems/{pm.key}").json()
    assert got["labels"]["reviewers"] == ["bob", "sam"]


def test_a_new_round_adds_its_reviewers_to_those_of_the_last_approval(
    team: dict[str, Any],
) -> None:
    from postmortems.server.library import store

    pm = _approved_by(team, ["bob", "dan"], clean_text().replace("reviewers: [bob]\n", ""))
    assert "\nauthors: [alice]\nreviewers: [bob, dan]\n" in pm.text
    edited = pm.text.replace("Words", "words") + "\nOne more line.\n"
    store.update(pm.key, edited, team["alice"], pm.version)  # sent back to review
    pm.refresh_from_db()
    assert pm.status == "in-review"
    from postmortems.server.workflow import services

    services.request_review(pm, team["alice"], [team["sam"]], now=NOW)
    for name in ("sam", "dan"):
        pm.refresh_from_db()
        services.approve(pm, team[name], now=NOW + dt.timedelta(hours=1))
    pm.refresh_from_db()
    assert pm.status == "approved"
    assert "\nreviewers: [bob, dan, sam]\n" in pm.text
    assert pm.text.endswith("\nOne more line.\n")


def test_an_approval_writes_onto_the_text_saved_meanwhile_never_over_it(
    team: dict[str, Any],
) -> None:
    """The approval writes the row it locked: a save that landed after the reviewer's copy was
    read (a task ticked, which keeps the approvals) stays in the approved text, and an editor's
    save based on the revision before the approval is refused as stale."""
    from postmortems.server.library import store
    from postmortems.server.library.store import StaleVersion
    from postmortems.server.workflow import services

    pm = store.create(clean_text(), team["alice"]).postmortem
    services.request_review(pm, team["alice"], [team["bob"], team["dan"]], now=NOW)
    pm.refresh_from_db()
    services.approve(pm, team["bob"], now=NOW)
    pm.refresh_from_db()
    stale_copy = type(pm).objects.get(pk=pm.pk)  # dan's copy, read before the tick
    ticked = pm.text.replace("- [ ] ", "- [x] ", 1)
    store.update(pm.key, ticked, team["alice"], pm.version)
    services.approve(stale_copy, team["dan"], now=NOW + dt.timedelta(minutes=1))
    pm.refresh_from_db()
    assert pm.status == "approved"
    assert "- [x] " in pm.text  # the tick saved meanwhile is kept
    assert "\nreviewers: [bob, dan]\n" in pm.text
    with pytest.raises(StaleVersion):
        store.update(pm.key, ticked + "\nlate edit\n", team["alice"], pm.version - 1)
