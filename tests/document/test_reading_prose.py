"""Reading rules for postmortems told in running prose (paragraphs, quoted mail, status logs),
each on a short document written for it."""

from __future__ import annotations

from typing import Any

from tests.document.test_facts import facts as read  # with enough words to be a postmortem


def timed(got: dict[str, Any]) -> tuple[int, int]:
    """The timeline's entries and how many of them carry a time."""
    entries = got["timeline"]
    return len(entries), sum(1 for e in entries if e["time"])


def test_paragraphs_that_each_open_with_a_date_and_a_time_are_the_timeline() -> None:
    text = (
        "# Storage outage\n\n## What happened\n\nOn June 3rd, 2022, a storage array failed.\n\n"
        "**Log**\n\n"
        "june 3rd, 9:10 am We notice the failed writes\n\n"
        "june 3rd, 9:25 am We tell our customers.\nThe status page is updated.\n\n"
        "june 3rd, 10:40 am The array is replaced and writes succeed again\n"
    )
    got = read(text)
    assert got["timeline"][1]["text"] == "We tell our customers. The status page is updated."
    assert timed(got) == (3, 3)
    assert got["start"] == "2022-06-03 09:10"


def test_one_paragraph_opening_with_a_date_and_a_time_is_no_timeline() -> None:
    text = (
        "# Storage outage\n\n## What happened\n\n"
        "june 3rd, 9:10 am A storage array failed and writes were refused.\n\n"
        "We replaced it and writes succeeded again.\n"
    )
    assert timed(read(text)) == (0, 0)


def test_an_expired_certificate_is_the_trouble_and_reachable_again_the_recovery() -> None:
    text = (
        "# Dashboard down\n\nThe dashboard certificate was not renewed.\n\n## Timeline\n\n"
        "- **2024-05-01 22:00 UTC** - Certificate expired.\n"
        "- **2024-05-02 07:30 UTC** - First noticed the certificate error.\n"
        "- **2024-05-02 08:10 UTC** - New certificate issued.\n"
        "- **2024-05-02 08:20 UTC** - Monitoring reports the dashboard reachable again.\n"
        "- **2024-05-02 09:00 UTC** - Renewal job extended to every domain.\n"
    )
    got = read(text)
    assert (got["start"], got["end"]) == ("2024-05-01 22:00", "2024-05-02 08:20")


def test_a_fix_for_a_named_host_deployed_ends_the_window_before_follow_up_work() -> None:
    text = (
        "# Dashboard down\n\nThe dashboard returned errors.\n\n## Timeline\n\n"
        "- **2024-05-02 07:30 UTC** - Dashboard errors reported by customers.\n"
        "- **2024-05-02 08:10 UTC** - Manual fix for dash.example.com deployed.\n"
        "- **2024-05-02 09:00 UTC** - Renewal job extended to every domain.\n"
    )
    assert read(text)["end"] == "2024-05-02 08:10"


def test_a_list_of_windows_is_no_timeline() -> None:
    text = (
        "# Registry outages\n\nThe registry was down three times this month:\n\n"
        "1. March 4th -- 16:30 to 17:00 UTC\n2. March 13th -- 15:00 to 19:30 UTC\n"
        "3. March 15th -- 15:30 to 18:00 UTC\n\nWe added capacity after the third.\n"
    )
    assert timed(read(text)) == (0, 0)


def test_an_end_stated_later_in_prose_with_a_comma_after_its_time() -> None:
    text = (
        "On May 2nd at 09:10 AM EST, our EU servers became unavailable to some customers.\n\n"
        "We moved the platform to backup machines, which took longer than planned.\n\n"
        "At 10:25 AM EST, the platform was fully restored and customers could sign in again.\n"
    )
    assert read(text)["end"] == "10:25"


def test_service_reinstated_at_a_time_ends_the_window() -> None:
    text = (
        "## Summary\n\nOn 3/04/22 at 1:05 pm PST the site returned errors to every request,"
        " with service reinstated at 1:40 pm PST.\n\n## Timeline\n\n"
        "- 1:05 pm: errors reported by a customer.\n- 1:20 pm: the bad file was fixed.\n"
    )
    assert read(text)["end"] == "2022-03-04 13:40"


MAIL = (
    "# Mail delivery delays\n\n## Summary\n\nOutbound mail was delayed on 2023-05-12 because"
    " the relay hosts ran out of queue space.\n\n## What we told customers\n\n"
    "> Hello,\n>\n> At 05:00 UTC we began seeing delivery delays for outbound mail.\n>\n"
    "> At 05:35 UTC our engineers traced them to a full queue on the relay\n> hosts.\n>\n"
    "> At 06:10 UTC we added relay capacity and delivery recovered.\n"
)


def test_quoted_paragraphs_that_open_with_a_time_give_the_window() -> None:
    got = read(MAIL)
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2023-05-12 05:00",
        "2023-05-12 06:10",
        70,
    )
    assert timed(got) == (0, 0)  # a story told in paragraphs, not a timeline part


def test_the_summarys_window_wins_over_the_paragraphs() -> None:
    text = MAIL.replace("on 2023-05-12", "on 2023-05-12 from 05:10 to 05:50 UTC")
    got = read(text)
    assert (got["start"], got["end"]) == ("2023-05-12 05:10", "2023-05-12 05:50")


def test_paragraphs_end_the_window_only_where_one_says_the_service_recovered() -> None:
    text = MAIL.replace("we added relay capacity and delivery recovered", "we added capacity")
    got = read(text)
    assert (got["start"], got["end"]) == ("2023-05-12 05:00", None)


def test_status_paragraphs_go_on_past_midnight() -> None:
    text = (
        "# Search outage\n\nOn 2024-10-02 search was unavailable for some customers.\n\n"
        "## Root cause\n\nA bad index mapping was deployed.\n\n## Updates\n\n"
        "At 23:40 UTC, customers began to see search errors.\n\n"
        "At 23:55 UTC, engineers found the new index mapping.\n\n"
        "At 00:25 UTC, the old mapping was restored and search returned to normal.\n"
    )
    got = read(text)
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2024-10-02 23:40",
        "2024-10-03 00:25",
        45,
    )
