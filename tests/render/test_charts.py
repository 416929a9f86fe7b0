"""The shared SVG charts (static site's stats page, server's insights page)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from postmortems.render.charts import hbars, stacked

NS = {"s": "http://www.w3.org/2000/svg"}


def test_stacked_bars_draw_each_part_with_its_class_and_a_legend() -> None:
    svg = stacked(
        "Per month",
        ["2024-01", "2024-02", "2024-03"],
        [("SEV1", "c-sev1", [1, 0, 2]), ("SEV2", "c-sev2", [0, 0, 3])],
    )
    root = ET.fromstring(svg)
    bars = [r for r in root.findall("s:rect", NS) if r.find("s:title", NS) is not None]
    assert [r.get("class") for r in bars] == ["c-sev1", "c-sev1", "c-sev2"]  # no empty parts
    legend = [t.text for t in root.findall("s:text", NS) if t.text in {"SEV1", "SEV2"}]
    assert legend == ["SEV1", "SEV2"]
    desc = root.find("s:desc", NS).text
    assert desc == "2024-01: 1 (SEV1 1), 2024-03: 5 (SEV1 2, SEV2 3)"
    # the March parts are stacked: SEV2 sits on SEV1
    sev1, sev2 = bars[1], bars[2]
    top = float(sev2.get("y")) + float(sev2.get("height"))
    assert top == pytest.approx(float(sev1.get("y")), abs=0.2)  # one decimal each


def test_stacked_without_anything_to_count_says_so() -> None:
    assert "<desc>no data</desc>" in stacked("Empty", ["2024-01"], [("SEV1", "c-sev1", [0])])


def test_a_long_bar_label_is_cut_and_kept_whole_in_its_tooltip() -> None:
    name = "payments-gateway-reconciliation-worker"
    root = ET.fromstring(hbars("By service", [(name, 3)]))
    label = root.find("s:text", NS)
    assert label.find("s:title", NS).text == name
    assert label.find("s:title", NS).tail == "payments-gateway-reconc…"  # 24 characters
    # a factor's name of 19 characters is whole (it was "Expired certific…")
    root = ET.fromstring(hbars("By factor", [("Expired certificate", 2), ("Bug", 1)]))
    assert root.find("s:text", NS).find("s:title", NS).tail == "Expired certificate"


@pytest.mark.parametrize("most", [1, 2, 3, 5, 7, 13, 40])
def test_a_count_s_grid_has_whole_steps(most: int) -> None:
    """Incidents per month: "0.25" on the axis of a count reads as a bug."""
    import re

    from postmortems.render.charts import bars

    svg = bars("Incidents per month", [("2026-10", 0.0), ("2026-11", float(most))])
    grid = [
        float(v)
        for v in re.findall(r'class="c-label" x="\d+" y="[\d.]+" text-anchor="end">([\d.]+)<', svg)
    ]
    assert grid[0] == 0
    assert grid[-1] >= most
    assert all(v.is_integer() for v in grid), grid
    assert len(grid) == 5


def test_a_measure_s_grid_keeps_its_fractions() -> None:
    import re

    from postmortems.render.charts import bars

    svg = bars("Median hours", [("2026-11", 0.8)])
    grid = re.findall(r'text-anchor="end">([\d.]+)<', svg)
    assert grid == ["0", "0.2", "0.4", "0.6", "0.8"]


def test_a_line_s_last_month_is_labelled_inside_the_chart() -> None:
    """The last point sits at the right edge: its label ends there rather than being cut."""
    from postmortems.render.charts import LABEL_CHAR_PX, W, lines

    months = ["2024-01", "2024-02", "2024-03"]
    root = ET.fromstring(lines("Median duration", months, [("median", [1.0, 2.0, 3.0])]))
    labels = {t.text: t for t in root.findall("s:text", NS) if t.text in months}
    for text, label in labels.items():
        x, anchor = float(label.get("x")), label.get("text-anchor")
        width = len(text) * LABEL_CHAR_PX
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        assert left >= 0, text
        assert left + width <= W, text
    assert labels["2024-03"].get("text-anchor") == "end"
    assert labels["2024-02"].get("text-anchor") == "middle"
