"""Timeline entries: how many, which are timed, their dates."""

from __future__ import annotations

import datetime as dt

import pytest

from postmortems.document import parse


def entries(body: str, head: str = "") -> list[tuple[str | None, str]]:
    doc = parse(f"{head}## Timeline\n\n{body}\n\n## Root Cause\n\nA bug.\n")
    return [(e.when.local_text() if e.when else None, e.text) for e in doc.timeline]


def test_bullets_with_untimed_notes_are_all_entries() -> None:
    got = entries("- 10:00 - alert\n- Note: paged twice\n- 10:30 - fixed")
    assert [t for t, _ in got] == ["10:00", None, "10:30"]


def test_continuation_lines_and_sub_bullets_join_their_entry() -> None:
    got = entries("- 10:00 - alert fired\n  on the API\n  - dashboards were red\n- 10:30 - fixed")
    assert len(got) == 2
    assert got[0][1] == "alert fired on the API dashboards were red"


def test_numbered_untimed_steps_after_a_lead_in() -> None:
    body = (
        "I picked the issue up at 19:20 PST and started debugging.\n\n"
        "1. Checked running processes.\n2. Read the logs.\n3. Fixed the typo."
    )
    got = entries(body)
    assert got == [
        (None, "Checked running processes."),
        (None, "Read the logs."),
        (None, "Fixed the typo."),
    ]


def test_untimed_paragraph_steps_drop_the_lead_in_that_states_a_time() -> None:
    body = (
        "Encountered the issue at roughly 19:20 PST.\n\n"
        "Checked running processes.\n\nRead the logs.\n\nFixed the typo."
    )
    assert len(entries(body)) == 3


def test_bare_lines_table_rows_and_heading_entries() -> None:
    assert [t for t, _ in entries("10:00 - a\n10:05 - b")] == ["10:00", "10:05"]
    table = "| Time (UTC) | Event |\n|---|---|\n| 10:00 | a |\n| 10:05 | b |"
    assert [t for t, _ in entries(table)] == ["10:00", "10:05"]
    assert [t for t, _ in entries("### 14:05\nalert\n\n### 14:30\nfixed")] == ["14:05", "14:30"]


def test_run_on_paragraph_of_stamped_events() -> None:
    body = (
        "12:00pm EAT: Issue was detected. 12:06pm EAT: Curl showed one server. 12:09pm EAT: Fixed."
    )
    assert [t for t, _ in entries(body)] == ["12:00", "12:06", "12:09"]


def test_date_only_entries_are_untimed_and_set_the_date() -> None:
    got = entries("01/31/2023 - Report received\n\n02/15/2023 - Version 1.7.0 released")
    assert [t for t, _ in got] == [None, None]


def test_midnight_roll_over() -> None:
    doc = parse("# Outage on March 3, 2024\n\n## Timeline\n\n- 23:50 - alert\n- 00:10 - fixed\n")
    days = [e.when.date for e in doc.timeline if e.when]
    assert days == [dt.date(2024, 3, 3), dt.date(2024, 3, 4)]


def test_template_prompts_are_not_entries() -> None:
    body = "When was the issue detected?\n01:00 PM: alert\nactions taken\n01:15 PM: restarted"
    assert [t for t, _ in entries(body)] == ["13:00", "13:15"]


def test_html_markup_around_stamps() -> None:
    body = '- **<span style="color: red;">08:00 AM:</span>** <span>Alert.</span>'
    assert entries(body)[0][0] == "08:00"


def test_table_rows_with_a_date_cell_and_the_year_written_once() -> None:
    doc = parse(
        "## Summary\n\nOn Sunday, October 31 at 21:33 PT a user saw a spend.\n\n"
        "## Timeline\n\n| Day | Date (2021) | Time (PT) | Event |\n|---|---|---|---|\n"
        "| Sun | Oct 31 | 21:33 | user reports |\n| Mon | Nov 1 | 21:54 | verified |\n"
    )
    days = [e.when.date for e in doc.timeline if e.when]
    assert days == [dt.date(2021, 10, 31), dt.date(2021, 11, 1)]


def test_template_sub_prompts_over_timed_lines() -> None:
    body = (
        "* when was the issue detected:\n\n\t2:17 PM (GMT)\n\n"
        "* how was the issue detected\n\n\t2:20 PM (GMT) a user complained\n\n"
        "* actions taken\n\n\t2:22 PM (GMT) support looked at it\n"
    )
    assert [t for t, _ in entries(body)] == ["14:17", "14:20", "14:22"]


def test_phase_like_sub_bullet_stays_with_its_timed_entry() -> None:
    body = "- **10:20 AM** - checks servers\n  - Misleading path: rolled back\n- 10:50 AM - DB"
    assert [t for t, _ in entries(body)] == ["10:20", "10:50"]


def test_incident_begins_and_ends_markers_bound_the_outage() -> None:
    doc = parse(
        "## Timeline\n\n* 14:51 News of a new sonnet\n* 15:12 INCIDENT BEGINS\n"
        "* 15:17 Pager goes off\n* 16:18 INCIDENT ENDS, service restored\n* 17:00 Retro booked\n"
    )
    assert doc.facts.start is not None
    assert doc.facts.end is not None
    assert (doc.facts.start.time, doc.facts.end.time) == (dt.time(15, 12), dt.time(16, 18))


def test_a_timeline_that_only_points_elsewhere_has_no_entries() -> None:
    from postmortems.document.extract import section_flags

    doc = parse(
        "## Summary\n\nThe persons table ran out of OIDs and ingestion stalled for two days.\n\n"
        "## Timeline\n\nA full timeline is available on [the status page](https://status.x/1).\n"
    )
    assert doc.timeline == ()
    assert not section_flags(doc)["timeline"]


def dated(body: str, head: str = "") -> list[str | None]:
    """Each entry's local time with its date (``YYYY-MM-DD HH:MM``), None when untimed."""
    return [t for t, _ in entries(body, head)]


def test_br_breaks_before_stamps_separate_events() -> None:
    body = "09:00 - Deploy starts.<br> 09:12 - Errors rise.<br>09:30 - Rolled back."
    assert dated(body) == ["09:00", "09:12", "09:30"]


def test_template_braces_around_a_filled_in_time() -> None:
    body = "### {{ 06:10 }}\n\nA user reports the error.\n\n### {{ 07:45 }}\nA fix is pushed."
    assert dated(body) == ["06:10", "07:45"]


def test_dated_headings_over_prose_are_entries_over_entries_they_date_them() -> None:
    body = (
        "### 2024-05-01\n\nThe retention job is changed; nobody notices the new default.\n\n"
        "### 2024-05-03\n\n22:40 - Disk alerts fire on the primary.\n\n"
        "Later that night the replica falls behind.\n\n"
        "### 2024-05-04\n\n01:10 - Old snapshots removed, writes resume.\n"
    )
    got = entries(body)
    assert [t for t, _ in got] == [None, "2024-05-03 22:40", "2024-05-04 01:10"]
    assert got[0][1].endswith("nobody notices the new default.")
    assert got[1][1].endswith("Later that night the replica falls behind.")


def test_undated_headings_over_prose_are_entries_of_an_untimed_timeline() -> None:
    body = (
        "### Search went stale (minor)\n\nThe indexer stopped after a config push.\n\n"
        "### Login errors (major)\n\nTwo problems appeared together:\n"
        "1. the session store filled up;\n2. retries made it worse.\n\nA fix went out.\n"
    )
    got = entries(body)
    assert len(got) == 2
    assert "retries made it worse" in got[1][1]


def test_heading_over_a_lead_in_to_timed_headings_is_no_entry() -> None:
    body = (
        "### 2024-02-09 proxy outage\nBetween 2pm and 3pm the proxy crashed. What we saw:\n\n"
        "### 14:02\nmemory climbs\n\n### 14:20\nproxy restarts\n"
    )
    assert dated(body) == ["2024-02-09 14:02", "2024-02-09 14:20"]


def test_a_date_range_heading_dates_its_entry_at_the_first_day() -> None:
    body = (
        "### 11–13 June: queue backlog\n\nAt 08:15 the queue started to grow.\n\n"
        "### 14 June: cleanup\n\nThe old workers were retired.\n"
    )
    assert dated(body, "# Incidents of June 2025\n\n") == ["2025-06-11 08:15", None]


def test_heading_entry_takes_the_date_its_text_opens_with() -> None:
    body = (
        "### Cache outage\n\nOn 3 March 2025, the cache cluster failed at 04:20 UTC.\n\n"
        "### CDN errors\n\nOn 5 March 2025, a rule change broke downloads.\n"
    )
    assert dated(body) == ["2025-03-03 04:20", None]


def test_deeper_headings_belong_to_the_entry_above() -> None:
    body = (
        "### 2024-05-03\n\n22:40 - Release goes out. Two problems follow:\n\n"
        "#### 1. Builds fail\n\nOld projects cannot build.\n\n#### 2. Tests hang\n\nCI times out.\n"
    )
    got = entries(body)
    assert [t for t, _ in got] == ["2024-05-03 22:40"]
    assert "CI times out." in got[0][1]


def test_table_rows_that_open_with_a_date_are_entries_of_that_day() -> None:
    body = (
        "| Incident | Brief |\n|---|---|\n"
        "| 4 May — API errors | Errors began around 20:50. |\n"
        "| 9 May — slow pages | Latency rose for an hour. |\n"
    )
    assert dated(body, "# May 2025 report\n\n") == ["2025-05-04 20:50", None]


def test_a_date_in_brackets_after_the_stamp_dates_the_entry() -> None:
    body = "- **23:10 UTC (May 4)** - Alerts fire\n- **00:40 UTC (May 6)** - Fixed"
    assert dated(body, "# Outage of May 2025\n\n") == ["2025-05-04 23:10", "2025-05-06 00:40"]
    assert entries(body, "# Outage of May 2025\n\n")[1][1] == "Fixed"


def test_midnight_roll_over_is_read_across_zones() -> None:
    head = "# Outage of March 3, 2024\n\n"
    assert dated("- 23:50 PST - paged\n- 08:55 CET - EU team joins", head) == [
        "2024-03-03 23:50",
        "2024-03-04 08:55",
    ]
    assert dated("- 01:10 CEST - EU sees errors\n- 16:20 PDT - US team joins", head) == [
        "2024-03-03 01:10",
        "2024-03-02 16:20",
    ]


def test_a_date_heading_later_in_the_timeline_is_kept() -> None:
    body = "### March 3\n\n- 10:00 - alert\n\n### March 5\n\n- 09:00 - fixed\n"
    assert dated(body, "# Outage of March 2024\n\n") == ["2024-03-03 10:00", "2024-03-05 09:00"]


def test_a_heading_that_states_a_time_stays_in_the_timeline_whatever_its_level() -> None:
    doc = parse(
        "# Disk full\n\n## Timeline\n\n### 10:02\n\nAlert fires.\n\n## 10:30\n\nDisk cleaned.\n\n"
        "## 10:41 - 10:45\n\nWrites resume.\n\n## Root cause\n\nLogs were never rotated.\n"
    )
    assert [e.when.local_text() for e in doc.timeline if e.when] == ["10:02", "10:30", "10:41"]
    assert [s.kind.value for s in doc.sections] == ["timeline", "root_cause"]


def test_a_row_that_opens_with_a_period_is_an_entry_of_its_first_day() -> None:
    body = (
        "| Date/Time (UTC) | Event |\n|---|---|\n| 2025-03-01 09:00 | Firewall left off |\n"
        "| Between 2025-03-02 and 2025-03-05 | An outside host joins the cluster |\n"
        "| 2025-03-05 10:45 | Found and blocked |\n"
    )
    assert dated(body) == ["2025-03-01 09:00", None, "2025-03-05 10:45"]


def test_date_headings_at_the_timeline_level_stay_in_it() -> None:
    doc = parse(
        "# Outage\n\n## Timeline\n\n## March 6, 2024\n\n- 23:50 - paged\n\n"
        "## March 7, 2024\n\n- 00:30 - fixed\n\n## Root cause\n\nA bug.\n"
    )
    assert [s.kind.value for s in doc.sections] == ["timeline", "root_cause"]
    assert [e.when.local_text() for e in doc.timeline if e.when] == [
        "2024-03-06 23:50",
        "2024-03-07 00:30",
    ]


def test_a_timed_table_under_a_heading_of_its_own_is_the_timeline() -> None:
    from postmortems.document import parse

    doc = parse(
        "## Summary\n\nWebhooks were late for EU merchants.\n\n"
        "## What happened, minute by minute\n\n| Time | Event |\n| --- | --- |\n"
        "| 11:48 PM | Consumers start failing TLS verification. |\n"
        "| 12:03 AM | Queue depth alert fires. |\n"
        "| 12:58 AM | Consumers redeployed with the new CA bundle. |\n"
    )
    assert len(doc.timeline) == 3
    assert doc.timeline[0].text == "Consumers start failing TLS verification."
    assert doc.sections[1].title == "What happened, minute by minute"  # its own name kept


def test_a_twelve_hour_clock_goes_on_past_noon() -> None:
    body = (
        "* 2015-02-27 11:04 Build fails\n* 2015-02-27 12:39 Workspaces wiped\n"
        "* 2015-02-27 1:50 Start rebuilding the node\n* 2015-02-27 5:51 Incident over\n"
    )
    assert dated(body) == [
        "2015-02-27 11:04",
        "2015-02-27 12:39",
        "2015-02-27 13:50",
        "2015-02-27 17:51",
    ]
    # a 24-hour clock writes the night as "01:30", and am/pm says which half of the day it is
    assert dated("* 22:00 Alert\n* 23:10 Restart\n* 01:30 Recovered\n") == [
        "22:00",
        "23:10",
        "01:30",
    ]
    assert dated("* 12:40 PM Alert\n* 1:05 AM Paged\n") == ["12:40", "01:05"]


def test_a_status_page_update_log_is_the_timeline() -> None:
    doc = parse(
        "**Resolved** -\nNormal operations restored.\nMar 13, 10:16 MDT\n\n"
        "**Monitoring** -\nUpdate: performance is back to normal levels.\nMar 13, 09:15 MDT\n\n"
        "**Identified** -\nWe have found the cause.\nMar 13, 08:25 MDT\n\n"
        "**Investigating** -\nWe are seeing errors on the web application.\nMar 13, 07:00 MDT\n",
        "2026-03-13-status.md",
    )
    assert [e.text.split(" - ")[0] for e in doc.timeline] == [
        "Resolved",
        "Monitoring",
        "Identified",
        "Investigating",
    ]
    assert doc.facts.start is not None
    assert doc.facts.end is not None
    # newest first: read from the last update
    assert (doc.facts.start.time, doc.facts.end.time) == (dt.time(7, 0), dt.time(10, 16))
    assert doc.facts.zone is not None
    assert doc.facts.zone.label == "MDT"


def test_a_date_that_says_what_happened_is_an_entry_of_its_day() -> None:
    body = "**Feb 04, 2021, 21:45 (UTC):** The team is alerted.\n\n**22:09:** A tweet goes out."
    body += "\n\n**Feb 05, 2021:** Disclosure\n"
    got = entries(body)
    assert len(got) == 3
    assert got[-1][0] is None
    assert got[-1][1].endswith("Disclosure")
    assert dated("**Feb 05, 2021**\n\n**09:00:** Review\n") == ["2021-02-05 09:00"]


def test_a_paragraph_under_a_time_heading_is_its_text_even_with_a_colon() -> None:
    body = (
        "### 8:39\n\nChecked the network from the hub pod.\n\n### 8:47\n\n"
        "Decide to delete the hub pod: `kubectl delete pod hub-1`\n\n### 8:53\n\n"
        "The culler wakes up.\n"
    )
    assert [t for t, _ in entries(body)] == ["08:39", "08:47", "08:53"]
    assert entries(body)[1][1].startswith("Decide to delete the hub pod")


def test_a_dated_list_in_a_post_without_headings_is_the_timeline() -> None:
    doc = parse(
        "Our relay was down last night. Here is what went wrong (times are UTC):\n\n"
        "- 2022-03-04 18:00 - We deploy the new relay build.\n"
        "- 2022-03-04 ~21:00 - The on-call engineer goes home.\n"
        "- 2022-03-04 21:40 - Messages stop being relayed.\n"
        "- 2022-03-04 21:42 - Monitoring alerts the team.\n\n"
        "We are sorry for the trouble and will add a second relay.\n",
        "relay.md",
    )
    assert [e.when.local_text() if e.when else None for e in doc.timeline] == [
        "2022-03-04 18:00",
        "2022-03-04 21:00",  # "~21:00": about that time
        "2022-03-04 21:40",
        "2022-03-04 21:42",
    ]
    assert doc.preamble.startswith("Our relay was down")
    # the prose after the list is a part of its own, not an entry
    assert "second relay" in doc.sections[-1].body


@pytest.mark.parametrize(
    "last",
    [
        "- 21 January 2024 @ 02:10 UTC – Errors stop; the API is back,\n"
        "  confirmed by the synthetic checks.\n",
        "- 21 January 2024 @ 02:10 UTC – Errors stop; the API is back.\n"
        "  - confirmed by the synthetic checks\n",
    ],
)
def test_a_dated_list_closing_a_part_keeps_its_last_entry_s_wrapped_lines(last: str) -> None:
    """The last entry of a closing dated list may wrap or hold a sub-item: the list is still the
    timeline, that line still its entry's."""
    text = (
        "# Outage\n\n## Summary\n\nThe API was down from 01:30 to 02:10 UTC on 21 January "
        "2024.\n\n## How did we respond?\n\nWe rolled back.\n\n"
        "- 21 January 2024 @ 01:30 UTC – Alerts fire on the API.\n"
        "- 21 January 2024 @ 01:40 UTC – On-call rolls back the deploy.\n" + last
    )
    doc = parse(text, "x.md")
    assert len(doc.timeline) == 3
    assert "synthetic checks" in doc.timeline[-1].text


def test_a_dated_list_opening_a_post_keeps_its_last_entry_s_wrapped_line() -> None:
    text = (
        "# Database outage\n\nAll times are UTC:\n\n"
        "- 2017-01-24 23:33 - Replication lag alert fires.\n"
        "- 2017-01-24 23:40 - Engineer removes the wrong directory.\n"
        "- 2017-01-25 00:10 - Restore from backup begins,\n  taking six hours in all.\n\n"
        "We learned a lot from this.\n"
    )
    doc = parse(text, "x.md")
    assert doc.timeline[-1].text == "Restore from backup begins, taking six hours in all."
