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
