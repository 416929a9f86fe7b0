"""An escalation step pages only schedules that exist, on every path that saves a step: the
admin's policy form (the error beside the step's targets, nothing saved), ``pm oncall apply``
and ``POST /api/oncall/apply`` (the files are checked first: ``file:line:col: no schedule named
…``; nothing applied), and the store they apply through (a schedule the same change deletes
counts as gone)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import admin_form, apply, policy, rotation
from test_oncall_refusal_names import pm  # noqa: F401 (the fixture)

from postmortems.oncall import model

pytestmark = pytest.mark.django_db

MISSING = (
    "policy 'sre-page' (team sre) step {step} pages schedule 'nope', which does not exist — "
    "define it or fix the name"
)


def _targets_errors(answer: Any, row: int) -> str:
    page = BeautifulSoup(answer.content, "html.parser")
    cell = page.select_one(f"textarea[name=steps-{row}-targets]").find_parent("td")
    return " ".join(e.get_text(" ") for e in cell.select(".errorlist"))


def test_the_admin_refuses_a_step_paging_a_schedule_that_does_not_exist(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall.models import Policy, Step

    apply(rotation("primary"), source="")
    apply(policies=(policy(),), source="")
    client.force_login(make_user("root", superuser=True))
    url = f"/admin/oncall/policy/{Policy.objects.get().pk}/change/"
    data = admin_form(client, url)
    nope = '[{"kind": "schedule", "name": "nope"}]'
    changed = client.post(url, {**data, "steps-0-targets": nope})
    assert changed.status_code == 200  # the form again
    assert _targets_errors(changed, 0) == MISSING.format(step=1)
    assert _targets_errors(changed, 1) == ""  # the other step is fine
    # A new third step naming it: the error is beside that step.
    added = {**data, "steps-TOTAL_FORMS": "3", "steps-2-targets": nope}
    added |= {"steps-2-position": "2", "steps-2-delay": "00:05:00"}
    answer = client.post(url, added)
    assert _targets_errors(answer, 2) == MISSING.format(step=3)
    before = [[{"kind": "user", "name": "alice"}], [{"kind": "user", "name": "bob"}]]
    assert [s.targets for s in Step.objects.order_by("position")] == before
    # A schedule that exists is saved.
    primary = '[{"kind": "schedule", "name": "primary"}]'
    done = client.post(url, {**data, "steps-0-targets": primary})
    assert done.status_code == 302
    assert Step.objects.order_by("position").first().targets == [
        {"kind": "schedule", "name": "primary"}
    ]


def test_the_store_refuses_a_step_paging_a_schedule_that_does_not_exist_or_is_deleted() -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Policy, Schedule

    pages = (((("schedule", "nope"),), 5),)
    with pytest.raises(store.StoreError) as caught:
        apply(policies=(policy(steps=pages),), source="oncall/sre.yaml")
    assert str(caught.value).startswith(f"oncall/sre.yaml: {MISSING.format(step=1)}")
    assert not Policy.objects.exists()
    # The file held the schedule and a policy paging it; without the schedule, the policy
    # would page one the same apply deletes.
    pages_nope = (((("schedule", "nope"),), 5),)
    apply(rotation("nope"), policies=(policy(steps=pages_nope),), source="oncall/sre.yaml")
    kept = model.Config((), (policy(steps=pages_nope),), {"sre-page": "oncall/sre.yaml"})
    with pytest.raises(store.StoreError) as caught:
        store.apply_config(kept, dry_run=True)
    assert MISSING.format(step=1) in str(caught.value)
    assert Schedule.objects.filter(name="nope").exists()  # nothing applied


FILE = """schedules:
  - name: primary
    timezone: UTC
    team: sre
    layers:
      - {name: main, users: [alice], shift: 1 week, start: 2026-03-02}
escalation_policies:
  - name: sre-page
    team: sre
    steps:
      - {targets: [{schedule: nope}], delay: 5m}
"""


def test_apply_from_the_command_line_refuses_it_at_its_place(
    pm: Any,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    from postmortems.server.oncall.models import Policy, Schedule

    path = tmp_path / "sre.yaml"
    path.write_text(FILE, encoding="utf-8")
    status, out, err = pm("oncall", "apply", str(path), "--data-dir", str(tmp_path))
    assert status != 0, out
    assert f"{path}:11:31: no schedule named 'nope'" in err
    assert not Policy.objects.exists()
    assert not Schedule.objects.exists()


def test_apply_through_the_api_refuses_it_at_its_place(client: Any, make_user: Any) -> None:
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Policy

    token = ApiToken.issue(make_user("ada", "admin"), "cli", scope="write")[1]
    answer = client.post(
        "/api/oncall/apply",
        {"files": [{"path": "sre.yaml", "text": FILE}], "dry_run": False},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 409
    [error] = answer.json()["errors"]
    assert (error["path"], error["line"], error["column"]) == ("sre.yaml", 11, 31)
    assert error["message"] == "no schedule named 'nope'"
    assert error["hint"] == "define it in these files"
    assert not Policy.objects.exists()
