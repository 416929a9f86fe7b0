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


def _stamps(text: str) -> list[str]:
    from postmortems.render.body import build_body

    html = build_body(parse(text)).html
    return [s.get_text() for s in BeautifulSoup(html, "html.parser").select(".pm-entries .when")]


def _doc(summary: str, *entries: str) -> str:
    head = "---\ntitle: Fall back\ntimezone: Europe/Berlin\n---\n## Summary\n\n"
    timeline = "\n".join(f"- {e}" for e in entries)
    return f"{head}{summary} the checkout API failed for every user.\n\n## Timeline\n\n{timeline}\n"


def test_the_timeline_says_each_zone_when_the_clocks_change_and_each_day_when_days_pass() -> None:
    """Across the fall-back, 01:30, 02:40, 02:10 would read out of order: the zones say why;
    a timeline over two days dates each day's first entry."""
    fall_back = _doc(
        "From 01:30 CEST to 02:40 CET on 2026-10-25",
        "01:30 CEST - Alert fired.",
        "02:40 CEST - Rolled back.",
        "02:10 CET - Escalated.",
        "02:40 CET - Recovered.",
    )
    assert _stamps(fall_back) == ["01:30 CEST", "02:40 CEST", "02:10 CET", "02:40 CET"]
    unstated = fall_back.replace(" CEST -", " -").replace(" CET -", " -")
    assert _stamps(unstated) == ["01:30", "02:40", "02:10", "02:40"]  # nothing stated: nothing said
    midnight = _doc(
        "From 23:30 CEST on 2026-10-24 to 00:20 CEST",
        "23:30 CEST - Alert fired.",
        "23:50 CEST - Rolled back.",
        "00:20 CEST - Recovered.",
    )
    assert _stamps(midnight) == ["2026-10-24 23:30", "23:50", "2026-10-25 00:20"]  # one zone


def test_a_stated_length_does_not_change_what_the_diagram_says_of_its_times() -> None:
    """ "From 10:00 to 14:00 UTC (2 hours)" with no date: the times say 4 h (PM205 reports the
    clash); the diagram says what its axis shows, and the card with no start names one zone."""
    text = (
        "## Summary\n\nFrom 10:00 to 14:00 UTC (2 hours) checkout failed for every user.\n\n"
        "## Timeline\n\n- 10:00 UTC - Alert fired.\n- 14:00 UTC - Recovered.\n"
    )
    assert "outage from 10:00 to 14:00 (4h)" in timeline_svg(parse(text))
    only_end = (
        "---\ntitle: x\ntimezone: Europe/Berlin\nresolved: 2027-01-10T04:00+01:00\n---\n"
        + BODY.format(first="03:00", last="04:00")
    )
    card = BeautifulSoup(executive_card(parse(only_end)), "html.parser").get_text(" ", strip=True)
    assert " ".join(card.split()).count("CET") == 1
