"""Issue 10's reading rules for the outage window, each on a short document written for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from postmortems.document import parse
from postmortems.document.durations import stated_duration
from postmortems.document.extract import extract
from postmortems.document.timeparse import find_times, leading_time

FILLER = (
    "\n\n## Lessons Learned\n\nWe learned that our alerting was too quiet, that runbooks were"
    " out of date and that the on-call rotation needed a second person during deploys, which we"
    " will change next quarter together with better dashboards for every service we run.\n"
)


def read(text: str, path: str = "notes.md") -> dict[str, Any]:
    got = extract(parse(text + FILLER, path))
    assert got["is_postmortem"]
    return got


def window(got: dict[str, Any]) -> tuple[Any, Any, Any]:
    return got["start"], got["end"], got["duration_minutes"]


def test_a_dated_heading_with_am_pm_is_read_in_twelve_hour_time() -> None:
    found = leading_time("2019-03-02 11:14 PM")
    assert found is not None
    assert (found.time, found.date) == (dt.time(23, 14), dt.date(2019, 3, 2))


def case(text: str, path: str = "notes.md", *, id: str, **expected: Any) -> Any:
    return pytest.param(text, path, expected, id=id)


WINDOWS = [
    case(
        "# 2021-06-02 - Queue stall\n\n## Summary\n\n"
        "On the night of June 1, the job queue stalled due to a full disk.\n\n"
        "## Timeline\n\n- 22:10 Queue depth alert fires\n- 22:40 Disk cleaned, queue drains\n",
        start="2021-06-01 22:10",
        end="2021-06-01 22:40",
        id="due to in the summary does not hide its date",
    ),
    case(
        "# Search outage\n\nPublished 2022-03-05.\n\n## Summary\n\n"
        "On Mar 4, search returned empty pages for everyone.\n\n"
        "## Timeline\n\n- 09:00 Empty results reported\n- 09:30 Index restored\n",
        start="2022-03-04 09:00",
        id="a date without a year takes the documents year",
    ),
    case(
        "# Payment errors\n\n## Timeline\n\n- 2023-05-02 10:00 Payments fail\n"
        "- 2023-05-02 10:30 Service restored\n"
        "- 2023-05-02 10:40 Rollback attempted, errors still not resolved\n",
        end="2023-05-02 10:30",
        id="an attempted fix is not the recovery",
    ),
    case(
        "# 2017-04-02 - Proxy restart\n\n## Summary\n\n"
        "Users saw errors. Everything was fixed in about 40 minutes.\n\n"
        "## Timeline\n\n- 21:10 Proxy evicted\n- 22:03 The last user's server is fixed\n",
        start="2017-04-02 21:10",
        end="2017-04-02 22:03",
        duration_minutes=40,
        id="fixed in about n minutes is the stated duration",
    ),
    case(
        "# 2024-01-03 - Disk alarm\n\n## Summary\n\nThe disk filled; writes"
        " failed for 15 minutes at first, then slowed.\n\n"
        "## Timeline\n\n- 10:00 Disk full\n- 11:30 Volume resized, writes restored\n",
        start="2024-01-03 10:00",
        end="2024-01-03 11:30",
        duration_minutes=90,
        id="a weak duration does not move the timelines end",
    ),
    case(
        "---\ntitle: X\nstarted: 2024-02-12T04:00-08:00\nresolved: 2024-02-12T06:30-08:00\n"
        "timezone: America/Los_Angeles\n---\n## Timeline\n\n- 04:00 Errors\n- 05:00 Still bad\n",
        inferred=[],
        id="front matter times are never inferred",
    ),
    case(
        "# Build farm outage\n\n## Summary\n\nOn 2019-04-10 builds failed for everyone.\n\n"
        "## Timeline\n\n- 2019-04-09 15:00 A config change is merged, unnoticed\n"
        "- 2019-04-10 04:50 First report of failing builds\n"
        "- 2019-04-10 08:30 Config reverted, builds recovered\n",
        start="2019-04-10 04:50",
        end="2019-04-10 08:30",
        id="entries before the summarys day are lead up",
    ),
    case(
        "# Outages in March 2024\n\n## Timeline\n\n### March 3, 2024 - API outage\n\n"
        "- 10:00 API errors for all clients\n- 10:40 Database failover, API restored\n\n"
        "### March 17, 2024 - Search outage\n\n"
        "- 09:00 Search times out\n- 12:00 Index rebuilt, search restored\n",
        incidents=2,
        start="2024-03-03 10:00",
        end="2024-03-03 10:40",
        duration_minutes=40,
        id="a roundup is several incidents and its facts are the firsts",
    ),
    case(
        "# Testnet reports\n\n## Incident #2: chain stalled\n\nThe chain stalled on 2020-01-02.\n\n"
        "## Incident #1: peers dropped\n\nPeers dropped on 2019-12-01.\n",
        incidents=2,
        id="numbered incident reports are counted",
    ),
    case(
        "# 2024-03-03 API outage\n\n## Summary\n\nThe API failed.\n\n## Timeline\n\n"
        "### 10:00\n\nAPI errors.\n\n### 10:40\n\nAPI restored.\n",
        incidents=1,
        id="a document about one incident counts one",
    ),
    case(
        "# 2019-12-11 - Build failures\n\n## Summary\n\nComponent: plugins<br> Duration: 19\n"
        "hours<br> User impact: builds failed.\n\n"
        "## Timeline\n\n- 2019-12-11 18:15 Reports start\n- 2019-12-12 13:34 Fix released\n",
        duration_minutes=19 * 60,
        id="a duration wrapped onto the next line is read",
    ),
    case(
        "# Gateway loss\n\n## Summary\n\nThe gateway was lost on 2024-08-03 at 16:40 and we had"
        " two days of downtime.\n",
        duration_minutes=2 * 1440,
        id="n days of downtime is a stated duration",
    ),
    case(
        "# 2020-03-16 - Chain halt\n\n## Summary\n\nA proposal was submitted at 21:00 UTC. At"
        " 03:00 UTC the network halted. It was restarted at 09:00 UTC.\n",
        start="2020-03-16 03:00",
        id="the time the service went down is the start not an earlier one",
    ),
    case(
        "# 2017-03-20 - Too many users\n\n## Summary\n\nThe hub was slow from sometime in the"
        " morning till about 1300.\n\n"
        "## Timeline\n\n- 12:44 Students report timeouts\n- 14:23 Post-mortem meeting scheduled\n",
        start="2017-03-20 12:44",
        end="2017-03-20 13:00",
        duration_minutes=16,
        id="a summary that states only the end takes the start from the timeline",
    ),
    case(
        "# 2021-01-12: Database outage\n\nAt 03:01 UTC on 12 January the database went away.\n\n"
        "# Leadup\n\nThe sync job had been running for over 24 hours after every restart.\n",
        start="2021-01-12 03:01",
        end=None,
        duration_minutes=None,
        id="a weak duration outside the summary does not make an end",
    ),
    case(
        "# Node failures\n\n## Summary\n\nConnections spiked at 00:27 UTC on 2021-07-11; the"
        " status incident was created and backdated to 00:25 UTC.\n",
        start="2021-07-11 00:27",
        end=None,
        id="an end minutes before the start is not the next day",
    ),
    # The file name says 3 October: "03/10/2021" in the text is day first.
    case(
        "# Network down\n\n## Timeline\n\n### 03/10/2021\n\n- 02:17 Outage begins, sites time out\n"
        "- 09:30 Network restored\n",
        path="reports/2021-10-03-network-down.md",
        start="2021-10-03 02:17",
        end="2021-10-03 09:30",
        id="numeric dates follow the documents own order",
    ),
    case(
        "# Queue stall\n\nWritten 25/10/2021.\n\n## Timeline\n\n### 05/10/2021\n\n"
        "- 10:00 Queue stalls\n- 10:30 Queue drains, service restored\n",
        start="2021-10-05 10:00",
        id="a date that can be read only one way sets the order",
    ),
    case(
        "# Queue stall\n\n## Summary\n\nOn 05/10/2021 at 10:00 PST the queue stalled; it was"
        " restored at 10:30 PST.\n",
        start="2021-05-10 10:00",
        id="american zones read numeric dates month first",
    ),
    case(
        "# Queue stall\n\n## Summary\n\nOn 05/10/2021 at 10:00 CEST the queue stalled; it was"
        " restored at 10:30 CEST.\n",
        start="2021-10-05 10:00",
        id="european zones read numeric dates day first",
    ),
    case(
        "# Web server down\n\n## Issue Summary\n\nAt 12:00 AM PDT on March 24th, 2017, the web"
        " server became unresponsive. Admins noticed at 7:00 AM PDT. The typo was corrected at"
        " approximately 10:00 PM.\n",
        start="2017-03-24 00:00",
        end="2017-03-24 22:00",
        duration_minutes=1320,
        id="the time a fault was corrected is the end",
    ),
    case(
        "# Docs outage\n\nAt 2019-10-21 01:38 UTC the docs.rs website went down because the disk"
        " was full. Builds were failing since 2019-10-20 00:55 UTC for the same reason.\n",
        start="2019-10-21 01:38",
        id="a dotted name does not hide that the site went down",
    ),
    case(
        "# Disk full\n\nOn 2022-12-13 at 18:52 UTC we had a 7 minute cascading failure.\n\n"
        "## Timeline\n\n- 18:52 Disk full, requests fail\n- 19:06 Space recovered, site restored\n",
        start="2022-12-13 18:52",
        end="2022-12-13 19:06",
        duration_minutes=7,
        id="the timelines recovery ends an outage whose summary gives start and length",
    ),
    case(
        "# Docs outage\n\nAt 2019-10-21 01:38 UTC the website went down.\n\n## Timeline\n\n"
        "Unless otherwise noted all events happened on 2019-10-21, and all times are in UTC.\n\n"
        "- 2019-10-20 00:55: builds started failing\n- 01:38: alerts fired, site down\n"
        "- 02:06: site back online\n",
        start="2019-10-21 01:38",
        end="2019-10-21 02:06",
        duration_minutes=28,
        id="a timeline that declares its day dates entries without one",
    ),
    case(
        "# 2021-05-26 - Website outage\n\n## Timeline\n\n- 16:49 Branch renamed in the CMS\n"
        "- 16:50 Build config updated\n- 16:52 Site is hard down\n- 18:00 Site fully recovered\n",
        start="2021-05-26 16:52",
        end="2021-05-26 18:00",
        duration_minutes=68,
        id="the change minutes before the site went down is lead up",
    ),
    case(
        "# SDK incident\n\n## Timeline\n\n- 2026-01-14 10:18 A customer reports broken pages\n"
        "- 2026-01-17 03:31 Another customer's site was down\n"
        "- 2026-01-19 16:04 Fix released, sites restored\n",
        start="2026-01-14 10:18",
        id="a report days before another outage report stays the start",
    ),
    case(
        "# Card fraud\n\n## Timeline\n\n- 2022-01-28 02:34 Fraudulent charge reported\n"
        "- 2022-01-28 02:42 Both cards locked\n- 2022-02-10 17:52 The vendor replied\n",
        start="2022-01-28 02:34",
        end=None,
        duration_minutes=None,
        id="a last entry weeks later is follow up not the end",
    ),
    case(
        "# Sync outage\n\n## Summary\n\nThe photo sync was broken from at least midnight"
        " 14-2-2019 until 06:15 that morning, when the old worker image was restored.\n",
        start="2019-02-14 00:00",
        end="2019-02-14 06:15",
        duration_minutes=375,
        id="at least before midnight in a range is the start",
    ),
    case(
        "# Sync outage\n\n## Summary\n\nOn 2019-02-14 uploads failed from approximately"
        " 2215 until at least 2340 UTC.\n",
        start="2019-02-14 22:15",
        end="2019-02-14 23:40",
        duration_minutes=85,
        id="a hedge before four digit times in a range",
    ),
    case(
        "# Checkout errors\n\n## Summary\n\nOn 2022-11-08 checkout failed between 09:10 and"
        " 09:35 UTC and again\nbetween 11:50 and 12:30 UTC while the card vault was rebuilt.\n",
        start="2022-11-08 09:10",
        end="2022-11-08 12:30",
        duration_minutes=25 + 40,
        id="several windows run from the first start to the last end and last their sum",
    ),
    case(
        "# Checkout errors\n\n## Summary\n\nOn 2022-11-08 checkout failed from 23:20 to 23:45"
        " UTC. It failed again from 00:30 to 00:50 UTC after the vault restarted.\n",
        start="2022-11-08 23:20",
        end="2022-11-09 00:50",
        duration_minutes=25 + 20,
        id="a window said to come again after midnight is on the next day",
    ),
    case(
        "# Checkout errors\n\n## Summary\n\nOn 2022-11-08 checkout failed from 09:10 to 09:35"
        " UTC and again from 11:50 to 12:30 UTC. Total downtime: 70 minutes.\n",
        duration_minutes=70,
        id="a total stated beside several windows is the duration",
    ),
    case(
        "# Checkout errors\n\n## Summary\n\nOn 2022-11-08 checkout failed from 09:10 to 09:35"
        " UTC; the team then met from 10:00 to 11:00 UTC to plan the vault rebuild.\n",
        start="2022-11-08 09:10",
        end="2022-11-08 09:35",
        duration_minutes=25,
        id="a later range of other work is no second window",
    ),
]


@pytest.mark.parametrize(("text", "path", "expected"), WINDOWS)
def test_what_a_document_states(text: str, path: str, expected: dict[str, Any]) -> None:
    """Each case is one reading rule: the facts it reads from a short document written for it."""
    got = read(text, path)
    assert {key: got[key] for key in expected} == expected


def test_a_date_in_the_file_name_dates_an_undated_document() -> None:
    got = read(
        "# Login failures\n\n## Timeline\n\n- 08:00 Logins fail\n- 08:45 Sessions restored\n",
        path="incidents/2020-11-09-login-failures.md",
    )
    assert window(got)[:2] == ("2020-11-09 08:00", "2020-11-09 08:45")
    assert "start" in got["inferred"]  # the date is the file's, not written beside the time


def test_the_end_is_the_recovery_not_the_follow_up_work() -> None:
    got = read(
        "# Cache outage\n\n## Timeline\n\n- 2023-05-02 10:00 Cache nodes crash, pages fail\n"
        "- 2023-05-02 10:20 Cache restarted, service restored\n"
        "- 2023-05-04 09:00 Post-incident review held\n"
    )
    assert window(got) == ("2023-05-02 10:00", "2023-05-02 10:20", 20)
    assert "end" not in got["inferred"]


def test_an_end_taken_from_the_last_entry_is_inferred() -> None:
    got = read(
        "# Slow builds\n\n## Timeline\n\n- 2023-05-02 10:00 Builds slow down\n"
        "- 2023-05-02 11:00 Team discusses the cache\n"
    )
    assert got["end"] == "2023-05-02 11:00"
    assert {"end", "duration_minutes"} <= set(got["inferred"])


def test_a_time_written_10h47_with_a_zone_is_read() -> None:
    found = leading_time("10h47 CEST: disk full alert")
    assert found is not None
    assert found.time == dt.time(10, 47)
    assert leading_time("2h30 of lost work") is None  # without a zone it may be a duration


def test_times_written_14h02_read_as_a_range_and_as_timeline_stamps() -> None:
    got = read(
        "# Payment outage\n\n## Summary\n\nFrom 14h02 to 15h10 CET on 3 March 2026, 20% of "
        "users could not pay.\n\n## Timeline\n\n- 14h02 - Alert fired on payment errors.\n"
        "- 9h05 - Someone paged.\n"
    )
    assert window(got) == ("2026-03-03 14:02", "2026-03-03 15:10", 68)
    assert [e["time"] for e in got["timeline"]] == ["14:02", "09:05"]
    # a length is still no time: neither "2h30 of work" nor "took 2h30 - then"
    assert find_times("the rebuild went from 2h30 to 12 hours") == []
    assert find_times("a restore normally takes 1h30 to 2h00, each took 1h30-2h00") == []
    assert [f.time.hour for f in find_times("down 9h05-9h40 CET")] == [9]
    assert find_times("the restore took 12h30 of work") == []
    assert leading_time("2h30 lost - then we restarted") is None


@pytest.mark.parametrize(
    ("written", "day", "zone", "offset"),
    [
        ("(Paris time, CET)", "3 March 2026", "CET", 60),
        ("(Paris time, CEST)", "3 July 2026", "CEST", 120),
        # a city whose clocks change is read on the day: summer time in July
        ("(Paris time)", "3 July 2026", "CEST", 120),
        ("(Paris time)", "3 March 2026", "CET", 60),
        ("(Kigali time)", "3 July 2026", "CAT", 120),
    ],
)
def test_a_zone_declared_by_city_and_abbreviation_is_read_on_its_day(
    written: str, day: str, zone: str, offset: int
) -> None:
    got = read(
        f"# Checkout outage\n\n## Summary\n\nOn {day} checkout failed from 14h02 to 14h49 "
        f"{written} for 30% of users.\n\n## Timeline\n\n- 14h02 - Alert fired.\n"
    )
    assert (got["timezone"], got["utc_offset_minutes"]) == (zone, offset)
    assert (got["start"][-5:], got["end"][-5:], got["duration_minutes"]) == ("14:02", "14:49", 47)


def test_each_time_followed_by_its_date_and_then_the_zone_is_one_dated_range() -> None:
    got = read(
        "# Invoices sent twice\n\n## Summary\n\nBetween 23:30 on 2024-09-29 and 01:10 on "
        "2024-09-30 (CEST), the nightly export ran twice for 40% of customers.\n\n"
        "## Timeline\n\n- 23:30 - Export started.\n"
    )
    assert window(got) == ("2024-09-29 23:30", "2024-09-30 01:10", 100)
    assert (got["timezone"], got["inferred"]) == ("CEST", [])
    # "on Sunday" is no date: the times stay apart
    found = find_times("at 23:30 on Sunday and 01:10 on Monday")
    assert [f.until for f in found] == [None, None]


def test_military_time_after_till_is_read_and_a_year_is_not() -> None:
    assert [f.time for f in find_times("down from early morning till about 1300.")] == [
        dt.time(13, 0)
    ]
    assert find_times("by 2030 we will have moved") == []
    assert find_times("at 1200 requests per second") == []


@pytest.mark.parametrize(
    "sentence",
    ["The pool size was originally set at 1500.", "Connections peaked at about 1800."],
)
def test_a_value_set_at_four_digits_is_not_a_time(sentence: str) -> None:
    assert find_times(sentence) == []
    assert find_times(
        sentence.replace(" was originally set", " failed").replace("peaked", "dropped")
    )


@pytest.mark.parametrize(
    ("sentence", "pct"),
    [
        ("All users saw 503 errors for an hour.", 100),
        ("Processing was delayed for every customer in the region.", 100),
        ("The hub had to re-add all the user routes to the proxy.", None),
        ("The migration wasn't run for all users before the cut-over.", None),
        ("We updated roles for all the users where the sync had failed.", None),
        ("We apologize to all of our users affected by the slowdown.", None),
        ("Sellers said the errors had a 100% negative effect on their business.", None),
        ("During that hour all users\nmay have been affected by slow page loads.", 100),
        ("Every single customer was affected.", 100),
        ("\n\n**Customers affected:** all", 100),
        # the guide's words are literal: "all users" of a region is still "all users"
        ("All users in the EU region saw timeouts.", 100),
        ("All requests to the search API failed.", None),
        ("The new limits apply to all users.\n- The search API failed.", None),
    ],
)
def test_all_users_means_every_user_was_hurt(sentence: str, pct: int | None) -> None:
    got = read(f"# Outage\n\n## Summary\n\nThe API failed at 10:00 UTC. {sentence}\n")
    assert got["users_affected_pct"] == pct


@pytest.mark.parametrize(
    ("sentence", "minutes"),
    [
        ("The site had a 7 minute cascading failure.", 7),
        ("It was a two-hour outage for most regions.", 120),
        ("A 3-hour long partial outage followed.", 180),
        ("Pods restarted every 10 minutes after the failure.", None),
        ("The 5 minute window for failure detection was too long.", None),
        ("The problem lasted for at least seven hours.", None),
        ("The problem lasted seven hours.", 7 * 60),
    ],
)
def test_a_length_named_before_the_outage_is_its_duration(
    sentence: str, minutes: int | None
) -> None:
    assert stated_duration(sentence) == minutes


@pytest.mark.parametrize(
    ("sentence", "minutes"),
    [
        ("Checkout was down for seventeen minutes after the deploy.", 17),
        ("Shoppers saw 25 minutes of intermittent downtime on Friday.", 25),
        ("Billing Outage for about 3 weeks", 3 * 7 * 1440),
        ("The queue was offline for just under 4 hours.", 240),
        ("Within 5 minutes of the outage the pager went off.", None),
        # the outage's length, not the time the fix took, wherever each is said
        ("The fix took 20 minutes to write. The portal was down for 3 hours.", 180),
        ("The fix took 20 minutes to write and deploy.", 20),
        # an approximate length yields to the exact range beside it
        ("Search went down for about 2 hours, from 09:10 to 10:55 UTC.", None),
    ],
)
def test_the_outage_length_in_common_phrasings(sentence: str, minutes: int | None) -> None:
    assert stated_duration(sentence) == minutes


def test_a_stats_line_gives_the_length_when_the_summary_does_not() -> None:
    got = read(
        "# Node loss\n\n## Summary\n\nAll worker nodes were replaced at once.\n\n"
        "## Timeline\n\n- 2023-06-01 08:00 Node upgrade started\n"
        "- 2023-06-01 10:00 Pods fail to schedule\n- 2023-06-01 10:12 Pods running again\n\n"
        "## Stats\n\n- Time to detection: 2 minutes\n- Time to recovery: 12 minutes\n"
    )
    assert got["duration_minutes"] == 12
    assert read("# Node loss\n\n## Stats\n\n- Time to recovery: N/A\n")["duration_minutes"] is None


def test_an_approximate_length_in_another_sentence_than_the_range_stands() -> None:
    assert stated_duration("Down from 09:10 to 10:55 UTC. It took about 2 hours to fix.") == 120


@pytest.mark.parametrize(
    ("when", "offset"),
    [
        ("On Tuesday, June 3rd, at about 9:10am Mountain Time", -360),  # MDT in any year
        ("On Friday, January 10th, at about 9:10am Mountain Time", -420),  # MST
        ("At about 9:10am Mountain Time", -420),  # no date: standard time
    ],
)
def test_a_us_zone_name_takes_the_offset_of_the_month_written(when: str, offset: int) -> None:
    got = read(f"# Outage\n\n## Summary\n\n{when} the API was down for twenty minutes.\n")
    assert got["utc_offset_minutes"] == offset


def test_the_weeks_the_clocks_change_give_no_season() -> None:
    from postmortems.document.zones import zone_from_text

    zone = zone_from_text("MT")
    assert zone is not None
    assert zone.offset_in_season(3, 10) is None  # daylight time in some years, not others
    assert zone.offset_in_season(7, 1) == -360


def test_the_entry_that_solved_the_issue_ends_the_window_not_the_later_upgrade() -> None:
    got = read(
        "# DNS upgrade issue\n\n## Timeline\n\nAll times in CET.\n\n"
        "| Time | Event |\n| --- | --- |\n"
        "| 2020-02-03 11:21 | The upgrade makes the DNS pods crash loop |\n"
        "| 2020-02-03 11:52 | DNS deployment downgraded by hand, which solved the issue |\n"
        "| 2020-02-03 13:30 | DNS upgraded again with the vendor's settings |\n"
    )
    assert window(got) == ("2020-02-03 11:21", "2020-02-03 11:52", 31)


def test_a_chat_style_write_up_is_read() -> None:
    """A Slack-style write-up: "tl;dr:" opens the summary, lowercase "timeline" and "todo"
    name their lists, 12-hour times without a colon start the entries, and "all good since
    4:02pm" is when it ended."""
    text = (
        "## redis blew up again\n\n"
        "tl;dr: the session redis ran out of memory around 3:40pm, logins failed for everyone "
        "for ~20 min. bumped maxmemory and flushed the old keys, all good since 4:02pm.\n\n"
        "timeline\n- 3:38pm grafana shows redis mem at 99%\n- 3:45pm jo reverts the deploy\n"
        "- 4:02pm logins working again\n\n"
        "todo\n- put TTL back on session keys\n- alert at 85% redis memory\n"
    )
    got = read(text)
    assert (got["sections"]["summary"], got["sections"]["timeline"]) == (True, True)
    assert [e["time"] for e in got["timeline"]] == ["15:38", "15:45", "16:02"]
    assert len(got["action_items"]) == 2
    assert (got["start"], got["end"], got["users_affected_pct"]) == ("15:40", "16:02", 100)
    # a lowercase line that is a sentence is no heading
    prose = parse("# Outage\n\n## Summary\n\nIt broke.\n\nthe fix.\n\ntimeline\n", "x.md")
    assert [s.title for s in prose.sections] == ["Summary", "timeline"]


def test_working_since_a_time_is_the_end_and_down_since_the_start() -> None:
    from postmortems.document.summarytimes import summary_windows

    start, end, _ = summary_windows(
        "Uploads failed at 10:20 AM PST and have worked normally since 11:35 AM.", None, None
    )
    assert (str(start.time), str(end.time) if end else None) == ("10:20:00", "11:35:00")
    start, end, _ = summary_windows("The site has been down since 10:20 AM PST.", None, None)
    assert (str(start.time), end) == ("10:20:00", None)
