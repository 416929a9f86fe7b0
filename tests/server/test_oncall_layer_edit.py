"""A rotation made in the UI is corrected in the UI: a layer added by mistake (the wrong people,
the wrong hours) is removed on the schedule's page, the last one kept; and a form posted from
the calendar's later weeks comes back to those weeks, where the change shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _layers() -> list[str]:
    from postmortems.server.oncall.models import Layer

    return list(Layer.objects.values_list("name", flat=True))


def _remove(client: Any, name: str, query: str = "") -> Any:
    from postmortems.server.oncall.models import Layer

    return client.post(f"/oncall/layers/{Layer.objects.get(name=name).pk}/delete/{query}")


def _buttons(client: Any) -> list[str]:
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    return [b["aria-label"] for b in page.select("#layer-table button.danger")]


def test_a_layer_added_by_mistake_is_removed_on_the_schedule_page(
    client: Any, make_user: Any
) -> None:
    apply(rotation("primary", business_hours=("bob",)), source="")  # made in the UI
    client.force_login(make_user("sam", "author"))
    assert _buttons(client) == ["Remove layer main", "Remove layer office"]
    answer = _remove(client, "office", "?from=2026-03-30")
    assert answer.status_code == 302
    assert answer["Location"] == "/oncall/s/primary/?from=2026-03-30#layers"
    assert _layers() == ["main"]
    page = client.get(answer["Location"]).content.decode()
    assert "Layer office removed from primary." in page
    # The last layer stays: no button, and a post is refused, saying what to do instead.
    assert _buttons(client) == []
    refused = client.get(_remove(client, "main")["Location"]).content.decode()
    assert _layers() == ["main"]
    assert "layer main is the only layer of schedule primary" in refused
    assert "add the layer that replaces it first" in refused


@pytest.mark.parametrize(
    ("source", "role", "refusal"),
    [
        ("", "viewer", "your role cannot change schedules of team sre"),
        ("oncall/sre.yaml", "author", "schedule primary is managed by oncall/sre.yaml"),
    ],
)
def test_a_layer_is_removed_by_the_authors_of_its_team_on_a_rotation_made_here(
    client: Any, make_user: Any, source: str, role: str, refusal: str
) -> None:
    apply(rotation("primary", business_hours=("bob",)), source=source)
    client.force_login(make_user("vic", role))
    assert _buttons(client) == []
    said = client.get(_remove(client, "office")["Location"]).content.decode()
    assert refusal in said
    assert _layers() == ["main", "office"]


def test_a_layer_of_a_schedule_hidden_from_me_is_not_found(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary", business_hours=("bob",)), source="")
    Schedule.objects.filter(name="primary").update(team="red", restricted=True)
    client.force_login(make_user("sam", "author"))
    assert _remove(client, "office").status_code == 404
    assert _layers() == ["main", "office"]


def test_a_form_posted_from_later_weeks_comes_back_to_them(
    client: Any, make_user: Any, monkeypatch: Any
) -> None:
    """An override added, or removed, while the calendar shows April comes back to April (one
    added, at its row); an override added, and a swap accepted, come back to the weeks of
    their start when those shown do not hold it."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 3, 1, tzinfo=UTC))
    apply(rotation("primary"), source="")  # alice, bob, carol: a day each from Mon 2 March
    make_user("alice", "author")
    client.force_login(make_user("bob", "author"))
    override = {"user": "bob", "kind": "replace", "replaces": "alice"}
    override |= {"start": "2026-04-01 09:00", "end": "2026-04-02 09:00"}
    added = client.post("/oncall/s/primary/overrides/?from=2026-03-30", override)
    from postmortems.server.oncall.models import Override, SwapRequest

    pk = Override.objects.get().pk
    assert added["Location"] == f"/oncall/s/primary/?from=2026-03-30#override-{pk}"
    calendar = BeautifulSoup(client.get(added["Location"]).content, "html.parser")
    assert "Mon 30 Mar 2026" in calendar.select(".oncall-nav")[-1].get_text()
    removed = client.post(f"/oncall/overrides/{pk}/delete/?from=2026-03-30")
    assert removed["Location"] == "/oncall/s/primary/?from=2026-03-30#overrides"
    # No day (today's weeks, to 29 March): the weeks of the override, 1 April.
    again = client.post("/oncall/s/primary/overrides/?from=someday", override)
    pk = Override.objects.get().pk
    assert again["Location"] == f"/oncall/s/primary/?from=2026-04-01#override-{pk}"
    # alice asks bob to take her Thursday 7 May; bob accepts from the page at today's weeks.
    client.force_login(_user("alice"))
    swap = {"responder": "bob", "give_start": "2026-05-07 09:00", "give_end": "2026-05-08 09:00"}
    assert client.post("/oncall/s/primary/swaps/", swap).status_code == 302
    client.force_login(_user("bob"))
    accepted = client.post(f"/oncall/swaps/{SwapRequest.objects.get().pk}/answer/", {"accept": 1})
    assert accepted["Location"] == "/oncall/s/primary/?from=2026-05-07"
    assert "bob" in client.get(accepted["Location"]).content.decode()


def _user(name: str) -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username=name)


@pytest.mark.parametrize(
    ("override", "field", "said"),
    [
        (
            {"user": "bob", "kind": "replace", "replaces": "alcie"},
            "replaces",
            "alcie is not on call on primary from 2026-03-02 09:00 to 2026-03-03 09:00 — this "
            "override would change nothing: give a time when they are on call, or leave "
            "Replaces empty to replace whoever is on call",
        ),
        (
            {"user": "carol", "kind": "remove"},
            "user",
            "carol is not on call on primary from 2026-03-02 09:00 to 2026-03-03 09:00 — this "
            "override would change nothing: give a time when they are on call",
        ),
    ],
)
def test_an_override_that_would_change_nothing_is_refused_beside_its_field(
    client: Any, make_user: Any, override: dict[str, str], field: str, said: str
) -> None:
    """A misspelt name in Replaces, or someone taken off on a day they are not on call: saved,
    the override would change nothing while the team thinks the shift is covered."""
    from postmortems.server.oncall.models import Override

    apply(rotation("primary"), source="")  # alice on Monday 2 March, bob on the 3rd, carol…
    make_user("alice", "author"), make_user("carol", "author")
    client.force_login(make_user("bob", "author"))
    period = {"start": "2026-03-02 09:00", "end": "2026-03-03 09:00"}
    refused = client.post("/oncall/s/primary/overrides/", {**override, **period})
    assert refused.status_code == 400
    page = BeautifulSoup(refused.content, "html.parser")
    assert page.select_one(f"#id_{field}_error").get_text() == said
    assert not Override.objects.exists()
    # As meant: alice replaced on her day; carol taken off on hers (Wednesday 4 March).
    if field == "replaces":
        meant = {**override, "replaces": "alice", **period}
    else:
        meant = {**override, "start": "2026-03-04 09:00", "end": "2026-03-05 09:00"}
    assert client.post("/oncall/s/primary/overrides/", meant).status_code == 302
    assert Override.objects.count() == 1
