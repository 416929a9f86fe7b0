"""A restricted schedule is paged only by policies of its own team, on every path that saves a
schedule or a policy: the admin (a schedule made restricted or moved to another team, a policy's
steps or team), the new-rotation form, and ``pm oncall apply`` (its API too). Each refuses with
the same message, from the one check (``oncall.restricted.refusals``)."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import admin_errors, admin_form, apply, policy, rotation

from postmortems.oncall import model

pytestmark = pytest.mark.django_db

PAGES_RED = (((("schedule", "red-secret"),), 5),)
REFUSED = (
    "policy 'blue-page' (team blue) step 1 pages schedule 'red-secret', restricted to team red: "
    "its pages would name that team's on-call to another team"
)


def _schedules() -> None:
    """red-secret (team red) and blue's policy paging it; nothing restricted yet."""
    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    apply(policies=(policy("blue-page", PAGES_RED, team="blue"),), source="")


def _admin(client: Any, make_user: Any) -> None:
    client.force_login(make_user("root", superuser=True))


def _schedule_url(name: str = "red-secret") -> str:
    from postmortems.server.oncall.models import Schedule

    return f"/admin/oncall/schedule/{Schedule.objects.get(name=name).pk}/change/"


def _policy_url(name: str) -> str:
    from postmortems.server.oncall.models import Policy

    return f"/admin/oncall/policy/{Policy.objects.get(name=name).pk}/change/"


def test_the_admin_refuses_to_restrict_a_schedule_another_teams_policy_pages(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall.models import Schedule

    _schedules()
    _admin(client, make_user)
    data = admin_form(client, _schedule_url())
    answer = client.post(_schedule_url(), {**data, "restricted": "on"})
    assert answer.status_code == 200  # the admin's form again, with the error
    assert REFUSED in admin_errors(answer)
    assert not Schedule.objects.get(name="red-secret").restricted
    # A policy of the schedule's own team may page it.
    apply(policies=(policy("blue-page", PAGES_RED, team="red"),), source="")
    done = client.post(_schedule_url(), {**data, "restricted": "on"})
    assert done.status_code == 302, admin_errors(done)
    assert Schedule.objects.get(name="red-secret").restricted


def test_the_admin_refuses_to_move_a_restricted_schedule_to_another_team(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall.models import Schedule

    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    apply(policies=(policy("red-page", PAGES_RED, team="red"),), source="")
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    _admin(client, make_user)
    answer = client.post(_schedule_url(), {**admin_form(client, _schedule_url()), "team": "green"})
    assert "policy 'red-page' (team red) step 1 pages schedule 'red-secret', restricted to " in (
        admin_errors(answer)
    )
    assert Schedule.objects.get(name="red-secret").team == "red"


def test_the_admin_refuses_a_step_or_a_team_that_pages_another_teams_restricted_schedule(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall.models import Policy, Schedule, Step

    apply(rotation("red-secret", ("wanda",), team="red"), rotation("blue-open", team="blue"))
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    apply(
        policies=(policy("blue-page", ((((("schedule", "blue-open"),), 5),)), team="blue"),),
        source="",
    )
    _admin(client, make_user)
    url, data = _policy_url("blue-page"), admin_form(client, _policy_url("blue-page"))
    paging_red = '[{"kind": "schedule", "name": "red-secret"}]'
    answer = client.post(url, {**data, "steps-0-targets": paging_red})
    assert REFUSED in admin_errors(answer)
    assert Step.objects.get().targets == [{"kind": "schedule", "name": "blue-open"}]
    # A new step paging it is refused the same way (step 2).
    added = {**data, "steps-TOTAL_FORMS": "2", "steps-1-targets": paging_red}
    added |= {"steps-1-position": "1", "steps-1-delay": "00:05:00"}
    answer = client.post(url, added)
    assert REFUSED.replace("step 1", "step 2") in admin_errors(answer)
    assert Step.objects.count() == 1
    # Red's own policy may page it; moved to team blue, it may not.
    apply(policies=(policy("red-page", PAGES_RED, team="red"),), source="")
    red = admin_form(client, _policy_url("red-page"))
    answer = client.post(_policy_url("red-page"), {**red, "team": "blue"})
    said = admin_errors(answer)
    assert "policy 'red-page' (team blue) step 1 pages schedule 'red-secret'" in said
    assert Policy.objects.get(name="red-page").team == "red"
    # Moved to team blue with that step removed at the same time: nothing pages red-secret.
    moved = client.post(_policy_url("red-page"), {**red, "team": "blue", "steps-0-DELETE": "on"})
    assert moved.status_code == 302, admin_errors(moved)
    assert Policy.objects.get(name="red-page").team == "blue"


@pytest.mark.parametrize(
    "targets",
    ['{"kind": "user"}', '[{"kind": "pager", "name": "x"}]', '[{"kind": "user"}]', '["alice"]'],
)
def test_the_admin_refuses_targets_paging_could_not_read(
    client: Any, make_user: Any, targets: str
) -> None:
    from postmortems.server.oncall.models import Step

    apply(policies=(policy(),), source="")
    _admin(client, make_user)
    url = _policy_url("sre-page")
    answer = client.post(url, {**admin_form(client, url), "steps-0-targets": targets})
    assert answer.status_code == 200
    said = admin_errors(answer)
    assert 'give a list of {"kind": "user", "schedule" or "team", "name": "…"}' in said
    assert Step.objects.order_by("position").first().targets == [{"kind": "user", "name": "alice"}]


def test_the_admin_refuses_a_zone_that_is_not_an_iana_name(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Schedule

    _schedules()
    _admin(client, make_user)
    form = admin_form(client, _schedule_url())
    answer = client.post(_schedule_url(), {**form, "timezone": "Mars/X"})
    assert "'Mars/X' is not an IANA time zone" in admin_errors(answer)
    assert Schedule.objects.get(name="red-secret").timezone == "UTC"


def test_the_rotation_form_refuses_a_restricted_schedule_another_team_pages(
    client: Any, make_user: Any
) -> None:
    """A stored policy may page a schedule's name while there is none: the schedule was
    deleted (or the admin named it before it was made), and a rotation made with that name
    would be paged by it."""
    from postmortems.server.accounts.models import set_role
    from postmortems.server.oncall.models import Schedule

    _schedules()
    Schedule.objects.all().delete()
    rita = make_user("rita", "author", team="red")
    set_role(rita, "blue", "viewer")  # she sees blue's policy, so it is named
    client.force_login(rita)
    form = {"name": "red-secret", "timezone": "UTC", "team": "red", "restricted": "on"}
    form |= {"layer": "main", "users": "rita", "shift_count": "1", "shift_unit": "weeks"}
    form |= {"handoff": "09:00", "start": "2026-03-02"}
    answer = client.post("/oncall/new/", form)
    assert answer.status_code == 400
    assert REFUSED in BeautifulSoup(answer.content, "html.parser").get_text(" ")
    assert not Schedule.objects.exists()
    del form["restricted"]  # not restricted, blue may page it
    assert client.post("/oncall/new/", form).status_code == 302
    assert Schedule.objects.get().team == "red"


def test_apply_refuses_to_move_a_restricted_schedule_from_the_team_that_pages_it() -> None:
    """The file changes the schedule's team; red's stored policy would then page a schedule
    restricted to blue."""
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Schedule

    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    apply(policies=(policy("red-page", PAGES_RED, team="red"),), source="")
    moved = rotation("red-secret", ("wanda",), team="blue")
    with pytest.raises(store.StoreError) as caught:
        store.apply_config(model.Config((moved,), (), {"red-secret": "s.yaml"}), dry_run=False)
    assert (
        "policy 'red-page' (team red) step 1 pages schedule 'red-secret', restricted to team blue"
        in str(caught.value)
    )
    assert Schedule.objects.get().team == "red"
    # The same file moving red's policy along with it is fine.
    both = model.Config(
        (moved,),
        (policy("red-page", PAGES_RED, team="blue"),),
        {"red-secret": "s.yaml", "red-page": "s.yaml"},
    )
    store.apply_config(both, dry_run=False)
    assert Schedule.objects.get().team == "blue"


def test_apply_through_the_api_answers_409_naming_the_step(client: Any, make_user: Any) -> None:
    """The file adopts red's restricted schedule (made in the UI: it stays restricted) and
    pages it from blue's policy."""
    from postmortems.server.accounts.models import ApiToken, set_role
    from postmortems.server.oncall.models import Policy, Schedule

    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    bea = make_user("bea", "admin", team="blue")
    set_role(bea, "red", "admin")
    text = """schedules:
  - name: red-secret
    timezone: UTC
    team: red
    layers:
      - {name: main, users: [wanda], shift: 1 week, start: 2026-03-02}
escalation_policies:
  - name: blue-page
    team: blue
    steps:
      - {targets: [{schedule: red-secret}], delay: 5m}
"""
    answer = client.post(
        "/api/oncall/apply",
        {"files": [{"path": "b.yaml", "text": text}], "dry_run": False},
        content_type="application/json",
        headers={"Authorization": f"Bearer {ApiToken.issue(bea, 'cli', scope='write')[1]}"},
    )
    assert answer.status_code == 409, answer.json()
    problems = [e["problem"] for e in answer.json()["errors"]]
    assert any(p.startswith(f"b.yaml: {REFUSED}") for p in problems), problems
    assert not Policy.objects.exists()
    assert Schedule.objects.get().managed_by == ""  # nothing applied
