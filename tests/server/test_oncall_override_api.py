"""Overrides through the API (``/api/oncall/schedules/{name}/overrides``): a script or a chat bot
lists a schedule's overrides, makes one ("sam covers dana tomorrow") and removes one, with the
rights, checks and refusals of the schedule's page, said as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from oncall_fixtures import apply, rotation

from postmortems.oncall import model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shifts_to_come")]

API = "/api/oncall/schedules/primary/overrides"
# alice has Monday 2 March from 09:00 Berlin (08:00 UTC), bob Tuesday, carol Wednesday.
COVER = {"user": "dave", "replaces": "bob", "start": "2026-03-03 09:00", "end": "2026-03-03 17:00"}


def _client(user: Any, scope: str = "write") -> Client:
    from postmortems.server.accounts.models import ApiToken

    token = ApiToken.issue(user, "bot", scope=scope)[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def _on_call(client: Client, at: str) -> list[str]:
    answer = client.get("/api/oncall/schedules/primary/on-call", {"at": at})
    assert answer.status_code == 200, answer.content
    return list(answer.json()["on_call"])


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    """The Berlin rotation of team sre; sam (author of sre), vic (viewer of sre), dave (of sre,
    to be put on call), rita (author of team red)."""
    apply(rotation("primary", zone="Europe/Berlin"), source="")
    made = {name: make_user(name, role) for name, role in [("sam", "author"), ("vic", "viewer")]}
    made |= {name: make_user(name, "viewer") for name in ("alice", "bob", "carol", "dave")}
    made["rita"] = make_user("rita", "author", team="red")
    return made


def test_an_override_is_made_listed_applied_and_removed(people: dict[str, Any]) -> None:
    sam = _client(people["sam"])
    assert sam.get(API).json() == []
    made = sam.post(API, COVER, content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    # Wall times in the schedule's zone: 09:00 CET is 08:00 UTC.
    assert (body["start"], body["end"]) == ("2026-03-03T08:00:00Z", "2026-03-03T16:00:00Z")
    assert (body["user"], body["kind"], body["replaces"]) == ("dave", "replace", "bob")
    assert (body["made_by"], body["from_file"]) == ("sam", False)
    assert sam.get(API).json() == [body]
    assert _on_call(sam, "2026-03-03T12:00:00Z") == ["dave"]
    assert _on_call(sam, "2026-03-03T17:00:00Z") == ["bob"]  # after it, bob again
    # The schedule's page lists it, made the same way as its form makes one.
    sam.force_login(people["sam"])
    assert "dave" in sam.get("/oncall/s/primary/").content.decode()

    removed = sam.delete(f"{API}/{body['id']}")
    assert removed.status_code == 204
    assert sam.get(API).json() == []
    assert _on_call(sam, "2026-03-03T12:00:00Z") == ["bob"]
    assert sam.delete(f"{API}/{body['id']}").status_code == 404  # gone

    # One made with the page's form says who made it too.
    form = {**COVER, "kind": "replace", "note": "from the page"}
    assert sam.post("/oncall/s/primary/overrides/", form).status_code == 302
    [listed] = sam.get(API).json()
    assert (listed["note"], listed["made_by"]) == ("from the page", "sam")


def test_an_instant_with_its_offset_and_the_other_kinds(people: dict[str, Any]) -> None:
    sam = _client(people["sam"])
    added = {
        "user": "dave",
        "kind": "add",
        "start": "2026-03-02T10:00Z",
        "end": "2026-03-02T11:00Z",
    }
    assert sam.post(API, added, content_type="application/json").status_code == 201
    assert _on_call(sam, "2026-03-02T10:30:00Z") == ["alice", "dave"]
    off = {"user": "carol", "kind": "remove", "start": "2026-03-04T09:00+01:00"}
    off["end"] = "2026-03-04T12:00+01:00"
    assert sam.post(API, off, content_type="application/json").status_code == 201
    assert _on_call(sam, "2026-03-04T10:00:00Z") == []
    listed = sam.get(API).json()
    assert [(o["user"], o["kind"]) for o in listed] == [("dave", "add"), ("carol", "remove")]


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"user": "ghost"}, "user", "no account ghost: a page to it would reach nobody"),
        ({"end": "2026-03-03 08:00"}, "", "the end must be after the start"),
        ({"end": "2027-04-03 08:00"}, "", "an override lasts at most 366 days"),
        ({"start": "soon"}, "start", "Enter a valid date/time."),
        ({"start": "2026-03-29 02:30", "end": "2026-03-29 05:00"}, "start", "does not happen"),
        # bob is not on call on Monday: the override would change nothing
        (
            {"start": "2026-03-02 10:00", "end": "2026-03-02 12:00"},
            "replaces",
            "bob is not on call on primary from 2026-03-02 10:00 to 2026-03-02 12:00",
        ),
        ({"replaces": "bbo"}, "replaces", "bbo is not on call on primary"),
        ({"kind": "add"}, "replaces", "only a replace override replaces someone"),
        ({"user": "rita"}, "", ""),  # not restricted: anyone with an account may cover
    ],
)
def test_what_the_page_refuses_is_a_422_saying_what_to_fix(
    people: dict[str, Any], change: dict[str, str], field: str, said: str
) -> None:
    sam = _client(people["sam"])
    answer = sam.post(API, {**COVER, **change}, content_type="application/json")
    if not said:
        assert answer.status_code == 201, answer.content
        return
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert said in body["detail"]
    assert any(e["field"] == field and said in e["msg"] for e in body["errors"]), body
    if field in ("start", "end"):
        assert "ISO 8601" in body["hint"]
    assert sam.get(API).json() == []  # nothing made


def test_the_same_override_twice_is_refused(people: dict[str, Any]) -> None:
    sam = _client(people["sam"])
    assert sam.post(API, COVER, content_type="application/json").status_code == 201
    again = sam.post(API, COVER, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["detail"].startswith("the same override exists: dave replaces bob")
    assert again.json()["hint"] == "change the person or the times, or keep the one there"
    assert len(sam.get(API).json()) == 1


def test_the_rights_are_the_pages(people: dict[str, Any], make_user: Any) -> None:
    """A viewer reads and may not change (403); a read token reads only; another team's
    author may not change a schedule of sre; a restricted schedule of another team is a 404
    like a missing one, on every method."""
    sam = _client(people["sam"])
    made = sam.post(API, COVER, content_type="application/json").json()
    for who in (_client(people["vic"]), _client(people["sam"], "read"), _client(people["rita"])):
        assert who.get(API).json() == [made]
        refused = who.post(API, {**COVER, "user": "carol"}, content_type="application/json")
        assert refused.status_code == 403, refused.content
        assert who.delete(f"{API}/{made['id']}").status_code == 403
    vic = _client(people["vic"]).post(API, COVER, content_type="application/json").json()
    assert vic["detail"] == (
        "your role cannot change schedules of team sre — ask someone with the author role in "
        "that team"
    )
    assert len(sam.get(API).json()) == 1  # nothing made or removed

    apply(rotation("red-primary", ("rita",), team="red"), source="")
    from postmortems.server.oncall.models import Override, Schedule

    Schedule.objects.filter(name="red-primary").update(restricted=True)
    hidden = Override.objects.create(
        schedule=Schedule.objects.get(name="red-primary"),
        user="rita",
        kind="add",
        start=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
        end=dt.datetime(2026, 3, 4, tzinfo=dt.UTC),
    )
    red = "/api/oncall/schedules/red-primary/overrides"
    for path in (red, "/api/oncall/schedules/nope/overrides"):
        assert sam.get(path).status_code == 404
        posted = sam.post(path, {**COVER, "user": "sam"}, content_type="application/json")
        assert posted.status_code == 404
        assert posted.json()["detail"] == sam.get(path).json()["detail"]
        assert sam.delete(f"{path}/{hidden.pk}").status_code == 404
    assert Override.objects.filter(pk=hidden.pk).exists()
    # An override of another schedule, named under this one: not found here.
    assert sam.delete(f"{API}/{hidden.pk}").status_code == 404
    # Rita, of team red, sees and changes it.
    rita = _client(people["rita"])
    assert [o["id"] for o in rita.get(red).json()] == [hidden.pk]
    assert rita.delete(f"{red}/{hidden.pk}").status_code == 204


def test_a_files_override_is_removed_in_its_file(people: dict[str, Any]) -> None:
    cover = model.Override(
        start=dt.datetime(2026, 3, 3, 8, tzinfo=dt.UTC),
        end=dt.datetime(2026, 3, 3, 16, tzinfo=dt.UTC),
        user="dave",
        replaces="bob",
    )
    apply(rotation("primary", zone="Europe/Berlin", overrides=(cover,)), source="oncall/sre.yaml")
    sam = _client(people["sam"])
    [listed] = sam.get(API).json()
    assert (listed["from_file"], listed["made_by"]) == (True, "")
    refused = sam.delete(f"{API}/{listed['id']}")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "this override is in oncall/sre.yaml",
        "hint": "remove it from that file and run `pm oncall apply`",
        "errors": [],
    }
    # One made here beside it is the server's, and removed here.
    carol = {**COVER, "user": "carol", "replaces": ""}  # (dave in for everyone: no change)
    made = sam.post(API, carol, content_type="application/json")
    assert made.status_code == 201, made.content
    assert sam.delete(f"{API}/{made.json()['id']}").status_code == 204


def test_a_body_that_is_not_the_schema_is_a_422(people: dict[str, Any]) -> None:
    sam = _client(people["sam"])
    answer = sam.post(API, {**COVER, "who": "dave"}, content_type="application/json")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["who"]
    assert sam.post(API, {"user": "dave"}, content_type="application/json").status_code == 422
