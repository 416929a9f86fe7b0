"""In Chromium, the timeline diagram on the server's postmortem page uses the width the page
gives it: the drawing made for that width, scaled to the article's width (on a desktop the
reading column's 736 px, as on the static site; its text no larger than the page's).

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

SHOWN_JS = """() => {
  const box = document.querySelector('.pm-diagram');
  const shown = Array.from(box.querySelectorAll('svg.pm-timeline'))
    .filter(s => s.getBoundingClientRect().width > 0);
  return {names: shown.map(s => s.classList[1]), room: box.clientWidth,
          width: shown.length ? shown[0].getBoundingClientRect().width : 0,
          page: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize(
    ("width", "drawing", "widest"),
    [
        (390, "tl-narrow", 390),
        (600, "tl-medium", 600),
        (1280, "tl-wide", 884),
        (1600, "tl-wide", 884),
    ],
)
def test_the_diagram_takes_the_width_of_the_article(
    live_server: Any,
    browser: Any,
    make_user: Any,
    make_pm: Any,
    width: int,
    drawing: str,
    widest: int,
) -> None:
    make_user("ann", "author", team="sre")
    make_pm("PM-T-1", teams="sre")
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.goto(f"{live_server.url}/p/PM-T-1/")
    page.set_viewport_size({"width": width, "height": 900})
    shown = page.evaluate(SHOWN_JS)
    assert shown["names"] == [drawing]
    assert abs(shown["width"] - min(shown["room"], widest)) < 1, shown
    assert shown["page"] <= width  # nothing scrolls sideways
    if width == 1280:
        shoot_desktop_and_phone(page, "diagram", "PM_SHOTS_DIR")
