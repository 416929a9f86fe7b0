"""The incident status lifecycle table, milestones from events, and role history."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from postmortems.incident import lifecycle
from postmortems.incident.lifecycle import (
    STATUSES,
    check_transition,
    current_roles,
    milestones_from_events,
    role_history,
)
from postmortems.incident.model import (
    Event,
    Incident,
    IncidentError,
    Milestones,
    handover,
    milestone_edit,
    role_change,
    status_change,
)

BERLIN = ZoneInfo("Europe/Berlin")

# The lifecycle as docs/incidents.md states it: forward moves may skip statuses, an open
# incident may go back to investigating or identified, a resolved one may be reopened or
# closed, cancelled and duplicate may be restored to triage, closed is final.
OPEN = ["triage", "investigating", "identified", "monitoring"]
ALLOWED = {
    ("triage", "investigating"),
    ("triage", "identified"),
    ("triage", "monitoring"),
    ("triage", "resolved"),
    ("investigating", "identified"),
    ("investigating", "monitoring"),
    ("investigating", "resolved"),
    ("identified", "investigating"),
    ("identified", "monitoring"),
    ("identified", "resolved"),
    ("monitoring", "investigating"),
    ("monitoring", "identified"),
    ("monitoring", "resolved"),
    ("resolved", "investigating"),
    ("resolved", "closed"),
    ("cancelled", "triage"),
    ("duplicate", "triage"),
    *((s, "cancelled") for s in OPEN),
    *((s, "duplicate") for s in OPEN),
}


def at(hour: int, minute: int = 0, day: int = 1) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


def test_statuses_are_the_issue_s() -> None:
    wanted = "triage investigating identified monitoring resolved closed cancelled duplicate"
    assert wanted.split() == list(STATUSES)


@pytest.mark.parametrize(("old", "new"), list(itertools.product(STATUSES, STATUSES)))
def test_every_move_is_allowed_or_refused_as_the_table_says(old: str, new: str) -> None:
    extra = {"duplicate_of": "INC-2026-0001"} if new == "duplicate" else {}
    if (old, new) in ALLOWED:
        move = check_transition(old, new, **extra)
        assert (move.source, move.target) == (old, new)
        assert new in lifecycle.allowed_targets(old)
    else:
        with pytest.raises(IncidentError) as info:
            check_transition(old, new, **extra)
        assert info.value.hint  # says what to do instead
        assert new not in lifecycle.allowed_targets(old)


def test_a_refused_move_names_the_moves_that_are_allowed() -> None:
    with pytest.raises(IncidentError) as info:
        check_transition("triage", "closed")
    assert "from triage it may move to: investigating, identified" in str(info.value)


def test_closed_is_final() -> None:
    assert lifecycle.allowed_targets("closed") == []
    with pytest.raises(IncidentError, match="final"):
        check_transition("closed", "investigating")


def test_a_duplicate_names_the_incident_it_duplicates() -> None:
    with pytest.raises(IncidentError, match="must name the incident it duplicates"):
        check_transition("triage", "duplicate")
    with pytest.raises(IncidentError, match="duplicate of itself"):
        check_transition("triage", "duplicate", duplicate_of="INC-1", key="INC-1")
    assert check_transition("triage", "duplicate", duplicate_of="INC-2", key="INC-1").name == (
        "mark-duplicate"
    )


def test_unknown_statuses_are_refused_with_the_list() -> None:
    with pytest.raises(IncidentError, match="use one of: triage"):
        check_transition("open", "resolved")
    with pytest.raises(IncidentError):
        Incident("INC-1", "x", "SEV2", "fixed", "UTC")


# --- milestones ------------------------------------------------------------------------------


def alert(when: dt.datetime, name: str = "HighErrorRate") -> Event:
    return Event(when, "alert-fired", name, author="alertmanager/prod")


def test_milestones_from_an_alert_to_the_resolution() -> None:
    events = [
        status_change(at(10, 31), "monitoring", "resolved"),  # any order
        alert(at(10, 5)),
        alert(at(10, 7), "Latency"),
        status_change(at(10, 6), "", "triage"),
        Event(at(10, 9), "acknowledgement", "alice acked", author="alice"),
        Event(at(10, 12), "escalation", "paged the DB team", author="alice"),
        Event(at(10, 13), "acknowledgement", "bob acked", author="bob"),
        status_change(at(10, 20), "triage", "monitoring"),
    ]
    assert milestones_from_events(events) == Milestones(
        started=at(10, 5),
        detected=at(10, 5),
        acknowledged=at(10, 9),
        escalated=at(10, 12),
        mitigated=at(10, 20),
        resolved=at(10, 31),
    )


def test_a_declared_incident_is_detected_when_declared() -> None:
    m = milestones_from_events([status_change(at(9), "", "triage", author="carol")])
    assert (m.started, m.detected, m.resolved) == (at(9), at(9), None)


def test_a_resolution_without_monitoring_is_also_the_mitigation() -> None:
    m = milestones_from_events([alert(at(1)), status_change(at(2), "triage", "resolved")])
    assert m.mitigated == m.resolved == at(2)


def test_a_reopened_incident_counts_the_resolution_that_stuck() -> None:
    events = [
        alert(at(1)),
        status_change(at(2), "triage", "monitoring"),
        status_change(at(3), "monitoring", "resolved"),
        status_change(at(4), "resolved", "investigating"),  # it came back
    ]
    assert milestones_from_events(events).resolved is None
    assert milestones_from_events(events).mitigated is None
    events += [status_change(at(5), "investigating", "monitoring")]
    events += [status_change(at(6), "monitoring", "resolved")]
    m = milestones_from_events(events)
    assert (m.mitigated, m.resolved) == (at(5), at(6))


def test_a_milestone_set_by_hand_wins() -> None:
    events = [alert(at(10, 5)), status_change(at(11), "triage", "resolved")]
    manual = Milestones(started=at(9, 50), acknowledged=at(10, 10))
    m = milestones_from_events(events, manual)
    assert (m.started, m.detected, m.acknowledged, m.resolved) == (
        at(9, 50),
        at(10, 5),
        at(10, 10),
        at(11),
    )


def test_milestone_edit_events_are_hand_edits_and_the_last_wins() -> None:
    events = [
        alert(at(10, 5)),
        milestone_edit(at(12), "started", at(9, 40), author="alice", why="graphs"),
        milestone_edit(at(13), "started", at(9, 52), author="bob", why="logs say 09:52"),
        milestone_edit(at(13), "resolved", at(10, 58), author="bob", why="last error"),
    ]
    m = milestones_from_events(events)
    assert (m.started, m.resolved) == (at(9, 52), at(10, 58))
    events.append(milestone_edit(at(14), "started", None, author="bob", why="back to auto"))
    assert milestones_from_events(events).started == at(10, 5)
    # the argument (what the server stored) wins over the events
    assert milestones_from_events(events, Milestones(resolved=at(11))).resolved == at(11)


def test_started_is_never_after_a_hand_set_detection() -> None:
    m = milestones_from_events([alert(at(10, 5))], Milestones(detected=at(10)))
    assert (m.started, m.detected) == (at(10), at(10))


def test_a_milestone_edit_needs_who_and_why() -> None:
    with pytest.raises(IncidentError, match="who and why"):
        milestone_edit(at(12), "started", at(9), author="alice", why=" ")
    with pytest.raises(IncidentError, match="unknown milestone"):
        milestone_edit(at(12), "begun", at(9), author="alice", why="x")


def test_out_of_order_milestones_are_named() -> None:
    m = Milestones(started=at(10), detected=at(9), mitigated=at(12), resolved=at(11))
    assert m.out_of_order() == ["detected is before started", "resolved is before mitigated"]


def test_milestones_read_back_from_json() -> None:
    m = Milestones(started=at(10), resolved=at(11, 30))
    assert Milestones.from_json(m.to_json()) == m
    with pytest.raises(IncidentError, match="not a date-time"):
        Milestones.from_json({"started": "yesterday"})
    with pytest.raises(IncidentError, match="unknown milestone"):
        Milestones.from_json({"begun": None})


def test_events_must_be_aware_and_of_a_known_kind() -> None:
    with pytest.raises(IncidentError, match="timezone"):
        Event(dt.datetime(2026, 3, 1, 10), "note", "x")  # naive
    with pytest.raises(IncidentError, match="unknown event kind"):
        Event(at(10), "alert", "x")


def test_an_incident_needs_a_real_zone_and_severity() -> None:
    with pytest.raises(IncidentError, match="unknown timezone"):
        Incident("INC-1", "x", "SEV2", "triage", "Mars/Olympus")
    with pytest.raises(IncidentError, match="unknown timezone"):
        Incident("INC-1", "x", "SEV2", "triage", "CET")  # an abbreviation, not an IANA name
    with pytest.raises(IncidentError, match="SEV1 is the worst"):
        Incident("INC-1", "x", "P1", "triage", "UTC")


def test_the_timeline_is_the_same_whatever_order_events_arrive_in() -> None:
    events = (
        Event(at(10), "note", "b"),
        Event(at(10), "alert-fired", "a"),
        Event(at(9), "note", "c"),
        Event(at(10), "note", "a"),
    )
    one = Incident("INC-1", "x", "SEV2", "triage", "UTC", events=events)
    two = Incident("INC-1", "x", "SEV2", "triage", "UTC", events=events[::-1])
    assert one.timeline == two.timeline
    assert [e.text for e in one.timeline] == ["c", "a", "a", "b"]


# --- roles -----------------------------------------------------------------------------------


def test_role_history_says_who_held_a_role_when() -> None:
    events = [
        handover(at(11), "commander", "alice", "bob"),
        role_change(at(10), "commander", "alice"),
        role_change(at(10, 5), "scribe", "carol"),
        role_change(at(12), "scribe", ""),  # nobody any more
    ]
    spells = [(s.role, s.person, s.since, s.until) for s in role_history(events)]
    assert spells == [
        ("commander", "alice", at(10), at(11)),
        ("scribe", "carol", at(10, 5), at(12)),
        ("commander", "bob", at(11), None),
    ]
    assert current_roles(events) == (("commander", "bob"),)


def test_unknown_roles_are_refused() -> None:
    with pytest.raises(IncidentError, match="commander, scribe, communications"):
        role_change(at(10), "captain", "alice")


def test_times_are_instants_across_a_dst_change() -> None:
    la = ZoneInfo("America/Los_Angeles")
    first = dt.datetime(2026, 11, 1, 1, 40, tzinfo=la)  # PDT
    later = dt.datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=la)  # PST: the clock went back
    events = [Event(later, "note", "b"), Event(first, "alert-fired", "a")]
    assert [
        e.text
        for e in Incident("INC-1", "x", "SEV2", "triage", "UTC", events=tuple(events)).timeline
    ] == ["a", "b"]
    assert Event(first, "note", "x") == Event(first.astimezone(dt.UTC), "note", "x")
    m = milestones_from_events(
        [Event(first, "alert-fired", "a"), status_change(later, "triage", "resolved")]
    )
    assert m.resolved is not None
    assert m.started is not None
    assert m.resolved - m.started == dt.timedelta(minutes=30)  # not the clocks' -30


@pytest.mark.parametrize(
    ("author", "said"),
    [
        ("", "alice handed commander over to bob."),
        ("alice", "alice handed commander over to bob."),
        ("bob", "bob took commander from alice."),
        ("carol", "carol gave commander to bob (was alice)."),
    ],
)
def test_a_handover_is_said_by_who_made_it(author: str, said: str) -> None:
    event = handover(at(11), "commander", "alice", "bob", author=author)
    assert (event.text, event.author) == (said, author or "alice")
    assert role_change(at(10), "scribe", "bob", author="carol").text == "carol gave scribe to bob."


def test_only_a_duplicate_names_the_incident_it_duplicates() -> None:
    """A key left in the field with another status is refused, not written as a duplicate."""
    with pytest.raises(IncidentError) as info:
        check_transition("triage", "investigating", duplicate_of="INC-2026-0001")
    assert "this move is to investigating" in str(info.value)
    assert "choose the status duplicate" in info.value.hint
    assert check_transition("triage", "investigating", duplicate_of="  ").target == "investigating"
