"""A layer of a rotation made here is changed on the schedule's page, in place: someone joins the
team, the hand-over moves to 10:00. It keeps its place among the layers (the last wins where it
covers); a change that puts someone else on call now is shown first and saved once confirmed;
a refused change comes back beside its field with what was typed. Layers move up and down."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Wednesday 4 March 12:00: the daily rotation alice, bob, carol from Monday 2 March 09:00 has
# carol on call; the office layer on top of it (bob, weekdays 09:00-17:00) has bob.
WEDNESDAY_NOON = dt.datetime(2026, 3, 4, 12, tzinfo=UTC)


def _at(monkeypatch: Any, when: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: when)


def _layer(name: str) -> Any:
    from postmortems.server.oncall.models import Layer

    return Layer.objects.get(name=name)


def _order() -> list[str]:
    from postmortems.server.oncall.models import Layer

    return list(Layer.objects.order_by("position", "id").values_list("name", flat=True))


def _form(layer: str, users: str, unit: str, changes: dict[str, Any]) -> dict[str, Any]:
    """A layer's form, a shift of one ``unit`` from Monday 2 March 09:00, every day, changed."""
    fields = {"layer": layer, "users": users, "shift_count": "1", "shift_unit": unit}
    fields |= {"handoff": "09:00", "start": "2026-03-02"}
    return fields | {"weekdays": [], "from_time": "", "to_time": ""} | changes


def _office(**changes: Any) -> dict[str, Any]:
    """The office layer's form as it is (bob, a week, Mon-Fri 09:00-17:00), changed."""
    hours = {"weekdays": ["0", "1", "2", "3", "4"], "from_time": "09:00", "to_time": "17:00"}
    return _form("office", "bob", "weeks", hours | changes)


def _main(**changes: Any) -> dict[str, Any]:
    """The main layer's form as it is (alice, bob, carol, a day each), changed."""
    return _form("main", "alice, bob, carol", "days", changes)


def _edit_url(name: str, query: str = "") -> str:
    return f"/oncall/layers/{_layer(name).pk}/edit/{query}"


def _inputs(answer: Any) -> dict[str, Any]:
    """The edit form's values as the page shows them (ticked weekdays as a list)."""
    form = BeautifulSoup(answer.content, "html.parser").select_one("#layer-form")
    values: dict[str, Any] = {}
    for field in form.select("input, select"):
        name = field.get("name")
        if field.name == "select":
            chosen = field.select_one("option[selected]")
            values[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "checkbox":
            values.setdefault(name, [])
            if field.has_attr("checked"):
                values[name].append(field["value"])
        elif name != "csrfmiddlewaretoken":
            values[name] = field.get("value", "")
    return values


def test_the_edit_form_is_filled_in_with_the_layer_and_saves_it_in_place(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """The hand-over moves from 09:00 to 10:00: the layer keeps its row, its place (office still
    above main, so it still wins) and its name; the page says it and the table shows 10:00."""
    from postmortems.server.oncall.models import Layer

    _at(monkeypatch, dt.datetime(2026, 3, 1, 12, tzinfo=UTC))  # before the rotation begins
    apply(rotation("primary", business_hours=("bob",)), source="")
    client.force_login(make_user("sam", "author"))
    make_user("bob")
    schedule = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    links = [a["aria-label"] for a in schedule.select("#layer-table a.button")]
    assert links == ["Edit layer main", "Edit layer office"]
    office = _layer("office")
    shown = client.get(_edit_url("office", "?from=2026-03-30"))
    assert shown.status_code == 200
    assert _inputs(shown) == {**_office(), "shift_count": "1", "seen": ""}
    answer = client.post(_edit_url("office", "?from=2026-03-30"), _office(handoff="10:00"))
    assert answer.status_code == 302
    assert answer["Location"] == "/oncall/s/primary/?from=2026-03-30#layers"
    after = Layer.objects.get(pk=office.pk)
    assert (after.handoff, after.position, after.restrictions) == (
        dt.time(10),
        office.position,
        office.restrictions,
    )
    assert _order() == ["main", "office"]
    page = client.get(answer["Location"]).content.decode()
    assert "Layer office of primary changed." in page
    row = BeautifulSoup(page, "html.parser").select("#layer-table tbody tr")[1]
    assert row.select_one('[data-label="Hand-over"]').get_text() == "10:00"


def _joined(client: Any, make_user: Any, monkeypatch: Any) -> None:
    """Wednesday noon carol is on call (day 3 of alice, bob, carol). dan joins at the end: still
    carol (day 3 of 4), saved at once."""
    _at(monkeypatch, WEDNESDAY_NOON)
    apply(rotation("primary"), source="")
    for name in ("alice", "bob", "carol", "dan"):
        make_user(name)
    client.force_login(make_user("sam", "author"))
    joined = client.post(_edit_url("main"), _main(users="alice, bob, carol, dan"))
    assert joined.status_code == 302
    assert _layer("main").users == ["alice", "bob", "carol", "dan"]


def test_a_change_that_puts_someone_else_on_call_now_is_shown_first(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """alice leaves: day 3 of bob, carol, dan is dan's, so the page shows it (before, after, the
    next shifts) and saves nothing until the same change is posted again; a change altered
    after it was shown is shown again."""
    from postmortems.server.oncall.models import Layer

    _joined(client, make_user, monkeypatch)
    left = client.post(_edit_url("main"), _main(users="bob, carol, dan"))
    assert left.status_code == 200
    assert _layer("main").users == ["alice", "bob", "carol", "dan"]  # not saved
    page = BeautifulSoup(left.content, "html.parser")
    preview = page.select_one("#layer-preview").get_text(" ", strip=True)
    assert "On call now on primary: carol . After the change: dan ." in preview
    shifts = [li.get_text(" ", strip=True) for li in page.select("#preview-shifts li")]
    assert shifts[:2] == [
        "Wed 4 Mar 12:00 – Thu 5 Mar 09:00 dan",
        "Thu 5 Mar 09:00 – Fri 6 Mar 09:00 bob",
    ]
    seen = _inputs(left)["seen"]
    assert _inputs(left) == {**_main(users="bob, carol, dan"), "seen": seen}  # kept as typed
    assert page.select_one("#layer-form button").get_text() == "Save: dan on call now"

    altered = client.post(_edit_url("main"), _main(users="bob, dan", seen=seen))
    assert altered.status_code == 200  # another change: shown again, not saved
    assert _layer("main").users == ["alice", "bob", "carol", "dan"]

    confirmed = client.post(_edit_url("main"), _main(users="bob, carol, dan", seen=seen))
    assert confirmed.status_code == 302
    assert Layer.objects.get(name="main").users == ["bob", "carol", "dan"]
    now = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    assert now.select_one("#now strong").get_text(strip=True) == "dan"


def test_the_person_on_call_keeps_their_turn_when_asked(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """alice leaves, and the page offers to keep carol's turn: the same order started at dan
    (dan, bob, carol: day 3 is carol's), saved at once; after carol comes dan, as typed."""
    _joined(client, make_user, monkeypatch)
    left = client.post(_edit_url("main"), _main(users="bob, carol, dan"))
    page = BeautifulSoup(left.content, "html.parser")
    button = page.select_one("#keep-form button").get_text()
    assert button == "Keep carol's turn: save as dan, bob, carol"
    keep = page.select_one("#keep-form")
    sent: dict[str, Any] = {}
    for field in keep.select("input"):
        sent.setdefault(field["name"], []).append(field.get("value", ""))
    kept = client.post(_edit_url("main"), sent)
    assert kept.status_code == 302
    assert _layer("main").users == ["dan", "bob", "carol"]
    schedule = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    assert schedule.select_one("#now strong").get_text(strip=True) == "carol"
    assert schedule.select_one("#next-change strong").get_text(strip=True) == "dan"


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        (
            {"layer": "main"},
            "layer",
            "schedule primary has a layer named main — give the layer a name of its own",
        ),
        (
            {"users": "bob, ghostuser"},
            "users",
            "no account ghostuser: a page to it would reach nobody — give user names of this "
            "server (an admin creates accounts)",
        ),
        ({"users": "bob; carol"}, "users", "bob; is not a username"),
    ],
)
def test_a_refused_change_comes_back_beside_its_field_with_what_was_typed(
    client: Any, make_user: Any, changes: dict[str, str], field: str, said: str
) -> None:
    apply(rotation("primary", business_hours=("bob",)), source="")
    make_user("bob")
    client.force_login(make_user("sam", "author"))
    before = _layer("office")
    sent = _office(handoff="10:00", **changes)
    refused = client.post(_edit_url("office"), sent)
    assert refused.status_code == 400
    page = BeautifulSoup(refused.content, "html.parser")
    assert page.select_one(f"#id_{field}_error").get_text().startswith(said)
    assert _inputs(refused) == {**sent, "seen": ""}
    after = _layer("office")
    assert (after.name, after.users, after.handoff) == (before.name, before.users, before.handoff)


@pytest.mark.parametrize(
    ("source", "role", "refusal"),
    [
        ("", "viewer", "your role cannot change schedules of team sre"),
        (
            "oncall/sre.yaml",
            "author",
            "schedule primary is managed by oncall/sre.yaml — change its layers in that file "
            "and run `pm oncall apply`",
        ),
    ],
)
def test_a_layer_is_changed_by_the_authors_of_its_team_on_a_rotation_made_here(
    client: Any, make_user: Any, source: str, role: str, refusal: str
) -> None:
    """No Edit or Move button; the edit page sends back to the schedule saying why; a post comes
    back with the form as sent and the refusal; a move is refused the same way."""
    apply(rotation("primary", business_hours=("bob",)), source=source)
    make_user("bob")
    client.force_login(make_user("vic", role))
    schedule = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    assert schedule.select("#layer-table a, #layer-table button") == []
    shown = client.get(_edit_url("office"))
    assert shown.status_code == 302
    assert refusal in client.get(shown["Location"]).content.decode()
    sent = _office(users="bob, vic")
    refused = client.post(_edit_url("office"), sent)
    assert refused.status_code == 400
    assert refusal in BeautifulSoup(refused.content, "html.parser").select_one(".error").get_text()
    assert _inputs(refused) == {**sent, "seen": ""}
    assert _layer("office").users == ["bob"]
    moved = client.post(f"/oncall/layers/{_layer('office').pk}/move/", {"direction": "up"})
    assert refusal in client.get(moved["Location"]).content.decode()
    assert _order() == ["main", "office"]


def test_a_layer_of_a_schedule_hidden_from_me_is_not_found(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary", business_hours=("bob",)), source="")
    Schedule.objects.filter(name="primary").update(team="red", restricted=True)
    client.force_login(make_user("sam", "author"))
    assert client.get(_edit_url("office")).status_code == 404
    assert client.post(_edit_url("office"), _office(users="sam")).status_code == 404
    move = client.post(f"/oncall/layers/{_layer('office').pk}/move/", {"direction": "up"})
    assert move.status_code == 404
    assert _layer("office").users == ["bob"]
    assert _order() == ["main", "office"]


def test_a_layer_with_several_windows_is_not_changed_by_the_form(
    client: Any, make_user: Any
) -> None:
    """Made in the admin with two windows: the form holds one, so saving from it would lose
    the other: said, and left to the admin."""
    from postmortems.server.oncall.models import Layer

    apply(rotation("primary", business_hours=("bob",)), source="")
    weekend = {"weekdays": [5, 6], "start": "10:00", "end": "14:00"}
    Layer.objects.filter(name="office").update(
        restrictions=[*_layer("office").restrictions, weekend]
    )
    client.force_login(make_user("sam", "author"))
    shown = client.get(_edit_url("office"))
    said = client.get(shown["Location"]).content.decode()
    assert (
        "layer office has 2 windows of the week (Mon–Fri 09:00–17:00; Sat, Sun 10:00–14:00)" in said
    )
    refused = client.post(_edit_url("office"), _office())
    assert refused.status_code == 400
    assert len(_layer("office").restrictions) == 2


def _move(client: Any, name: str, direction: str) -> Any:
    return client.post(
        f"/oncall/layers/{_layer(name).pk}/move/?from=2026-03-30", {"direction": direction}
    )


def test_layers_move_up_and_down_and_the_last_wins(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """Wednesday noon the office layer (bob, on top) wins over main (carol). Moved up, below it
    main wins: carol is on call; moved down again, bob. The ends refuse, saying so."""
    _at(monkeypatch, WEDNESDAY_NOON)
    apply(rotation("primary", business_hours=("bob",)), source="")
    make_user("bob"), make_user("carol")
    client.force_login(make_user("sam", "author"))

    def on_call() -> str:
        page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
        return page.select_one("#now strong").get_text(strip=True)

    assert on_call() == "bob"
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    labels = [b["aria-label"] for b in page.select("#layer-table button.secondary")]
    assert labels == ["Move layer main down", "Move layer office up"]
    moved = _move(client, "office", "up")
    assert moved["Location"] == "/oncall/s/primary/?from=2026-03-30#layers"
    assert _order() == ["office", "main"]
    said = client.get(moved["Location"]).content.decode()
    assert "Layer office moved up: layer main, now below it, wins where both cover." in said
    assert on_call() == "carol"
    top = client.get(_move(client, "main", "down")["Location"]).content.decode()
    assert "layer main is already the last of schedule primary" in top
    assert _order() == ["office", "main"]
    back = client.get(_move(client, "office", "down")["Location"]).content.decode()
    assert "Layer office moved down: it now wins over layer main where both cover." in back
    assert (_order(), on_call()) == (["main", "office"], "bob")


def test_a_move_that_is_no_direction_is_a_bad_request(client: Any, make_user: Any) -> None:
    apply(rotation("primary", business_hours=("bob",)), source="")
    client.force_login(make_user("sam", "author"))
    assert _move(client, "office", "sideways").status_code == 400
    assert _order() == ["main", "office"]
