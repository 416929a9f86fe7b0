"""One reading of the outage window: the card, the extraction and the lint rules agree on the
start, the end and the duration; an end read across midnight says "next day", an end dated before
the start is a contradiction everywhere, and times in a zone nobody knows are not shown as UTC."""

from __future__ import annotations

from bs4 import BeautifulSoup

from postmortems.document import parse
from postmortems.document.extract import extract
from postmortems.lint import lint_text
from postmortems.render.card import executive_card

FRONT = """---
title: Rover API returned errors after a bad deploy
status: draft
timezone: {zone}
started: 2026-11-10T12:00
{resolved}---
"""
BODY = """## Issue Summary

{window}The rover API returned errors for every user after a bad deploy of version 2.3.

## Timeline

- 12:00 - Errors began after the deploy of version 2.3 to production.
- 12:05 - Monitoring alert fired for the error rate; on-call engineer paged.
- 12:30 - Investigated the database, which looked healthy.
- 10:00 - Rolled back the deploy; errors stopped.

## Root Cause and Resolution

The deploy changed the connection pool size to zero; rolling it back restored the pool.
"""


def _text(*, zone: str = "Europe/Paris", resolved: str = "", window: str = "") -> str:
    resolved = f"resolved: {resolved}\n" if resolved else ""
    return FRONT.format(zone=zone, resolved=resolved) + BODY.format(window=window)


def _card(text: str) -> tuple[str, str]:
    """The card's When and Duration, as a reader sees them."""
    page = BeautifulSoup(executive_card(parse(text, "pm.md")), "html.parser")
    facts = {dt.get_text(): dt.find_next("dd") for dt in page.select(".fact dt")}
    return tuple(" ".join(facts[n].get_text(" ", strip=True).split()) for n in ("When", "Duration"))


def test_an_end_earlier_than_the_start_in_the_summary_is_the_next_day_everywhere() -> None:
    text = _text(window="From 12:00 to 10:00 ")
    when, duration = _card(text)
    assert when.startswith("2026-11-10 12:00 – ≈ 10:00 next day")
    assert duration == "22 h"
    got = extract(parse(text, "pm.md"))
    assert (got["end"], got["duration_minutes"]) == ("2026-11-11 10:00", 1320)
    (pm706,) = [v for v in lint_text(text) if v.code == "PM706"]
    assert "stops at 2026-11-10 10:00, before the resolution at 2026-11-11 10:00" in (pm706.message)


def test_an_end_dated_before_the_start_is_a_contradiction_on_the_card_as_in_lint() -> None:
    text = _text(resolved="2026-11-10T10:00")
    when, duration = _card(text)
    assert when == "2026-11-10 12:00 – 2026-11-10 10:00 CET the end is before the start"
    assert duration == "— (end before start)"
    assert extract(parse(text, "pm.md"))["duration_minutes"] is None
    said = [v.message for v in lint_text(text) if v.code == "PM115"]
    assert any("`resolved` (2026-11-10 10:00) is before `started`" in m for m in said)


def test_times_in_a_zone_nobody_knows_say_so_and_are_not_shown_as_utc() -> None:
    text = _text(zone="Mars/Olympus", window="From 12:00 to 10:00 ")
    when, duration = _card(text)
    assert "next day" in when
    assert "zone unknown: “Mars/Olympus” is no time zone" in when
    assert duration == "22 h"
    card = executive_card(parse(text, "pm.md"))
    assert "UTC" not in card.replace("(not UTC)", "")  # no tooltip, no zone label
    (pm115,) = [v for v in lint_text(text) if v.code == "PM115"]
    assert (pm115.line, pm115.column) == (4, 1)
    assert "unknown timezone 'Mars/Olympus'" in pm115.message


def test_a_known_zone_says_nothing_of_an_unknown_one() -> None:
    when, _ = _card(_text(resolved="2026-11-10T13:00"))
    assert when == "2026-11-10 12:00 – 13:00 CET"
