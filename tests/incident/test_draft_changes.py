"""A change recorded shortly before the impact (a ``deploy`` entry) opens the draft's timeline in
every profile, by the rule the google-sre draft's *Trigger* lists it with: from an hour before
the start of impact up to the detection, the last five.

Before, only the google-sre *Trigger* said it: the classic timeline began at the impact."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from postmortems.document import parse
from postmortems.document.extract import extract
from postmortems.document.moments import Moment, read
from postmortems.incident.draft import draft_postmortem, trigger_text
from postmortems.incident.lifecycle import milestones_from_events
from postmortems.incident.model import Event, Incident, milestone_edit, status_change
from postmortems.incident.timeline import CHANGES_TOLD, changes_before, timeline_entries
from postmortems.lint import lint_text

NEW_YORK = ZoneInfo("America/New_York")
DEPLOY = "payouts-api v2.14 deployed"
ALERT = "Alert fired: PayoutErrors: 5xx above 2% on payouts-api"


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 2, 12, hour, minute, tzinfo=NEW_YORK)


def record(*extra: Event) -> list[Event]:
    """A deploy at 20:20 EST, the impact set by hand to 20:30, an alert at 20:34."""
    return [
        Event(at(20, 20), "deploy", DEPLOY, author="ci/deploys"),
        Event(at(20, 34), "alert-fired", ALERT, author="alertmanager/prod", external_id="am:1"),
        status_change(at(20, 34), "", "triage", author="alertmanager/prod"),
        milestone_edit(at(20, 50), "started", at(20, 30), author="ana", why="errors from 20:30"),
        status_change(at(21, 10), "triage", "resolved", author="ana"),
        *extra,
    ]


def incident(events: list[Event]) -> Incident:
    return Incident(
        key="INC-2026-0007",
        title="Payouts failing",
        severity="SEV2",
        status="resolved",
        timezone="America/New_York",
        milestones=milestones_from_events(events),
        events=tuple(sorted(events, key=lambda e: e.at)),
        team="payments",
        services=("payouts-api",),
    )


def _timeline(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def test_a_deploy_ten_minutes_before_the_impact_is_the_classic_timelines_first_line() -> None:
    text = draft_postmortem(incident(record()))
    assert _timeline(text)[:3] == [
        f"- 20:20 EST - Change: {DEPLOY}.",
        "- 20:30 EST - Impact began (set by ana: errors from 20:30).",
        "- 20:34 EST - Detected by an alert (alertmanager/prod): PayoutErrors: 5xx above 2% on "
        "payouts-api.",
    ]
    # It reads back as an entry of the timeline, not as the start, and lints clean.
    got = extract(parse(text, "draft.md"))
    assert got["start"] == "2026-02-12 20:30"
    first = got["timeline"][0]
    assert (first["date"], first["time"], first["text"]) == (
        "2026-02-12",
        "20:20",
        f"Change: {DEPLOY}.",
    )
    assert read(f"Change: {DEPLOY}.") is Moment.ACTION
    codes = {v.code for v in lint_text(text, path="draft.md")}
    assert not codes & {"PM301", "PM303", "PM304", "PM702", "PM705", "PM706", "PM707"}, codes


@pytest.mark.parametrize("profile", ["google-sre", "minimal"])
def test_every_profile_tells_it_and_google_sre_lists_it_as_the_trigger(profile: str) -> None:
    text = draft_postmortem(incident(record()), profile=profile)
    assert f"- 20:20 EST - Change: {DEPLOY}." in _timeline(text)
    said = (
        f"Changes recorded from an hour before the impact to its detection: {DEPLOY} (20:20 EST)."
    )
    assert (said in text) is (profile == "google-sre")


def test_only_the_changes_from_an_hour_before_the_impact_to_its_detection() -> None:
    """The one rule of the trigger and the timeline (:func:`changes_before`): not a change made
    more than an hour before the start (19:29), nor one after the detection (the rollback)."""
    events = record(
        Event(at(19, 29), "deploy", "billing-cron v7 deployed"),
        Event(at(19, 30), "deploy", "feature flag payouts-batching on"),
        Event(at(20, 32), "deploy", "payouts-api config reloaded"),  # after the start: told
        Event(at(20, 45), "deploy", "payouts-api v2.13 deployed (rollback)"),
    )
    inc = incident(events)
    told = [e.text for e in changes_before(inc.timeline, inc.milestones)]
    assert told == ["feature flag payouts-batching on", DEPLOY, "payouts-api config reloaded"]
    lines = [e.text for e in timeline_entries(inc)]
    assert [line for line in lines if line.startswith("Change: ")] == [
        f"Change: {t}." for t in told
    ]
    assert not any("billing-cron" in line or "rollback" in line for line in lines)
    assert trigger_text(inc) == (
        "Changes recorded from an hour before the impact to its detection: feature flag "
        f"payouts-batching on (19:30 EST); {DEPLOY} (20:20 EST); payouts-api config reloaded "
        "(20:32 EST)."
    )


def test_the_last_five_changes_and_none() -> None:
    many = [Event(at(20, m), "deploy", f"canary {m} promoted") for m in range(CHANGES_TOLD + 2)]
    inc = incident(record(*many))
    told = [e.text for e in changes_before(inc.timeline, inc.milestones)]
    assert len(told) == CHANGES_TOLD
    assert told[-1] == DEPLOY
    quiet = incident([e for e in record() if e.kind != "deploy"])
    assert trigger_text(quiet) == (
        "No deploy or change was recorded from an hour before the impact to its detection."
    )
    assert not any(e.text.startswith("Change: ") for e in timeline_entries(quiet))


def test_a_change_marked_misleading_says_so_and_without_a_start_the_detection_bounds_it() -> None:
    suspected = Event(at(20, 25), "deploy", "ledger v3 deployed", misleading=True)
    text = draft_postmortem(incident(record(suspected)))
    assert "- 20:25 EST - Misleading path: ledger v3 deployed." in _timeline(text)
    no_start = [e for e in record() if e.kind != "milestone-edit"]  # started: the alert, 20:34
    lines = _timeline(draft_postmortem(incident(no_start)))
    assert lines[0] == f"- 20:20 EST - Change: {DEPLOY}."
