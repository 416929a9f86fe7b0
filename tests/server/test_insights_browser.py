"""The insights page of the demo in Debian's Chromium: a filter applied, the charts drawn, no
console error, no failed request, no sideways scrolling at 390 px, AA contrast in both themes.

Screenshots (desktop 1280 px and a 390 px phone, each theme) go to PM_SHOTS_DIR when it is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from tests.server.conftest import needs_chromium
from tests.server.test_walk_browser import VIEWS, Watch, _demo, _login

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_insights_page_of_the_demo(live_server: Any, browser: Any, view: str) -> None:
    _demo()
    base = live_server.url
    shots = os.environ.get("PM_SHOTS_DIR")
    watch = Watch(f"insights-{view}", Path(shots) if shots else None)
    if watch.folder is not None:
        watch.folder.mkdir(parents=True, exist_ok=True)
    page = _login(browser, base, VIEWS[view], watch, "demo")
    if view.startswith("phone"):
        page.click("header .menu-toggle summary")  # a phone's menu opens from its button
        page.click("header nav a:has-text('Insights')")
    else:
        page.click("header nav >> text=Insights")
    page.wait_for_url(re.compile(r".*/insights/$"))
    watch.check(page, "all-teams")
    # Every chart of the demo has something to draw, each with its table.
    for slug in ("pm-period", "inc-period", "services", "causes", "factors", "ages"):
        chart = page.locator(f"#chart-{slug}")
        assert chart.locator("svg[role=img] rect").count() > 0, slug
        assert chart.locator("details table tbody tr").count() > 0, slug
    before = int(page.locator(".tile dd").first.inner_text())
    page.select_option("select[name=team]", "payments")
    page.click("form.insights-filters button[type=submit]")
    page.wait_for_url(re.compile(r".*/insights/\?team=payments.*"))
    watch.check(page, "team-payments")
    after = int(page.locator(".tile dd").first.inner_text())
    assert 0 < after < before
    page.locator("#chart-pm-period details summary").click()
    assert page.locator("#chart-pm-period details table").is_visible()
    page.fill("input[name=since]", "2030-01-01")
    page.fill("input[name=until]", "2029-01-01")
    page.click("form.insights-filters button[type=submit]")
    assert "before its start" in page.locator(".error[role=alert]").inner_text()
    asked = ("400: ", "console: Failed to load resource: the server responded with a status of 400")
    watch.problems = [p for p in watch.problems if not p.startswith(asked)]  # asked for
    watch.check(page, "bad-period")
