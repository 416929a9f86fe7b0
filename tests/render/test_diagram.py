"""The timeline diagram: placement on the time axis (midnight, ranges, no times) and marks."""

from __future__ import annotations

from pathlib import Path

from postmortems.document import parse
from postmortems.document.moments import Moment, milestones
from postmortems.render import timeline_svg
from postmortems.render.axis import DAY, label, place

OVERNIGHT = """# Overnight outage

## Issue Summary

From 23:40 to 01:10 UTC the API was down.

## Timeline

- 23:45 - Pager alert: API health check failing.
- 23:55 - Escalated to the platform team.
- 00:20 - We suspected DNS; it was a red herring.
- 00:50 - Rolled back the config change; errors drop.
- 01:10 - Incident resolved.
"""


def test_times_after_midnight_go_to_the_next_day():
    axis = place(parse(OVERNIGHT, "x.md"))
    ats = [p.at for p in axis.placed]
    assert ats == sorted(ats)
    assert ats[-1] - ats[0] == 85
    assert [label(a) for a in ats] == ["23:45", "23:55", "00:20", "00:50", "01:10"]


def test_outage_window_spans_midnight():
    axis = place(parse(OVERNIGHT, "x.md"))
    assert axis.window is not None
    start, end = axis.window
    assert end - start == 90
    assert start // DAY != end // DAY


def test_diagram_marks_the_milestones_and_the_dead_end():
    svg = timeline_svg(parse(OVERNIGHT, "x.md"))
    for mark in ("detected", "escalated", "mitigated", "resolved", "misleading"):
        assert f'data-mark="{mark}"' in svg
    assert 'class="tl-midnight"' in svg
    assert 'role="img"' in svg


def test_entries_without_time_are_a_plain_sequence():
    doc = parse("# T\n\n## Timeline\n\n- We looked at logs.\n- We restarted nginx.\n", "t.md")
    svg = timeline_svg(doc)
    assert len(doc.timeline) == 2
    assert svg.count('class="tl-row ') == 2
    assert "tl-time" not in svg  # no time ruler to draw


def test_empty_timeline_gives_no_diagram():
    assert timeline_svg(parse("# Title\n\nJust text.\n", "t.md")) == ""


def test_first_detection_and_last_resolution_are_the_milestones():
    doc = parse(
        OVERNIGHT.replace(
            "- 01:10 - Incident resolved.", "- 01:00 - Resolved.\n- 01:10 - Incident resolved."
        ),
        "x.md",
    )
    marks = milestones(doc.timeline)
    assert marks[Moment.DETECTED] == 0
    assert marks[Moment.RESOLVED] == len(doc.timeline) - 1


def test_a_short_incident_fills_its_ruler_instead_of_a_corner_of_an_hour():
    import re

    text = (
        "# DNS timeouts\n\n## Issue Summary\n\nFrom 14:02 to 14:09 UTC lookups timed out.\n\n"
        "## Timeline\n\n- 14:02 - Timeouts start.\n- 14:03 - Alert fires; on-call looks.\n"
        "- 14:09 - Host replaced; timeouts stop.\n"
    )
    svg = timeline_svg(parse(text, "t.md"))
    axis = re.search(r'class="tl-axis" x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)"', svg)
    outage = re.search(r'class="tl-outage" x="[\d.]+" y="[\d.]+" width="28" height="([\d.]+)"', svg)
    assert axis is not None
    assert outage is not None
    ruler = float(axis[2]) - float(axis[1])
    assert float(outage[1]) > ruler / 3  # seven minutes of a ruler of ten to twenty
    labels = re.findall(r'class="tl-time"[^>]*>([^<]+)<', svg)
    assert labels  # a label to read the minutes by
    assert all("14:00" <= x <= "14:15" for x in labels), labels


def test_a_page_holds_a_drawing_for_a_phone_one_between_and_one_for_a_desktop():
    from bs4 import BeautifulSoup

    from postmortems.render import timeline_diagram
    from postmortems.render.body import RESERVED_IDS

    html = BeautifulSoup(timeline_diagram(parse(OVERNIGHT, "x.md")), "html.parser")
    svgs = html.select("div.pm-diagram > svg.pm-timeline")
    assert [s["class"][1] for s in svgs] == ["tl-narrow", "tl-medium", "tl-wide"]
    assert [s["width"] for s in svgs] == ["344", "500", "736"]
    ids = [e["id"] for e in html.select("[id]")]
    assert len(ids) == len(set(ids)) == 6  # a title and a description each, told apart
    assert set(ids) <= set(RESERVED_IDS)  # no section's heading takes one
    for svg in svgs:
        assert all(svg.find(id=i) for i in svg["aria-labelledby"].split())
    assert timeline_diagram(parse("# Title\n\nJust text.\n", "t.md")) == ""


LONG_ENTRY = (
    "The database on-call found the disk of the replica full of WAL segments kept for a dead "
    "replication slot, dropped the slot and watched the lag fall back under a second."
)


def test_a_long_label_is_broken_into_lines_not_shortened():
    from bs4 import BeautifulSoup

    from postmortems.render.diagram import LAYOUTS

    doc = parse(f"# T\n\n## Timeline\n\n- 10:00 - {LONG_ENTRY}\n- 10:30 - Resolved.\n", "t.md")
    heights, lines = [], []
    for layout in LAYOUTS:
        svg = BeautifulSoup(timeline_svg(doc, layout), "html.parser")
        label = svg.select_one(".tl-row .tl-label")
        assert " ".join(label.get_text(" ").split()) == f"10:00 {LONG_ENTRY}"
        assert "…" not in svg.text
        heights.append(float(svg.svg["height"]))
        lines.append(1 + len(label.select("tspan[dy]")))
    assert lines[0] > lines[1] > lines[2] > 1
    assert heights[0] > heights[1] > heights[2]  # a narrower drawing's rows are taller


def test_a_label_past_its_last_line_ends_with_an_ellipsis_and_leads_to_the_whole_entry():
    from bs4 import BeautifulSoup

    from postmortems.render import render_body
    from postmortems.render.diagram import MAX_LINES, NARROW

    text = " ".join([LONG_ENTRY] * 4)
    doc = parse(f"# T\n\n## Timeline\n\n- 09:50 - Alert.\n- 10:00 - {text}\n", "t.md")
    rows = BeautifulSoup(timeline_svg(doc, NARROW), "html.parser").select(".tl-row")
    assert len(rows[1].select("tspan[dy]")) == MAX_LINES - 1
    assert rows[1].select("tspan[dy]")[-1].text.endswith("…")
    assert rows[1].title.text == f"10:00 — {text}"  # on hover
    link = rows[1].select_one("a.tl-more")  # and a tap away, in the timeline list
    assert link is not None
    assert rows[0].select_one("a") is None  # a whole label needs no link
    entry = BeautifulSoup(render_body(doc), "html.parser").find(id=link["href"][1:])
    assert entry is not None
    assert " ".join(entry.select_one(".what").text.split()) == text


def test_wrap_fits_the_width_cuts_a_word_too_long_for_a_line_and_leaves_room_for_a_prefix():
    from postmortems.render.wrap import text_width, wrap

    url = "https://grafana.example.com/d/abc123/replication?orgId=1&from=now-6h&to=now"
    lines = wrap(f"See {url} for the graph.", 200, 13, first=60)
    assert all(text_width(line, 13) <= 200 for line in lines)
    assert text_width(lines[0], 13) <= 140
    assert "".join(lines).replace("See", "").replace("forthe graph.", "") != ""
    assert " ".join(lines).replace(" ", "") == f"See{url}forthegraph."
    assert wrap("", 200, 13) == [""]
    assert wrap("東京のデータセンターで障害が発生しました", 100, 13)[0] == "東京のデータセ"


def test_the_diagram_as_a_file_carries_its_styles() -> None:
    """An .svg shown as an image gets no page's stylesheet: every class the drawing uses has a
    rule inside the file, and both themes' colours are there."""
    import re

    from postmortems.render import standalone_svg

    svg = standalone_svg(parse(OVERNIGHT, "x.md"))
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    style = svg[svg.index("<style>") : svg.index("</style>")]
    assert "prefers-color-scheme:dark" in style
    used = set(re.findall(r'class="([^"]+)"', svg.replace(style, "")))
    classes = {c for names in used for c in names.split() if c.startswith("tl-")}
    assert classes >= {"tl-outage", "tl-axis", "tl-detected", "tl-resolved"}
    from postmortems.render import CSS

    styled = set(re.findall(r"\.(tl-[\w-]+)", style))
    ruled_on_pages = set(re.findall(r"\.(tl-[\w-]+)", CSS)) - {"tl-wide", "tl-medium", "tl-narrow"}
    assert classes & ruled_on_pages <= styled
    assert set(re.findall(r"var\((--[\w-]+)\)", style)) <= set(re.findall(r"(--[\w-]+):", style))


def test_pm_render_diagram_writes_the_svg_and_refuses_a_document_without_timeline(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from postmortems.cli import cli

    source = tmp_path / "pm.md"
    source.write_text(OVERNIGHT, encoding="utf-8")
    out = tmp_path / "timeline.svg"
    result = CliRunner().invoke(cli, ["render", "--diagram", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "<style>" in out.read_text(encoding="utf-8")
    assert "Rolled back the config change" in out.read_text(encoding="utf-8")
    empty = tmp_path / "notes.md"
    empty.write_text("# Notes\n\nNothing happened.\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["render", "--diagram", str(empty)])
    assert refused.exit_code != 0
    assert "no timeline to draw" in str(refused.exception or refused.output)


def test_the_example_diagram_is_what_pm_render_diagram_writes() -> None:
    """examples/checkout-502-timeline.svg is the command's output (styled), not a page's copy."""
    from postmortems.render import standalone_svg

    examples = Path(__file__).parents[2] / "examples"
    doc = parse((examples / "checkout-502.md").read_text(encoding="utf-8"), "checkout-502.md")
    assert (examples / "checkout-502-timeline.svg").read_text(encoding="utf-8") == (
        standalone_svg(doc)
    )


STATED = """---
title: Stale prices
timezone: UTC
started: 2026-12-03T14:00Z
detected: 2026-12-03T14:22Z
mitigated: 2026-12-03T14:40Z
resolved: 2026-12-03T15:05Z
---
## Timeline

- 14:00 - A cache purge job stops after a config push.
- 14:22 - Support sees a rise in tickets about prices at checkout.
- 14:30 - The on-call engineer notices the purge job is stuck.
- 14:40 - Purged the CDN by hand; prices are right again for new visitors.
- 15:05 - Resolved: every edge serves today's prices.
"""


def _marks_of(doc_text: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each milestone's time in the diagram's rows, and in the page's timeline list."""
    from bs4 import BeautifulSoup

    from postmortems.render import render_page

    doc = parse(doc_text, "stated.md")
    svg = BeautifulSoup(timeline_svg(doc), "html.parser")
    drawn = {
        row["data-mark"]: row.select_one(".tl-when").get_text()
        for row in svg.select("g.tl-row[data-mark]")
        if row["data-mark"] not in ("action", "misleading")
    }
    page = BeautifulSoup(render_page(doc), "html.parser")
    listed = {
        li.select_one(".mark").get_text(): li.select_one(".when").get_text()
        for li in page.select("ol.pm-entries li")
        if li.select_one(".mark") is not None
    }
    return drawn, listed


def test_the_front_matter_s_detected_and_mitigated_mark_the_entries_at_them() -> None:
    """The words alone read 14:30 ("notices") as the detection and 14:40 as no mitigation: the
    front matter says 14:22 and 14:40, and wins, as on the card."""
    words_only = STATED.replace("detected: 2026-12-03T14:22Z\n", "").replace(
        "mitigated: 2026-12-03T14:40Z\n", ""
    )
    drawn, listed = _marks_of(words_only)
    assert drawn.get("detected") == "14:30"
    assert drawn.get("mitigated") is None
    drawn, listed = _marks_of(STATED)
    assert drawn["detected"] == listed["detected"] == "14:22"
    assert drawn["mitigated"] == listed["mitigated"] == "14:40"
    assert drawn["resolved"] == "15:05"


def test_a_stated_moment_no_entry_is_at_leaves_the_words_choice() -> None:
    drawn, _ = _marks_of(
        STATED.replace("detected: 2026-12-03T14:22Z", "detected: 2026-12-03T14:25Z")
    )
    assert drawn["detected"] == "14:30"
