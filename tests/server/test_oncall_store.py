"""Schedules as code on the server: apply and export round trip, all-or-nothing validation,
adoption of objects made in the UI (read-only in the UI: test_oncall_pages.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from oncall_fixtures import apply, policy, rotation

from postmortems.oncall import model

pytestmark = pytest.mark.django_db


def test_apply_then_export_gives_back_the_same_config() -> None:
    from postmortems.server.oncall import store

    swap = model.Override(
        dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 6, 9, tzinfo=dt.UTC),
        "dave",
        replaces="bob",
    )
    berlin = rotation("follow", ("ann", "ben"), zone="Europe/Berlin", unit="weeks")
    primary = rotation(overrides=(swap,), business_hours=("erin",))
    pol = policy(steps=(((("schedule", "primary"), ("user", "zoe")), 5),), repeat=2)
    changes = apply(primary, berlin, policies=(pol,))
    assert changes == [
        "create team sre",
        "create schedule primary (oncall/team.yaml)",
        "create schedule follow (oncall/team.yaml)",
        "create policy sre-page (oncall/team.yaml)",
    ]
    back = store.load_config()
    assert {s.name: s for s in back.schedules} == {"primary": primary, "follow": berlin}
    assert back.policies == (pol,)
    assert back.sources == {
        "primary": "oncall/team.yaml",
        "follow": "oncall/team.yaml",
        "sre-page": "oncall/team.yaml",
    }
    assert apply(primary, berlin, policies=(pol,)) == []  # applying again changes nothing


def test_dry_run_lists_the_changes_and_changes_nothing() -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Schedule

    config = model.Config((rotation(),), (), {"primary": "a.yaml"})
    changes = store.apply_config(config, dry_run=True)
    assert "create schedule primary (a.yaml)" in changes
    assert not Schedule.objects.exists()


def test_a_schedule_removed_from_its_file_is_deleted_and_a_changed_one_updated() -> None:
    from postmortems.server.oncall.models import Layer, Schedule

    apply(rotation("one"), rotation("two"), source="a.yaml")
    apply(rotation("keep", team="web"), source="b.yaml")
    changed = rotation("one", ("alice", "zed"))
    changes = apply(changed, source="a.yaml")
    assert changes == ["update schedule one (a.yaml)", "delete schedule two (no longer in a.yaml)"]
    assert set(Schedule.objects.values_list("name", flat=True)) == {"one", "keep"}
    assert Layer.objects.get(schedule__name="one").users == ["alice", "zed"]


def test_a_schedule_of_another_file_is_refused_and_nothing_is_applied() -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary"), source="a.yaml")
    config = model.Config(
        (rotation("new"), rotation("primary")), (), {"new": "b.yaml", "primary": "b.yaml"}
    )
    with pytest.raises(store.StoreError) as caught:
        store.apply_config(config, dry_run=False)
    assert "b.yaml: schedule 'primary' is managed by a.yaml" in str(caught.value)
    assert not Schedule.objects.filter(name="new").exists()


def test_a_policy_paging_a_missing_schedule_is_refused_with_the_file() -> None:
    from postmortems.server.oncall import store

    bad = policy(steps=(((("schedule", "nope"),), 5),))
    said = r"p\.yaml: policy 'sre-page' \(team sre\) step 1 pages schedule 'nope'"
    with pytest.raises(store.StoreError, match=said):
        store.apply_config(model.Config((), (bad,), {"sre-page": "p.yaml"}), dry_run=False)


def test_a_policy_of_another_team_paging_a_restricted_schedule_is_refused() -> None:
    """Its pages would name the restricted schedule's on-call to the policy's team; a policy of
    the schedule's own team may page it."""
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Policy, Schedule

    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    steps = (((("schedule", "red-secret"),), 5),)
    blue = policy("blue-page", steps, team="blue")
    with pytest.raises(store.StoreError) as caught:
        store.apply_config(model.Config((), (blue,), {"blue-page": "b.yaml"}), dry_run=False)
    assert (
        "b.yaml: policy 'blue-page' (team blue) step 1 pages schedule 'red-secret', restricted "
        "to team red" in str(caught.value)
    )
    assert not Policy.objects.exists()
    red = policy("red-page", steps, team="red")
    store.apply_config(model.Config((), (red,), {"red-page": "r.yaml"}), dry_run=False)
    assert Policy.objects.get().name == "red-page"


def test_a_schedule_made_in_the_ui_is_adopted_by_a_file() -> None:
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary"), source="")
    assert Schedule.objects.get().managed_by == ""
    assert apply(rotation("primary"), source="team.yaml") == ["adopt schedule primary (team.yaml)"]
    assert Schedule.objects.get().managed_by == "team.yaml"


def test_rows_of_the_layer_start_keep_a_date_or_a_datetime() -> None:
    from postmortems.server.oncall import store

    layer = model.Layer(
        "l", ("a",), model.ShiftLength(12, "hours"), dt.time(8, 30), dt.datetime(2026, 3, 2, 8, 30)
    )
    schedule = model.Schedule("s", "Australia/Lord_Howe", (layer,), team="")
    apply(schedule)
    assert store.load_config().schedules == (schedule,)


def test_a_file_typed_another_way_before_keeps_what_it_applied() -> None:
    """``./a.yaml`` then ``a.yaml``: one file. What it applied under the old name is updated (and
    takes the new name), or deleted when the file no longer holds it; it is never "managed by
    another file". Its teams are those the apply touches (the API's role check)."""
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Schedule

    apply(rotation("one"), rotation("two", team="web"), source="./a.yaml")
    apply(rotation("other"), source="b.yaml")
    config = model.Config((rotation("one"),), (), {"one": "a.yaml"})
    assert store.teams_touched(config) == {"sre", "web"}  # "two" is deleted: team web
    changes = store.apply_config(config, dry_run=False)
    assert changes == [
        "update schedule one (a.yaml)",
        "delete schedule two (no longer in a.yaml)",  # its name as the server shows it
    ]
    stored = dict(Schedule.objects.values_list("name", "managed_by"))
    assert stored == {"one": "a.yaml", "other": "b.yaml"}
    assert store.apply_config(config, dry_run=False) == []
    taken = model.Config((rotation("other"),), (), {"other": "c/../a.yaml"})
    with pytest.raises(store.StoreError) as caught:  # another file's, however it is named
        store.apply_config(taken, dry_run=False)
    assert "schedule 'other' is managed by b.yaml" in str(caught.value)


def test_what_a_file_applied_under_its_absolute_path_is_its_own_by_its_aliases() -> None:
    """Before files were named from the working directory, ``$PWD/oncall/sre.yaml`` was stored
    as typed: the client sends that name as an alias, and the file keeps its objects."""
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Schedule

    full = "/srv/ci/repo/oncall/sre.yaml"
    apply(rotation("one"), rotation("two", team="web"), source=full)
    config = model.Config((rotation("one"),), (), {"one": "oncall/sre.yaml"})
    with pytest.raises(store.StoreError) as caught:  # no alias: another file
        store.apply_config(config, dry_run=False)
    # Said by the file's name alone: the path on a machine is no one else's business.
    assert "schedule 'one' is managed by sre.yaml —" in str(caught.value)
    assert full not in str(caught.value)
    config = replace(config, aliases={"oncall/sre.yaml": (full,)})
    assert store.teams_touched(config) == {"sre", "web"}
    assert store.apply_config(config, dry_run=False) == [
        "update schedule one (oncall/sre.yaml)",
        "delete schedule two (no longer in sre.yaml)",
    ]
    assert dict(Schedule.objects.values_list("name", "managed_by")) == {"one": "oncall/sre.yaml"}


def test_a_restricted_schedule_is_exported_as_restricted_and_restored_restricted() -> None:
    """A restore from the export on a new server keeps the schedule hidden from other teams; a
    file that does not say keeps the stored flag (an older file un-restricts nothing)."""
    from postmortems.oncall.spec import load_text
    from postmortems.oncall.specdump import dump
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Schedule

    apply(replace(rotation("secret"), restricted=True))
    assert Schedule.objects.get(name="secret").restricted
    text = dump(store.load_config())
    assert "restricted: true" in text
    Schedule.objects.all().delete()
    store.apply_config(load_text(text, "oncall/team.yaml"), dry_run=False)
    assert Schedule.objects.get(name="secret").restricted
    assert apply(rotation("secret")) == []  # silent on the flag: kept, and nothing to change
    assert Schedule.objects.get(name="secret").restricted
    apply(replace(rotation("secret"), restricted=False))
    assert not Schedule.objects.get(name="secret").restricted
