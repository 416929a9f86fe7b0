"""A status page's update log with each status word on a line of its own (the fourth unseen set's
rule): the text under it, "Posted <date> - <time>" last, "This incident affected: …" closing."""

from __future__ import annotations

from postmortems.document import parse
from postmortems.document.extract import extract

LOG = (
    "# Search Unavailable\n\nIncident Report for Example Cloud\n\n"
    "Postmortem\n\nA full disk on the index nodes stopped every search. We added disk alerts.\n\n"
    "**Resolved**\nSearch is working again.\nPosted Mar 02, 2021 - 11:40 UTC\n\n"
    "**Monitoring**\nA fix is in place.\n\nWe are watching error rates.\n"
    "Posted 4 years ago. Mar 02, 2021 - 11:05 UTC\n\n"
    "Investigating\nSearch requests fail.\nPosted Mar 02, 2021 - 10:20 UTC\n\n"
    "This incident affected: Search API.\n"
)


def test_bare_status_lines_with_posted_stamps_are_the_timeline_newest_first() -> None:
    got = extract(parse(LOG, "search.md"))
    assert got["sections"]["timeline"]
    assert [e["time"][-5:] for e in got["timeline"]] == ["11:40", "11:05", "10:20"]
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2021-03-02 10:20",
        "2021-03-02 11:40",
        80,
    )
    assert got["utc_offset_minutes"] == 0


def test_a_bare_status_word_in_prose_opens_no_log() -> None:
    text = "# Notes\n\n## Summary\n\nThe API was down.\n\nUpdate\n\nWe moved the database.\n"
    assert not extract(parse(text, "notes.md"))["sections"]["timeline"]
