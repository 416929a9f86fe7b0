"""A team too small to review its own restricted postmortem: the staff fallback asks the
superusers at once (they read every postmortem; the staff team still may not), and the panel
says why approval is stuck while nobody is left to ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from workflow_fixtures import NOW, clean_text, page_of, with_settings

from postmortems.server.workflow.errors import WorkflowError

SECRET = "---\nrestricted: true\nteams: [sec]\n"
NO_ONE = (
    "add a reviewer to team sec (it has no other member who could get the role: a team admin "
    "or a superuser adds one on the Teams page)"
)


@pytest.fixture
def people(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    with_settings(settings, staff_review_team="staff", staff_fallback_days=3)
    return {
        "alice": make_user("alice", "author", team="sec"),
        "bob": make_user("bob", "reviewer", team="sec"),  # the team's only other member
        "sam": make_user("sam", "reviewer", team="staff"),  # may not read team sec's secrets
        "root": make_user("root", superuser=True),
    }


def _secret(author: Any, key: str = "PM-W-SEC", team: str = "sec") -> Any:
    from postmortems.server.library import store

    head = SECRET.replace("[sec]", f"[{team}]")
    text = clean_text(key, severity="SEV2").replace("---\n", head, 1)  # SEV2: 2 approvals
    return store.create(text, author).postmortem


def _stuck(client: Any, key: str) -> str:
    said = page_of(client, key).select_one("#workflow .stuck")
    return said.get_text() if said else ""


def test_the_superusers_are_asked_at_once_when_the_team_cannot_review_it(
    people: dict[str, Any], client: Any
) -> None:
    from postmortems.server.accounts.access import access_of
    from postmortems.server.accounts.roles import Action
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import ReviewRequest
    from postmortems.server.workflow.reminders import remind

    pm = _secret(people["alice"])
    services.request_review(pm, people["alice"], [people["bob"]], now=NOW)  # all who may
    client.force_login(people["bob"])
    assert _stuck(client, pm.key) == (
        "Too few reviewers: it needs 2 approvals, and only 1 person besides its authors may "
        "review it (it is restricted to team sec): the staff fallback (pm remind) asks the "
        f"server's superusers for the rest, or {NO_ONE}."
    )

    report = remind(NOW + dt.timedelta(minutes=15))  # no waiting for a peer: none can come
    assert report.staff_assigned == [pm.key]
    staff = ReviewRequest.objects.filter(postmortem=pm, staff=True)
    assert [r.reviewer.username for r in staff] == ["root"]
    assert not access_of(people["sam"]).can(Action.READ, pm)  # nobody else reads it
    assert remind(NOW + dt.timedelta(minutes=30)).staff_assigned == []  # asked once
    assert _stuck(client, pm.key) == ""

    pm.refresh_from_db()
    assert services.approve(pm, people["bob"], now=NOW) is None  # 1 of 2
    assert services.approve(pm, people["root"], now=NOW) is not None
    pm.refresh_from_db()
    assert pm.status == "approved"


def test_an_author_alone_in_the_team_sends_it_to_review_and_the_superusers_review_it(
    people: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import ReviewRequest
    from postmortems.server.workflow.reminders import remind

    solo = make_user("olga", "author", team="solo")
    pm = _secret(solo, "PM-W-SOLO", team="solo")
    assert services.reviewer_candidates(pm) == []
    services.request_review(pm, solo, [], now=NOW)  # nobody to tick: the fallback asks
    pm.refresh_from_db()
    assert pm.status == "in-review"
    assert remind(NOW).staff_assigned == [pm.key]
    asked = ReviewRequest.objects.filter(postmortem=pm)
    assert [r.reviewer.username for r in asked] == ["root"]


def test_without_a_superuser_to_ask_the_panel_and_the_report_say_what_to_do(
    people: dict[str, Any], client: Any
) -> None:
    from postmortems.server.workflow import services
    from postmortems.server.workflow.reminders import remind

    pm = _secret(people["alice"])
    client.force_login(people["alice"])
    needs = page_of(client, pm.key).select_one("#needs-request-review").get_text()
    assert needs == (
        "Needs 2 approvals (SEV2), has 0; ask at least 1 reviewer; only 1 can review it here: "
        f"the staff fallback (pm remind) asks the server's superusers for the rest, or {NO_ONE}."
    )
    services.request_review(pm, people["alice"], [people["bob"]], now=NOW)
    assert remind(NOW).staff_assigned == [pm.key]
    pm.refresh_from_db()
    services.answer(pm, people["root"], False, now=NOW)  # root declines: nobody is left
    assert _stuck(client, pm.key) == (
        "Approval is stuck: it needs 2 approvals, and only 1 person besides its authors may "
        f"review it (it is restricted to team sec): ask root again (declined), or {NO_ONE}, "
        "or create another superuser for the staff fallback to ask "
        "(pm admin create-user NAME --superuser)."
    )
    report = remind(NOW + dt.timedelta(minutes=15))
    assert report.staff_assigned == []  # root is not asked again
    assert report.no_staff == [
        "PM-W-SEC: it needs 2 approvals, 1 may review it, and no staff reviewer or superuser "
        "is left to ask"
    ]


def test_with_nobody_at_all_to_review_it_the_request_says_so(
    make_user: Callable[..., Any],
) -> None:
    from postmortems.server.workflow import services

    alice = make_user("alice", "author", team="sec")
    pm = _secret(alice)
    with pytest.raises(WorkflowError, match="give a member the reviewer role or add one"):
        services.request_review(pm, alice, [], now=NOW)
    pm.refresh_from_db()
    assert pm.status == "draft"


def test_a_team_that_can_review_it_gets_no_fallback_before_its_time(
    people: dict[str, Any], make_user: Callable[..., Any], client: Any
) -> None:
    """Two reviewers in the team: the superusers are not asked, and the staff team only after
    ``staff_fallback_days`` without a peer's acceptance, as before."""
    from postmortems.server.workflow import services
    from postmortems.server.workflow.reminders import remind

    dan = make_user("dan", "reviewer", team="sec")
    pm = _secret(people["alice"])
    services.request_review(pm, people["alice"], [people["bob"], dan], now=NOW)
    assert remind(NOW + dt.timedelta(days=1)).staff_assigned == []
    client.force_login(people["bob"])
    assert _stuck(client, pm.key) == ""


def _declined_by_bob(people: dict[str, Any]) -> Any:
    """PM-W-SEC in review, asked of bob and (by the staff fallback) root; bob declined."""
    from postmortems.server.workflow import services
    from postmortems.server.workflow.reminders import remind

    pm = _secret(people["alice"])
    services.request_review(pm, people["alice"], [people["bob"]], now=NOW)
    assert remind(NOW).staff_assigned == [pm.key]
    pm.refresh_from_db()
    services.answer(pm, people["bob"], False, now=NOW)
    return pm


def test_a_reviewer_who_declined_is_listed_and_the_advice_fits_a_team_with_nobody_else(
    people: dict[str, Any], client: Any
) -> None:
    """The demo's PM-DEMO-SEC-1: the team is its author and one reviewer, who declined; no
    member is left to give the role, so the panel says to ask again or add one."""
    pm = _declined_by_bob(people)
    client.force_login(people["alice"])
    assert _stuck(client, pm.key) == (
        "Approval is stuck: it needs 2 approvals, and only 1 person besides its authors may "
        f"review it (it is restricted to team sec): ask bob again (declined), or {NO_ONE}, "
        "or create another superuser for the staff fallback to ask "
        "(pm admin create-user NAME --superuser)."
    )
    rows = page_of(client, pm.key).select("#workflow ul.reviews li")
    said = {li["data-reviewer"]: " ".join(li.get_text().split()) for li in rows}
    assert said == {"root": "root (staff): requested", "bob": "bob: declined Ask again (bob)"}


def test_the_authors_ask_a_reviewer_who_declined_again(people: dict[str, Any], client: Any) -> None:
    from postmortems.server.workflow.models import Delivery, ReviewRequest

    pm = _declined_by_bob(people)
    asked = Delivery.objects.filter(postmortem=pm, kind="review-requested")
    before = asked.count()
    client.force_login(people["bob"])  # not an author: no button, and a post is refused
    assert page_of(client, pm.key).select_one("[data-ask-again]") is None
    move = f"/p/{pm.key}/workflow/move/"
    client.post(move, {"transition": "add-reviewers", "reviewer": "bob"})
    assert ReviewRequest.objects.get(postmortem=pm, reviewer=people["bob"]).state == "declined"

    client.force_login(people["alice"])
    form = page_of(client, pm.key).select_one("form.ask-again")
    assert form.select_one("[name=csrfmiddlewaretoken]")["value"]
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    del fields["csrfmiddlewaretoken"]
    assert fields == {"transition": "add-reviewers", "reviewer": "bob"}
    response = client.post(form["action"], fields)
    assert response.status_code == 302
    assert ReviewRequest.objects.get(postmortem=pm, reviewer=people["bob"]).state == "requested"
    assert asked.count() == before + 1  # bob is told
    assert _stuck(client, pm.key) == ""  # bob and root: the two approvals it needs
    li = page_of(client, pm.key).select_one("#workflow li[data-reviewer=bob]")
    assert li.get_text().strip() == "bob: requested"


def test_a_member_who_could_get_the_reviewer_role_is_named(
    people: dict[str, Any], make_user: Callable[..., Any], client: Any
) -> None:
    make_user("vic", "viewer", team="sec")  # reads team sec's postmortems, reviews none
    make_user("ann", "author", team="red")  # not in team sec
    pm = _declined_by_bob(people)
    client.force_login(people["alice"])
    assert "ask an admin of team sec to give vic the reviewer role, or create" in _stuck(
        client, pm.key
    )


def test_a_reviewer_who_declined_is_offered_again_when_the_authors_resubmit(
    people: dict[str, Any], client: Any
) -> None:
    """Changes requested, the authors resubmit: the reviewer who declined the first round is
    among those they may tick (said to have declined), and ticked is asked again."""
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import ReviewRequest

    pm = _declined_by_bob(people)
    services.request_changes(pm, people["root"], now=NOW, note="say when it was detected")
    pm.refresh_from_db()
    client.force_login(people["alice"])
    form = page_of(client, pm.key).select_one("#workflow form:has(input[value=resubmit])")
    offered = form.select_one("[data-asked-before=bob]")
    assert " ".join(offered.get_text().split()) == "bob (declined before)"
    needs = " ".join(form.select_one(".needs").get_text().split())
    assert needs.startswith("Needs 2 approvals (SEV2), has 0; 1 reviewer asked; only 1 can ")
    assert "ask bob again (declined)" in needs  # the way to a second approval, ticked here
    assert page_of(client, pm.key).select_one("[data-ask-again]") is None  # not in review
    fields = {"transition": "resubmit", "reviewer": offered.select_one("input")["value"]}
    assert client.post(form["action"], fields).status_code == 302
    assert ReviewRequest.objects.get(postmortem=pm, reviewer=people["bob"]).state == "requested"
    pm.refresh_from_db()
    assert pm.status == "in-review"
