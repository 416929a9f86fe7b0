"""Summary facts: start, end, duration, zone, % of users, the root-cause sentence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from postmortems.document import parse
from postmortems.document.affected import users_pct
from postmortems.document.durations import duration_of
from postmortems.document.extract import extract

FILLER = (
    "\n\n## Lessons Learned\n\nWe learned that our alerting was too quiet, that runbooks were"
    " out of date and that the on-call rotation needed a second person during deploys, which we"
    " will change next quarter together with better dashboards for every service we run.\n"
)


def facts(text: str) -> dict[str, Any]:
    got = extract(parse(text + FILLER, "x.md"))
    assert got["is_postmortem"]
    return got


def test_range_in_summary_with_zone_and_date_in_title() -> None:
    got = facts(
        "# Outage on February 12, 2024\n\n## Issue Summary\n\n"
        "From 04:00 to 06:30 PST the API returned 502s. About 75% of users were affected.\n"
    )
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2024-02-12 04:00",
        "2024-02-12 06:30",
        150,
    )
    assert (got["timezone"], got["utc_offset_minutes"], got["users_affected_pct"]) == (
        "PST",
        -480,
        75,
    )


def test_all_times_in_declaration() -> None:
    got = facts(
        "## Summary\n\nIt broke.\n\n## Timeline (all times in UTC)\n\n- 10:00 - a\n- 11:00 - b\n"
    )
    assert (got["timezone"], got["start"], got["end"]) == ("UTC", "10:00", "11:00")


def test_first_stated_time_is_the_start_and_end_derives_from_duration() -> None:
    got = facts("## Issue Summary\n\nAt 6:48AM PDT the chain stalled for 45 minutes.\n")
    assert (got["start"], got["end"], got["duration_minutes"]) == ("06:48", "07:33", 45)


def test_range_crossing_midnight() -> None:
    got = facts(
        "## Summary\n\nDuration: November 10, 2023, 8:00 PM - November 11, 2023, 2:00 AM (UTC)\n"
    )
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2023-11-10 20:00",
        "2023-11-11 02:00",
        360,
    )


def test_a_window_across_a_dst_change_lasts_the_time_between_the_instants() -> None:
    got = facts(
        "## Summary\n\nFrom 2026-10-25 01:45 CEST to 2026-10-25 02:45 CET, checkout failed.\n"
    )
    assert got["duration_minutes"] == 120  # 23:45 to 01:45 UTC, not the clocks' 60


def test_summary_without_times_falls_back_to_the_timeline() -> None:
    got = facts("## Summary\n\nThe site was down.\n\n## Timeline\n\n- 23:50 - down\n- 00:20 - up\n")
    assert (got["start"], got["end"], got["duration_minutes"]) == ("23:50", "00:20", 30)


def test_pacific_time_takes_the_offset_of_the_incident_date() -> None:
    got = facts("## Summary\n\nAt 2:50 PM Pacific Time on March 31, 2017 the switch failed.\n")
    assert (got["timezone"], got["utc_offset_minutes"]) == ("PT", -420)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2 hours and 45 minutes", 165),
        ("45 min", 45),
        ("1.5 hours", 90),
        ("an hour", 60),
        ("August 5, 2023, 09:00 AM - 11:30 AM", None),  # times, not a duration
        ("45m", 45),
        ("35m DAI of deposits", None),  # millions of a currency
        ("$35m", None),
    ],
)
def test_durations(text: str, minutes: int | None) -> None:
    assert duration_of(text) == minutes


@pytest.mark.parametrize(
    ("text", "pct"),
    [
        ("About 75% of users could not log in.", 75),
        ("<img src='x.png' width=100%> The checkout failed for 40% of customers.", 40),
        ("Responses were 30% slower for all users.", None),
        ("CPU was at 95% on the database host.", None),
        ("The reported price crashed by 88.9% within a single transaction.", None),
        # a level the users saw is not a share of them
        ("When a user uploads, the upload is stuck on 99%. Almost all users (90%) saw it.", 90),
    ],
)
def test_users_affected(text: str, pct: float | None) -> None:
    assert users_pct(text) == pct


@pytest.mark.parametrize(
    ("text", "everyone"),
    [
        ("The checkout returned HTTP 503 for all customers.", True),
        ("Logins failed for everyone.", True),
        ("Everyone on the team was paged.", False),
        ("We thank everyone for their patience.", False),
        ("We enabled the cache for everyone and p99 dropped to 450 ms.", False),
    ],
)
def test_every_user_hurt(text: str, everyone: bool) -> None:
    from postmortems.document.affected import all_users

    assert all_users(text) is everyone


def test_root_cause_sentence_joins_wrapped_lines() -> None:
    doc = parse(
        "## Root Cause\n\nThe root cause was an expired TLS certificate between nginx\n"
        "and the upstream. Nobody renewed it.\n"
    )
    assert doc.facts.root_cause is None or doc.facts.root_cause.endswith("upstream.")
    doc = parse(
        "## Issue Summary\n\nThe root cause was an expired TLS certificate between nginx\n"
        "and the upstream. Nobody renewed it.\n"
    )
    assert doc.facts.root_cause == (
        "The root cause was an expired TLS certificate between nginx and the upstream."
    )


def test_iana_zone_label_is_the_abbreviation_on_the_incident_date() -> None:
    front = "---\ntimezone: America/Los_Angeles\nstarted: 2024-07-12T04:00-07:00\n---\n\n"
    got = facts(
        front + "## Issue Summary\n\nFrom 04:00 to 06:30 on July 12, 2024 checkout failed.\n"
    )
    assert (got["timezone"], got["utc_offset_minutes"]) == ("PDT", -420)
    winter = front.replace("07-12", "01-12").replace("-07:00", "-08:00")
    got = facts(winter + "## Issue Summary\n\nFrom 04:00 to 06:30 on January 12, 2024 it failed.\n")
    assert (got["timezone"], got["utc_offset_minutes"]) == ("PST", -480)


def test_end_cue_after_the_time() -> None:
    got = facts(
        "## Issue Summary\n\nAround 7:10 AM PST pages failed. After a long debug, at around "
        "2.30PM PST the website was fully operational again.\n"
    )
    assert (got["start"], got["end"]) == ("07:10", "14:30")


def test_close_to_is_not_an_end() -> None:
    got = facts("## Issue Summary\n\nClose to 10:00 hours users saw errors; fixed by 10:08.\n")
    assert (got["start"], got["end"]) == ("10:00", "10:08")


def test_impact_window_stated_under_the_timeline() -> None:
    got = facts(
        "## Summary\n\nThe SDK broke surveys.\n\n## Timeline\n\nAll times in UTC.\n\n"
        "- **10:45** - bad version deployed\n- **16:11** - reverted\n"
        "- **22:28** - incident closed\n"
        "\n**Total impact duration:** 5 hours 26 minutes (10:45 - 16:11 UTC)\n"
    )
    assert (got["start"], got["end"], got["duration_minutes"]) == ("10:45", "16:11", 326)


def test_front_matter_window_wins_over_the_text() -> None:
    front = (
        "---\ntimezone: UTC\nstarted: 2024-05-01T22:00:00+02:00\n"
        "resolved: 2024-05-02T01:30:00+02:00\n---\n\n"
    )
    got = facts(front + "## Summary\n\nFrom 10:00 to 11:00 the API was slow for some users.\n")
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2024-05-01 20:00",
        "2024-05-01 23:30",
        210,
    )


def test_a_zone_declared_for_the_whole_report_is_read() -> None:
    from postmortems.document.summarytimes import declared_zone

    for text, zone in [
        ("All times in this report are in EDT.", "EDT"),
        ("Times in this document are UTC.", "UTC"),
        ("All times in the timeline are CET.", "CET"),
        ("All times are approximated to UTC.", "UTC"),
        # a zone's long name, capitalised as people write it
        ("All times in this report are Pacific Standard Time (PST).", "PST"),
        ("_All times Eastern (ET)._", "ET"),
    ]:
        found = declared_zone(text)
        assert found is not None, text
        assert found.label == zone, text
    assert declared_zone("All times in the EU region were slow.") is None


def test_a_length_in_brackets_after_the_range_is_a_stated_duration() -> None:
    from postmortems.document.durations import stated_duration

    assert stated_duration("From 04:00 to 06:30 PST (3 hours 30 minutes) checkout failed.") == 210
    assert stated_duration("From 04:00 to 06:30 PST on February 12, 2024 (2 h 30 min), …") == 150
    assert stated_duration("from 2:00 pm to 4:30 pm (2.5 hours)") == 150
    assert stated_duration("restarted 2 to 10 (ten) servers") is None
    assert stated_duration("until 06:30 (see the graph)") is None


def test_a_root_cause_named_across_a_wrapped_line_is_found() -> None:
    from postmortems.document.rootcause import root_cause_sentence

    text = "Users were not affected. The root\ncause was the Redis primary running out of memory."
    assert (
        root_cause_sentence(text) == "The root cause was the Redis primary running out of memory."
    )


def test_a_date_the_summary_states_is_not_a_guess() -> None:
    from postmortems.document import parse

    stated = parse(
        "## Issue Summary\n\nFrom 04:00 to 06:30 PST on February 12, 2024 checkout failed.\n"
    )
    assert (stated.facts.start.date.isoformat(), stated.facts.inferred) == (
        "2024-02-12",
        frozenset(),
    )
    carried = parse(
        "# Checkout outage of 2024-02-12\n\n## Issue Summary\n\nFrom 04:00 to 06:30 PST checkout "
        "failed.\n\n## Timeline\n\n- 2024-02-12 04:05 PST - Alert fired.\n"
    )
    assert {"start", "end"} <= carried.facts.inferred  # the summary writes no date: carried


def test_a_share_of_people_wins_over_a_share_of_their_requests() -> None:
    text = "40% of login attempts failed for two hours; about 35% of EU users were affected."
    assert users_pct(text) == 35
    assert users_pct("40% of login attempts failed for two hours.") == 40
    both = "The error rate rose to 12% of requests for 20 percent of our customers."
    assert users_pct(both) == 20


def test_a_later_update_note_does_not_date_the_incident() -> None:
    got = facts(
        "# 2021-06-29: Broken deploys\n\n## Summary\n\nDeploys were blocked for hours. *(Update: "
        "this was resolved the morning of 2021-06-30)*\n\n## Timeline\n\n### 2021-06-29 18:30\n\n"
        "Checks stop running.\n\n### 2021-06-29 22:40\n\nThe hotfix is deployed; deploys are back "
        "to normal.\n"
    )
    assert (got["start"], got["end"]) == ("2021-06-29 18:30", "2021-06-29 22:40")


def test_a_zone_database_name_is_a_zone() -> None:
    got = facts(
        "## Summary\n\nUpdates failed.\n\n## Timeline\n\n*(All times US/Pacific, 24-hour "
        "clock.)*\n\n### 2022-04-15 4:35\n\nUpdates start failing.\n\n### 2022-04-15 13:31\n\n"
        "The hotfix is deployed and the issue is resolved.\n"
    )
    assert (got["utc_offset_minutes"], got["start"], got["end"]) == (
        -420,
        "2022-04-15 04:35",
        "2022-04-15 13:31",
    )
    # "PST/PDT" is two abbreviations, not a zone database name
    assert facts("## Summary\n\nDown.\n\nAll times PST/PDT.\n")["utc_offset_minutes"] == -480


TIMELINE = "## Summary\n\nThe site was down for a while.\n\n## Timeline\n\n"


@pytest.mark.parametrize(
    ("entries", "window"),
    [
        pytest.param(
            "- 2018-10-08 18:40 - Certificates applied by hand; services operational.\n"
            "- 2018-10-30 09:10 - The new configuration is deployed with the old certificates.\n"
            "- 2018-10-30 19:00 - Alerts fire: clients see TLS errors.\n"
            "- 2018-10-30 19:30 - Certificates corrected; services are restored.\n",
            ("2018-10-30 09:10", "2018-10-30 19:30"),
            id="a change days before the trouble is lead-up",
        ),
        pytest.param(
            "- 2025-02-13 23:00 - The queue started slowly increasing.\n"
            "- 2025-02-14 16:45 - Blocks dropped and payments failed.\n"
            "- 2025-02-15 03:00 - The hotfix is deployed; payments work again.\n",
            ("2025-02-13 23:00", "2025-02-15 03:00"),
            id="a sign of the trouble days before is its start",
        ),
        pytest.param(
            "- 07:35 - The contract is funded.\n- 08:09 - The claims backend stops responding.\n"
            "- 14:57 - The status page is set to resolved.\n",
            ("08:09", "14:57"),
            id="the service stopping in the first hour is the start",
        ),
        pytest.param(
            "- 10:34 - Launch success reaches 0%.\n"
            "- 10:55 - The cluster self-heals and everything returns to normal.\n"
            "- 15:00 - Investigation starts; the node appears to have recovered.\n",
            ("10:34", "10:55"),
            id="a recovery said while investigating later is no recovery",
        ),
    ],
)
def test_the_outage_window_a_timeline_tells(entries: str, window: tuple[str, str]) -> None:
    got = facts(TIMELINE + entries)
    assert (got["start"], got["end"]) == window


def test_a_numeric_date_follows_the_month_named_elsewhere() -> None:
    got = facts(
        "## Issue Summary\n\nAn expired certificate took the site down.\n\n## Timeline\n\n"
        "- **08-01-2026** – The certificate expired\n- **11-01-2026 10:00 UTC** – Failures began\n"
        "- **12-01-2026 10:40 UTC** – Services restored\n\n## Root Cause\n\nThe certificate "
        "expired on 8 January 2026 and was not renewed.\n"
    )
    assert (got["start"], got["end"]) == ("2026-01-11 10:00", "2026-01-12 10:40")


def test_a_fix_some_minutes_after_the_start_ends_the_window() -> None:
    got = facts(
        "## Background\n\nAt 21:45 (UTC) on Feb 4, 2021 the team notices an odd transaction "
        "draining the vault's total 35m DAI, and the exploit is mitigated 11 minutes later.\n"
    )
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2021-02-04 21:45",
        "2021-02-04 21:56",
        11,
    )


def test_the_duration_column_of_an_impact_table_states_the_length() -> None:
    got = facts(
        "## Impact\n\n| Customers Impacted | Customer Data Loss | Incident Duration |\n"
        "| :---: | :---: | :---: |\n| SaaS customers | None | ~2h |\n\n## Timeline\n\n"
        "- **09:15 GMT** – Monitoring detected failures\n- **10:45 GMT** – All services "
        "confirmed operational\n"
    )
    assert got["duration_minutes"] == 120


def test_with_no_summary_the_first_part_opens_the_document() -> None:
    doc = parse(
        "**What Went Wrong**\nOn January 29th at approximately 5:50 PM EST, customers saw "
        "intermittent outages across the API services after an upgrade.\n\n**Root Cause**\n"
        "A scheduled upgrade rebooted key systems.\n\n**Mitigation**\nThe upgrade was "
        "halted and rolled back.\n",
        "status.md",
    )
    assert doc.facts.start is not None
    assert doc.facts.start.local_text() == "17:50"
    assert doc.facts.zone is not None
    assert doc.facts.zone.label == "EST"


def test_the_nearer_cue_marks_a_time_started_then_ended_in_one_sentence() -> None:
    got = facts(
        "# Checkout unavailable\n\n## Incident details\n\n"
        "- The outage started at 3/14/2023, 1:05 AM and ended at 04:20 AM the same day.\n"
        "- No payments could be taken meanwhile.\n"
    )
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2023-03-14 01:05",
        "2023-03-14 04:20",
        195,
    )


def test_a_zone_named_in_words_without_a_time_is_the_zone() -> None:
    got = facts(
        "# Site incident report\n\nWe recovered from an outage that began this morning Eastern"
        " time.\n\n## Timeline\n\n### 11:41 AM (June 8, 2024)\n\n- An alert said the site was"
        " down.\n\n### 5:19 PM\n\n- The site came back online.\n"
    )
    assert (got["timezone"], got["utc_offset_minutes"]) == ("ET", -240)  # June: daylight time


def test_a_stats_line_yields_to_the_window_the_summary_states() -> None:
    got = facts(
        "# 503 errors on images\n\n## Description\n\nBetween 10:18 UTC+2 and 11:20 UTC+2 the"
        " images of some sites answered 503.\n\n## Metrics\n\n- Time To Detect: 10 min\n"
        "- Time To Resolve: 60min\n"
    )
    assert (got["start"], got["end"], got["duration_minutes"]) == ("10:18", "11:20", 62)


def test_the_day_a_sentence_says_it_happened_on_wins_over_a_dateline() -> None:
    got = facts(
        "# My first postmortem\n\nSunday, February 23, 2020\n\nEarlier this week our site was"
        " down. This incident occurred on February 19, 2020.\n\n## Issue summary\n\n"
        "From 12:15 PM (GMT-5) to 2:45 PM (GMT-5), all visitors got a 500 error.\n"
    )
    assert (got["start"], got["end"]) == ("2020-02-19 12:15", "2020-02-19 14:45")


def test_an_end_in_the_hour_the_clocks_repeat_is_the_same_day_when_its_zone_says_so() -> None:
    """From 01:20 PDT to 01:00 PST on the night the clocks go back: 40 minutes, one day."""
    from postmortems.document.summarytimes import summary_windows

    text = "From 2026-11-01 01:20 PDT to 2026-11-01 01:00 PST (40 minutes), checkout failed."
    start, end, _ = summary_windows(text, dt.date(2026, 11, 1), None)
    assert start is not None
    assert end is not None
    assert end.local_text() == "2026-11-01 01:00"
    late = summary_windows(
        "From 23:30 PST to 00:30 PST on 2026-11-02, checkout failed.", None, None
    )[:2]
    assert late[1] is not None
    assert late[1].local_text() == "2026-11-03 00:30"  # earlier clock, same zone: next day


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        (
            "Uploads failed for an hour. It was caused by a schema migration that locked the "
            "table.",
            "It was caused by a schema migration that locked the table.",
        ),
        (
            "Logins failed. The cause was an expired certificate. We renewed it.",
            "The cause was an expired certificate.",
        ),
        (
            "CI was down.\nThe reason was that one of the Ceph OSDs filled up.",
            "The reason was that one of the Ceph OSDs filled up.",
        ),
        # a sentence naming the root cause comes first
        (
            "It was caused by load. The root cause was a missing index.",
            "The root cause was a missing index.",
        ),
        # what the outage caused is its impact, not its cause
        ("Seventy builds failed, caused by this outage.", None),
        (
            "Errors are caused by the outage of the upstream provider.",
            "Errors are caused by the outage of the upstream provider.",
        ),
        ("Checkout failed. The reason is unknown.", None),
        # a stronger cue wins over "because"
        (
            "We could not roll back because of the change freeze. It was caused by a bad index.",
            "It was caused by a bad index.",
        ),
        (
            "Pushes failed because of a bad config push.",
            "Pushes failed because of a bad config push.",
        ),
        ("Luckily few users noticed.", None),
    ],
)
def test_a_cause_stated_without_the_words_root_cause_is_the_root_cause(
    text: str, cause: str | None
) -> None:
    from postmortems.document.rootcause import root_cause_sentence

    assert root_cause_sentence(text) == cause


def test_front_matter_times_without_an_offset_are_the_zones_across_a_dst_change() -> None:
    """02:10 is CEST that night (the first of the two), 03:40 is CET: 150 minutes apart."""
    doc = parse(
        "---\ntimezone: Europe/Berlin\nstarted: 2024-10-27T02:10\nresolved: 2024-10-27T03:40\n"
        "detected: 2024-10-27T03:05\n---\n# Batch ran twice\n\n## Summary\n\nThe billing batch "
        "ran twice for the repeated hour and charged 1,240 customers (about 3% of active "
        "subscribers) twice. The scheduler uses local wall-clock time, and 02:00 to 03:00 "
        "happened twice that night. Duplicate charges were reversed by 03:40.\n\n## Timeline\n\n"
        "- 02:10 CEST - the batch runs\n- 02:10 CET - it runs again\n- 03:40 CET - reversed\n\n"
        "## Root cause\n\nThe scheduler keyed its already-ran marker on the local hour rather than "
        "on a UTC instant, so the second 02:00 hour found no marker and ran the batch again.\n",
        "pm.md",
    )
    assert extract(doc)["duration_minutes"] == 150
    from postmortems.render.summary import summarize

    card = summarize(doc)
    assert (card.duration_minutes, card.detect_minutes) == (150, 115)


def test_the_root_cause_is_its_sections_when_the_summary_names_none() -> None:
    """What the card shows is what the extraction says: the cause sentence of the root-cause
    section ("Root cause: …" as a label), when the summary states no cause."""
    text = "**Issue Summary:** checkout was down for 25 minutes; about 40% of users saw errors.\n\n"
    text += "**Timeline (all times PST)**\n* 2:05 PM: pager alert on 5xx rate\n"
    text += "* 2:30 PM: errors back to baseline\n\nRoot cause: a config push removed the pool.\n"
    assert facts(text)["root_cause"] == "a config push removed the pool."
    section = "## Root Causes\n\nThe builder reads a shared bucket. It failed because of a "
    section += "cleanup job that deleted the synonyms file.\n"
    said = facts("## Summary\n\nSearch returned empty pages for 20% of users.\n\n" + section)
    assert said["root_cause"] == (
        "It failed because of a cleanup job that deleted the synonyms file."
    )


def test_a_date_field_in_the_head_states_the_day() -> None:
    """ "**Date:** 2024-05-14" over a summary that gives only times: the window's day is stated,
    not inferred."""
    got = facts(
        "# Search results empty\n\n**Date:** 2024-05-14\n\n## Summary\n\nSearch returned empty "
        "pages to 40% of users from 13:02 to 13:49 UTC after a bad index rollover.\n"
    )
    assert (got["start"], got["end"]) == ("2024-05-14 13:02", "2024-05-14 13:49")
    assert "start" not in got["inferred"]
