"""A postmortem of no team (no ``teams:``) belongs to every team, but is not reviewed by every
account: its authors are offered, and may ask, only the reviewers of a team they (or whoever
asks) belong to, the staff review team's reviewers, and superusers (asked, not listed); anyone
else is refused in words, beside the form and through the API, and nobody is asked. A
postmortem naming its teams is reviewed by those teams' reviewers, as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.server.conftest import send_json, token_client
from workflow_fixtures import NOW, clean_text, page_of, with_settings

from postmortems.server.workflow.errors import WorkflowError


@pytest.fixture
def people(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    """alice writes in sre; bob reviews in sre, carol in db only, sam in the staff review team;
    root is a superuser of no team."""
    with_settings(settings, review_approvals=("*:1",), staff_review_team="staff")
    return {
        "alice": make_user("alice", "author", team="sre"),
        "bob": make_user("bob", "reviewer", team="sre"),
        "carol": make_user("carol", "reviewer", team="db"),
        "sam": make_user("sam", "reviewer", team="staff"),
        "root": make_user("root", superuser=True),
    }


def _teamless(people: dict[str, Any], key: str = "PM-W-1", teams: str = "") -> Any:
    from postmortems.server.library import store

    text = clean_text(key)
    if teams:
        text = text.replace("authors: [alice]", f"authors: [alice]\nteams: [{teams}]")
    pm = store.create(text, people["alice"]).postmortem
    assert pm.teams == (frozenset({teams}) if teams else frozenset())
    return pm


def _offered(client: Any, key: str) -> list[str]:
    panel = page_of(client, key).select_one("#workflow")
    form = panel.select_one("form.move:has(button[data-move=request-review])")
    return [box["value"] for box in form.select("input[name=reviewer]")]


def test_the_request_form_offers_the_reviewers_of_the_authors_teams_only(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.workflow import services

    pm = _teamless(people)
    client.force_login(people["alice"])
    assert _offered(client, pm.key) == ["bob", "sam"]  # not carol, a reviewer of db only
    assert [u.username for u in services.reviewer_candidates(pm, people["alice"])] == [
        "bob",
        "sam",
    ]
    # A superuser asking offers every team's reviewers: they run every team.
    assert [u.username for u in services.reviewer_candidates(pm, people["root"])] == [
        "bob",
        "carol",
        "sam",
    ]


def test_a_reviewer_of_another_team_is_refused_in_words_and_nobody_is_asked(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.workflow.models import ReviewRequest

    pm = _teamless(people)
    client.force_login(people["alice"])
    sent = {"transition": "request-review", "reviewer": ["bob", "carol"]}
    refused = client.post(f"/p/{pm.key}/workflow/move/", sent)
    assert refused["Location"] == f"/p/{pm.key}/#move-request-review-error"
    page = page_of(client, pm.key)
    said = page.select_one("#move-request-review-error").get_text()
    assert said.startswith(f"carol cannot review {pm.key}: it names no team, so its reviewers")
    assert "(team sre)" in said
    assert "pick a reviewer of those teams, or name its teams (`teams:`)" in said
    ticked = page.select("form.move:has(button[data-move=request-review]) input:checked")
    assert [box["value"] for box in ticked] == ["bob"]  # what was ticked is kept (carol: not shown)
    assert not ReviewRequest.objects.filter(postmortem=pm).exists()  # bob was not asked either
    pm.refresh_from_db()
    assert pm.status == "draft"


def test_the_api_refuses_a_reviewer_of_another_team_with_409(people: dict[str, Any]) -> None:
    pm = _teamless(people)
    api = token_client(people["alice"])
    body = {"transition": "request-review", "reviewers": ["carol"]}
    answer = send_json(api, "post", f"/api/postmortems/{pm.key}/moves", body)
    assert answer.status_code == 409, answer.content
    assert "carol cannot review" in answer.json()["detail"]
    fine = send_json(
        api, "post", f"/api/postmortems/{pm.key}/moves", {**body, "reviewers": ["bob"]}
    )
    assert fine.status_code == 200, fine.content


@pytest.mark.parametrize("name", ["bob", "sam", "root"])
def test_a_reviewer_of_a_team_of_theirs_the_staff_team_or_a_superuser_may_be_asked(
    people: dict[str, Any], name: str
) -> None:
    from postmortems.server.workflow import services

    pm = _teamless(people)
    [asked] = services.request_review(pm, people["alice"], [people[name]], now=NOW)
    assert asked.reviewer.username == name
    pm.refresh_from_db()
    assert pm.status == "in-review"


def test_a_co_authors_team_counts_and_an_admin_asks_within_their_teams(
    make_user: Callable[..., Any], people: dict[str, Any]
) -> None:
    """Its authors' teams are its teams for the review: a reviewer of a co-author's team may be
    asked; an admin asking adds the teams they belong to."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    make_user("dora", "author", team="db")
    text = clean_text("PM-W-2").replace("authors: [alice]", "authors: [alice, dora]")
    pm = store.create(text, people["alice"]).postmortem
    names = [u.username for u in services.reviewer_candidates(pm, people["alice"])]
    assert names == ["bob", "carol", "sam"]
    solo = _teamless(people, "PM-W-3")
    olga = make_user("olga", "admin", team="ops")
    oscar = make_user("oscar", "reviewer", team="ops")
    assert services.may_be_asked(people["bob"], solo, olga)  # alice's team still counts
    assert not services.may_be_asked(oscar, solo, people["alice"])
    [asked] = services.request_review(solo, olga, [oscar], now=NOW)
    assert asked.reviewer.username == "oscar"
    assert not services.may_be_asked(people["carol"], solo, olga)


def test_a_postmortem_naming_its_team_is_reviewed_by_that_team_as_before(
    people: dict[str, Any],
) -> None:
    from postmortems.server.workflow import services

    pm = _teamless(people, "PM-W-4", teams="sre")
    names = [u.username for u in services.reviewer_candidates(pm, people["alice"])]
    assert names == ["bob", "sam"]
    said = rf"^carol cannot review {pm.key} — reviewers need the reviewer role in a team"
    with pytest.raises(WorkflowError, match=said):
        services.request_review(pm, people["alice"], [people["carol"]], now=NOW)
