"""Overrides and swaps on a schedule kept in a YAML file: made on the server (a hand-off must not
wait for a commit), shown as not in the schedule's files, kept by a later `pm oncall apply`; the
rotation itself (the layers) still changes only in the file. And an override the same as one
the schedule has is refused beside its field; an overlapping one for someone else is not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import NOW, apply, rotation

from postmortems.oncall import evaluate, model

pytestmark = pytest.mark.django_db

SOURCE = "oncall/sre.yaml"
UTC = dt.UTC
# A daily rotation from Monday 2 March: alice, bob, carol, alice (Thu), bob (Fri), carol (Sat)…
# The file's own override: dave takes bob's Friday.
IN_FILE = model.Override(
    dt.datetime(2026, 3, 6, 9, tzinfo=UTC), dt.datetime(2026, 3, 7, 9, tzinfo=UTC), "dave", "bob"
)
FILE = rotation("primary", ("alice", "bob", "carol"), overrides=(IN_FILE,))
# A hand-off made on the server: erin takes Friday 12:00-18:00 (dave's, by the file).
HAND_OFF = {
    "user": "erin",
    "kind": "replace",
    "replaces": "",
    "start": "2026-03-06 12:00",
    "end": "2026-03-06 18:00",
    "note": "carol is at the dentist",
}


@pytest.fixture
def frozen(monkeypatch: Any) -> dt.datetime:
    """The pages' clock at NOW (Wednesday 4 March 2026, 12:00 UTC)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW


def _people(make_user: Any) -> dict[str, Any]:
    return {n: make_user(n, "author") for n in ("alice", "bob", "carol", "dave", "erin")}


def _on_call(client: Any, at: str) -> list[str]:
    answer = client.get("/api/oncall/schedules/primary/on-call", {"at": at})
    assert answer.status_code == 200, answer.content
    return list(answer.json()["on_call"])


def test_an_override_made_on_a_schedule_of_a_file_is_kept_by_the_next_apply(
    client: Any, make_user: Any, frozen: dt.datetime
) -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Override

    apply(FILE, source=SOURCE)
    client.force_login(_people(make_user)["alice"])
    assert client.post("/oncall/s/primary/overrides/", HAND_OFF).status_code == 302
    made = Override.objects.get(user="erin")
    assert not made.from_file
    assert Override.objects.get(user="dave").from_file
    assert _on_call(client, "2026-03-06T13:00Z") == ["erin"]

    # The same files applied again: nothing to change, and the hand-off is still there.
    assert apply(FILE, source=SOURCE) == []
    assert Override.objects.filter(pk=made.pk).exists()
    # The file changed (its people in another order, its own override a week later): written
    # anew, the hand-off kept as it was.
    week = dt.timedelta(days=7)
    moved = model.Override(IN_FILE.start + week, IN_FILE.end + week, "dave", "bob")
    changed = rotation("primary", ("alice", "carol", "bob"), overrides=(moved,))
    assert apply(changed, source=SOURCE) == [f"update schedule primary ({SOURCE})"]
    assert Override.objects.filter(pk=made.pk, from_file=False).exists()
    assert [o.start for o in Override.objects.filter(from_file=True)] == [moved.start]
    assert _on_call(client, "2026-03-06T13:00Z") == ["erin"]
    # What the server holds is exported, the hand-off included.
    exported = store.load_config().schedules[0]
    assert {o.user for o in exported.overrides} == {"dave", "erin"}
    # A file that now lists the hand-off itself takes it over: one row, the file's.
    erins = tuple(o for o in exported.overrides if o.user == "erin")
    adopted = rotation("primary", ("alice", "carol", "bob"), overrides=(moved, *erins))
    apply(adopted, source=SOURCE)
    assert list(Override.objects.filter(user="erin").values_list("from_file", flat=True)) == [True]


def test_the_page_says_which_overrides_are_not_in_the_schedules_files(
    client: Any, make_user: Any, frozen: dt.datetime
) -> None:
    from postmortems.server.oncall.models import Override

    apply(FILE, source=SOURCE)
    people = _people(make_user)
    client.force_login(people["alice"])
    client.post("/oncall/s/primary/overrides/", HAND_OFF)
    soup = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    rows = {
        tr.select_one("td[data-label=Who]").get_text(): tr
        for tr in soup.select("#overrides tbody tr")
    }
    kept = {
        who: tr.select_one("td[data-label='Kept in']").get_text(" ", strip=True)
        for who, tr in rows.items()
    }
    assert kept == {"dave": f"the file {SOURCE}", "erin": "override (not in the schedule's files)"}
    # Who made it, where the server knows: alice, on the page; the file's, nobody here.
    made_by = {who: tr.select("td[data-label=Note] .override-by") for who, tr in rows.items()}
    assert [t.get_text() for t in made_by["erin"]] == ["by alice"]
    assert made_by["dave"] == []
    # Removing: the hand-off here; the file's override only in its file.
    assert rows["erin"].select_one("button.danger") is not None
    assert rows["dave"].select_one("button.danger") is None
    assert "Overrides and swaps are made here too" in soup.select_one("#managed").get_text()
    assert soup.select_one("#layer-form") is None  # the rotation stays the file's
    theirs = Override.objects.get(user="dave")
    refused = client.post(f"/oncall/overrides/{theirs.pk}/delete/", follow=True)
    assert f"this override is in {SOURCE}" in refused.content.decode()
    assert Override.objects.filter(pk=theirs.pk).exists()
    mine = Override.objects.get(user="erin")
    assert client.post(f"/oncall/overrides/{mine.pk}/delete/").status_code == 302
    assert not Override.objects.filter(pk=mine.pk).exists()


def test_a_viewer_cannot_make_an_override_on_a_schedule_of_a_file(
    client: Any, make_user: Any, frozen: dt.datetime
) -> None:
    from postmortems.server.oncall.models import Override

    apply(FILE, source=SOURCE)
    make_user("erin", "author")
    client.force_login(make_user("vic", "viewer"))
    assert client.get("/oncall/s/primary/").context["may_override"] is False
    answer = client.post("/oncall/s/primary/overrides/", HAND_OFF)
    assert answer.status_code == 400
    assert "your role cannot change schedules of team sre" in answer.content.decode()
    assert not Override.objects.filter(user="erin").exists()


def test_a_swap_on_a_schedule_of_a_file_is_asked_accepted_and_kept(
    client: Any, make_user: Any, frozen: dt.datetime
) -> None:
    from postmortems.server.oncall.models import Override, SwapRequest

    apply(FILE, source=SOURCE)
    people = _people(make_user)
    client.force_login(people["alice"])  # alice has Sunday 8 March, carol Tuesday 10
    assert client.get("/oncall/s/primary/").context["may_swap"] is True
    ask = {"responder": "carol", "give_start": "2026-03-08 09:00", "give_end": "2026-03-09 09:00"}
    ask |= {"take_start": "2026-03-10 09:00", "take_end": "2026-03-11 09:00"}
    assert client.post("/oncall/s/primary/swaps/", ask).status_code == 302
    swap = SwapRequest.objects.get()
    client.force_login(people["carol"])
    client.post(f"/oncall/swaps/{swap.pk}/answer/", {"accept": "1"})
    assert SwapRequest.objects.get().state == "accepted"
    pair = Override.objects.filter(note__startswith=f"swap {swap.pk}")
    assert sorted(pair.values_list("user", "from_file")) == [("alice", False), ("carol", False)]
    apply(rotation("primary", ("alice", "bob", "carol")), source=SOURCE)  # file override gone
    assert pair.count() == 2
    assert not Override.objects.filter(from_file=True).exists()
    assert _on_call(client, "2026-03-08T12:00Z") == ["carol"]
    assert _on_call(client, "2026-03-10T12:00Z") == ["alice"]


def test_the_same_override_again_is_refused_beside_its_field(
    client: Any, make_user: Any, frozen: dt.datetime
) -> None:
    from postmortems.server.oncall.models import Override

    apply(FILE, source=SOURCE)
    client.force_login(_people(make_user)["alice"])
    assert client.post("/oncall/s/primary/overrides/", HAND_OFF).status_code == 302
    again = client.post("/oncall/s/primary/overrides/", {**HAND_OFF, "note": "twice"})
    assert again.status_code == 400
    form = BeautifulSoup(again.content, "html.parser").select_one("#override-form")
    said = form.select_one("#id_user_error").get_text()
    assert said.startswith("the same override exists: erin replaces everyone, ")
    assert "Fri 06 Mar 2026 12:00 – Fri 06 Mar 2026 18:00 (UTC)" in said
    assert "made here, not in the schedule's files" in said
    assert form.select_one("input[name=note]")["value"] == "twice"  # what was typed, kept
    # The same as the file's own override: refused too, saying where it is.
    file_one = {
        "user": "dave",
        "kind": "replace",
        "replaces": "bob",
        "start": "2026-03-06 09:00",
        "end": "2026-03-07 09:00",
    }
    theirs = client.post("/oncall/s/primary/overrides/", file_one)
    assert theirs.status_code == 400
    said = BeautifulSoup(theirs.content, "html.parser").select_one("#id_user_error").get_text()
    assert said.startswith("the same override exists: dave replaces bob, ")
    assert said.endswith(f"in {SOURCE} — change the person or the times, or keep the one there")
    assert Override.objects.count() == 2


def test_an_overlapping_override_for_someone_else_is_made_and_the_later_wins(
    client: Any, make_user: Any, frozen: dt.datetime
) -> None:
    from postmortems.server.oncall.models import Override

    apply(rotation("primary", ("alice", "bob", "carol")), source="")
    client.force_login(_people(make_user)["alice"])
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    rule = page.select_one("#override-order").get_text()
    assert "Overlapping overrides apply in order of their start" in rule
    assert "the later wins" in rule
    first = {**HAND_OFF, "start": "2026-03-06 10:00", "end": "2026-03-06 14:00"}
    later = {**HAND_OFF, "user": "dave", "start": "2026-03-06 12:00", "end": "2026-03-06 16:00"}
    same_start = {**HAND_OFF, "user": "bob", "start": "2026-03-06 10:00", "end": "2026-03-06 11:00"}
    for post in (first, later, same_start):
        assert client.post("/oncall/s/primary/overrides/", post).status_code == 302
    assert Override.objects.count() == 3
    # erin 10-14, dave 12-16 (starts later: wins from 12), bob 10-11 (same start as erin's,
    # made after it: wins there).
    assert _on_call(client, "2026-03-06T10:30Z") == ["bob"]
    assert _on_call(client, "2026-03-06T11:30Z") == ["erin"]
    assert _on_call(client, "2026-03-06T13:00Z") == ["dave"]
    assert _on_call(client, "2026-03-06T15:00Z") == ["dave"]
    # The calendar's evaluation agrees with the API's.
    from postmortems.server.oncall import store

    pure = store.load_config().schedules[0]
    assert evaluate.on_call(pure, dt.datetime(2026, 3, 6, 13, tzinfo=UTC)) == ("dave",)


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_the_overrides_stored_on_a_files_schedule_as_the_files() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("oncall", "0005_page_by_hand_and_why_it_stopped")]
    after = [("oncall", "0006_override_from_file")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        schedule = old.get_model("oncall", "Schedule")
        override = old.get_model("oncall", "Override")
        for name, managed_by in (("coded", SOURCE), ("made-here", "")):
            row = schedule.objects.create(name=name, timezone="UTC", managed_by=managed_by)
            override.objects.create(
                schedule=row, start=IN_FILE.start, end=IN_FILE.end, user=f"{name}-cover"
            )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("oncall", "Override")
        flags = dict(new.objects.values_list("user", "from_file"))
        assert flags == {"coded-cover": True, "made-here-cover": False}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
