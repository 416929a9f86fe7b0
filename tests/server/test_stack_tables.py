"""On a phone a `table.data.stack` drops its header row, so each of its cells says its column:
`data-label`, the column's name, written by the template and shown before the cell by site.css.

Every such table of every page is checked against its header, in Chromium on the demo library;
a template with a new one fails the first test until a page that shows it is listed here.
Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.server.conftest import needs_chromium, shoot_desktop_and_phone

SERVER = Path(__file__).resolve().parents[2] / "src" / "postmortems" / "server"

# The template of each stack table, and a page that shows it with rows to priya (a reviewer of
# the demo's team sre, with reviews asked of her and overdue items of her own).
PAGES = {
    "library/_table.html": "/",
    "incidents/list.html": "/incidents/",
    "incidents/_live_body.html": "/incidents/INC-*/",
    "incidents/inbox.html": "/incidents/inbox/",
    "incidents/errors.html": "/incidents/ingest-errors/",
    "workflow/inbox.html": "/inbox/",
    "workflow/items.html": "/actions/",
    "oncall/feeds.html": "/oncall/feeds/",
    "oncall/pages.html": "/oncall/pages/",
    "oncall/list.html": "/oncall/",
    "oncall/schedule.html": "/oncall/s/sre-primary/",
    "oncall/page.html": "/oncall/pages/PAGE/",
    "accounts/tokens.html": "/tokens/",
    "library/revisions.html": "/p/PM-DEMO-004/revisions/",
}

# Each body cell of each stack table: [its data-label, its column's header (null for a header
# only screen readers hear: a column of buttons), the label the phone shows before it].
CELLS_JS = """() => Array.from(document.querySelectorAll('table.data.stack')).flatMap(table => {
  const heads = Array.from(table.querySelectorAll('thead th'));
  return Array.from(table.querySelectorAll('tbody td:not([colspan])')).map(td => {
    const th = heads[td.cellIndex];
    const header = th.querySelector('.visually-hidden') ? null : th.textContent.trim();
    return [td.getAttribute('data-label'), header, getComputedStyle(td, '::before').content,
            td.matches(':empty')];
  });
})"""


def test_every_stack_table_is_on_a_page_checked_here() -> None:
    stacked = {
        str(path.relative_to(path.parents[1]))
        for path in SERVER.glob("*/templates/*/*.html")
        if re.search(r'<table class="data stack\b', path.read_text(encoding="utf-8"))
    }
    assert stacked == set(PAGES)


@pytest.mark.django_db(transaction=True)
@needs_chromium
def test_on_a_phone_each_cell_of_a_stack_table_says_its_column(
    live_server: Any, browser: Any
) -> None:
    from django.db import connections
    from django.utils import timezone

    from postmortems.server import demo

    demo.load(today=timezone.now().date())
    connections.close_all()
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "priya")
    page.fill("input[name=password]", "priya-postmortems")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/oncall/feeds/")
    page.click("text=Make a feed of my own shifts")
    page.goto(f"{base}/tokens/")
    page.fill("input[name=name]", "laptop")
    page.click("text=Create token")
    page.goto(f"{base}/incidents/")
    incident = page.locator("table.incidents a").first.get_attribute("href") or ""
    key = incident.strip("/").rsplit("/", 1)[-1]
    page.goto(f"{base}/oncall/pages/")
    page.fill("input[name=summary]", "Checkout still failing")
    page.fill("input[name=incident]", key)  # a page of the incident, linked from the list
    page.click("text=Page now")
    page.wait_for_url(re.compile(r".*/oncall/pages/\d+/$"))  # the new page's own
    paged = page.url.removeprefix(base)
    for template, path in PAGES.items():
        page.goto(
            base + path.replace("/incidents/INC-*/", incident).replace("/oncall/pages/PAGE/", paged)
        )
        page.set_viewport_size({"width": 390, "height": 900})
        cells = page.evaluate(CELLS_JS)
        assert cells, template
        for label, header, before, empty in cells:
            assert label == header, (template, label, header)
            shown = "none" if header is None or empty else f'"{header}: "'
            assert before == shown, (template, before)
        assert page.locator("table.data.stack thead").first.is_hidden()
        # stacked, each table fits its box: no column is cut off behind a sideways scroll
        sideways = "Array.from(document.querySelectorAll('table.data.stack')).filter(t => {"
        sideways += " const box = t.parentElement; return box.scrollWidth > box.clientWidth })"
        assert page.evaluate(sideways + ".length") == 0, template
        page.set_viewport_size({"width": 1280, "height": 900})
        shoot_desktop_and_phone(page, "stack-" + template.replace("/", "-")[:-5], "PM_SHOTS_DIR")
