"""The card and the diagram say what is uncertain: an inferred fact reads "≈" with its reason,
and a document reporting several incidents is not drawn as one outage."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from postmortems.document import Document, parse
from postmortems.render.card import executive_card
from postmortems.render.diagram import timeline_svg

TEXT = """# Queue backlog

## Summary
From 10:00 to 11:30 UTC on 2024-03-05 the queue was stuck.

## Timeline
- 10:00 Alert fired on queue depth.
- 10:20 Escalated to the storage team.
- 11:30 Service restored.
- 14:00 Alert fired on queue depth again.
- 15:10 Service restored.
"""


def _doc(inferred: Iterable[str] = (), incidents: int = 1) -> Document:
    doc = parse(TEXT, "queue.md")
    return replace(doc, facts=replace(doc.facts, inferred=frozenset(inferred)), incidents=incidents)


def _marked(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {el["data-inferred"]: el.get_text() for el in soup.select("[data-inferred]")}


def test_stated_facts_are_asserted() -> None:
    doc = _doc()
    assert _marked(executive_card(doc)) == {}
    assert "≈" not in executive_card(doc)
    assert "≈" not in timeline_svg(doc)


def test_an_inferred_end_reads_approximately_with_its_reason() -> None:
    card = executive_card(_doc({"end"}))
    soup = BeautifulSoup(card, "html.parser")
    end = soup.select_one('[data-inferred="end"]')
    assert end is not None
    assert end.get_text().startswith("≈")
    assert "11:30" in end.get_text()
    assert "timeline" in end["title"]
    assert "inferred" in soup.select_one(".pm-inferred-note").get_text()
    start = soup.select_one("time")
    assert start is not None
    assert start.parent is not None
    assert start.parent.get("data-inferred") is None  # the start stays asserted


def test_inferred_duration_and_timezone() -> None:
    marked = _marked(executive_card(_doc({"duration_minutes", "timezone"})))
    assert marked["duration_minutes"].startswith("≈")
    assert "1 h 30 min" in marked["duration_minutes"]
    assert marked["timezone"] == "≈\u202fUTC"


def test_the_diagram_marks_an_inferred_window_end() -> None:
    svg = timeline_svg(_doc({"end"}))
    soup = BeautifulSoup(svg, "html.parser")
    assert soup.select_one('[data-inferred="end"]') is not None
    assert soup.select_one('[data-inferred="start"]') is None
    outage = soup.select("rect.tl-outage")[-1]  # the first is the legend's
    assert "tl-inferred" in outage["class"]
    assert "≈11:30" in outage.get_text()
    assert "about 11:30" in soup.select_one("desc").get_text()


def test_a_document_of_several_incidents_shows_the_first() -> None:
    doc = _doc(incidents=2)
    card = BeautifulSoup(executive_card(doc), "html.parser")
    assert "First of 2 incidents" in card.select_one(".pm-incidents").get_text()
    svg = BeautifulSoup(timeline_svg(doc), "html.parser")
    assert "first of 2 incidents" in svg.select_one("title").get_text()
    outage = svg.select_one("rect.tl-outage title").get_text()
    assert "10:00–11:30" in outage  # the first incident's window, not 10:00–15:10
    resolved = [g for g in svg.select("g.tl-row") if g["data-mark"] == "resolved"]
    assert len(resolved) == 1
    assert "11:30" in resolved[0].get_text()


@pytest.mark.parametrize(
    ("text", "root_cause", "shown"),
    [
        pytest.param(
            "## Summary\nThe site was down.\n\n## Root cause\nA full disk. More text.\n",
            None,
            "A full disk.",
            id="a root cause section fills the card when the facts name none",
        ),
        pytest.param(
            "## Summary\nThe site was down.\n",
            "A full disk\n### What went well\nUs",
            "A full disk",
            id="the card cause stops at a heading",
        ),
        pytest.param(
            "## Summary\nDown.\n\n## Root cause\n- A full disk\n  on the primary.\n- Logs.\n",
            None,
            "A full disk on the primary.",
            id="a cause written as a list shows its first item",
        ),
    ],
)
def test_the_card_shows_the_cause(text: str, root_cause: str | None, shown: str) -> None:
    doc = parse(text)
    doc = replace(doc, facts=replace(doc.facts, root_cause=root_cause))
    card = BeautifulSoup(executive_card(doc), "html.parser")
    assert card.select_one(".fact.cause dd").get_text() == shown


def test_a_month_long_timeline_does_not_stack_its_day_labels() -> None:
    days = "".join(f"- 2024-03-{d:02d} 10:00 Step {d}.\n" for d in range(1, 29))
    svg = BeautifulSoup(timeline_svg(parse("## Timeline\n" + days)), "html.parser")
    ys = [float(t["y"]) for t in svg.select("text.tl-day")]
    assert len(ys) > 3
    assert min(b - a for a, b in itertools.pairwise(ys)) >= 18


def test_the_card_names_the_zone_as_it_reads_on_the_incident_day() -> None:
    """A named zone reads PDT in summer and PST in winter, as the extraction says it."""
    front = "---\ntitle: t\ntimezone: America/Los_Angeles\nstarted: {day}T04:00{off}\n---\n"
    for day, offset, label in (("2024-08-16", "-07:00", "PDT"), ("2024-02-12", "-08:00", "PST")):
        doc = parse(front.format(day=day, off=offset) + "## Summary\nIt broke.\n", "z.md")
        zone = BeautifulSoup(executive_card(doc), "html.parser").select_one("abbr.zone")
        assert zone is not None
        assert zone.get_text() == label
        assert "04:00" in executive_card(doc)


def test_a_drafts_generated_resolution_is_not_shown_as_its_root_cause() -> None:
    from postmortems.render.summary import summarize

    draft = (
        "## Issue Summary\n\nCheckout failed.\n\n## Root Cause and Resolution\n\n"
        "<!-- In detail: what caused it -->\n\n<!-- generated:resolution from INC-2026-0003 -->\n"
        "Mitigated at 14:05 EST.\n<!-- end generated:resolution -->\n"
    )
    assert summarize(parse(draft)).root_cause is None  # nobody has written the cause yet
    written = draft.replace("<!-- In detail: what caused it -->", "A config push emptied the pool.")
    assert summarize(parse(written)).root_cause == "A config push emptied the pool."


def test_a_root_cause_people_wrote_inside_the_drafted_resolution_is_shown() -> None:
    """The drafted part lists its lines' fingerprints: a paragraph people wrote between its
    comments is theirs, the card's root cause; the drafted line is still not."""
    from postmortems.document import drafted
    from postmortems.render.summary import summarize

    fix = "Mitigated at 14:05 EST."
    draft = (
        "## Issue Summary\n\nCheckout failed.\n\n## Root Cause and Resolution\n\n"
        f"{drafted.opening('resolution', 'INC-2026-0003', [fix])}\n{fix}\n"
        f"{drafted.closing('resolution')}\n"
    )
    assert summarize(parse(draft)).root_cause is None
    written = draft.replace(fix, f"A config push emptied the pool.\n\n{fix}")
    assert summarize(parse(written)).root_cause == "A config push emptied the pool."


def test_the_impact_shown_is_the_sentence_that_measures_it() -> None:
    """An incident's draft opens its summary with "From … to …, search was affected"; once the
    author adds how many, that is the impact the card shows."""
    from postmortems.render.summary import summarize

    summary = (
        "## Issue Summary\n\nFrom 10:02 to 10:40 UTC (38 minutes), search was affected "
        "(incident INC-2026-0003, SEV2). About 12% of search requests failed and 8% of users "
        "saw an error page.\n"
    )
    assert summarize(parse(summary)).impact == (
        "About 12% of search requests failed and 8% of users saw an error page."
    )
    unmeasured = "## Issue Summary\n\nSearch was affected. We rolled back.\n"
    assert summarize(parse(unmeasured)).impact == "Search was affected."
