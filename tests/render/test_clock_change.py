"""An incident across a change of the clocks: the card counts the time between the instants and
names the zone as it was at each end (Python subtracts two times of the same zone by the clock)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from postmortems.document import parse
from postmortems.document.extract import extract
from postmortems.render.card import executive_card
from postmortems.render.diagram import timeline_svg
from postmortems.render.summary import summarize

BODY = """
## Summary

The checkout API returned errors for every customer in Europe while the clocks changed.

## Timeline

- {first} - Alert fired on checkout errors.
- {last} - Checkout recovered after the rollback.
"""


@pytest.mark.parametrize(
    ("started", "resolved", "minutes", "window"),
    [
        # Spring forward in Berlin (02:00 CET → 03:00 CEST): 01:30 to 04:00 is 1 h 30 min.
        ("2027-03-28T01:30+01:00", "2027-03-28T04:00+02:00", 90, "01:30 CET – 04:00 CEST"),
        # Fall back (03:00 CEST → 02:00 CET): 01:30 to 04:00 is 3 h 30 min.
        ("2026-10-25T01:30+02:00", "2026-10-25T04:00+01:00", 210, "01:30 CEST – 04:00 CET"),
        # A day apart, fall back in between: 24 h by the clock is 25 h.
        (
            "2026-10-24T12:00+02:00",
            "2026-10-25T12:00+01:00",
            1500,
            "2026-10-24 12:00 CEST – 2026-10-25 12:00 CET",
        ),
        # No change: one label.
        ("2026-06-01T01:30+02:00", "2026-06-01T04:00+02:00", 150, "01:30 – 04:00 CEST"),
    ],
)
def test_the_duration_is_between_instants_and_each_end_has_its_label(
    started: str, resolved: str, minutes: int, window: str
) -> None:
    first, last = started[11:16], resolved[11:16]
    text = (
        f"---\ntitle: Checkout errors\ntimezone: Europe/Berlin\nstarted: {started}\n"
        f"resolved: {resolved}\n---\n" + BODY.format(first=first, last=last)
    )
    doc = parse(text, "pm.md")
    assert summarize(doc).duration_minutes == minutes
    card = BeautifulSoup(executive_card(doc), "html.parser").get_text(" ", strip=True)
    assert window in " ".join(card.split())
    said = {90: "(1h 30m)", 210: "(3h 30m)", 1500: "(1d 1h)", 150: "(2h 30m)"}[minutes]
    assert f"outage from {first} to {last} {said}" in timeline_svg(doc)


def test_the_offset_is_the_one_when_it_began() -> None:
    """`utc_offset_minutes` and `timezone` are read at the start, not at noon of its day."""
    text = (
        "---\ntitle: Checkout errors\ntimezone: Europe/Berlin\n---\n"
        "## Summary\n\nFrom 01:30 to 04:00 on 2027-03-28 the checkout API returned errors for "
        "every customer in Europe; the rollback fixed it.\n"
        + BODY.format(first="01:30", last="04:00")
    )
    found = extract(parse(text, "pm.md"))
    assert (found["timezone"], found["utc_offset_minutes"]) == ("CET", 60)
