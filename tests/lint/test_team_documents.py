"""Issue 11: rules read real team postmortems the way a careful reviewer does.

Each document here is short and written for the test: it states a requirement in a form teams
use, and the rule must see it (or report what is really missing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortems.cli import cli
from postmortems.lint import lint_text
from postmortems.lint.violation import Severity


def _codes(text: str, profile: str = "classic") -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for v in lint_text(text, profile=profile):
        found.setdefault(v.code, []).append(v.line)
    return found


def _severity(text: str, code: str) -> Severity:
    return next(v.severity for v in lint_text(text) if v.code == code)


SUMMARY = """## Issue Summary

From 10:00 to 10:40 UTC on March 4, 2024 (40 minutes), the order queue stalled and 30% of
users could not place orders. The root cause was a consumer stuck on a poisoned message.
"""

TIMELINE = """## Timeline

- 10:02 UTC - Alert on queue depth fired; the on-call engineer was paged.
- 10:10 UTC - Suspected the database; its metrics were normal.
- 10:15 UTC - Escalated to the platform team, who restarted the consumer.
- 10:40 UTC - Queue drained, service restored.
"""

CAUSE = """## Root Cause and Resolution

A malformed message made the consumer retry forever, so no other message was processed.
Restarting the consumer with the message moved to a dead-letter queue resolved the stall.
"""

MEASURES = """## Corrective and Preventative Measures

The consumer had no limit on retries; poison messages must not stop a queue.

- [ ] Add a retry limit and a dead-letter queue to the order consumer
- [ ] Alert when the queue depth grows for 10 minutes
"""


def document(*parts: str, title: str = "Order queue stalled") -> str:
    """A short postmortem: the given sections, or the four defaults."""
    body = parts or (SUMMARY, TIMELINE, CAUSE, MEASURES)
    return f"# {title}\n\n" + "\n".join(body)


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.split("\n"), 1) if needle in ln)


def _timeline(*entries: str) -> str:
    return "## Timeline\n\n" + "\n".join(entries) + "\n"


TABLE_TIMELINE = document(
    SUMMARY,
    _timeline(
        "| time (UTC) | event |",
        "| --- | --- |",
        "| 10:02 | Alert on queue depth fired; the on-call engineer was paged |",
        "| 10:15 | Escalated to the platform team, who restarted the consumer |",
        "| 10:40 | Queue drained, service restored |",
    ),
    CAUSE,
    MEASURES,
)
NUMBERED_TIMELINE = document(
    SUMMARY,
    _timeline(
        "1. 10:02 UTC - Alert on queue depth fired; the on-call engineer was paged.",
        "2. 10:15 UTC - Escalated to the platform team, who restarted the consumer.",
        "3. 10:40 UTC - Queue drained, service restored.",
    ),
    CAUSE,
    MEASURES,
)
BARE_TIMELINE = NUMBERED_TIMELINE.replace("1. 10:02", "10:02").replace("2. 10:15", "10:15")


def test_a_table_or_numbered_timeline_is_a_timeline() -> None:
    assert "PM301" not in _codes(TABLE_TIMELINE)
    assert "PM301" not in _codes(NUMBERED_TIMELINE)


def test_bare_timeline_lines_are_reported_once_as_info() -> None:
    assert _codes(BARE_TIMELINE)["PM301"] == [line_of(BARE_TIMELINE, "10:02 UTC")]
    assert _severity(BARE_TIMELINE, "PM301") is Severity.INFO


def test_cosmetic_rules_are_off_in_google_sre_and_minimal() -> None:
    for profile in ("google-sre", "minimal"):
        assert "PM301" not in _codes(BARE_TIMELINE, profile)


MULTI_DAY = document(
    SUMMARY,
    _timeline(
        "- 2024-03-04 10:02 UTC - Alert on queue depth fired; the on-call engineer was paged.",
        "- 2024-03-05 - The vendor of the queue confirmed a bug in the client library.",
        "- 2024-03-06 10:40 UTC - Patched client deployed, service restored.",
    ),
    CAUSE,
    MEASURES,
)


def test_a_dated_entry_of_a_multi_day_timeline_needs_no_clock_time() -> None:
    assert "PM302" not in _codes(MULTI_DAY)


def test_an_untimed_entry_of_a_one_day_timeline_is_still_reported() -> None:
    text = MULTI_DAY.replace("- 2024-03-05 - The vendor", "- The vendor").replace(
        "2024-03-06 10:40", "2024-03-04 10:40"
    )
    assert _codes(text)["PM302"] == [line_of(text, "- The vendor")]


PLAIN_TASKS = MEASURES.replace("- [ ] ", "- ")


def test_a_plain_list_of_specific_tasks_is_a_todo_list() -> None:
    assert "PM508" not in _codes(document(SUMMARY, TIMELINE, CAUSE, PLAIN_TASKS))


def test_a_plain_item_among_checkboxes_is_reported() -> None:
    text = document(SUMMARY, TIMELINE, CAUSE, MEASURES.replace("- [ ] Alert", "- Alert"))
    assert _codes(text)["PM508"] == [line_of(text, "- Alert when")]


def test_heading_synonyms_are_info() -> None:
    text = document(SUMMARY.replace("Issue Summary", "What happened"), TIMELINE, CAUSE, MEASURES)
    assert _severity(text, "PM112") is Severity.INFO


def _summary(text: str) -> str:
    return document("## Summary\n\n" + text + "\n", TIMELINE, CAUSE, MEASURES)


@pytest.mark.parametrize(
    ("summary", "absent", "present"),
    [
        pytest.param(
            "From 10:00 to 10:40 UTC on March 4, 2024 the token signer of the auth proxy expired, "
            "causing logins to fail for 30% of users.",
            {"PM209"},
            set(),
            id="a cause written as a consequence is a root cause",
        ),
        pytest.param(
            "From 10:00 to 10:40 UTC on March 4, 2024 logins failed for 30% of users.",
            set(),
            {"PM209"},
            id="a summary without a cause is reported",
        ),
        pytest.param(
            "From 10:00 to 10:40 UTC on March 4, 2024 the identity provider rotated its signing "
            "certificate and our auth service still pinned the old one, so it rejected every "
            "login of 30% of users.",
            {"PM209"},
            set(),
            id="a cause joined to its effect by 'so' is a root cause",
        ),
        pytest.param(
            "From 10:00 to 10:40 UTC on March 4, 2024 logins failed for 30% of users, so the "
            "on-call engineer paged the auth team.",
            set(),
            {"PM209"},
            id="what was done after the effect is no cause",
        ),
        pytest.param(
            "On March 4, 2024 the order portal was unusable for about 1h50m from 10:00 UTC for "
            "30% of users, because a disk filled up.",
            {"PM202", "PM204"},
            set(),
            id="a compact duration is read",
        ),
        pytest.param(
            "Between the hours of 1900 and 2100 UTC on March 4, 2024 the order portal failed for "
            "30% of users, because a disk filled up.",
            {"PM201", "PM202", "PM204"},
            set(),
            id="hours without colons are read",
        ),
        pytest.param(
            "On March 4, 2024 the order portal failed for 30% of users, because a disk filled.",
            set(),
            {"PM202", "PM204"},
            id="a summary without duration or end is reported",
        ),
        pytest.param(
            "From 10:00 to 10:40 UTC on March 4, 2024, Tessera was failing to route people to "
            "their notebooks, a total outage, because a disk filled up.",
            {"PM206", "PM208"},  # a total outage affects everyone
            set(),
            id="a named system that failed is the service",
        ),
        pytest.param(
            "From 10:00 to 10:40 UTC on March 4, 2024 the order API failed for 305 teams because "
            "a disk filled up.",
            {"PM208"},
            set(),
            id="a count of users is the share affected",
        ),
    ],
)
def test_what_a_summary_states(summary: str, absent: set[str], present: set[str]) -> None:
    found = set(_codes(_summary(summary)))
    assert not absent & found
    assert present <= found


def test_all_customers_as_a_field_is_the_share_of_users() -> None:
    text = _summary(
        "From 10:00 to 10:40 UTC on March 4, 2024 the order API failed because a disk filled up."
        "\n\nCustomers Impacted: All"
    )
    assert "PM208" not in _codes(text)
    assert "PM208" in _codes(text.replace("Customers Impacted: All", "Some customers noticed."))


INCIDENT_WITHOUT_TIMES = """# CI builds failing due to an upgraded base image

## Build agents

The base image of our build agents was upgraded to a new major version of the container
runtime. Builds on every pipeline failed with a permission error when they mounted the cache.
You should check the agent logs when this happens again.

## Cause

The new runtime runs containers rootless by default, so the cache volume was not writable.

## Fixes

We pinned the previous image and rebuilt the agents; builds passed again. Next we will test
image upgrades on a canary agent before rolling them out.
"""


def test_an_incident_report_without_times_is_a_postmortem() -> None:
    assert "PM101" not in _codes(INCIDENT_WITHOUT_TIMES)


def _measures(*items: str) -> str:
    head = "## Corrective and Preventative Measures\n\nPoison messages must not stop a queue.\n\n"
    return document(SUMMARY, TIMELINE, CAUSE, head + "\n".join(items) + "\n")


def test_sub_bullets_belong_to_their_task() -> None:
    text = _measures(
        "- [ ] Add a retry limit to the order consumer",
        "  - counted per message",
        "  - dead-letter queue after five retries",
        "- [ ] Alert when the queue depth grows for 10 minutes",
    )
    assert not {"PM503", "PM504", "PM508"} & set(_codes(text))


def test_done_items_and_status_lines_are_counted_apart_not_judged() -> None:
    text = _measures(
        "- [x] Dead-letter queue added",
        "- Consumer script updated to log the poisoned message id",
        "- We have added a backlog task for the consumer rewrite",
        "- [ ] Alert when the queue depth grows for 10 minutes",
    )
    found = _codes(text)
    assert found["PM509"] == [line_of(text, "Dead-letter queue added")]
    assert not {"PM503", "PM504", "PM508"} & set(found)
    message = next(v.message for v in lint_text(text) if v.code == "PM509")
    assert message.startswith("3 of 4 measures are already done")


def test_a_list_of_open_tasks_is_not_reported_as_done() -> None:
    assert "PM509" not in _codes(document())


def test_vague_tasks_as_teams_write_them_are_reported() -> None:
    text = _measures(
        "- We should set up some kind of monitoring",
        "- Look into smoketesting",
        "- Improving infra setup to have more redundancy",
        "- Add a retry limit of 5 to the order consumer",
    )
    lines = _codes(text)["PM505"]
    assert lines == [
        line_of(text, "some kind of"),
        line_of(text, "smoketesting"),
        line_of(text, "more redundancy"),
    ]


def test_a_task_with_its_subject_or_a_priority_tag_starts_with_a_verb() -> None:
    text = _measures(
        "- The consumer should drop a message after five retries",
        "- **HIGH** Alert when the queue depth grows for 10 minutes",
        "- Before a release, run the load test against staging",
        "- A dashboard for the queue depth",
    )
    assert _codes(text)["PM503"] == [line_of(text, "A dashboard for")]


def test_an_inbound_report_is_detection_and_a_notification_is_its_method() -> None:
    text = document(
        SUMMARY,
        _timeline(
            "- 2024-02-20 09:00 UTC - Release 2.4 shipped with the unchecked parser.",
            "- 2024-02-27 11:00 UTC - Release 2.5 shipped.",
            "- 2024-03-03 16:00 UTC - Release 2.6 shipped.",
            "- 2024-03-04 10:02 UTC - Inbound report from a security researcher.",
            "- 2024-03-04 10:15 UTC - An external auditor notified the maintainers as well.",
            "- 2024-03-04 10:30 UTC - Escalated to the platform team, who patched the parser.",
            "- 2024-03-04 10:40 UTC - Fixed release published, service restored.",
        ),
        CAUSE,
        MEASURES,
    )
    assert not {"PM306", "PM307"} & set(_codes(text))


def test_a_decision_is_an_action() -> None:
    text = document(
        SUMMARY,
        _timeline(
            "- 10:02 UTC - Queue depth alert fired; the on-call engineer was paged.",
            "- 10:15 UTC - Decision to reboot the consumer host.",
            "- 10:40 UTC - Queue drained, service restored.",
        ),
        CAUSE,
        MEASURES,
    )
    assert "PM308" not in _codes(text)


def test_a_timeline_without_actions_is_still_reported() -> None:
    text = document(
        SUMMARY,
        _timeline(
            "- 10:02 UTC - Queue depth alert fired; the on-call engineer was paged.",
            "- 10:40 UTC - Queue drained, service restored.",
        ),
        CAUSE,
        MEASURES,
    )
    assert "PM308" in _codes(text)


def test_a_zone_in_the_timeline_heading_is_declared() -> None:
    text = document(
        SUMMARY.replace(" UTC", ""),
        "## Timeline (in UTC)\n\n"
        "- 10:02 - Queue depth alert fired; the on-call engineer was paged.\n"
        "- 10:15 - Escalated to the platform team, who restarted the consumer.\n"
        "- 10:40 - Queue drained, service restored.\n",
        CAUSE,
        MEASURES,
    )
    assert "PM303" not in _codes(text)
    assert "PM303" in _codes(text.replace("## Timeline (in UTC)", "## Timeline"))


def test_a_timeline_that_stops_before_the_resolution_is_reported() -> None:
    text = document(
        SUMMARY.replace("10:40 UTC", "13:40 UTC").replace("(40 minutes)", "(3 hours 40 minutes)"),
        TIMELINE.replace("- 10:40 UTC - Queue drained, service restored.\n", ""),
        CAUSE,
        MEASURES,
    )
    found = [v for v in lint_text(text) if v.code == "PM706"]
    assert len(found) == 1
    assert "stops at 10:15" in found[0].message
    assert "before the resolution at 13:40" in found[0].message


BOUNTY = """## Bounty report

A researcher sent a report through the bounty programme.

### Summary

The parser accepted a message with a negative length.
"""


def test_a_summary_nested_in_another_section_is_not_the_issue_summary() -> None:
    text = document(SUMMARY, TIMELINE, CAUSE, BOUNTY, MEASURES)
    assert "PM111" not in _codes(text)
    assert "PM111" in _codes(document(TIMELINE, SUMMARY, CAUSE, MEASURES))


def test_a_background_section_is_not_renamed_issue_summary() -> None:
    background = "## Background\n\nThe order queue feeds the payment workers.\n\n"
    text = document(SUMMARY, background + TIMELINE, CAUSE, MEASURES)
    assert line_of(text, "## Background") not in _codes(text).get("PM112", [])
    assert "PM114" not in _codes(text)  # nor taken for a second summary


def test_a_summary_then_what_happened_is_one_summary_and_its_story() -> None:
    story = "## What happened\n\nThe nightly job rotated the signing key before the gateway "
    story += "reloaded it, so every token signed after 02:00 was refused.\n\n"
    text = document(SUMMARY, story + TIMELINE, CAUSE, MEASURES)
    assert "PM114" not in _codes(text)
    twice = document(SUMMARY, SUMMARY + TIMELINE, CAUSE, MEASURES)  # two under one name
    assert "PM114" in _codes(twice)


VULNERABILITY = """# Parser accepted negative lengths

## Issue Summary

A crafted message with a negative length could crash a node. A security researcher reported
it through the bug bounty programme, and it was fixed before anyone used it; the issue was not
exploited.

## Timeline

- 2024-03-04 - A researcher submitted a bug report through the bounty programme.
- 2024-03-12 - Release 2.4.1 shipped with the length check.

## Root Cause and Resolution

The decoder read the length field as a signed integer and never checked it, so a negative value
made it allocate a huge buffer. Release 2.4.1 reads the field as unsigned and rejects lengths
above the message size.

## Corrective and Preventative Measures

Every decoder needs limits checked where the data enters, not deep inside.

- [ ] Fuzz every message decoder in CI for an hour per release
"""


def test_a_vulnerability_fixed_before_use_needs_no_outage_times() -> None:
    found = _codes(VULNERABILITY)
    assert not {"PM201", "PM202", "PM204", "PM208"} & set(found)
    outage = VULNERABILITY.replace("; the issue was not\nexploited", ". Nodes were down.")
    assert "PM201" in _codes(outage)


def test_the_opening_paragraph_belongs_to_the_summary() -> None:
    text = "At 10:00 UTC on March 4, 2024 the order queue stalled.\n\n" + document(
        SUMMARY.replace("From 10:00 to 10:40 UTC on March 4, 2024 (40 minutes), t", "T"),
        TIMELINE,
        CAUSE,
        MEASURES,
    ).replace("# Order queue stalled\n\n", "")
    assert "PM201" not in _codes(text)


def test_a_root_cause_written_in_subsections_is_counted() -> None:
    cause = (
        "## Root Cause\n\n### The consumer\n\nA malformed message made the consumer retry "
        "forever, so no other message was processed while the queue grew by thousands of "
        "messages a minute and the payment workers sat idle waiting for it.\n"
    )
    assert "PM401" not in _codes(document(SUMMARY, TIMELINE, cause, MEASURES))
    assert "PM401" in _codes(document(SUMMARY, TIMELINE, "## Root Cause\n\nA bug.\n", MEASURES))


def test_a_category_of_action_items_is_not_a_resolution_section() -> None:
    measures = MEASURES + "\n### Mitigation\n\nNone.\n"
    found = _codes(document(SUMMARY, TIMELINE, CAUSE, measures))
    assert not {"PM111", "PM402"} & set(found)


def test_a_timeline_of_long_paragraphs_is_reported_once() -> None:
    long = "The consumer kept retrying. Nobody noticed at first. The queue grew quickly."
    entries = [f"- 10:{m:02d} UTC - {long}" for m in range(10, 50, 8)]
    found = _codes(document(SUMMARY, _timeline(*entries), CAUSE, MEASURES))
    assert len(found["PM305"]) == 1


def test_entries_under_date_headings_are_in_order() -> None:
    timeline = (
        "## Timeline (UTC)\n\n### 2024-03-04\n\n- 22:00 - Queue depth alert fired.\n\n"
        "### 2024-03-05\n\n- 02:00 - Escalated to the platform team.\n- 09:40 - Service restored.\n"
    )
    assert "PM304" not in _codes(document(SUMMARY, timeline, CAUSE, MEASURES))


def test_lines_ending_in_a_hard_break_do_not_run_together() -> None:
    timeline = (
        "## Timeline\n\n**10:02 UTC** Queue depth alert fired<br>\n"
        "**10:15 UTC** Escalated to the platform team<br>\n**10:40 UTC** Service restored\n"
    )
    assert "PM301" not in _codes(document(SUMMARY, timeline, CAUSE, MEASURES))


def test_explain_says_which_section_was_taken_as_the_summary(tmp_path: Path) -> None:
    text = document(SUMMARY.replace("## Issue Summary", "## Overview"), TIMELINE, CAUSE, MEASURES)
    text = text.replace("The root cause was a consumer stuck on a poisoned message.", "")
    path = tmp_path / "pm.md"
    path.write_text(text, encoding="utf-8")
    shown = CliRunner().invoke(cli, ["lint", "--isolated", "--explain", str(path)]).output
    assert "PM209" in shown
    assert "= took “Overview” (line 3) as the summary: its heading “Overview” reads" in shown
    plain = CliRunner().invoke(cli, ["lint", "--isolated", str(path)]).output
    assert "= took" not in plain
    found = json.loads(
        CliRunner().invoke(cli, ["lint", "--isolated", "-f", "json", str(path)]).output
    )
    pm209 = next(f for f in found if f["code"] == "PM209")
    assert pm209["explain"].startswith("took “Overview” (line 3) as the summary")


def test_angle_brackets_in_code_are_not_template_placeholders() -> None:
    code = (
        '\n```\n<name:"job" value:"hook">\n<name:"job" value:"proxy">\n'
        '<name:"job" value:"plank">\n```\n'
    )
    text = document(SUMMARY, TIMELINE, CAUSE + code, MEASURES)
    assert "PM101" not in _codes(text)


def test_a_specific_task_with_a_remark_after_it_is_not_vague() -> None:
    text = _measures(
        "- Alert when pods stay Pending for 10 minutes. Something is wrong when this happens.",
        "- We should set up some kind of monitoring",
    )
    assert _codes(text)["PM505"] == [line_of(text, "some kind of")]


def test_a_separate_impact_section_and_resolution_before_cause_keep_the_order() -> None:
    impact = "## Impact\n\nAbout 30% of users could not place orders for 40 minutes.\n"
    resolution_first = (
        "## Resolution\n\nRestarting the consumer with the message moved to a dead-letter "
        "queue resolved the stall.\n\n## Root Cause\n\nA malformed message made the consumer "
        "retry forever, so no other message was processed.\n"
    )
    text = document(SUMMARY, TIMELINE, resolution_first, impact, MEASURES)
    assert "PM111" not in _codes(text)
    assert "PM111" in _codes(document(TIMELINE, SUMMARY, CAUSE, MEASURES))


def test_hedged_tasks_and_examples_start_with_their_verb() -> None:
    # the parser reads the examples under a lead-in as the tasks
    text = _measures(
        "Some possible actions in the future:",
        "* We could use the new address more:",
        "  * for example to set up a second reverse proxy, and have a failover.",
        "  * We could also use an additional IP for the mail gateway.",
        "* We likely need a bigger streaming server",
    )
    assert "PM503" not in _codes(text)


def test_completed_items_signed_by_who_did_them_are_done() -> None:
    text = _measures(
        "#### 1) Cron cleanup scheduled `@malte_j`",
        "",
        "Cron scheduled to remove the postgres archive older than 5 days.",
        "",
        "#### 2) Postmortem documented `@nova`",
        "",
        "This blog post as well as a small discussion in Discord.",
    )
    codes = _codes(text)
    assert "PM503" not in codes
    assert "PM509" in codes


def test_we_need_to_asks_for_work_it_does_not_report_it_done() -> None:
    from postmortems.lint.tasks import completed

    assert not completed("We need to improve monitoring of the queue")
    assert not completed("We proceed with the rollout only after a canary")
    assert completed("We added monitoring of the queue")
    codes = _codes(_measures("- [ ] We need to alert on the queue's depth (owner: @ana)"))
    assert "PM509" not in codes


def test_services_that_cease_to_be_accessible_is_what_users_saw() -> None:
    summary = (
        "## Summary\n\nAround 16:40 UTC on March 4, 2024 all the services on the proxy cease "
        "to be accessible over http for 40 minutes. The gateway route was deleted by a script.\n"
    )
    text = document(summary, TIMELINE, CAUSE, MEASURES, title="Reverse proxy IP lost")
    assert "PM207" not in _codes(text)


def test_an_exploit_that_took_advantage_of_a_missing_check_states_the_cause() -> None:
    text = _summary(
        "From 10:00 to 10:40 UTC on March 4, 2024, 30% of users lost funds: the exploit took "
        "advantage of a missing input integrity check in the deposit function."
    )
    assert "PM209" not in _codes(text)


@pytest.mark.parametrize(
    ("said", "flagged"),
    [
        ("It took approximately 7 hours to fix.", False),  # 7 h 20 min: rounded on purpose
        ("It took about 7 hours to fix.", False),
        ("It took 7 hours to fix.", True),  # stated as exact: 20 minutes off
        ("It took approximately 5 hours to fix.", True),  # a quarter of 5 h is 75 min: capped at 60
    ],
)
def test_an_approximate_duration_may_be_off_by_a_quarter(said: str, flagged: bool) -> None:
    summary = (
        "## Summary\n\nFrom 07:10 to 14:30 UTC on 2024-08-24 the checkout pages returned 500 "
        f"errors to 20% of users. {said} The root cause was a bad URL-encoding change.\n"
    )
    assert ("PM205" in _codes(document(summary, TIMELINE, CAUSE, MEASURES))) is flagged


def test_a_roundup_of_incidents_is_not_held_to_its_first_ones_window() -> None:
    """A total of "four incidents, 14 hours": the times stated are the first incident's."""
    summary = (
        "## Summary\n\nFour separate incidents of the flags API totaled 14 hours of downtime "
        "for all users; the root cause was undersized nodes.\n\n"
        "## Incident 1\n\nFrom 21:45 to 23:28 UTC on 2025-10-21 the flags API failed.\n\n"
        "## Incident 2\n\nFrom 09:00 to 13:00 UTC on 2025-10-24 the flags API failed.\n"
    )
    from postmortems.document import parse

    text = document(summary, TIMELINE, CAUSE, MEASURES)
    assert parse(text).incidents == 2
    assert "PM205" not in _codes(text)


def test_a_task_without_a_verb_is_named_by_its_first_word() -> None:
    text = _measures(
        "- [ ] Quarterly incident response drills",
        "- [ ] Regularly review alerts",
        "- [ ] Long-term capacity plan for the queue",  # a compound whose last part is no verb
        "- [ ] Health-check endpoint for the orders API",  # a noun and a verb make a noun
        "- [ ] On-call handbook for the payments team",
    )
    found = [v for v in lint_text(text) if v.code == "PM503"]
    assert [v.message.split("”")[0] for v in found] == [
        "task does not start with a verb (“Quarterly",
        "task does not start with a verb (“Long-term",
        "task does not start with a verb (“Health-check",
        "task does not start with a verb (“On-call",
    ]


def test_a_heading_that_differs_only_by_its_section_number_is_not_renamed() -> None:
    text = document(
        "## 1  Issue Summary\n\nFrom 10:00 to 10:40 UTC on March 4, 2024, 30% of users saw "
        "errors. The root cause was a bad deploy.\n",
        "## 3  Root Cause and Resolution\n\nA deploy shipped a bad config; we rolled it back.\n",
    )
    assert "PM112" not in _codes(text)


@pytest.mark.parametrize(
    "task",
    [
        "Ask the hosting provider to alert us on link failures",
        "Agree on one release path for features and hotfixes",
        "Triage the open alerts every morning",
        "Revert the cache change until it is load tested",
        "Revert to the previous node image until the fix is released",  # not "Name to …"
        "Switch to the managed database for the staging cluster",
        "Nóva to send the incident report to the vendor",  # a name, then what to do
        # a compound whose last part is the verb, and the verbs of an SRE's week
        "Load-test the promotion path before the next failover drill",
        "Dry-run the restore from the WAL archive every quarter",
        "Pre-warm the replica's buffer cache before promoting it",
        "Chaos-test the payment queue with a killed broker",
        "Backport the retry fix to the 4.2 branch",
        "Upsert the routing rows instead of deleting them first",
        "Canary every schema migration on one shard",
        "Right-size the connection pool of the orders API",
        "Sanity-check all restores against the catalogue",
        "Hot-fix the retry loop in the 4.2 branch",
        "Auto-tune the pool",
        "Cold-start the standby replica every week",  # a verb after the hyphen, then its object
        "Export the secrets-store replica lag as a metric",
        "Staff a weekend secondary for CI",
        "Surface stuck jobs on the CI dashboard",
        "Codify the failover steps in the runbook",
        "Quarantine flaky tests after three failures",
        "Fence the old primary before promoting a replica",
        "Sign release artifacts in the pipeline",
        "The alert must go also by SMS to the duty admin",  # a subject and "must", then the verb
    ],
)
def test_a_task_that_starts_with_a_common_verb_is_imperative(task: str) -> None:
    assert "PM503" not in _codes(_measures(f"- [ ] {task}"))


def test_messed_up_said_of_a_things_state_blames_no_one() -> None:
    cause = CAUSE + "\nPerhaps the node's settings got messed up during the upgrade.\n"
    assert "PM602" not in _codes(document(SUMMARY, TIMELINE, cause, MEASURES))
    blamed = CAUSE + "\nThe on-call engineer messed up the upgrade.\n"
    assert "PM602" in _codes(document(SUMMARY, TIMELINE, blamed, MEASURES))


def test_symptoms_witnessed_are_detection() -> None:
    text = document(
        SUMMARY,
        _timeline(
            "- 10:00 UTC - Upgrade of the cluster commenced.",
            "- 10:05 UTC - HTTP 502 responses witnessed on the storefront.",
            "- 10:40 UTC - Old nodes restored, service back.",
        ),
        CAUSE,
        MEASURES,
    )
    assert "PM306" not in _codes(text)


@pytest.mark.parametrize(
    ("told", "fixed"),
    [
        ("The TLS certificate expired. We renewed it.", True),
        ("The signing key leaked, so it was rotated and every token re-issued.", True),
        ("The node ran out of memory; we scaled up the pool.", True),
        ("Turned off the feature flag. Added the index the next day.", True),
        ("Disabled the new search ranking; errors stopped.", True),
        ("The primary failed over to the replica in the other zone.", True),
        # what went wrong, in the words of a fix
        ("The OOM killer killed the API pods after the cache was disabled by a typo.", False),
        ("The TLS certificate expired because it was not renewed.", False),
        ("The key had never rotated since launch.", False),
    ],
)
def test_a_short_resolution_that_renews_rotates_or_scales_states_the_fix(
    told: str, fixed: bool
) -> None:
    cause = f"## Root Cause and Resolution\n\n{told}\n"
    assert ("PM105" not in _codes(document(SUMMARY, TIMELINE, cause, MEASURES))) is fixed


@pytest.mark.parametrize(
    "last",
    [
        "Search alias pointed back at yesterday's index.",
        "Mariano reverted the malicious change.",
        "Rolled back to v2.13.",
        "Zero-result rate back at 2%. **OUTAGE ENDS**",
        "All 1,240 duplicate charges reversed; customers notified.",
    ],
)
def test_a_resolution_told_as_teams_tell_it_is_one(last: str) -> None:
    def told(end: str) -> str:
        return _timeline(
            "- 13:09 UTC - Synthetic query monitor pages the search on-call.",
            "- 13:14 UTC - The on-call purges the results cache; no change.",
            "- 13:29 UTC - Escalated to the search platform team.",
            f"- 13:41 UTC - {end}",
        )

    assert "PM311" not in _codes(document(SUMMARY, told(last), CAUSE))
    assert "PM311" in _codes(document(SUMMARY, told("Wrote to the vendor."), CAUSE))


def test_pausing_and_reversing_are_actions() -> None:
    timeline = _timeline(
        "- 02:35 UTC - The provider's anomaly alert emails the billing on-call.",
        "- 02:50 UTC - On-call pauses the scheduler.",
        "- 03:40 UTC - Duplicate charges reversed; customers notified.",
    )
    assert "PM308" not in _codes(document(SUMMARY, timeline, CAUSE))


def test_an_undoing_said_not_to_help_is_no_resolution() -> None:
    timeline = _timeline(
        "- 10:02 UTC - Error rate alert fired; the on-call was paged.",
        "- 10:40 UTC - Escalated to the database team.",
        "- 10:50 UTC - Rolled back the new release; errors continue.",
    )
    assert "PM311" in _codes(document(SUMMARY, timeline, CAUSE))


def test_blame_split_by_a_line_end_is_read_and_tools_are_no_people() -> None:
    cause = (
        "## Root Cause and Resolution\n\n"
        "The config went out with the wrong TTL. Kevin should have\n"
        "known that the two keys share a prefix. Jenkins forgot to run the TTL tests, and\n"
        "Terraform neglected to diff them. It was Redis's fault that the keys expired late.\n"
    )
    found = [v for v in lint_text(document(SUMMARY, TIMELINE, cause)) if v.code == "PM602"]
    assert [(v.line, v.message.split("”")[0]) for v in found] == [
        (line_of(document(SUMMARY, TIMELINE, cause), "Kevin should have"), "“should have known")
    ]
    named = cause.replace("Jenkins forgot", "Dana forgot")
    assert any("Dana forgot" in v.message for v in lint_text(document(SUMMARY, TIMELINE, named)))


@pytest.mark.parametrize(
    ("told", "blamed"),
    [
        ("Dana pushed the new TTL config without testing it.", "Dana pushed"),
        ("Omar merged the migration on Friday without a review.", "Omar merged"),
        ("The config was pushed without testing it.", None),  # the step, not a person
        ("Then pushed the config without testing it, then rolled back.", None),
        ("Engineers deployed the fix without testing; engineers now run the canary.", None),
    ],
)
def test_a_persons_step_done_without_a_check_is_blame(told: str, blamed: str | None) -> None:
    cause = f"## Root Cause and Resolution\n\nThe TTL of the keys was wrong. {told}\n"
    found = [v.message for v in lint_text(document(SUMMARY, TIMELINE, cause)) if v.code == "PM602"]
    assert [m.split("”")[0].removeprefix("“")[: len(blamed or "")] for m in found] == (
        [blamed] if blamed else []
    )


@pytest.mark.parametrize(
    "task",
    [
        "Investigate the issue",
        "Review the process",
        "Tell John to be more careful",
        "Remind engineers to double-check their work",
    ],
)
def test_tasks_that_change_nothing_are_vague(task: str) -> None:
    measures = f"## Corrective and Preventative Measures\n\n- [ ] {task}\n"
    assert "PM505" in _codes(document(SUMMARY, TIMELINE, CAUSE, measures))
    specific = measures.replace(task, "Investigate the pool exhaustion on db-3 with a load test")
    assert "PM505" not in _codes(document(SUMMARY, TIMELINE, CAUSE, specific))


STATUS_LOG = """\
# Delayed webhook deliveries

**Resolved** - Webhook deliveries have caught up and are sent in real time.
Mar 13, 2024 - 10:16 MDT

**Monitoring** - A fix is in place; the backlog of queued webhooks is draining.
Mar 13, 2024 - 09:52 MDT

**Identified** - The cause is a full disk on one of our message brokers.
Mar 13, 2024 - 09:31 MDT

**Investigating** - We are investigating delays of up to 40 minutes in webhooks.
Mar 13, 2024 - 09:05 MDT
"""


def test_a_status_pages_update_log_is_left_as_it_stands() -> None:
    """Its time lines are read under their updates: bullets would break the log (PM304 then
    found it out of order), and it has no label to make a heading."""
    codes = _codes(STATUS_LOG)
    assert "PM301" not in codes
    assert "PM113" not in codes
    assert "PM304" not in codes
    bare = "## Timeline\n\nMar 13, 2024 - 09:05 MDT\nMar 13, 2024 - 09:31 MDT\n"
    assert "PM301" in _codes(document(SUMMARY, bare + "Mar 13, 2024 - 10:16 MDT\n", CAUSE))


def test_human_error_in_the_summary_is_reported_unless_the_cause_names_the_gap() -> None:
    summary = SUMMARY.replace(
        "The root cause was a consumer stuck on a poisoned message.",
        "The root cause was human error: an engineer pushed a config with a typo.",
    )
    careless = "## Root Cause and Resolution\n\nThe engineer was in a hurry and made a typo.\n"
    assert "PM603" in _codes(document(summary, TIMELINE, careless))
    gap = careless + "Nothing validates a config before it is pushed.\n"
    assert "PM603" not in _codes(document(summary, TIMELINE, gap))


@pytest.mark.parametrize(
    "felt",
    [
        "roughly 12% of logged-in users were signed out",
        "30% of customers were charged twice",
        "search returned empty pages to 40% of users",
        "card payments were rejected for 5% of users",
    ],
)
def test_what_users_felt_told_plainly_is_their_experience(felt: str) -> None:
    summary = (
        "## Issue Summary\n\nFrom 10:00 to 10:40 UTC on March 4, 2024 (40 minutes), "
        f"{felt}. The root cause was a consumer stuck on a poisoned message.\n"
    )
    assert "PM207" not in _codes(document(summary, TIMELINE, CAUSE))
