"""Hand-overs recorded by the tick (once each, on the incident's timeline when a page escalates to
the schedule), notes left by the people handing over, and the workload page and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import MONDAY, NOW, apply, policy, rotation

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_the_tick_records_each_hand_over_once(make_user: Any) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging, ticker
    from postmortems.server.oncall.models import Handover, Policy

    alice = make_user("alice", "author")
    apply(
        rotation("primary", ("alice", "bob")),
        policies=(policy(steps=(((("schedule", "primary"),), 60),)),),
    )
    incident = services.declare("slow checkout", alice, team="sre", now=NOW)
    paging.open_page(Policy.objects.get(), summary="slow", incident_key=incident.key, now=NOW)
    handover_at = dt.datetime(2026, 3, 5, 9, tzinfo=UTC)  # Thursday 09:00: alice → bob
    ticker.tick_once(handover_at - dt.timedelta(minutes=1))
    assert not Handover.objects.exists()
    ticker.tick_once(handover_at + dt.timedelta(seconds=5))
    ticker.tick_once(handover_at + dt.timedelta(seconds=10))
    (row,) = Handover.objects.all()
    assert (row.at, row.outgoing, row.incoming) == (handover_at, ["alice"], ["bob"])
    texts = list(incident.events.filter(kind="handover").values_list("text", flat=True))
    assert texts == ["on-call hand-over on primary: alice → bob"]


def test_a_hand_over_on_a_restricted_schedule_names_nobody_on_an_open_incident(
    make_user: Any,
) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging, ticker
    from postmortems.server.oncall.models import Policy, Schedule

    alice = make_user("alice", "author")
    apply(
        rotation("primary", ("alice", "bob")),
        policies=(policy(steps=(((("schedule", "primary"),), 60),)),),
    )
    Schedule.objects.update(restricted=True)
    seen = services.declare("slow checkout", alice, team="sre", now=NOW)
    hidden = services.declare("secret", alice, team="sre", restricted=True, now=NOW)
    for incident in (seen, hidden):
        paging.open_page(Policy.objects.get(), summary="x", incident_key=incident.key, now=NOW)
    ticker.tick_once(dt.datetime(2026, 3, 5, 9, 0, 5, tzinfo=UTC))  # alice → bob

    def told(incident: Any) -> list[str]:
        return list(incident.events.filter(kind="handover").values_list("text", flat=True))

    assert told(seen) == ["on-call hand-over on a restricted schedule"]
    assert told(hidden) == ["on-call hand-over on primary: alice → bob"]  # team sre's own


def test_the_people_of_a_hand_over_leave_a_note(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall import handovers
    from postmortems.server.oncall.models import Handover

    apply(rotation("primary", ("alice", "bob")), source="")
    handovers.record(dt.datetime(2026, 3, 5, 9, 30, tzinfo=UTC))
    row = Handover.objects.get()
    client.force_login(make_user("carol", "author"))
    refused = client.post(f"/oncall/handovers/{row.pk}/note/", {"note": "hi"}, follow=True)
    assert "only the people of this hand-over" in refused.content.decode()
    client.force_login(make_user("alice", "author"))
    client.post(f"/oncall/handovers/{row.pk}/note/", {"note": "disk alert is noisy; ignore sdb"})
    row.refresh_from_db()
    assert (row.note, row.author) == ("disk alert is noisy; ignore sdb", "alice")
    assert "disk alert is noisy" in client.get("/oncall/s/primary/").content.decode()


def test_workload_counts_hours_on_call_and_pages_with_off_hours_apart(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy, Schedule

    make_user("alice", "author")
    make_user("bob", "author")
    apply(rotation("primary", ("alice", "bob")), policies=(policy(),), source="")
    apply(rotation("payroll", ("wanda",), team="web"), source="")
    Schedule.objects.filter(name="payroll").update(restricted=True)
    row = Policy.objects.get()
    saturday_night = dt.datetime(2026, 3, 7, 3, 0, tzinfo=UTC)
    tuesday_noon = dt.datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    for at in (saturday_night, tuesday_noon):
        paging.open_page(row, summary="x", now=at)  # pages alice (step 1) only
    client.force_login(make_user("sam", "viewer"))
    query = {"since": MONDAY.isoformat(), "to": (MONDAY + dt.timedelta(days=7)).isoformat()}
    page = client.get("/oncall/workload/", query)
    assert page.status_code == 200
    assert "wanda" not in page.content.decode()  # a restricted schedule of another team
    # The days as asked, east of UTC too (midnight in Tokyo is the day before in UTC).
    for zone in ("UTC", "Asia/Tokyo", "America/New_York"):
        said = client.get("/oncall/workload/", {**query, "zone": zone}).content.decode()
        assert f"{MONDAY} to {MONDAY + dt.timedelta(days=7)} ({zone})" in said
    got = list(
        csv.DictReader(
            io.StringIO(
                client.get("/oncall/workload/", {**query, "format": "csv"}).content.decode()
            )
        )
    )
    # Monday 00:00-09:00 nobody; then a day each: alice Mon, Wed, Fri and Sun 09:00-24:00.
    assert got == [
        {"person": "alice", "hours_on_call": "87.00", "pages": "2", "off_hours_pages": "1"},
        {"person": "bob", "hours_on_call": "72.00", "pages": "0", "off_hours_pages": "0"},
    ]


def test_a_bad_workload_period_answers_400(client: Any, make_user: Any) -> None:
    client.force_login(make_user("sam", "viewer"))
    answer = client.get("/oncall/workload/", {"since": "2026-03-09", "to": "2026-03-02"})
    assert answer.status_code == 400
    assert "To must be a later day than Since" in answer.content.decode()
    assert client.get("/oncall/workload/", {"zone": "Nowhere/City"}).status_code == 400
    # The CSV too: a zone it cannot take is said, not replaced by UTC.
    csv_answer = client.get("/oncall/workload/", {"zone": "Mars/X", "format": "csv"})
    assert csv_answer.status_code == 400
    assert csv_answer.content.decode().startswith("bad request: ")
    assert "Mars/X" in csv_answer.content.decode()
    # `since` alone is held to the same 400 days, up to its default end (tomorrow).
    ancient = {"since": "1900-01-01", "format": "csv"}
    assert client.get("/oncall/workload/", ancient).status_code == 400
    recent = (dt.date.today() - dt.timedelta(days=90)).isoformat()
    assert client.get("/oncall/workload/", {"since": recent}).status_code == 200
    assert client.get("/oncall/workload/", {"to": "2999-01-01"}).status_code == 200  # 30 days
    assert client.get("/oncall/workload/").status_code == 200  # the last 30 days


def test_a_saved_hand_over_note_opens_the_page_at_it(client: Any, make_user: Any) -> None:
    """The hand-overs are below the calendar: saved, the page opens at the note."""
    from postmortems.server.oncall import handovers
    from postmortems.server.oncall.models import Handover

    apply(rotation("primary", ("alice", "bob")), source="")
    handovers.record(dt.datetime(2026, 3, 5, 9, 30, tzinfo=UTC))
    row = Handover.objects.get()
    client.force_login(make_user("alice", "author"))
    saved = client.post(f"/oncall/handovers/{row.pk}/note/", {"note": "disk alert is noisy"})
    assert saved["Location"] == f"/oncall/s/primary/#handover-{row.pk}"
    page = BeautifulSoup(client.get(saved["Location"]).content, "html.parser")
    assert "disk alert is noisy" in page.select_one(f"#handover-{row.pk}").get_text()


def _period(client: Any, query: dict[str, str]) -> str:
    """The workload page's line saying its period."""
    page = BeautifulSoup(client.get("/oncall/workload/", query).content, "html.parser")
    return str(page.select_one("#period").get_text())


def test_workload_counts_hours_up_to_now_and_says_so(
    client: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A period that ends later (the default ends tomorrow) stops at now: tonight's shift and
    next week's override are no work done yet."""
    from django.utils import timezone

    from postmortems.server.oncall import workload
    from postmortems.server.oncall.models import Override, Schedule

    apply(rotation("primary", ("alice", "bob")), source="")
    tonight = dt.datetime(2026, 3, 4, 20, tzinfo=UTC)  # after NOW, Wednesday 12:00
    Override.objects.create(
        schedule=Schedule.objects.get(), user="carol", start=tonight, end=tonight.replace(hour=23)
    )
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(make_user("sam", "viewer"))
    week = {"since": MONDAY.isoformat(), "to": (MONDAY + dt.timedelta(days=7)).isoformat()}
    got = client.get("/oncall/workload/", {**week, "format": "csv"}).content.decode()
    # alice Mon 09:00-Tue 09:00 and Wed 09:00-12:00; bob Tue; carol's override is to come.
    assert list(csv.reader(io.StringIO(got)))[1:] == [
        ["alice", "27.00", "0", "0"],
        ["bob", "24.00", "0", "0"],
    ]
    assert _period(client, week).startswith(
        "2026-03-02 to now, 2026-03-04 12:00 (UTC): hours on call are counted up to now;"
    )
    assert "2026-02-03 to now, 2026-03-04 12:00 (UTC)" in _period(client, {})
    # A period over is counted whole and said as asked; one that has not begun counts nothing.
    past = {"since": "2026-03-02", "to": "2026-03-03"}
    assert (
        "2026-03-02 to 2026-03-03 (UTC)" in client.get("/oncall/workload/", past).content.decode()
    )
    # Not "to now" before its start: no hours yet.
    assert _period(client, {"since": "2026-03-09", "to": "2026-03-16"}).startswith(
        "2026-03-09 to 2026-03-16 (UTC): the period has not begun, so there are no hours on "
        "call yet;"
    )
    start = dt.datetime(2026, 3, 9, tzinfo=UTC)
    assert (
        workload.workload(_sams_access(), start, start + dt.timedelta(days=7), UTC, now=NOW) == []
    )


def _sams_access() -> Any:
    from django.contrib.auth.models import User

    from postmortems.server.accounts.access import access_of

    return access_of(User.objects.get(username="sam"))
