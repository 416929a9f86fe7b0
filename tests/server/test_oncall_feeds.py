"""Calendar feeds through secret URLs: iCalendar that parses back to the evaluator's shifts,
revocable (then 404), and bounded by teams (a restricted schedule's feed dies with access)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import icalendar
import pytest
from oncall_fixtures import apply, rotation

from postmortems.oncall import evaluate

pytestmark = pytest.mark.django_db


def _make_feed(client: Any, schedule: str = "") -> str:
    """Make a feed through the page; its path (the URL is shown once)."""
    client.post("/oncall/feeds/new/", {"schedule": schedule})
    html = client.get("/oncall/feeds/").content.decode()
    found = re.search(r"http://[^/]+(/oncall/feed/pmf_[\w-]+\.ics)", html)
    assert found, html
    return found.group(1)


def _events(body: bytes) -> list[tuple[dt.datetime, dt.datetime, str]]:
    cal = icalendar.Calendar.from_ical(body)
    return sorted(
        (e.decoded("dtstart"), e.decoded("dtend"), str(e.get("summary")))
        for e in cal.walk("VEVENT")
    )


def test_a_schedule_feed_is_served_as_text_calendar_with_the_evaluator_shifts(
    client: Any, make_user: Any
) -> None:
    from django.test import Client

    from postmortems.server.oncall.models import FeedToken

    schedule = rotation("primary", ("alice", "bob"))
    apply(schedule, source="")
    client.force_login(make_user("alice", "viewer"))
    path = _make_feed(client, "primary")
    token = FeedToken.objects.get()
    assert path.split("/")[-1].removesuffix(".ics") not in token.digest  # only the hash is kept
    answer = Client().get(path)  # no session: a calendar app
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    events = _events(answer.content)
    assert events
    first, last = events[0][0], events[-1][1]
    expected = evaluate.shifts(schedule, first, last)
    assert [(s.start, s.end) for s in expected] == [(a, b) for a, b, _ in events]
    assert all(
        name in s for (_, _, s), name in zip(events, [x.users[0] for x in expected], strict=True)
    )
    assert b"TRANSP:TRANSPARENT" in answer.content
    # Every shift whole, the first and the last included: each starts at a hand-over (09:00 in
    # the rotation's zone), not at the second the feed was fetched, so a second fetch a minute
    # later gives the same events (their UIDs are made of their times).
    zone = schedule.zone
    assert all(start.astimezone(zone).time() == dt.time(9) for start, _, _ in events)
    again = Client().get(path)
    assert _uids(again.content) == _uids(answer.content)


def _uids(body: bytes) -> list[str]:
    return sorted(str(e.get("uid")) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_a_revoked_or_unknown_feed_answers_404(client: Any, make_user: Any) -> None:
    from django.test import Client

    from postmortems.server.oncall.models import FeedToken

    apply(rotation("primary"), source="")
    client.force_login(make_user("alice", "viewer"))
    path = _make_feed(client, "primary")
    assert Client().get(path).status_code == 200
    token = FeedToken.objects.get()
    client.post(f"/oncall/feeds/{token.pk}/revoke/")
    assert Client().get(path).status_code == 404
    assert Client().get(path.replace("pmf_", "pmf_x")).status_code == 404
    assert Client().get("/oncall/feed/nonsense.ics").status_code == 404


def test_someone_else_cannot_revoke_my_feed(client: Any, make_user: Any) -> None:
    from django.test import Client

    from postmortems.server.oncall.models import FeedToken

    apply(rotation("primary"), source="")
    client.force_login(make_user("alice", "viewer"))
    path = _make_feed(client, "primary")
    client.force_login(make_user("mallory", "viewer"))
    client.post(f"/oncall/feeds/{FeedToken.objects.get().pk}/revoke/")
    assert Client().get(path).status_code == 200


def test_a_restricted_schedule_has_no_feed_outside_its_team(client: Any, make_user: Any) -> None:
    from django.test import Client

    from postmortems.server.accounts.models import Membership
    from postmortems.server.oncall.models import FeedToken, Schedule

    apply(rotation("payroll", ("wanda",), team="web"), source="")
    Schedule.objects.update(restricted=True)
    client.force_login(make_user("sam", "viewer"))
    assert client.post("/oncall/feeds/new/", {"schedule": "payroll"}).status_code == 404
    assert not FeedToken.objects.exists()
    walt = make_user("walt", "viewer", team="web")
    client.force_login(walt)
    path = _make_feed(client, "payroll")
    assert b"wanda" in Client().get(path).content
    Membership.objects.filter(user=walt).delete()  # walt leaves the team
    assert Client().get(path).status_code == 404


def test_a_person_feed_holds_only_their_shifts_on_schedules_they_may_see(
    client: Any, make_user: Any
) -> None:
    from django.test import Client

    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary", ("alice", "bob")), rotation("secret", ("alice",), team="web"))
    Schedule.objects.filter(name="secret").update(restricted=True)
    client.force_login(make_user("alice", "viewer"))
    events = _events(Client().get(_make_feed(client)).content)
    assert events
    assert {s for _, _, s in events} == {"alice on call (primary)"}
    assert all((b - a) == dt.timedelta(days=1) for a, b, _ in events[1:-1])  # every other day
    starts = [a for a, _, _ in events[1:5]]  # the first is cut at the feed's window
    assert [b - a for a, b in itertools.pairwise(starts)] == [dt.timedelta(days=2)] * 3


def test_a_one_person_rotation_keeps_its_uid_from_one_fetch_to_the_next(
    client: Any, make_user: Any
) -> None:
    """One person is one shift as long as the window: cut at the window's edge, it starts at a
    midnight, not at the second of the fetch, so its UID holds for the day."""
    from postmortems.server.oncall import feeds
    from postmortems.server.oncall.models import FeedToken

    apply(rotation("solo", ("alice",)), source="")
    client.force_login(make_user("alice", "viewer"))
    _make_feed(client, "solo")
    token = FeedToken.objects.get()
    first = dt.datetime(2026, 12, 4, 10, 0, 1, tzinfo=dt.UTC)
    bodies = [feeds.body(token, now=first + dt.timedelta(seconds=s)) for s in (0, 1, 3600)]
    assert _uids(bodies[0]) == _uids(bodies[1]) == _uids(bodies[2])
    assert len(_uids(bodies[0])) == 1
