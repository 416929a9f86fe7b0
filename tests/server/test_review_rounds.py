"""Each round of review is reminded and falls back to the staff on its own: a resubmit starts a
new round, and nothing of an earlier round (an acceptance, a verdict, a fallback) counts in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from workflow_fixtures import NOW, clean_text, with_settings

DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def team(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    with_settings(
        settings, staff_review_team="staff", staff_fallback_days=3, review_approvals=("*:1",)
    )
    people = {
        "alice": make_user("alice", "author"),
        "bob": make_user("bob", "reviewer"),
        "dan": make_user("dan", "reviewer"),
        "sam": make_user("sam", "reviewer", team="staff"),
    }
    for name, user in people.items():
        user.email = f"{name}@example.com"
        user.save()
    return people


def _in_review(team: dict[str, Any], reviewers: list[str]) -> Any:
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    pm = store.create(clean_text(), None).postmortem
    services.request_review(pm, team["alice"], [team[n] for n in reviewers], now=NOW)
    pm.refresh_from_db()
    return pm


def _send_back_and_resubmit(pm: Any, reviewer: Any, author: Any, at: dt.datetime) -> None:
    """``reviewer`` requests changes at ``at``; ``author`` resubmits a day later."""
    from postmortems.server.workflow import services

    services.request_changes(pm, reviewer, now=at, note="the timeline misses the page")
    pm.refresh_from_db()
    services.request_review(pm, author, [], now=at + DAY)
    pm.refresh_from_db()
    assert pm.status == "in-review"


def _staff_rows(pm: Any) -> list[str]:
    from postmortems.server.workflow.models import Event

    rows = Event.objects.filter(postmortem=pm, transition="staff-review").order_by("created")
    return [e.note for e in rows]


def test_a_peer_who_accepted_the_first_round_does_not_keep_the_staff_away_from_the_next(
    team: dict[str, Any],
) -> None:
    from postmortems.server.workflow import services
    from postmortems.server.workflow.reminders import remind

    pm = _in_review(team, ["bob"])
    services.answer(pm, team["bob"], True, now=NOW + dt.timedelta(hours=1))  # in time
    assert remind(NOW + 4 * DAY).staff_assigned == []
    _send_back_and_resubmit(pm, team["bob"], team["alice"], NOW + 4 * DAY)  # round 2 at day 5

    assert remind(NOW + 7 * DAY).staff_assigned == []  # two days into round 2
    assert remind(NOW + 8 * DAY + MINUTE).staff_assigned == [pm.key]  # bob was silent
    assert remind(NOW + 9 * DAY).staff_assigned == []  # once a round
    assert _staff_rows(pm) == ["staff reviewers asked: sam"]
    pm.refresh_from_db()
    assert services.approve(pm, team["sam"], now=NOW + 9 * DAY) is not None


def test_the_staff_are_asked_again_when_a_resubmitted_round_goes_unanswered(
    team: dict[str, Any],
) -> None:
    from postmortems.server.workflow.reminders import remind

    pm = _in_review(team, ["bob"])
    assert remind(NOW + 3 * DAY + MINUTE).staff_assigned == [pm.key]
    _send_back_and_resubmit(pm, team["sam"], team["alice"], NOW + 4 * DAY)  # round 2 at day 5

    assert remind(NOW + 6 * DAY).staff_assigned == []
    assert remind(NOW + 8 * DAY + MINUTE).staff_assigned == [pm.key]
    assert len(_staff_rows(pm)) == 2
    assert remind(NOW + 12 * DAY).staff_assigned == []


def test_an_answer_in_the_new_round_keeps_the_staff_away(team: dict[str, Any]) -> None:
    from postmortems.server.workflow import services
    from postmortems.server.workflow.reminders import remind

    pm = _in_review(team, ["bob"])
    _send_back_and_resubmit(pm, team["bob"], team["alice"], NOW + DAY)  # round 2 at day 2
    services.answer(pm, team["bob"], True, now=NOW + 3 * DAY)
    assert remind(NOW + 10 * DAY).staff_assigned == []
    assert _staff_rows(pm) == []


def _reminded(at: dt.datetime) -> list[str]:
    from postmortems.server.workflow.reminders import remind

    return remind(at).reviewers_reminded


def test_reviewers_are_reminded_once_a_round_until_they_give_a_verdict(
    team: dict[str, Any], settings: Any
) -> None:
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Delivery

    with_settings(settings, review_approvals=("*:2",))
    pm = _in_review(team, ["bob", "dan"])
    assert _reminded(NOW + DAY) == []  # half of staff_fallback_days: 1.5 days
    services.approve(pm, team["bob"], now=NOW + DAY)  # bob gave his verdict
    assert _reminded(NOW + 1.5 * DAY + MINUTE) == [f"{pm.key}:dan"]
    assert _reminded(NOW + 2 * DAY) == []  # once a round
    _send_back_and_resubmit(pm, team["dan"], team["alice"], NOW + 2 * DAY)  # round 2 at day 3

    assert _reminded(NOW + 4 * DAY) == []
    assert sorted(_reminded(NOW + 4.5 * DAY + MINUTE)) == [f"{pm.key}:bob", f"{pm.key}:dan"]
    assert _reminded(NOW + 5 * DAY) == []
    sent = Delivery.objects.filter(key__startswith="review-reminder:")
    assert sent.count() == 3
    assert {d.kind for d in sent} == {"review-reminder"}
    assert {d.recipients for d in sent} == {"bob@example.com", "dan@example.com"}


def test_no_reminder_when_the_staff_are_asked_at_once(team: dict[str, Any], settings: Any) -> None:
    with_settings(settings, staff_fallback_days=0)
    _in_review(team, ["bob"])
    assert _reminded(NOW + 10 * DAY) == []


def test_the_inbox_dates_a_review_from_the_round_it_waits_in(
    team: dict[str, Any], client: Any
) -> None:
    from bs4 import BeautifulSoup

    pm = _in_review(team, ["bob"])  # asked on 2024-03-01
    _send_back_and_resubmit(pm, team["bob"], team["alice"], NOW + 4 * DAY)  # round 2 on 03-06
    client.force_login(team["bob"])
    page = BeautifulSoup(client.get("/inbox/").content, "html.parser")
    since = page.select_one(f"#inbox-reviews tr[data-review='{pm.key}'] td[data-label=Since]")
    assert since is not None
    assert since.get_text(strip=True) == "2024-03-06"


def test_the_inbox_tells_a_reminder_from_the_request(team: dict[str, Any], client: Any) -> None:
    from bs4 import BeautifulSoup

    _in_review(team, ["bob"])
    assert _reminded(NOW + 2 * DAY)
    client.force_login(team["bob"])
    page = BeautifulSoup(client.get("/inbox/").content, "html.parser")
    notes = [li.get_text(" ", strip=True) for li in page.select("#inbox-notes li")]
    said = [n.split(" · ")[1] for n in notes]  # the newest first
    # the request names who asked; the reminder, the system's, names nobody
    assert said.index("Reminder: your review waits") < said.index("Review requested by alice")


def test_a_late_peer_in_the_staff_team_is_not_asked_again_as_staff(
    team: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    from postmortems.server.workflow.models import ReviewRequest
    from postmortems.server.workflow.reminders import remind

    pm = _in_review(team, ["sam"])  # sam, of the staff team, asked as a peer: silent
    report = remind(NOW + 4 * DAY)
    assert report.staff_assigned == []
    assert report.no_staff == [f"{pm.key}: every staff reviewer wrote it or is asked already"]
    assert _staff_rows(pm) == []
    make_user("sue", "reviewer", team="staff")
    assert remind(NOW + 5 * DAY).staff_assigned == [pm.key]
    assert _staff_rows(pm) == ["staff reviewers asked: sue"]
    asked = ReviewRequest.objects.filter(postmortem=pm).values_list("reviewer__username", "staff")
    assert sorted(asked) == [("sam", False), ("sue", True)]
