"""A schedule an escalation step pages (by its name) is neither deleted nor renamed while the
step pages it, on every path: the admin's delete page, its "delete selected" action, its change
form, and ``pm oncall apply`` deleting a schedule its file no longer holds. The refusal names
the policy only to someone who may see it."""

from __future__ import annotations

from typing import Any

import pytest
from oncall_fixtures import (
    admin_errors,
    admin_form,
    apply,
    delete_selected,
    page_text,
    policy,
    rotation,
)

from postmortems.oncall import model

pytestmark = pytest.mark.django_db

PAGES_PRIMARY = (((("schedule", "primary"),), 5),)
NAMED = "schedule 'primary' is paged by policy 'sre-page' (team sre) step 1"
UNSEEN = "schedule 'primary' is paged by step 1 of a policy of another team, one you may not see"


def _paged(policy_source: str = "", policy_team: str = "sre") -> int:
    """primary (team sre, made in the UI) paged by sre-page; its id."""
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary"), rotation("spare"), source="")
    apply(policies=(policy("sre-page", PAGES_PRIMARY, team=policy_team),), source=policy_source)
    return int(Schedule.objects.get(name="primary").pk)


def _still_there(name: str = "primary") -> bool:
    from postmortems.server.oncall.models import Schedule

    return Schedule.objects.filter(name=name).exists()


def test_the_admin_does_not_delete_a_schedule_a_step_pages(client: Any, make_user: Any) -> None:
    pk = _paged(policy_source="oncall/sre.yaml")
    client.force_login(make_user("root", superuser=True))
    url = f"/admin/oncall/schedule/{pk}/delete/"
    page = page_text(client.get(url))
    assert "is not deleted: a step of an escalation policy pages it by its name" in page
    assert f"{NAMED} (kept in oncall/sre.yaml): deleted, that step would page nobody" in page
    assert "Yes, I’m sure" not in page
    client.post(url, {"post": "yes"})
    assert _still_there()
    # The "delete selected" action says the same and deletes none of those selected.
    from postmortems.server.oncall.models import Schedule

    spare = Schedule.objects.get(name="spare").pk
    listed = delete_selected(client, "schedule", [pk, spare])
    assert "The selected schedules are not deleted" in listed
    assert NAMED in listed
    assert _still_there()
    assert _still_there("spare")
    # A schedule no step pages is deleted as before.
    client.post(f"/admin/oncall/schedule/{spare}/delete/", {"post": "yes"})
    assert not _still_there("spare")


def test_the_admin_does_not_rename_a_schedule_a_step_pages(client: Any, make_user: Any) -> None:
    pk = _paged()
    client.force_login(make_user("root", superuser=True))
    url = f"/admin/oncall/schedule/{pk}/change/"
    data = admin_form(client, url)
    answer = client.post(url, {**data, "name": "primary-2"})
    assert answer.status_code == 200  # the form again
    assert f"{NAMED}: renamed to 'primary-2', that step would page nobody" in admin_errors(answer)
    assert _still_there()
    assert client.post(url, {**data, "timezone": "Europe/Berlin"}).status_code == 302


def test_a_refusal_names_a_policy_i_may_not_see_only_as_another_teams(
    client: Any, make_user: Any
) -> None:
    """A staff author of team sre renames sre's schedule, which a policy of team blue pages:
    the refusal says so, without blue's policy's name or its file."""
    from django.contrib.auth.models import Permission

    pk = _paged(policy_source="oncall/blue.yaml", policy_team="blue")
    staff = make_user("stan", "author", team="sre")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="oncall"))
    client.force_login(staff)
    url = f"/admin/oncall/schedule/{pk}/change/"
    refused = client.post(url, {**admin_form(client, url), "name": "renamed"})
    said = admin_errors(refused)
    assert f"{UNSEEN}: renamed to 'renamed'" in said
    assert "ask a superuser to change that step first" in said
    assert "blue" not in said
    deleted = page_text(client.get(f"/admin/oncall/schedule/{pk}/delete/"))
    assert UNSEEN in deleted
    assert "blue" not in deleted


def test_apply_does_not_delete_a_schedule_another_files_policy_pages() -> None:
    from postmortems.server.accounts.access import access_of
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary"), rotation("spare"), source="a.yaml")
    apply(policies=(policy("sre-page", PAGES_PRIMARY),), source="b.yaml")
    # a.yaml no longer holds primary (deleted, or renamed: the same to the step).
    renamed = model.Config((rotation("primary-2"), rotation("spare")), (), {})
    renamed.sources.update({"primary-2": "a.yaml", "spare": "a.yaml"})
    with pytest.raises(store.StoreError) as refused:
        store.apply_config(renamed, dry_run=False)
    assert str(refused.value).startswith(
        f"a.yaml: {NAMED} (kept in b.yaml): no longer in a.yaml, this apply would delete it, "
        "that step would page nobody — change that step first, or keep the schedule in its file"
    )
    assert sorted(Schedule.objects.values_list("name", flat=True)) == ["primary", "spare"]
    # Someone who may not see the policy (of team blue) reads it without its name.
    from postmortems.server.oncall.models import Policy

    Policy.objects.filter(name="sre-page").update(team="blue")
    stan = _member("stan", "admin", "sre")
    with pytest.raises(store.StoreError) as hidden:
        store.apply_config(renamed, dry_run=False, viewer=access_of(stan))
    assert f"a.yaml: {UNSEEN}: no longer in a.yaml" in str(hidden.value)
    assert "sre-page" not in str(hidden.value)
    # The policy's step changed first: then the schedule goes.
    apply(policies=(policy("sre-page", (((("user", "alice"),), 5),)),), source="b.yaml")
    store.apply_config(renamed, dry_run=False)
    assert sorted(Schedule.objects.values_list("name", flat=True)) == ["primary-2", "spare"]


def test_apply_may_delete_a_schedule_with_the_policy_that_pages_it() -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Policy, Schedule

    apply(rotation("primary"), policies=(policy("sre-page", PAGES_PRIMARY),), source="a.yaml")
    store.apply_config(model.Config((rotation("spare"),), (), {"spare": "a.yaml"}), dry_run=False)
    assert list(Schedule.objects.values_list("name", flat=True)) == ["spare"]
    assert not Policy.objects.exists()


def _member(name: str, role: str, team: str) -> Any:
    from postmortems.server.accounts.models import create_account, set_role

    user = create_account(name, "pw-" + name)
    set_role(user, team, role)
    return user
