"""In Chromium, a static site's postmortem page reads like a page of a book: its prose keeps a
measure of about 70 characters a line at 1280 px, while its card, diagram and action table use
the column's whole width; on a 390 px phone the action table stacks (each task on its own line,
its status, owner and due date under it), as the server's page does, from the one stylesheet."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

PAGE = "pm/checkout-502.html"

# For each element matching the selector: its width and the characters of each of its lines but
# the last (a line is the characters whose boxes share a top), read from the laid-out text.
LINES_JS = """(selector) => Array.from(document.querySelectorAll(selector)).map(el => {
  const tops = new Map();
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (let i = 0; i < n.length; i++) {
      const range = document.createRange(); range.setStart(n, i); range.setEnd(n, i + 1);
      const box = range.getClientRects()[0]; if (!box || !box.width) continue;
      const top = Math.round(box.top + box.height / 2);
      let key = [...tops.keys()].find(t => Math.abs(t - top) < 4);
      if (key === undefined) { key = top; tops.set(key, 0); }
      tops.set(key, tops.get(key) + 1);
    }
  }
  const lines = [...tops.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
  return {width: el.getBoundingClientRect().width, lines: lines.slice(0, -1)};
})"""


def full_lines(page: Any, selector: str) -> list[int]:
    """The character count of every full line (not a paragraph's last) of the matching text."""
    return [n for p in page.evaluate(LINES_JS, selector) for n in p["lines"]]


def assert_reading_measure(lines: list[int]) -> None:
    """About 65–75 characters a line: none past 80, and most near 70."""
    assert len(lines) >= 6, lines
    assert max(lines) <= 80, lines  # the site's 736 px column held 84
    assert 60 <= statistics.median(lines) <= 78, lines


def _open(tab: Any, site: Path, width: int) -> Any:
    tab.page.set_viewport_size({"width": width, "height": 900})
    tab.page.goto((site / PAGE).as_uri())
    return tab.page


def test_the_prose_keeps_a_reading_measure_and_the_rest_the_column(site: Path, tab: Any):
    page = _open(tab, site, 1280)
    assert_reading_measure(full_lines(page, ".pm-section > p"))
    text = page.locator(".pm-section > p").first.bounding_box()
    for wide in (".pm-card", "table.pm-actions", ".pm-diagram"):
        box = page.locator(wide).bounding_box()
        assert box["width"] > text["width"] + 40, wide  # the column's width, not the text's


def test_on_a_phone_the_action_table_stacks_the_task_first(
    site: Path, tab: Any, tmp_path: Path
) -> None:
    page = _open(tab, site, 390)
    table = page.locator("table.pm-actions")
    assert page.locator("table.pm-actions thead").is_hidden()
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    for n in range(rows.count()):
        row = rows.nth(n)
        task = row.locator("td").nth(1).bounding_box()
        status = row.locator("td").nth(0).bounding_box()
        assert task["width"] > 300  # the task's own line, the row's width
        assert status["y"] >= task["y"] + task["height"] - 1  # its status under it
    owner = rows.first.locator("td").nth(2)
    assert owner.evaluate("td => getComputedStyle(td, '::before').content") == '"owner "'
    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1]
    table.screenshot(path=str(tmp_path / "actions-phone.png"))
