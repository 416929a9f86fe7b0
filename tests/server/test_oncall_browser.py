"""On-call end to end in Debian's Chromium: make a rotation and an override with the forms, see
the schedule drawn as a calendar, and acknowledge a page from the link of its notification.

Screenshots (desktop 1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def _user(name: str, role: str = "author") -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team

    user = get_user_model().objects.create_user(
        name, password=f"pw-{name}-123", email=f"{name}@example.com"
    )
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role=role)
    connections.close_all()


def _shoot(page: Any, name: str) -> None:
    shoot_desktop_and_phone(page, name, "PM_SHOTS_DIR")


def _page_with_link() -> tuple[int, str]:
    from django.db import connections
    from django.utils import timezone

    from postmortems.server.oncall import acklinks, paging
    from postmortems.server.oncall.models import Policy, Step

    try:
        policy = Policy.objects.create(name="web-page", team="sre")
        targets = [{"kind": "schedule", "name": "web"}]
        Step.objects.create(policy=policy, targets=targets, delay=dt.timedelta(minutes=5))
        page = paging.open_page(policy, summary="checkout 502s", now=timezone.now())
        return page.pk, acklinks.make(page.pk, "alice")
    finally:
        connections.close_all()


def _acknowledged_by(page_id: int) -> str:
    from django.db import connections

    from postmortems.server.oncall.models import Page

    try:
        page = Page.objects.select_related("acknowledged_by").get(pk=page_id)
        return page.acknowledged_by.username if page.acknowledged_by else ""
    finally:
        connections.close_all()


def test_rotation_override_calendar_and_acknowledging_from_the_link(
    live_server: Any, browser: Any
) -> None:
    base = live_server.url
    _user("alice")
    _user("bob")
    _user("carol")
    page = browser_login(browser, base, "alice")
    page.click("header nav >> text=On-call")
    page.click("text=New rotation")
    _shoot(page, "new-rotation")
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date()
    # A week back: on a Monday before 09:00 this week's first hand-over is still to come.
    monday = today - dt.timedelta(days=today.weekday() + 7)
    page.fill("input[name=name]", "web")
    page.fill("input[name=timezone]", "Europe/Berlin")
    page.fill("input[name=team]", "sre")
    page.fill("input[name=users]", "alice, bob")
    page.select_option("select[name=shift_unit]", "days")
    page.fill("input[name=handoff]", "09:00")
    page.fill("input[name=start]", monday.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/oncall/s/web/")
    tomorrow = today + dt.timedelta(days=1)
    form = page.locator("#override-form")
    form.locator("input[name=user]").fill("carol")
    form.locator("input[name=start]").fill(f"{tomorrow}T12:00")
    form.locator("input[name=end]").fill(f"{tomorrow}T20:00")
    form.locator("button[type=submit]").click()
    page.locator("#overrides td", has_text="carol").wait_for()
    calendar = page.locator("#calendar svg.oncall-week")
    assert calendar.count() == 4
    # the override's week: the first on most days; the second late on a Sunday (Berlin), when
    # tomorrow is the next week's Monday
    assert calendar.locator("text=overrides").count() == 4  # each week has the overrides row
    titles = calendar.locator("g.shift title").all_text_contents()
    assert any(t.startswith(f"carol, {tomorrow:%a %d %b} 12:00") for t in titles)
    assert any(t.startswith("alice, ") for t in titles)
    assert any(t.startswith("bob, ") for t in titles)
    _shoot(page, "schedule")
    # A phone reads the weeks as a list of shifts instead of a drawing to scroll sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.locator("#calendar").is_hidden()
    day = f"{tomorrow:%a} {tomorrow.day} {tomorrow:%b}"
    carol = page.locator("#agenda li", has_text="carol")
    assert carol.inner_text().split("\n") == [f"{day} 12:00 – {day} 20:00", "carol"]
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator("#agenda").is_hidden()
    page.goto(f"{base}/oncall/")
    _shoot(page, "list")
    page.goto(f"{base}/oncall/team/sre/")
    assert page.locator("#team-now").inner_text() in {"alice", "bob", "carol"}
    _shoot(page, "team")
    page.goto(f"{base}/oncall/s/web/")
    page.click("text=Make a secret feed URL for this schedule")
    page.locator("#new-feed").wait_for()
    _shoot(page, "feeds")

    page_id, token = _page_with_link()
    page.goto(f"{base}/oncall/pages/{page_id}/")
    # Times in the reader's zone (the browser's: UTC here), with the zone's name on hover.
    opened = page.locator("p.meta time.local")
    opened.and_(page.locator("[title]")).wait_for()
    assert opened.inner_text().endswith((" UTC", " GMT"))
    # to the minute, as the server wrote it (seconds only beside an incident's own column)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+", opened.inner_text())
    assert opened.get_attribute("title")
    _shoot(page, "page")
    page.goto(f"{base}/oncall/pages/")
    _shoot(page, "pages")
    page.goto(f"{base}/oncall/workload/")
    _shoot(page, "workload")
    phone = browser.new_context(viewport={"width": 390, "height": 800}).new_page()  # not logged in
    phone.set_default_timeout(15_000)
    phone.goto(f"{base}/oncall/ack/{token}/")
    phone.locator("#ack-confirm").wait_for()
    assert _acknowledged_by(page_id) == ""  # opening the link did not acknowledge
    _shoot(phone, "ack-confirm")
    phone.click("#ack-confirm")
    phone.locator("#ack-done").wait_for()
    assert _acknowledged_by(page_id) == "alice"
    _shoot(phone, "ack-done")


def test_the_calendar_follows_the_dark_theme(live_server: Any, browser: Any) -> None:
    """Dark theme: the week's ground is the page's, its day and row labels light; a shift's
    name stays dark on its light colour."""
    from django.db import connections
    from oncall_fixtures import apply, rotation

    _user("alice")
    apply(rotation("primary", ("alice",)), source="")
    connections.close_all()
    page = browser_login(browser, live_server.url, "alice", color_scheme="dark")
    page.goto(f"{live_server.url}/oncall/s/primary/")
    week = page.locator("svg.oncall-week").first
    ground = week.evaluate("w => getComputedStyle(w).backgroundColor")
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert ground == body
    day = week.locator(":scope > text").first.evaluate("t => getComputedStyle(t).fill")
    shift = week.locator("g.shift text").first.evaluate("t => getComputedStyle(t).fill")
    assert day != shift
    assert shift == "rgb(29, 35, 48)"  # #1d2330 on the shift's light colour


def test_swap_this_shift_and_the_acknowledgement_page_in_the_policys_zone(
    live_server: Any, browser: Any
) -> None:
    """A shift of mine in the calendar (the drawing on a desktop, the list on a phone) opens the
    swap form filled with it; a link with no shift in it says why. The acknowledgement page
    gives its times in the zone of the schedule the policy pages, and the reader's own."""
    from django.db import connections
    from oncall_fixtures import apply, rotation

    base = live_server.url
    _user("alice")
    _user("bob")
    apply(rotation("web", ("alice", "bob"), zone="Europe/Berlin"), source="")
    connections.close_all()
    page = browser_login(browser, base, "alice")
    ahead = (dt.date.today() + dt.timedelta(weeks=1)).isoformat()
    page.goto(f"{base}/oncall/s/web/?from={ahead}")
    expect(page.locator("#swap-hint")).to_be_visible()
    _shoot(page, "swap-calendar")
    shift = page.locator("#calendar a.mine").first
    href = shift.get_attribute("href") or ""
    shift.click()
    page.wait_for_url(f"**{href}")
    form = page.locator("#swap-form")
    query = parse_qs(urlsplit(href).query)
    # The link names the instants (wall time and offset); the form shows their wall times in
    # Berlin with the zone's abbreviation.
    berlin = ZoneInfo("Europe/Berlin")
    start, end = (dt.datetime.fromisoformat(query[k][0]) for k in ("give_start", "give_end"))
    for name, at in (("give_start", start), ("give_end", end)):
        shown = f"{at:%Y-%m-%d %H:%M} {at.astimezone(berlin).tzname()}"
        expect(form.locator(f"input[name={name}]")).to_have_value(shown)
    _shoot(page, "swap-prefilled")
    form.locator("input[name=responder]").fill("bob")
    form.locator("button[type=submit]").click()
    expect(page.locator("#swaps li", has_text="alice asks bob")).to_be_visible()
    # A phone lists the shifts; mine have the link.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}/oncall/s/web/?from={ahead}")
    listed = page.locator("#agenda li.mine a.swap-link").first
    expect(listed).to_be_visible()
    listed.click()
    page.wait_for_url("**#swap-form")
    expect(page.locator("#swap-form input[name=give_start]")).not_to_have_value("")
    page.goto(f"{base}/oncall/s/web/?give_start=soon&give_end=2030-01-02T09:00#swap-form")
    expect(page.locator("#swap-link-error")).to_contain_text("its start “soon”")
    _shoot(page, "swap-link-refused")

    page_id, token = _page_with_link()
    new_york = browser.new_context(
        viewport={"width": 390, "height": 800}, timezone_id="America/New_York"
    )
    phone = new_york.new_page()
    phone.goto(f"{base}/oncall/ack/{token}/")
    opened = phone.locator("#ack-opened")
    expect(opened.locator(".at")).to_contain_text(" CE")  # CET or CEST: Berlin's time
    expect(opened.locator("time.local")).to_have_attribute("title", "America/New_York")
    expect(opened.locator("time.local")).to_contain_text(" E")  # EST or EDT: the reader's
    expect(phone.locator("#zone-note")).to_have_text(
        "Times in Europe/Berlin; in brackets, your time (America/New_York)."
    )
    _shoot(phone, "ack-zone")
    page.goto(f"{base}/oncall/pages/{page_id}/")
    expect(page.locator("#zone-note")).to_contain_text("Times in Europe/Berlin")
    _shoot(page, "page-zone")


def test_swapping_a_shift_in_the_repeated_hour_on_a_phone_and_a_desktop(
    live_server: Any, browser: Any
) -> None:
    """Hourly shifts over the night London's clocks go back: on a phone, the list says which
    01:30 each shift starts at; the second 01:30 (alice's) opens the form filled with it and the
    form says how to write a repeated time; typed without its abbreviation it is refused beside
    the field; asked as shown, it is asked."""
    from django.db import connections
    from oncall_fixtures import apply
    from test_oncall_swap_dst import _hourly, fall_back_day

    base = live_server.url
    _user("alice")
    _user("bob")
    day, _ = fall_back_day("Europe/London", dt.date.today())
    apply(_hourly("Europe/London", day), source="")
    connections.close_all()
    page = browser_login(browser, base, "alice", viewport={"width": 390, "height": 800})
    page.goto(f"{base}/oncall/s/late/?from={day}")

    year = f" {day.year}" if day.year != dt.date.today().year else ""  # read in December

    def starting(at: str) -> re.Pattern[str]:
        return re.compile(rf"^\s*Sun {day.day} Oct{year} {at} –")

    second = page.locator("#agenda li.mine", has_text=starting("01:30 GMT"))
    expect(second).to_have_count(1)
    first = page.locator("#agenda li", has_text=starting("01:30 BST"))
    expect(first).to_contain_text("bob")
    expect(first).not_to_have_class("mine")
    _shoot(page, "swap-dst-calendar")
    page.set_viewport_size({"width": 390, "height": 800})
    second.get_by_role("link", name="Swap this shift").click()
    page.wait_for_url("**#swap-form")
    form = page.locator("#swap-form")
    expect(form.get_by_label("My shift from")).to_have_value(f"{day} 01:30 GMT")
    expect(page.locator("#swap-times-fall-back")).to_contain_text(
        f"Write {day} 01:30 BST for the first 01:30, {day} 01:30 GMT for the second."
    )
    _shoot(page, "swap-dst-form")
    form.get_by_label("Ask (username)").fill("bob")
    form.get_by_label("My shift from").fill(f"{day} 01:30")
    form.get_by_role("button", name="Ask").click()
    refused = page.locator("#swap-form #swap_give_start_error")
    expect(refused).to_contain_text(f"{day} 01:30 happens twice in Europe/London")
    _shoot(page, "swap-dst-refused")
    page.locator("#swap-form").get_by_label("My shift from").fill(f"{day} 01:30 GMT")
    page.locator("#swap-form").get_by_role("button", name="Ask").click()
    expect(page.locator("#swaps li", has_text="alice asks bob")).to_contain_text(
        f"{day.day} Oct{year} 01:30 GMT–"
    )


def test_an_hourly_rotation_on_a_phone_is_listed_day_by_day(live_server: Any, browser: Any) -> None:
    """Four weeks of hourly shifts: a day a line, today open; a tap opens another day."""
    from django.db import connections
    from oncall_fixtures import apply, rotation

    base = live_server.url
    _user("alice")
    apply(rotation("hourly", ("alice", "bob", "carol"), unit="hours"), source="")  # from 2 Mar
    connections.close_all()
    page = browser_login(browser, base, "alice", viewport={"width": 390, "height": 800})
    page.goto(f"{base}/oncall/s/hourly/?from=2040-03-05")  # a Monday, far from today
    days = page.locator("#agenda details.agenda-day")
    expect(days).to_have_count(28)
    expect(page.locator("#agenda details[open]")).to_have_count(1)  # the day asked for
    tuesday = days.nth(1)
    expect(tuesday.locator("summary")).to_contain_text("Tue 6 Mar 2040")  # not this year
    expect(tuesday.locator("summary")).to_contain_text("24 shifts: ")
    expect(tuesday.locator("li").first).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000, height  # every shift listed open was ~40,000 px
    _shoot(page, "agenda-hourly")
    page.set_viewport_size({"width": 390, "height": 800})  # the shots end at 1280 px
    tuesday.locator("summary").click()
    expect(tuesday.locator("li").first).to_be_visible()
    expect(tuesday.locator("li").first).to_contain_text(
        "Tue 6 Mar 2040 00:00 – Tue 6 Mar 2040 01:00"
    )
