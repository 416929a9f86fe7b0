"""Reviews: the approval gate (lint errors, N approvals), comments, and the staff fallback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from workflow_fixtures import NOW, clean_text, with_settings

from postmortems.server.workflow.errors import WorkflowError


@pytest.fixture
def team(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "alice": make_user("alice", "author"),
        "bob": make_user("bob", "reviewer"),
        "dan": make_user("dan", "reviewer"),
        "viewer": make_user("vic", "viewer"),
        "sam": make_user("sam", "reviewer", team="staff"),
        "sue": make_user("sue", "author", team="staff"),
    }


def _pm(text: str) -> Any:
    from postmortems.server.library import store

    return store.create(text, None).postmortem


def test_lint_errors_block_approval_until_fixed(team: dict[str, Any], settings: Any) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    with_settings(settings, review_approvals=("*:1",))
    broken = clean_text().replace("## Timeline", "## Notes")
    pm = _pm(broken)
    services.request_review(pm, team["alice"], [team["bob"]], now=NOW)
    pm.refresh_from_db()
    assert pm.status == "in-review"
    with pytest.raises(WorkflowError, match="lint error"):
        services.approve(pm, team["bob"], now=NOW)
    pm.refresh_from_db()
    assert pm.status == "in-review"
    store.update(
        pm.key,
        clean_text().replace("status: draft", "status: in-review"),
        team["alice"],
        base_version=pm.version,
    )
    pm.refresh_from_db()
    event = services.approve(pm, team["bob"], now=NOW)
    assert event is not None
    assert event.to_state == "approved"


def test_a_template_left_unfilled_is_not_approved(team: dict[str, Any], settings: Any) -> None:
    """Saved as `pm new` wrote it: its slots (PM116) are errors, so no approval publishes it."""
    from postmortems.document.skeleton import Answers, render
    from postmortems.server.workflow import services

    with_settings(settings, review_approvals=("*:1",))
    pm = _pm(
        render("classic", Answers(title="Checkout down")).replace("authors: []", "authors: [alice]")
    )
    services.request_review(pm, team["alice"], [team["bob"]], now=NOW)
    pm.refresh_from_db()
    with pytest.raises(WorkflowError, match="PM116"):
        services.approve(pm, team["bob"], now=NOW)


def test_approval_needs_the_number_of_approvals_for_the_severity(
    team: dict[str, Any], settings: Any
) -> None:
    from postmortems.server.workflow import services

    with_settings(settings, review_approvals=("SEV1:2", "*:1"))
    pm = _pm(clean_text(severity="SEV1"))
    services.request_review(pm, team["alice"], [team["bob"], team["dan"]], now=NOW)
    pm.refresh_from_db()
    assert services.approve(pm, team["bob"], now=NOW) is None
    pm.refresh_from_db()
    assert pm.status == "in-review"
    with pytest.raises(WorkflowError, match="in-review: it cannot publish"):
        services.transition(pm, team["alice"], "publish", now=NOW)  # not approved yet
    assert services.approve(pm, team["dan"], now=NOW) is not None
    pm.refresh_from_db()
    assert pm.status == "approved"
    services.transition(pm, team["alice"], "publish", now=NOW)
    pm.refresh_from_db()
    assert pm.status == "published"
    assert "status: published" in pm.text
    # the first approval is in the history too, though it moved nothing
    assert [(e.transition, e.to_state) for e in services.history(pm)] == [
        ("request-review", "in-review"),
        ("approval", "in-review"),
        ("approve", "approved"),
        ("publish", "published"),
    ]
    assert services.history(pm)[1].note == "approved; more approvals needed"


def test_a_reviewer_who_approved_cannot_approve_again(team: dict[str, Any], settings: Any) -> None:
    from postmortems.server.workflow import panel, services

    with_settings(settings, review_approvals=("*:2",))
    pm = _pm(clean_text())
    services.request_review(pm, team["alice"], [team["bob"], team["dan"]], now=NOW)
    pm.refresh_from_db()
    assert services.approve(pm, team["bob"], now=NOW) is None
    with pytest.raises(WorkflowError, match="you approved it already"):
        services.approve(pm, team["bob"], now=NOW)  # a second click would count for nothing
    shown = {m["t"].name: m for m in panel.context(pm, team["bob"])["moves"]}
    assert shown["approve"]["done"]
    assert shown["approve"]["why"].startswith("you approved it already")
    assert not {m["t"].name: m for m in panel.context(pm, team["dan"])["moves"]}["approve"]["done"]
    assert services.approve(pm, team["dan"], now=NOW) is not None


def test_changes_requested_starts_a_new_round(team: dict[str, Any], settings: Any) -> None:
    from postmortems.server.workflow import services

    with_settings(settings, review_approvals=("*:2",))
    pm = _pm(clean_text())
    services.request_review(pm, team["alice"], [team["bob"], team["dan"]], now=NOW)
    pm.refresh_from_db()
    services.approve(pm, team["bob"], now=NOW)
    services.request_changes(pm, team["dan"], now=NOW, note="timeline gap")
    pm.refresh_from_db()
    assert pm.status == "changes-requested"
    services.request_review(pm, team["alice"], [], now=NOW)  # resubmit to the same reviewers
    pm.refresh_from_db()
    assert pm.status == "in-review"
    assert services.approve(pm, team["dan"], now=NOW) is None  # bob's old approval is gone


def test_requesting_changes_says_what_should_change(team: dict[str, Any]) -> None:
    """As a code review: a note, or a comment on a line still open; not a bare verdict."""
    from postmortems.server.workflow import comments, services

    pm = _pm(clean_text(severity="SEV3"))  # one approval: bob alone reviews it
    services.request_review(pm, team["alice"], [team["bob"]], now=NOW)
    pm.refresh_from_db()
    with pytest.raises(WorkflowError, match="say what should change") as refused:
        services.request_changes(pm, team["bob"], now=NOW, note="  ")
    assert "comment on the lines" in (refused.value.hint or "")
    pm.refresh_from_db()
    assert pm.status == "in-review"
    comments.add(pm, team["alice"], "the author's own remark", now=NOW)  # not the reviewer's
    with pytest.raises(WorkflowError, match="say what should change"):
        services.request_changes(pm, team["bob"], now=NOW)
    old = comments.add(pm, team["bob"], "From an earlier round", now=NOW - dt.timedelta(days=1))
    with pytest.raises(WorkflowError, match="say what should change"):
        services.request_changes(pm, team["bob"], now=NOW)  # not said in this round
    comments.add(pm, team["bob"], "Which alert fired first?", now=NOW, line=3)
    with pytest.raises(WorkflowError, match="only the admin or reviewer may request changes"):
        services.request_changes(pm, team["dan"], now=NOW)  # the role is said first
    services.request_changes(pm, team["bob"], now=NOW)
    pm.refresh_from_db()
    assert pm.status == "changes-requested"
    assert not old.resolved


def test_reviewers_must_be_peers_who_can_review(team: dict[str, Any]) -> None:
    from postmortems.server.workflow import services

    pm = _pm(clean_text())
    with pytest.raises(WorkflowError, match="cannot review"):
        services.request_review(pm, team["alice"], [team["viewer"]], now=NOW)
    with pytest.raises(WorkflowError, match="is an author"):
        services.request_review(pm, team["alice"], [team["alice"]], now=NOW)
    with pytest.raises(WorkflowError, match="only an author"):
        services.request_review(pm, team["dan"], [team["bob"]], now=NOW)


def test_comment_on_a_line_and_resolve_the_thread(team: dict[str, Any]) -> None:
    from postmortems.server.workflow import comments, services

    pm = _pm(clean_text(severity="SEV3"))
    services.request_review(pm, team["alice"], [team["bob"]], now=NOW)
    pm.refresh_from_db()
    line = pm.text.split("\n").index("## Timeline") + 1
    first = comments.add(pm, team["bob"], "What happened at 04:30?", now=NOW, line=line)
    comments.add(pm, team["alice"], "Added it.", now=NOW, reply_to=first)
    with pytest.raises(WorkflowError, match="cannot comment"):
        comments.add(pm, team["viewer"], "drive-by", now=NOW)
    [thread] = comments.threads(pm)
    assert thread.line_text == "## Timeline"
    assert [r.text for r in thread.replies] == ["Added it."]
    with pytest.raises(WorkflowError, match="only the commenter"):
        comments.resolve(first, team["dan"])
    assert comments.resolve(first, team["alice"]).resolved


def test_staff_team_is_assigned_when_no_peer_accepts_in_time(
    team: dict[str, Any], settings: Any
) -> None:
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import ReviewRequest
    from postmortems.server.workflow.reminders import remind

    with_settings(
        settings, staff_review_team="staff", staff_fallback_days=3, review_approvals=("*:1",)
    )
    pm = _pm(clean_text())
    accepted = _pm(clean_text("PM-W-2"))
    services.request_review(pm, team["alice"], [team["bob"]], now=NOW)
    services.request_review(accepted, team["alice"], [team["bob"]], now=NOW)
    services.answer(accepted, team["bob"], True, now=NOW)

    assert remind(NOW + dt.timedelta(days=2)).staff_assigned == []
    report = remind(NOW + dt.timedelta(days=3, minutes=1))
    assert report.staff_assigned == [pm.key]
    staff = ReviewRequest.objects.filter(postmortem=pm, staff=True)
    assert [r.reviewer.username for r in staff] == ["sam"]  # sue is not a reviewer
    assert remind(NOW + dt.timedelta(days=4)).staff_assigned == []  # idempotent
    pm.refresh_from_db()
    assert services.approve(pm, team["sam"], now=NOW) is not None


def test_a_restricted_postmortem_no_staff_reviewer_may_read_does_not_stop_the_fallback(
    team: dict[str, Any], settings: Any
) -> None:
    """The staff team (sam) may not read a postmortem restricted to sre: it is named in the
    report, and the fallback and the reminders go on for the others."""
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import ActionItem, ReviewRequest
    from postmortems.server.workflow.reminders import remind

    with_settings(
        settings, staff_review_team="staff", staff_fallback_days=3, review_approvals=("*:1",)
    )
    hidden = _pm(
        clean_text("PM-W-SEC").replace("---\n", "---\nrestricted: true\nteams: [sre]\n", 1)
    )
    assert hidden.restricted
    seen = _pm(clean_text("PM-W-2"))
    for pm in (hidden, seen):
        services.request_review(pm, team["alice"], [team["bob"]], now=NOW)
    ActionItem.objects.filter(postmortem=seen).update(owner="bob", due=NOW.date())

    report = remind(NOW + dt.timedelta(days=3, minutes=1))
    assert report.staff_assigned == [seen.key]
    assert report.no_staff == ["PM-W-SEC: none of them may read it (restricted)"]
    assert "no staff reviewer for PM-W-SEC: none of them may read it (restricted)" in (
        report.lines()
    )
    assert report.overdue  # the reminders went out too
    assert not ReviewRequest.objects.filter(postmortem=hidden, staff=True).exists()


def test_a_line_comment_follows_its_line_when_text_above_changes(team: dict[str, Any]) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import comments, services

    pm = _pm(clean_text(severity="SEV3"))
    services.request_review(pm, team["alice"], [team["bob"]], now=NOW)
    pm.refresh_from_db()
    lines = pm.text.split("\n")
    target = next(i for i, t in enumerate(lines, 1) if t.startswith("- 05:10"))
    comments.add(pm, team["bob"], "Who was paged first?", now=NOW, line=target)
    cause = lines.index("## Root Cause and Resolution") + 1
    comments.add(pm, team["bob"], "Say why.", now=NOW, line=cause + 2)
    added = "\n".join(lines).replace(
        "## Timeline\n", "## Timeline\n\n- 04:01 PST - A.\n- 04:02 PST - B.\n"
    )
    added = added.replace(lines[cause + 1], lines[cause + 1] + " Rewritten.")
    store.save(added, team["alice"], key=pm.key, base_version=pm.version)
    pm.refresh_from_db()
    followed, changed = comments.threads(pm)
    assert followed.line == target + 3  # three lines were added above it
    assert followed.line_text == lines[target - 1]
    assert not followed.outdated
    assert changed.outdated  # its own line was rewritten: shown as it was
    assert changed.line_text == lines[cause + 1]
