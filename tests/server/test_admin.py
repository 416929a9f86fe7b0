"""Django admin: every change list of the apps opens for a superuser, with its declared columns."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_every_change_list_opens_with_its_columns(client: Any, make_user: Any) -> None:
    from django.contrib import admin

    client.force_login(make_user("root", superuser=True))
    ours = {m: a for m, a in admin.site._registry.items() if m.__module__.startswith("postmortems")}
    assert len(ours) > 20
    for model, model_admin in ours.items():
        meta = model._meta
        page = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert page.status_code == 200, meta.label
        shown = page.context["cl"]
        assert shown.list_display[1:] == list(model_admin.list_display), meta.label


def test_set_role_joins_a_team_or_changes_the_role_in_it(make_user: Any) -> None:
    from postmortems.server.accounts.access import access_of
    from postmortems.server.accounts.models import set_role
    from postmortems.server.accounts.roles import Role

    ann = make_user("ann", "viewer", team="sre")
    set_role(ann, "red", "reviewer")  # a second team
    set_role(ann, "sre", "admin")  # a new role in the first
    ann.refresh_from_db()
    ann.__dict__.pop("_pm_access", None)
    me = access_of(ann)
    assert (me.role_in(frozenset({"sre"})), me.role_in(frozenset({"red"}))) == (
        Role.ADMIN,
        Role.REVIEWER,
    )
    assert ann.memberships.count() == 2
