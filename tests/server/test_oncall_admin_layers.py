"""The admin's layer rows are checked as the YAML is: a window of the week with a day that is
no day, a time that is no time, a start that is no date, or people that are no list of names
is refused beside the row, saying how to write it, instead of being saved and breaking every
page (and the paging tick) that evaluates the schedule."""

from __future__ import annotations

from typing import Any

import pytest
from oncall_fixtures import admin_errors, admin_form, apply, rotation

pytestmark = pytest.mark.django_db

WINDOW = '[{"weekdays": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}]'


def _post_layer(client: Any, **columns: str) -> Any:
    from postmortems.server.oncall.models import Schedule

    change = f"/admin/oncall/schedule/{Schedule.objects.get(name='primary').pk}/change/"
    form = admin_form(client, change)
    for column, value in columns.items():
        form[next(k for k in form if k == f"layers-0-{column}")] = value
    return client.post(change, form)


@pytest.mark.parametrize(
    ("columns", "said"),
    [
        (
            {"restrictions": '[{"weekdays": ["mon"], "start": "09:00", "end": "17:00"}]'},
            "window 1: 'mon' is not a day: give weekdays as numbers, 0 (Monday) to 6 (Sunday)",
        ),
        (
            {"restrictions": '[{"weekdays": [7], "start": "09:00", "end": "17:00"}]'},
            "window 1: 7 is not a day: give weekdays as numbers, 0 (Monday) to 6 (Sunday)",
        ),
        (
            {"restrictions": '[{"weekdays": [0], "start": "25:00", "end": "17:00"}]'},
            "window 1: start '25:00' is not a time of day: write it as HH:MM",
        ),
        (
            {"restrictions": '[{"weekdays": [], "start": "09:00", "end": "17:00"}]'},
            "window 1: no weekdays",
        ),
        (
            {"restrictions": '[{"days": "mon-fri", "start": "09:00", "end": "17:00"}]'},
            "window 1: no field 'days': its fields are weekdays, start, end",
        ),
        ({"restrictions": '{"weekdays": [0]}'}, "give a list of windows"),
        ({"start": "2026-13-01"}, "'2026-13-01' is not a day: write it as YYYY-MM-DD"),
        ({"users": '"alice"'}, "give the people as a list of user names"),
        ({"users": "[]"}, "give the people as a list of user names"),
    ],
)
def test_a_layer_row_that_could_not_be_evaluated_is_refused_beside_it(
    client: Any, make_user: Any, columns: dict[str, str], said: str
) -> None:
    from postmortems.server.oncall.models import Layer

    apply(rotation("primary"), source="")  # made in the UI: the admin may change it
    client.force_login(make_user("root", superuser=True))
    before = list(Layer.objects.values_list("users", "start", "restrictions"))
    refused = _post_layer(client, **columns)
    assert refused.status_code == 200
    assert said in admin_errors(refused)
    assert list(Layer.objects.values_list("users", "start", "restrictions")) == before
    assert client.get("/oncall/s/primary/").status_code == 200
    assert client.get("/oncall/").status_code == 200


def test_a_good_window_is_saved_and_drawn(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Layer

    apply(rotation("primary"), source="")
    client.force_login(make_user("root", superuser=True))
    assert _post_layer(client, restrictions=WINDOW).status_code == 302
    assert Layer.objects.get().windows == ["Mon–Fri 09:00–17:00"]
    assert "Mon–Fri 09:00–17:00" in client.get("/oncall/s/primary/").content.decode()


def test_a_bad_row_stored_before_the_check_is_left_out_and_logged_not_a_500(
    client: Any, make_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A layer row saved by an admin form before it checked what it stores: the pages answer,
    with the other layers (the business-hours layer goes, the rotation stays), and the log
    names the row to fix."""
    from postmortems.server.oncall.models import Layer

    apply(rotation("primary", business_hours=("dan",)), source="")
    top = Layer.objects.order_by("position").last()
    assert top is not None
    Layer.objects.filter(pk=top.pk).update(
        restrictions=[{"weekdays": ["mon"], "start": "09:00", "end": "17:00"}]
    )
    client.force_login(make_user("alice", "author"))
    for path in ("/oncall/", "/oncall/s/primary/", "/oncall/team/sre/"):
        assert client.get(path).status_code == 200, path
    page = client.get("/oncall/s/primary/").content.decode()
    assert "cannot be read: left out of the schedule until fixed in the admin" in page
    assert f"layer {top.name!r} cannot be read and is left out" in caplog.text
    assert "fix it in the admin" in caplog.text


def test_the_export_leaves_a_bad_row_out_and_says_so(
    client: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """`pm oncall export` and the API's export write the schedule without the row no one can
    read (the pages leave it out too), say which row and why (stderr, ``left_out``), and what
    they write reads back; before, both failed on it."""
    from oncall_fixtures import pm_here

    from postmortems.oncall.spec import load_texts
    from postmortems.server.oncall.models import Layer

    apply(rotation("primary", business_hours=("dan",)), source="")
    top = Layer.objects.order_by("position").last()
    assert top is not None
    assert top.name == "office"
    Layer.objects.filter(pk=top.pk).update(
        restrictions=[{"weekdays": ["mon"], "start": "09:00", "end": "17:00"}]
    )
    said = "on-call schedule primary: layer 'office' cannot be read and is left out ("

    status, out, err = pm_here(monkeypatch, capsys, "oncall")("oncall", "export")
    assert status == 0, err
    assert err.startswith(f"warning: {said}")
    assert "fix it in the admin" in err
    [schedule] = load_texts([("export.yaml", out)]).schedules
    assert [layer.name for layer in schedule.layers] == ["main"]

    client.force_login(make_user("alice", "viewer"))
    answer = client.get("/api/oncall/export")
    assert answer.status_code == 200
    body = answer.json()
    [left_out] = body["left_out"]
    assert left_out.startswith(said)
    assert left_out.endswith("fix it in the admin")
    [schedule] = load_texts([("export.yaml", body["text"])]).schedules
    assert [layer.name for layer in schedule.layers] == ["main"]
    # Once fixed, nothing is left out.
    Layer.objects.filter(pk=top.pk).update(restrictions=[])
    assert client.get("/api/oncall/export").json()["left_out"] == []


def test_applying_the_file_again_writes_a_bad_row_again() -> None:
    """A schedule kept in a file whose stored layer row no one can read is no match for the
    file: `pm oncall apply` writes it again from the file (it said "no changes" and the row
    stayed left out)."""
    from postmortems.server.oncall.models import Layer

    kept = rotation("primary", business_hours=("dan",))
    apply(kept)
    assert apply(kept) == []  # the same file: nothing to do
    top = Layer.objects.order_by("position").last()
    assert top is not None
    Layer.objects.filter(pk=top.pk).update(
        restrictions=[{"weekdays": ["mon"], "start": "09:00", "end": "17:00"}]
    )
    assert apply(kept) == ["update schedule primary (oncall/team.yaml)"]
    assert Layer.objects.get(name="office").windows == ["Mon–Fri 09:00–17:00"]
    assert apply(kept) == []
