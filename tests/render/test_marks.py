"""The milestone tags of the page's timeline and its diagram sit on the entries that record them.

A new-user walk of the demo found a drafted postmortem's "11:06 Acknowledged: demo acknowledged
the page." tagged mitigated (the front matter's minute, its first entry) and the "11:06
Mitigated: Fixed archive credentials …" line under it untagged; and PM-DEMO-009's "11:16 Orders
succeed again." without the resolution its front matter states.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from postmortems.document import parse
from postmortems.render import render_body, timeline_svg

HEAD = """---
title: Archive uploads failed
timezone: UTC
started: 2026-12-07T11:00Z
{stated}---
## Timeline

"""


def doc_of(entries: list[tuple[str, str]], **stated: str) -> str:
    fields = "".join(f"{name}: 2026-12-07T{at}Z\n" for name, at in stated.items())
    return HEAD.format(stated=fields) + "".join(f"- {at} UTC - {text}\n" for at, text in entries)


def tagged(text: str) -> dict[str, str]:
    """Each milestone's entry, "HH:MM text", as the page's list and the diagram both tag it (they
    agree, or the test fails)."""
    doc = parse(text, "pm.md")
    listed = {}
    for li in BeautifulSoup(render_body(doc), "html.parser").select("ol.pm-entries li"):
        mark, when, what = (li.select_one(f".{part}") for part in ("mark", "when", "what"))
        if mark is not None and mark.get_text() != "misleading path":
            listed[mark.get_text()] = f"{when.get_text()} {what.get_text()}"
    drawn = {}
    for row in BeautifulSoup(timeline_svg(doc), "html.parser").select("g.tl-row[data-mark]"):
        if row["data-mark"] not in ("action", "misleading"):
            drawn[row["data-mark"]] = row.title.get_text().replace(" — ", " ")
    assert listed == drawn
    return listed


DRAFTED = [
    ("11:02", "Detected by an alert (ArchiveUploadErrors): it fired."),
    ("11:03", "Paged: demo."),
    ("11:06", "Acknowledged: demo acknowledged the page."),
    ("11:06", "Mitigated: Fixed archive credentials and restarted the uploader."),
    ("11:20", "Resolved: uploads succeed."),
    ("11:25", "Postmortem drafted from the timeline."),
]


def test_of_entries_sharing_the_stated_minute_the_one_that_says_it_is_tagged() -> None:
    text = doc_of(DRAFTED, detected="11:02", mitigated="11:06", resolved="11:20")
    assert tagged(text) == {
        "detected": "11:02 Detected by an alert (ArchiveUploadErrors): it fired.",
        "mitigated": "11:06 Mitigated: Fixed archive credentials and restarted the uploader.",
        "resolved": "11:20 Resolved: uploads succeed.",
    }


def test_the_label_says_it_without_the_front_matter_too() -> None:
    """ "Fixed" reads as a resolution; the label "Mitigated:" says which moment it records."""
    assert tagged(doc_of(DRAFTED))["mitigated"].startswith("11:06 Mitigated:")


@pytest.mark.parametrize("order", [1, -1])
def test_words_that_say_it_win_over_the_order_at_the_minute(order: int) -> None:
    same_minute = [
        ("11:06", "Acknowledged: ann acknowledged the page."),
        ("11:06", "Rolled back the uploader to v1.4."),
        ("11:06", "Posted a status page update."),
    ][::order]
    text = doc_of([("11:02", "Alert fired."), *same_minute], mitigated="11:06")
    assert tagged(text)["mitigated"] == "11:06 Rolled back the uploader to v1.4."


def test_a_stated_resolution_tags_the_entry_at_its_minute() -> None:
    """PM-DEMO-009: "Orders succeed again." has no word of a resolution; the front matter says
    11:16, and the words' choice goes (a later "Fixed …" is not the resolution)."""
    entries = [
        ("11:03", "Alert: order placement errors."),
        ("11:14", "The connection pool is pointed at the new primary by hand."),
        ("11:16", "Orders succeed again."),
        ("11:30", "Fixed the runbook's failover page."),
    ]
    assert "resolved" not in tagged(doc_of(entries[:3]))
    assert tagged(doc_of(entries, resolved="11:16"))["resolved"] == "11:16 Orders succeed again."


def test_stated_milestones_at_one_minute_tag_one_entry_each() -> None:
    entries = [
        ("11:02", "Alert fired."),
        ("11:10", "Failed over to the replica."),
        ("11:10", "Checkout is back to normal."),
    ]
    found = tagged(doc_of(entries, mitigated="11:10", resolved="11:10"))
    assert found["mitigated"] == "11:10 Failed over to the replica."
    assert found["resolved"] == "11:10 Checkout is back to normal."
    # one entry for both: the one its words say (a resolution), the other left to the words
    found = tagged(doc_of([entries[0], entries[2]], mitigated="11:10", resolved="11:10"))
    assert found["resolved"] == "11:10 Checkout is back to normal."
    assert "mitigated" not in found


@pytest.mark.parametrize(
    ("label", "stated"),
    [
        ("Acknowledged: sam acknowledged the page.", "mitigated"),
        ("Detected: sam noticed it.", "mitigated"),
        ("Mitigated: rolled back.", "resolved"),
        ("Resolved.", "detected"),
    ],
)
def test_an_entry_labelled_as_another_moment_is_not_tagged_the_stated_one(
    label: str, stated: str
) -> None:
    entries = [("11:01", "Deploy of v2 started."), ("11:06", label)]
    found = tagged(doc_of(entries, **{stated: "11:06"}))
    assert found.get(stated) != f"11:06 {label}"


def test_an_entry_alone_at_a_stated_minute_is_tagged_whatever_its_words() -> None:
    """The front matter wins, as on the card: "Support sees tickets" is the detection."""
    entries = [("11:01", "A deploy starts."), ("11:04", "Support sees a rise in tickets.")]
    assert tagged(doc_of(entries, detected="11:04")) == {
        "detected": "11:04 Support sees a rise in tickets."
    }


def test_no_tag_where_nothing_says_it() -> None:
    entries = [
        ("11:01", "A deploy starts."),
        ("11:06", "Acknowledged: sam acknowledged the page."),
        ("11:08", "Posted a status page update."),
    ]
    assert tagged(doc_of(entries)) == {}
    assert tagged(doc_of(entries, mitigated="11:07")) == {}  # no entry at its minute


def test_a_labelled_entry_that_says_it_did_not_work_is_not_tagged() -> None:
    """ "Mitigated: rolled back, but it did not help." is a misleading path, its label
    notwithstanding: the failover at the stated minute is the mitigation."""
    failed = ("11:10", "Mitigated: rolled back, but it did not help.")
    failover = ("11:10", "Failed over to the replica; errors stopped.")
    found = tagged(doc_of([("11:02", "Alert fired."), failed, failover], mitigated="11:10"))
    assert found["mitigated"] == "11:10 Failed over to the replica; errors stopped."
    # alone at the minute, it is not tagged either
    assert "mitigated" not in tagged(doc_of([("11:02", "Alert fired."), failed], mitigated="11:10"))
