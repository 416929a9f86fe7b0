"""In Chromium: when the editor's check is refused (too complex 422, another check running 429,
the server's own fault 503), the side panel says so instead of keeping the last preview: htmx 2
swaps no 4xx/5xx answer unless told to (``htmx-config``'s ``responseHandling``).

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

from postmortems.server.library import sandbox

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.mark.parametrize(
    "refusal",
    [
        sandbox._too_complex("10-second"),
        sandbox.Busy("another check of yours is still running", hint="wait"),
        sandbox._died(1),
    ],
    ids=["422", "429", "503"],
)
def test_a_refused_check_is_shown_in_the_side_panel(
    live_server: Any, browser: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch, refusal: Any
) -> None:
    make_user("ann", "author", team="sre")
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.goto(f"{live_server.url}/new/")
    page.wait_for_selector("#side .findings, #side ul, #side table")  # the first check answered

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise refusal

    monkeypatch.setattr(sandbox, "run_for", refuse)  # the live server runs in this process
    page.fill("#text", "# Checkout writes failed\n\nA changed text.\n")
    expect(page.locator("#side")).to_contain_text(refusal.message[:30], timeout=10_000)
    assert "PM000" in page.inner_text("#side")
    assert page.input_value("#text").startswith("# Checkout writes failed")  # nothing is lost
    shoot_desktop_and_phone(page, f"preview-refused-{refusal.__class__.__name__}", "PM_SHOTS_DIR")
