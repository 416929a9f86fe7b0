"""Key moments read from what a timeline entry says happened: negation, plans, attempts and
dead ends understood."""

from __future__ import annotations

import pytest

from postmortems.document import parse
from postmortems.document.moments import Moment, milestones, read


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("PagerDuty alert fired on the 5xx rate.", Moment.DETECTED),
        ("A customer reported failed checkouts.", Moment.DETECTED),
        ("Escalated to the database team.", Moment.ESCALATED),
        ("Jane joined the incident call.", Moment.ESCALATED),
        ("Rolled back the deploy.", Moment.MITIGATED),
        ("Traffic failed over to the second region.", Moment.MITIGATED),
        ("Service restored for all users.", Moment.RESOLVED),
        ("Errors no longer occurring.", Moment.RESOLVED),
        ("Restarted the service and it fully recovered.", Moment.RESOLVED),
        ("Looked at the dashboards.", Moment.ACTION),
    ],
)
def test_what_happened(text: str, moment: Moment) -> None:
    assert read(text) is moment


# What a reading rule makes of entries that look like a moment but are none, or a dead end.
NOT_WHAT_THEY_SEEM: dict[str, tuple[Moment, list[str]]] = {
    "a negated moment did not happen": (
        Moment.ACTION,
        [
            "The alert did not fire.",
            "No alerts fired during the outage.",
            "Monitoring failed to detect the slowdown.",
            "Did not escalate to the vendor.",
            "The issue was not resolved by the restart.",
            "Failed to roll back: the previous image was gone.",
        ],
    ),
    "plans and new instruments are no moments": (
        Moment.ACTION,
        [
            "Will roll back tomorrow morning.",
            "Bob suggests rolling back the release.",
            "Added an alert on disk usage.",
            "Set up monitoring for the queue depth.",
        ],
    ),
    "an attempt alone is no mitigation": (
        Moment.ACTION,
        [
            "Tried to restart the pods.",
            "Rollback attempted.",
            "Attempted to fail over to the replica.",
        ],
    ),
    "a step that did not work is a misleading path": (
        Moment.MISLEADING,
        [
            "Rollback attempted; errors continued.",
            "Restarted the pods but errors persisted.",
            "Restarted nginx, which did not help.",
            "Rolled back the release, latency still high.",
            "The rollback failed.",
        ],
    ),
    "success after a step is not read as failure": (
        Moment.MITIGATED,
        [
            "Rolled back the deploy. Still monitoring.",
            "Restarted nginx; continued to monitor.",
            "Rolled back the failed deploy.",
        ],
    ),
}


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        pytest.param(text, moment, id=f"{rule}: {text}")
        for rule, (moment, texts) in NOT_WHAT_THEY_SEEM.items()
        for text in texts
    ],
)
def test_entries_that_are_not_what_they_seem(text: str, moment: Moment) -> None:
    assert read(text) is moment


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("Unrelated deployment of the search service.", Moment.ACTION),
        ("We suspected the database.", Moment.ACTION),
        ("A DNS blip was noted but deemed unrelated.", Moment.ACTION),
        ("Suspected the unrelated deployment and rolled it back.", Moment.MISLEADING),
        ("Assumed the cache was stale and flushed it; no effect.", Moment.MISLEADING),
        ("Initially thought it was DNS.", Moment.MISLEADING),
        ("The disk turned out to be unrelated.", Moment.MISLEADING),
        ("It turned out the certificate had expired.", Moment.ACTION),
    ],
)
def test_a_hunch_is_misleading_only_when_acted_on_or_found_wrong(text: str, moment: Moment) -> None:
    assert read(text) is moment


def test_milestones_first_detection_and_last_resolution() -> None:
    doc = parse(
        "## Timeline\n"
        "- 10:00 Alert fired on error rate.\n"
        "- 10:05 Rollback attempted; errors continued.\n"
        "- 10:20 Escalated to the storage team.\n"
        "- 10:40 Failed over to the replica.\n"
        "- 10:50 Service restored.\n"
        "- 11:30 Incident resolved.\n"
    )
    found = milestones(doc.timeline)
    assert found == {
        Moment.DETECTED: 0,
        Moment.ESCALATED: 2,
        Moment.MITIGATED: 3,
        Moment.RESOLVED: 5,
    }


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("Ann notices the error spike.", Moment.DETECTED),
        ("Ann pings Bob on chat.", Moment.ESCALATED),
        ("Bob rolls the release back.", Moment.MITIGATED),
        ("Fix deployed to production.", Moment.MITIGATED),
        ("Things return to normal.", Moment.RESOLVED),
        ("58 pod restarts in ten minutes.", Moment.ACTION),
        ("3 alerts fired.", Moment.DETECTED),
        ("Staging nodes back online.", Moment.RESOLVED),
        ("Version 1.7 was released with the fix.", Moment.MITIGATED),
        ("The on-call engineer is notified in chat.", Moment.ESCALATED),
        ("The report is forwarded to the storage team.", Moment.ESCALATED),
        ("Users report in chat that the hub is down.", Moment.DETECTED),
    ],
)
def test_present_tense_and_counts(text: str, moment: Moment) -> None:
    assert read(text) is moment


def test_an_alert_that_resolves_is_not_the_incident_resolved() -> None:
    assert read("Disk alert resolved on its own.") is not Moment.RESOLVED


def test_a_mitigation_the_next_entry_says_did_not_work_is_a_misleading_path() -> None:
    from postmortems.document.moments import read_timeline

    texts = ["Rolled back the deploy.", "Error rates remain elevated despite the rollback."]
    assert read_timeline(texts) == (Moment.MISLEADING, Moment.ACTION)
    texts = ["Rolled back the deploy.", "Error rates back to normal."]
    assert read_timeline(texts) == (Moment.MITIGATED, Moment.RESOLVED)
