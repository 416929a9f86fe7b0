"""Every allowed and forbidden transition of the lifecycle table, on a real database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from workflow_fixtures import NOW, cast, clean_text, with_settings

from postmortems.document.model import Status
from postmortems.server.workflow import lifecycle
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.lifecycle import Who

NAMES = sorted({t.name for t in lifecycle.TRANSITIONS})
ACTORS = {"alice": Who.AUTHOR, "bob": Who.REVIEWER, "root": Who.ADMIN, "carol": None}
CASES = [(s, n, a) for s in Status for n in NAMES for a in ACTORS]


def expected(state: Status, name: str, actor: str) -> Status | None:
    """What the table says: the target state, or None when the move is forbidden."""
    part = ACTORS[actor]
    t = lifecycle.find(name, state)
    if t is None or part is None or part not in t.who:
        return None
    return t.target


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    members = cast(make_user, {"alice": "author", "bob": "reviewer", "carol": "reviewer"})
    return {**members, "root": make_user("root", superuser=True)}


@pytest.mark.parametrize(("state", "name", "actor"), CASES)
def test_transition_table(
    state: Status, name: str, actor: str, people: dict[str, Any], settings: Any
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Event, ReviewRequest

    # Every guard satisfied: lint-clean text, a minor severity, one reviewer who approved.
    with_settings(settings, review_approvals=("*:1",), review_not_required_below="SEV3")
    pm = store.create(clean_text(status=state.value, severity="SEV4"), None).postmortem
    ReviewRequest.objects.create(
        postmortem=pm, reviewer=people["bob"], created=NOW, verdict="approved"
    )
    revisions = pm.revisions.count()
    target = expected(state, name, actor)
    if target is None:
        with pytest.raises(WorkflowError):
            services.transition(pm, people[actor], name, now=NOW)
        pm.refresh_from_db()
        assert pm.status == state.value
        assert not Event.objects.filter(postmortem=pm).exists()
        return
    event = services.transition(pm, people[actor], name, now=NOW, note="why")
    pm.refresh_from_db()
    assert (event.from_state, event.to_state, event.actor) == (state, target, people[actor])
    assert pm.status == target.value
    assert f"status: {target.value}\n" in pm.text
    assert pm.revisions.count() == revisions + 1
    assert [e.note for e in services.history(pm)] == ["why"]


def test_every_state_is_reachable_and_every_transition_documented() -> None:
    from pathlib import Path

    reached = {Status.DRAFT} | {t.target for t in lifecycle.TRANSITIONS}
    assert reached == set(Status)
    doc = (Path(__file__).resolve().parents[2] / "docs" / "workflow.md").read_text()
    assert [t.name for t in lifecycle.TRANSITIONS if f"`{t.name}`" not in doc] == []


def test_a_status_edited_by_hand_is_recorded_as_an_event(make_user: Callable[..., Any]) -> None:
    """A person's save cannot move the state (issue 13, item 6); a save without one (a script
    on the server, like ``pm import``) can, and the move is recorded."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.statusrule import StatusByHand

    alice = make_user("alice", "author")
    pm = store.create(clean_text(), alice).postmortem
    with pytest.raises(StatusByHand, match="changes through the review workflow"):
        store.update(pm.key, pm.text.replace("status: draft", "status: published"), alice, 1)
    store.update(pm.key, pm.text.replace("status: draft", "status: published"), None, 1)
    store.update(pm.key, pm.text.replace("status: draft", "status: published") + "\n", None, 2)
    [event] = services.history(pm)
    assert (event.transition, event.from_state, event.to_state) == ("edit", "draft", "published")
    assert "outside the review workflow" in event.note


@pytest.mark.parametrize(
    ("severity", "table", "needed"),
    [("SEV1", ("SEV1:3", "*:1"), 3), ("SEV3", ("SEV1:3", "*:2"), 2), ("", ("SEV1:2",), 1)],
)
def test_approvals_needed_per_severity(severity: str, table: tuple[str, ...], needed: int) -> None:
    assert lifecycle.approvals_needed(severity, table) == needed


def test_guards_refuse_with_a_reason(people: dict[str, Any], settings: Any) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    with_settings(settings, review_not_required_below="SEV3")
    major = store.create(clean_text("PM-W-8", severity="SEV2"), None).postmortem
    with pytest.raises(WorkflowError, match="below the review severity threshold"):
        services.transition(major, people["alice"], "not-required", now=NOW)
    # SEV2 needs two approvals: the author is told two reviewers, not "at least one"
    with pytest.raises(WorkflowError, match=r"needs 2 approvals: ask at least 2 reviewers \(0"):
        services.transition(major, people["alice"], "request-review", now=NOW)
    minor = store.create(clean_text("PM-W-9", severity="SEV4"), None).postmortem
    assert services.transition(minor, people["root"], "not-required", now=NOW).to_state == (
        "not-required"
    )
