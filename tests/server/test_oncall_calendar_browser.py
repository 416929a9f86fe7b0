"""In Chromium at 1366 px: an override whose label is longer than its bar ("sam for demo" over
a few hours) shows its start and "…"; the pointer on the bar, or the keyboard's focus on it,
shows the label whole over the week, and the bar is named whole for a screen reader.

Screenshots go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.db import connections
from oncall_fixtures import apply, rotation
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium

from postmortems.oncall import model

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_a_cut_label_is_read_whole_on_hover_and_on_focus(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    make_user("sam", "author", team="sre")
    tomorrow = dt.datetime.combine(dt.date.today() + dt.timedelta(days=1), dt.time(), dt.UTC)
    cover = model.Override(
        tomorrow + dt.timedelta(hours=8), tomorrow + dt.timedelta(hours=22), "sam", replaces="demo"
    )
    apply(rotation("web", ("demo", "priya"), overrides=(cover,)), source="")
    connections.close_all()
    page = browser_login(
        browser, live_server.url, "sam", password="pw-sam", viewport={"width": 1366, "height": 900}
    )
    page.goto(f"{live_server.url}/oncall/s/web/")
    bar = page.locator("svg.oncall-week g.shift.cut:has(text)").first
    shown = bar.locator("text").text_content() or ""
    assert shown.endswith("…")
    assert "sam for demo".startswith(shown[:-1])
    # the text drawn stays inside its bar
    text_box = bar.locator("text").bounding_box()
    bar_box = bar.locator("rect").bounding_box()
    assert text_box["x"] + text_box["width"] <= bar_box["x"] + bar_box["width"]
    tip = page.locator("svg.oncall-week g.tip[tabindex='0']").first
    pop = tip.locator("g.pop")
    expect(pop).to_be_hidden()
    expect(tip).to_have_accessible_name(
        f"sam for demo, {tomorrow:%a %d %b} 08:00 – {tomorrow:%a} 22:00"
    )
    # the keyboard: Tab reaches the bar (the one stop of the calendar), which shows it whole
    page.locator("#swap-hint, .oncall-nav a").last.focus()
    page.keyboard.press("Tab")
    expect(tip).to_be_focused()
    expect(pop).to_be_visible()
    expect(pop.locator("text")).to_have_text("sam for demo")
    whole = pop.locator("text").bounding_box()
    assert whole["width"] > text_box["width"] * 1.3  # the whole label, wider than its start
    _shoot(page, "calendar-focus")
    page.keyboard.press("Tab")
    expect(pop).to_be_hidden()
    # the pointer on the bar
    bar.scroll_into_view_if_needed()
    box = bar.locator("rect").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(pop).to_be_visible()
    _shoot(page, "calendar-hover")
    page.mouse.move(5, 5)
    expect(pop).to_be_hidden()


def _shoot(page: Any, name: str) -> None:
    folder = os.environ.get("PM_SHOTS_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.locator("svg.oncall-week").first.screenshot(path=f"{folder}/{name}.png")
