"""A refusal of the restricted-schedule rule names another team's policy or schedule only to
someone who may see it (the visibility rules: a policy of no team or of one's teams, a schedule
not restricted or of one's teams; superusers and the operator of ``pm oncall apply --data-dir``
see all). On every path the check serves: the new-rotation form, the admin's schedule and
policy forms, ``pm oncall apply`` and ``POST /api/oncall/apply``.

Someone who may not see the schedule their policy's step names is told the same as for a
schedule that does not exist, so a refusal never tells them it is there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import admin_errors, admin_form, apply, pm_here, policy, rotation
from test_oncall_restricted_paging import PAGES_RED, REFUSED

pytestmark = pytest.mark.django_db

HIDDEN_POLICY = (
    "schedule 'red-secret', restricted to team red, would be paged by step 1 of a policy of "
    "another team, one you may not see: its pages would name the on-call of the schedule to "
    "that team — leave the schedule unrestricted, or ask a superuser to remove that step"
)


def not_found(name: str) -> str:
    """What a step of blue's policy paging ``name`` tells someone who may not see it."""
    return (
        f"policy 'blue-page' (team blue) step 1 pages schedule {name!r}, which does not exist "
        "or is restricted to a team you are not in — fix the name, define it, or page it from "
        "a policy of the team it belongs to"
    )


def _member(make_user: Any, name: str, role: str, *teams: str, staff: bool = False) -> Any:
    """``name`` with ``role`` in each of ``teams``; ``staff``: an admin-site user (not a
    superuser) allowed to change on-call schedules, policies and steps."""
    from django.contrib.auth.models import Permission

    from postmortems.server.accounts.models import set_role

    user = make_user(name, role, team=teams[0])
    for team in teams[1:]:
        set_role(user, team, role)
    if staff:
        user.is_staff = True
        user.save()
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="oncall"))
    return user


def _red_paged_by_blue() -> None:
    """red-secret (team red) and blue's policy paging it; not restricted yet."""
    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    apply(policies=(policy("blue-page", PAGES_RED, team="blue"),), source="")


def _said(answer: Any) -> str:
    return BeautifulSoup(answer.content, "html.parser").get_text(" ")


# -- the new-rotation form -----------------------------------------------------------------------


@pytest.mark.parametrize(("teams", "named"), [(("red",), False), (("red", "blue"), True)])
def test_the_rotation_form_names_the_policy_only_to_who_may_see_it(
    client: Any, make_user: Any, teams: tuple[str, ...], named: bool
) -> None:
    from postmortems.server.oncall.models import Schedule

    _red_paged_by_blue()
    Schedule.objects.all().delete()  # blue's policy still pages the name
    client.force_login(_member(make_user, "rita", "author", *teams))
    form = {"name": "red-secret", "timezone": "UTC", "team": "red", "restricted": "on"}
    form |= {"layer": "main", "users": "rita", "shift_count": "1", "shift_unit": "weeks"}
    form |= {"handoff": "09:00", "start": "2026-03-02"}
    answer = client.post("/oncall/new/", form)
    assert answer.status_code == 400
    said = _said(answer)
    assert not Schedule.objects.exists()
    assert (REFUSED in said) is named
    assert (HIDDEN_POLICY in said) is not named
    assert ("blue" in said) is named  # neither the policy nor its team


# -- the admin -------------------------------------------------------------------------------------


def _admin_url(kind: str, name: str) -> str:
    from postmortems.server.oncall.models import Policy, Schedule

    table = {"schedule": Schedule, "policy": Policy}[kind]
    return f"/admin/oncall/{kind}/{table.objects.get(name=name).pk}/change/"


@pytest.mark.parametrize(
    ("teams", "superuser", "named"),
    [(("red",), False, False), (("red", "blue"), False, True), ((), True, True)],
)
def test_the_admin_names_the_policy_paging_a_schedule_made_restricted_only_to_who_may_see_it(
    client: Any, make_user: Any, teams: tuple[str, ...], superuser: bool, named: bool
) -> None:
    from postmortems.server.oncall.models import Schedule

    _red_paged_by_blue()
    user = (
        make_user("root", superuser=True)
        if superuser
        else _member(make_user, "stan", "admin", *teams, staff=True)
    )
    client.force_login(user)
    url = _admin_url("schedule", "red-secret")
    answer = client.post(url, {**admin_form(client, url), "restricted": "on"})
    assert answer.status_code == 200  # the form again, with the error
    errors = admin_errors(answer)
    assert (REFUSED in errors) is named, errors
    assert (HIDDEN_POLICY in errors) is not named, errors
    assert ("blue" in errors) is named
    assert not Schedule.objects.get(name="red-secret").restricted


@pytest.mark.parametrize(("teams", "named"), [(("blue",), False), (("blue", "red"), True)])
def test_the_admin_names_a_restricted_schedule_a_step_pages_only_to_who_may_see_it(
    client: Any, make_user: Any, teams: tuple[str, ...], named: bool
) -> None:
    """Blue's policy given a step paging red's restricted schedule: someone outside red reads
    the words of a schedule that does not exist, beside the step, as for a misspelt name."""
    from postmortems.server.oncall.models import Schedule, Step

    apply(rotation("red-secret", ("wanda",), team="red"), rotation("blue-open", team="blue"))
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    pages_blue = (((("schedule", "blue-open"),), 5),)
    apply(policies=(policy("blue-page", pages_blue, team="blue"),), source="")
    client.force_login(_member(make_user, "stan", "admin", *teams, staff=True))
    url = _admin_url("policy", "blue-page")
    data = admin_form(client, url)

    def beside_the_step(name: str) -> str:
        target = f'[{{"kind": "schedule", "name": "{name}"}}]'
        answer = client.post(url, {**data, "steps-0-targets": target})
        assert answer.status_code == 200
        page = BeautifulSoup(answer.content, "html.parser")
        cell = page.select_one("textarea[name=steps-0-targets]").find_parent("td")
        return " ".join(e.get_text(" ") for e in cell.select(".errorlist"))

    said = beside_the_step("red-secret")
    assert (REFUSED in said) is named, said
    assert (said == not_found("red-secret")) is not named, said
    assert ("team red" in said) is named
    if not named:  # word for word what a misspelt name gets
        assert beside_the_step("red-secrte") == not_found("red-secrte")
    assert Step.objects.get().targets == [{"kind": "schedule", "name": "blue-open"}]


# -- pm oncall apply and its API ----------------------------------------------------------------

RED_FILE = """schedules:
  - name: red-secret
    timezone: UTC
    team: red
    layers:
      - {name: main, users: [wanda], shift: 1 week, start: 2026-03-02}
"""


def _legacy_purple_step() -> None:
    """red-secret (made in the UI, restricted to red) and a step of purple's policy paging it,
    stored before the rule was checked: saving red-secret again reports it."""
    from postmortems.server.oncall.models import Policy, Schedule, Step

    apply(rotation("red-secret", ("wanda",), team="red"), source="")
    Schedule.objects.filter(name="red-secret").update(restricted=True)
    purple = Policy.objects.create(name="purple-page", team="purple")
    Step.objects.create(
        policy=purple,
        targets=[{"kind": "schedule", "name": "red-secret"}],
        delay=dt.timedelta(minutes=5),
    )


PURPLE_NAMED = (
    "policy 'purple-page' (team purple) step 1 pages schedule 'red-secret', restricted to team "
    "red: its pages would name that team's on-call to another team — page it from a policy of "
    "its own team, or lift its restriction"
)


@pytest.mark.parametrize(("teams", "named"), [(("red",), False), (("red", "purple"), True)])
def test_the_api_names_another_teams_policy_only_to_who_may_see_it(
    client: Any, make_user: Any, teams: tuple[str, ...], named: bool
) -> None:
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Schedule

    _legacy_purple_step()
    bea = _member(make_user, "bea", "admin", *teams)
    answer = client.post(
        "/api/oncall/apply",
        {"files": [{"path": "red.yaml", "text": RED_FILE}], "dry_run": False},
        content_type="application/json",
        headers={"Authorization": f"Bearer {ApiToken.issue(bea, 'cli', scope='write')[1]}"},
    )
    assert answer.status_code == 409, answer.json()
    problems = [e["problem"] for e in answer.json()["errors"]]
    assert problems == [f"red.yaml: {PURPLE_NAMED if named else HIDDEN_POLICY}"]
    assert ("purple" in problems[0]) is named
    assert Schedule.objects.get().managed_by == ""  # nothing applied


@pytest.fixture
def pm(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: None) -> Any:
    """`pm` in this process, on the test database: (exit status, stdout, stderr)."""
    return pm_here(monkeypatch, capsys, "oncall")


def test_apply_from_the_command_line_names_everything(pm: Any, tmp_path: Path) -> None:
    """The operator of a data dir sees every object: the refusal names purple's policy."""
    from postmortems.server.oncall.models import Schedule

    _legacy_purple_step()
    red = tmp_path / "red.yaml"
    red.write_text(RED_FILE, encoding="utf-8")
    status, out, err = pm("oncall", "apply", str(red), "--data-dir", str(tmp_path))
    assert status != 0, out
    assert f"red.yaml: {PURPLE_NAMED}" in err  # the file as the server stores it: by its name
    assert Schedule.objects.get().managed_by == ""
