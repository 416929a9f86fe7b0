"""The timeline diagram: placement on the time axis (midnight, ranges, no times) and marks."""

from __future__ import annotations

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
