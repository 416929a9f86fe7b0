"""In Chromium: the incidents list writes each start in the incident's zone and, under it, the
reader's own time, left out when the reader's clock reads the same wall time and offset then
(``2026-12-07 13:57 GMT`` over ``yours: 2026-12-07 13:57 UTC`` says nothing new)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.server.conftest import browser_login, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

# December: London is on GMT (+00:00), New York on EST (-05:00), Lisbon on WET (+00:00)
STARTED = dt.datetime(2026, 12, 7, 13, 57, tzinfo=dt.UTC)


def _setup() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident

    user = get_user_model().objects.create_user("alice", password="pw-alice-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role="author")
    for title, zone in (("London 502s", "Europe/London"), ("New York 502s", "America/New_York")):
        row = services.declare(title, user, team="sre", timezone=zone, now=STARTED)
        Incident.objects.filter(pk=row.pk).update(started=STARTED)
    connections.close_all()


def _yours(page: Any, title: str) -> Any:
    return page.locator("table.incidents tr", has_text=title).locator(".yours-line")


@pytest.mark.parametrize(
    ("reader", "london", "new_york"),
    [
        ("UTC", False, True),  # GMT and UTC: the same 13:57, +00:00
        ("Europe/Lisbon", False, True),  # WET: another name, the same clock
        ("America/New_York", True, False),  # the reader's clock is New York's
        ("Asia/Tokyo", True, True),
    ],
)
def test_the_readers_time_is_left_out_where_it_reads_the_same(
    live_server: Any, browser: Any, reader: str, london: bool, new_york: bool
) -> None:
    _setup()
    page = browser_login(browser, live_server.url, "alice", timezone_id=reader)
    page.goto(f"{live_server.url}/incidents/")
    shown = {title: _yours(page, title).is_visible() for title in ("London", "New York")}
    assert shown == {"London": london, "New York": new_york}
    if new_york:  # shown, in the reader's clock
        text = _yours(page, "New York").inner_text().strip()
        assert text.startswith("yours: 2026-12-07 ")
