"""A status page's update log with each status word on a line of its own (the fourth unseen set's
rule): the text under it, "Posted <date> - <time>" last, "This incident affected: …" closing; or
the time on the line above the status or right under it, the status as a heading, the log under a
heading of its own."""

from __future__ import annotations

from typing import Any

import pytest

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


UPDATES = (
    ("Resolved", "Uploads work again.", "Jul 09, 2023 - 18:42 UTC"),
    ("Monitoring", "A fix is out; we are watching the upload queue.", "Jul 09, 2023 - 18:10 UTC"),
    ("Identified", "A full volume on the upload workers.", "Jul 09, 2023 - 17:35 UTC"),
    ("Investigating", "Uploads fail for some accounts.", "Jul 09, 2023 - 17:02 UTC"),
)
HEAD = "# Upload failures\n\nIncident Report for Example Photos\n\n"


def _read(body: str) -> dict[str, Any]:
    got = extract(parse(HEAD + body, "uploads.md"))
    assert got["sections"]["timeline"]
    assert [e["time"] for e in got["timeline"]] == ["18:42", "18:10", "17:35", "17:02"]
    assert [e["text"].split(" - ")[0] for e in got["timeline"]] == [u[0] for u in UPDATES]
    return got


@pytest.mark.parametrize(
    ("shape", "body"),
    [
        (
            "heading, text, posted",
            "".join(f"### {s}\n{t}\n*Posted {p}*\n\n" for s, t, p in UPDATES),
        ),
        ("time above the status", "".join(f"{p}\n**{s}** - {t}\n\n" for s, t, p in UPDATES)),
        ("time under the status", "".join(f"{s}\n{p}\n{t}\n\n" for s, t, p in UPDATES)),
    ],
)
def test_each_update_is_an_entry_at_the_time_written_on_its_own_line(shape: str, body: str) -> None:
    got = _read(body)
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2023-07-09 17:02",
        "2023-07-09 18:42",
        100,
    )


def test_a_log_under_its_own_heading_ends_at_the_next_heading() -> None:
    body = "## Summary\n\nUploads failed for an hour and a half.\n\n## Status updates\n\n"
    body += "".join(f"**{s}**\n{t}\nPosted {p}\n\n" for s, t, p in UPDATES)
    body += "## Root cause\n\nThe upload workers' volume filled because old thumbnails were kept.\n"
    got = _read(body)
    assert got["sections"]["root_cause"]
    assert got["end"] == "2023-07-09 18:42"


def test_the_first_investigating_and_the_last_resolved_are_the_window() -> None:
    # the texts would mislead a reader of words: "was down" under Identified, "continue" under
    # Resolved; the statuses say when the trouble was seen and when it was over
    texts = {
        "Resolved": "This incident has been resolved; we will continue to watch the queue.",
        "Identified": "Uploads were down for most accounts: the workers' volume is full.",
    }
    body = "".join(f"{s}\n{texts.get(s, t)}\nPosted {p}\n\n" for s, t, p in UPDATES)
    got = _read(body)
    assert (got["start"], got["end"]) == ("2023-07-09 17:02", "2023-07-09 18:42")
    assert "end" not in got["inferred"]


def test_a_time_above_a_lone_status_word_with_text_on_both_sides_opens_no_log() -> None:
    body = "".join(f"{s}\n{t}\n{p}\nMore text after the time.\n\n" for s, t, p in UPDATES)
    got = extract(parse(HEAD + body, "uploads.md"))
    assert not got["sections"]["timeline"]
