"""In Chromium, the server's postmortem page at 1280 px: the text in a reading column (about 70
characters a line, not the 150 of the whole page), the summary card, the diagram and the action
table as wide as that column, and the panels (review, action items, factors, similar incidents)
beside it; on a 390 px phone one column, the panels under the text and the action table stacked.
A Markdown table wider than the column scrolls inside itself; the editor's preview and an
incident's postmortem draft keep the same measure.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from tests.render.test_reading_browser import assert_reading_measure, full_lines
from tests.server.conftest import browser_login, doc_text, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

SUMMARY = (
    "From 04:00 to 06:30 UTC on February 12, 2024 (2 hours 30 minutes), the checkout API "
    "answered most requests with HTTP 502. About 75% of users could not complete a purchase; "
    "browsing worked. The root cause was an expired TLS certificate between nginx and the "
    "checkout-api upstream: it was issued by hand a year earlier and its renewal reminder went "
    "to a mailbox deleted in a reorg."
)
WIDE_TABLE = "\n".join(
    [
        "| " + " | ".join(f"column {n}" for n in range(8)) + " |",
        "|" + "---|" * 8,
        "| " + " | ".join(f"upstream-{n}-handshake-failure-count" for n in range(8)) + " |",
    ]
)


def _text() -> str:
    """The sample postmortem with a long summary, a second task and a table wider than a page."""
    text = doc_text("PM-T-1", teams="sre").replace(
        "From 04:00 to 06:30 UTC checkout returned 502s to 75% of users; the certificate expired.",
        f"{SUMMARY}\n\n{SUMMARY}",
    )
    text = text.replace(
        "The TLS certificate expired. We renewed it.",
        f"The TLS certificate expired. We renewed it.\n\n{WIDE_TABLE}",
    )
    return text + "- [ ] Alert when any certificate expires within 14 days (owner: @ann)\n"


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return dict(box)


def _page(live_server: Any, browser: Any) -> Any:
    from postmortems.server.library import store

    store.create(_text(), None)
    connections.close_all()
    return browser_login(browser, live_server.url, "ann", password="pw-ann")


def test_the_text_reads_in_a_column_with_the_panels_beside_it(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    make_user("ann", "author", team="sre")
    page = _page(live_server, browser)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/p/PM-T-1/")
    assert_reading_measure(full_lines(page, "article.doc .pm-section > p"))
    text = _box(page, "article.doc .pm-section > p")
    for wide in (".pm-card", ".pm-diagram", "table.pm-actions"):
        assert _box(page, wide)["width"] > text["width"] + 60, wide  # the column, not the text
    article, card = _box(page, "article.doc"), _box(page, ".pm-card")
    panel = _box(page, "#workflow")
    assert panel["x"] >= article["x"] + article["width"]  # beside the text ...
    assert abs(panel["y"] - card["y"]) < 40  # ... from the top of the page
    assert panel["x"] + panel["width"] <= 1280
    shoot_desktop_and_phone(page, "reading", "PM_SHOTS_DIR")

    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1]
    article, panel = _box(page, "article.doc"), _box(page, "#workflow")
    assert panel["y"] >= article["y"] + article["height"]  # under the text on a phone
    assert page.locator("table.pm-actions thead").is_hidden()
    row = page.locator("table.pm-actions tbody tr").first
    task, status = _box(row, "td:nth-child(2)"), _box(row, "td:nth-child(1)")
    assert status["y"] >= task["y"] + task["height"] - 1  # the task first, its status under it


@pytest.mark.parametrize("width", [1280, 390])
def test_a_table_wider_than_the_column_scrolls_inside_it(
    live_server: Any, browser: Any, make_user: Any, width: int
) -> None:
    make_user("ann", "author", team="sre")
    page = _page(live_server, browser)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/p/PM-T-1/")
    table = page.locator("article.doc table:not(.pm-actions)")
    sizes = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert sizes[0] > sizes[1]  # it scrolls ...
    box, article = _box(page, "article.doc table:not(.pm-actions)"), _box(page, "article.doc")
    assert box["x"] + box["width"] <= article["x"] + article["width"] + 1  # ... in the column
    page_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert page_width[0] <= page_width[1]  # and never the page


def test_the_editor_preview_and_an_incident_draft_keep_the_measure(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    from django.utils import timezone

    from postmortems.server.incidents.services import declare

    ann = make_user("ann", "author", team="sre")
    incident = declare("Checkout errors", ann, team="sre", now=timezone.now())
    page = _page(live_server, browser)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/p/PM-T-1/edit/")
    preview = page.locator("#side .doc .pm-section > p").first
    preview.wait_for()
    assert_reading_measure(full_lines(page, "#side .doc .pm-section > p"))
    page.goto(f"{live_server.url}/incidents/{incident.key}/postmortem/")
    lines = full_lines(page, "main > p")
    assert lines
    assert max(lines) <= 80, lines  # the whole page's width held 150
