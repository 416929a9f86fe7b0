"""A schedule or a policy applied from a schedules-as-code file is read-only in the admin: its
change page says so and where to change it, its delete page and the "delete selected" action
refuse with that reason (not "your role does not allow this" nor Django's "your account doesn't
have permission")."""

from __future__ import annotations

from typing import Any

import pytest
from oncall_fixtures import apply, page_text, policy, rotation

pytestmark = pytest.mark.django_db

SOURCE = "demo/oncall.yaml"


def _stored() -> tuple[int, int]:
    """Schedule primary and policy sre-page from SOURCE; their ids."""
    from postmortems.server.oncall.models import Policy, Schedule

    apply(rotation("primary"), policies=(policy("sre-page"),), source=SOURCE)
    return Schedule.objects.get(name="primary").pk, Policy.objects.get(name="sre-page").pk


@pytest.mark.parametrize("kind", ["schedule", "policy"])
def test_the_delete_page_says_the_file_holds_it(client: Any, make_user: Any, kind: str) -> None:
    from postmortems.server.oncall.models import Policy, Schedule

    ids = dict(zip(("schedule", "policy"), _stored(), strict=True))
    name = {"schedule": "primary", "policy": "sre-page"}[kind]
    client.force_login(make_user("root", superuser=True))
    url = f"/admin/oncall/{kind}/{ids[kind]}/delete/"
    answer = client.get(url)
    assert answer.status_code == 403
    assert (
        f"{kind.capitalize()} '{name}' is managed by demo/oncall.yaml — remove it from that "
        "file and run pm oncall apply."
    ) in page_text(answer)
    assert "does not allow" not in page_text(answer)
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Schedule.objects.filter(name="primary").exists()
    assert Policy.objects.filter(name="sre-page").exists()


def test_delete_selected_names_the_file_and_deletes_nothing(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Schedule

    pk, _ = _stored()
    made_here = Schedule.objects.create(name="made-here", timezone="UTC").pk
    client.force_login(make_user("root", superuser=True))
    action = {"action": "delete_selected", "_selected_action": [pk, made_here]}
    for confirmed in ({}, {"post": "yes"}):
        said = page_text(
            client.post("/admin/oncall/schedule/", {**action, **confirmed}, follow=True)
        )
        assert (
            "Nothing deleted: schedule 'primary' is managed by demo/oncall.yaml — remove it from "
            "that file and run pm oncall apply"
        ) in said
        assert "permission" not in said
    assert Schedule.objects.filter(pk__in=[pk, made_here]).count() == 2
    client.post("/admin/oncall/schedule/", {**action, "_selected_action": [made_here]})
    answer = client.post(
        "/admin/oncall/schedule/", {**action, "_selected_action": [made_here], "post": "yes"}
    )
    assert answer.status_code == 302  # a schedule made here is deleted as before
    assert not Schedule.objects.filter(pk=made_here).exists()


def test_the_change_page_says_why_it_is_read_only(client: Any, make_user: Any) -> None:
    from bs4 import BeautifulSoup

    _, pk = _stored()
    client.force_login(make_user("root", superuser=True))
    page = BeautifulSoup(client.get(f"/admin/oncall/policy/{pk}/change/").content, "html.parser")
    notices = [" ".join(li.get_text().split()) for li in page.select("ul.messagelist li")]
    assert notices == [
        "Policy 'sre-page' is managed by demo/oncall.yaml — change it in that file and run "
        "pm oncall apply"
    ]
    assert page.select_one("input[name=name]") is None  # read-only: no field to type in
