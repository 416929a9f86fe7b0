"""Key moments read from what a timeline entry says happened: negation, plans, attempts and
dead ends understood."""

from __future__ import annotations

import pytest

from postmortems.document import parse
from postmortems.document.moments import Moment, label, milestones, read

# Each rule of reading and the moment it makes of the entries written for it.
READINGS: dict[str, tuple[Moment, list[str]]] = {
    "an alert, a report or someone noticing is the detection": (
        Moment.DETECTED,
        [
            "PagerDuty alert fired on the 5xx rate.",
            "A customer reported failed checkouts.",
            "Monitoring alert fires on 5xx rate",
            "Ann notices the error spike.",
            "3 alerts fired.",
            "The alert fired.",
            "An alarm fired for checkout.",
            "The pager went off.",
            "A report in #jupyter says that the hub is down.",
            "Users report in chat that the hub is down.",
        ],
    ),
    "calling in, paging or notifying someone is an escalation": (
        Moment.ESCALATED,
        [
            "Escalated to the database team.",
            "Jane joined the incident call.",
            "Ann pings Bob on chat.",
            "The on-call engineer is notified in chat.",
            "The report is forwarded to the storage team.",
        ],
    ),
    "a rollback, a failover or a fix shipped is a mitigation": (
        Moment.MITIGATED,
        [
            "Rolled back the deploy.",
            "Traffic failed over to the second region.",
            "Scaled the API to 40 replicas.",
            "Turned off the checkout-v2 flag.",
            "Rolled back the deploy; errors drop",
            "Bob rolls the release back.",
            "Fix deployed to production.",
            "Version 1.7 was released with the fix.",
            "The reports job is suspended.",
            "Suspended the nightly batch workers.",
            "Engineers are restarting the API pods.",
        ],
    ),
    "service back to normal is the resolution": (
        Moment.RESOLVED,
        [
            "Service restored for all users.",
            "Errors no longer occurring.",
            "Restarted the service and it fully recovered.",
            "Incident resolved and closed",
            "Things return to normal.",
            "Staging nodes back online.",
            "Resolved: error rate still 0.0% for an hour.",
            "Resolved. Error budget still 40% left.",
            "Checkout is working again.",
            "Payments have been working normally since the restart.",
            "Login works again for every region.",
        ],
    ),
    "working as it was before is no recovery": (
        Moment.ACTION,
        [
            "Everything was working normally before the deploy.",
        ],
    ),
    "anything else is an action": (
        Moment.ACTION,
        [
            "Looked at the dashboards.",
            "58 pod restarts in ten minutes.",
            # a thing restarting is what broke, and "reports" after "the nightly" a noun
            "API pods restarting.",
            "The database kept restarting.",
            "The nightly reports job starts with a new, larger input.",
            "AWS suspended our account.",
        ],
    ),
    # Entries that look like a moment but are none, or a dead end.
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
            "Rolled back cart-svc deploy 4512; error rate still 30%.",
            "Scaled up the pool; p99 still at 800ms.",
            "Restarted the workers; still 502s on checkout.",
        ],
    ),
    "success after a step is not read as failure": (
        Moment.MITIGATED,
        [
            "Rolled back the deploy. Still monitoring.",
            "Rolled back to v2.3 (still 2 replicas).",
            "Restarted the workers; availability still 100%.",
            "Failed over to us-east; still 2 secondaries healthy.",
            "Scaled out the API; traffic still 1500 rps, served fine.",
            "Rolled back the deploy; still 5 minutes of backlog to drain.",
            "Restarted nginx; continued to monitor.",
            "Rolled back the failed deploy.",
        ],
    ),
    "a hunch not acted on, or a finding, is no misleading path": (
        Moment.ACTION,
        [
            "Unrelated deployment of the search service.",
            "We suspected the database.",
            "A DNS blip was noted but deemed unrelated.",
            "It turned out the certificate had expired.",
        ],
    ),
    "a hunch acted on or found wrong is a misleading path": (
        Moment.MISLEADING,
        [
            "Suspected the unrelated deployment and rolled it back.",
            "Assumed the cache was stale and flushed it; no effect.",
            "Initially thought it was DNS.",
            "On-call scales the checkout service from 12 to 24 pods; latency unchanged.",
            "The disk turned out to be unrelated.",
        ],
    ),
}


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        pytest.param(text, moment, id=f"{rule}: {text}")
        for rule, (moment, texts) in READINGS.items()
        for text in texts
    ],
)
def test_an_entry_reads_as_the_moment_it_states(text: str, moment: Moment) -> None:
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
    ("entries", "detected", "escalated"),
    [
        # the alert that paged the on-call is the detection; paging the DB team, the escalation
        (
            [
                "Deploy of v2 started.",
                "PagerDuty alert pages the on-call SRE.",
                "Paged the DB team.",
            ],
            1,
            2,
        ),
        (["Deploy of v2 started.", "On-call paged by the disk alert.", "Rolled back."], 1, None),
        # an earlier detection stays the first, and the page is the escalation
        (["Ann notices the error spike.", "The disk alert paged the DB team."], 0, 1),
        # paging a team says nothing of how it was found: a later report is the detection
        (["Paged the DB team via PagerDuty.", "Customer support reports errors."], 1, 0),
        (
            [
                "Escalated to the DB team.",
                "Escalated to the network team after the alert.",
                "Customer reports checkout errors.",
            ],
            2,
            0,
        ),
        (["Escalated to storage; monitoring showed disk at 99%.", "Rolled back."], None, 0),
        # a page the alert did not send
        (["Deploy started.", "The alert never paged anyone; we paged the DB team."], None, 1),
        # alerting tools by other names, and notifying
        (["Deploy started.", "Alertmanager paged the on-call.", "Escalated to DBAs."], 1, 2),
        (["Deploy started.", "Datadog monitor paged the on-call SRE.", "Rolled back."], 1, None),
        (["Monitoring alerts notified the engineering team.", "Escalated to the lead."], 0, 1),
        # "pages" the noun
        (["Deploy started.", "Escalated to DBAs after the alert on checkout pages."], None, 1),
    ],
)
def test_an_alert_that_pages_the_on_call_is_the_detection(
    entries: list[str], detected: int | None, escalated: int | None
) -> None:
    """The diagram of an outage whose timeline says "PagerDuty alert pages the on-call" marked
    it escalated and showed no detection (the card: no time to detect)."""
    doc = parse("## Timeline\n" + "".join(f"- 14:0{n} {e}\n" for n, e in enumerate(entries)))
    found = milestones(doc.timeline)
    assert (found.get(Moment.DETECTED), found.get(Moment.ESCALATED)) == (detected, escalated)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mitigated: Fixed archive credentials.", "mitigated"),
        ("Acknowledged: demo acknowledged the page.", "acknowledged"),
        ("**Resolved:** uploads succeed.", "resolved"),
        ("Detected.", "detected"),
        ("Escalated : storage team", "escalated"),
        # words, not a label
        ("Mitigated by restarting the uploader; all back to normal.", None),
        ("Resolved, but it did not hold: errors again.", None),
        ("Detected by an alert (ArchiveUploadErrors): it fired.", None),
        ("Acknowledgement came late.", None),
        ("Rolled back. Mitigated: yes", None),
    ],
)
def test_a_label_is_the_moment_s_name_before_a_colon_or_alone(text: str, name: str | None) -> None:
    assert label(text) == name


def test_a_label_says_which_milestone_an_entry_records() -> None:
    """A drafted timeline's "Mitigated: Fixed …" reads as a resolution by its words ("fixed"):
    its label makes it the mitigation, the "Resolved:" line the resolution, and an
    acknowledgement is neither."""
    doc = parse(
        "## Timeline\n"
        "- 11:02 Detected by an alert (ArchiveUploadErrors): it fired.\n"
        "- 11:06 Acknowledged: demo acknowledged the page.\n"
        "- 11:06 Mitigated: Fixed archive credentials and restarted the uploader.\n"
        "- 11:20 Resolved: uploads succeed.\n"
        "- 11:25 Postmortem drafted from the timeline.\n"
    )
    assert milestones(doc.timeline) == {
        Moment.DETECTED: 0,
        Moment.MITIGATED: 2,
        Moment.RESOLVED: 3,
    }


def test_a_label_does_not_make_a_step_that_did_not_work_a_milestone() -> None:
    doc = parse(
        "## Timeline\n"
        "- 11:02 Alert fired on the upload error rate.\n"
        "- 11:06 Mitigated: rolled back the uploader; errors continued.\n"
        "- 11:20 Failed over to the second region.\n"
    )
    assert milestones(doc.timeline)[Moment.MITIGATED] == 2


def test_an_alert_that_resolves_is_not_the_incident_resolved() -> None:
    assert read("Disk alert resolved on its own.") is not Moment.RESOLVED


@pytest.mark.parametrize(
    "text",
    ["Alert resolved: HighErrorRate.", "The disk alarm cleared.", "Alerts auto-resolved."],
)
def test_an_alert_that_stops_firing_is_no_detection_either(text: str) -> None:
    """As the incident's record drafts it: the alert's end is an ordinary line, not a second
    detection."""
    assert read(text) is Moment.ACTION


def test_a_mitigation_the_next_entry_says_did_not_work_is_a_misleading_path() -> None:
    from postmortems.document.moments import read_timeline

    texts = ["Rolled back the deploy.", "Error rates remain elevated despite the rollback."]
    assert read_timeline(texts) == (Moment.MISLEADING, Moment.ACTION)
    texts = ["Rolled back the deploy.", "Error rates back to normal."]
    assert read_timeline(texts) == (Moment.MITIGATED, Moment.RESOLVED)


@pytest.mark.parametrize(
    "unit",
    [
        "the nightly reports ",
        "pods restarting again, ",
        "did not restart ",
        "tried to roll back ",
        "restarted; errors continued; ",
        "suspected the db; ",
    ],
)
def test_a_long_entry_is_read_in_linear_time(unit: str) -> None:
    """Each skipped cue read the whole start of its clause again (and a step's cue the whole
    rest): a 40 kB entry of "did not restart" took 10 s, and the server renders every save."""
    import time

    def seconds(size: int) -> float:
        text = (unit * (size // len(unit) + 1))[:size]
        best = float("inf")
        for _ in range(3):
            read.cache_clear()
            start = time.thread_time()
            read(text)
            best = min(best, time.thread_time() - start)
        return best

    small, large = seconds(10_000), seconds(40_000)
    assert large <= 10 * small + 0.05, (small, large)  # linear: about 4 times
