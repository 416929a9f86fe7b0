"""What the server is told of an applied file, and a policy in a file paging a schedule made on
the site. A file is stored and shown by its path in the directory it was applied from, never an
absolute path (``/home/ann/…`` told every team where files lie on ann's machine): one outside is
its name alone, and an absolute path stored before is shown so too. A policy's file may page a
schedule made in the UI, which stays the UI's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from oncall_fixtures import apply, page_text, rotation
from test_oncall_refusal_names import pm  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

FULL = "/tmp/walk/edge.yaml"
SCHEDULE = """schedules:
  - name: edge-primary
    timezone: UTC
    team: edge
    layers:
      - {name: main, users: [ann], shift: 1 week, start: 2026-03-02}
escalation_policies:
  - name: edge-page
    team: edge
    steps:
      - {targets: [{schedule: edge-primary}], delay: 5m}
"""
POLICY = """escalation_policies:
  - name: edge-default
    team: edge
    steps:
      - targets: [{schedule: edge-primary}]
        delay: 10m
"""


def _post(token: str, files: list[dict[str, Any]]) -> Any:
    return Client(raise_request_exception=False).post(
        "/api/oncall/apply",
        json.dumps({"files": files}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _token(user: Any) -> str:
    from postmortems.server.accounts.models import ApiToken

    return ApiToken.issue(user, "cli", scope="write")[1]


def _stored() -> set[str]:
    from postmortems.server.oncall.models import Policy, Schedule

    return {*Schedule.objects.values_list("managed_by", flat=True), *Policy.objects.values_list(
        "managed_by", flat=True
    )}  # fmt: skip


def _shown_to(user: Any) -> str:
    client = Client()
    client.force_login(user)
    pages = ("/oncall/", "/oncall/s/edge-primary/", "/oncall/pages/")
    return " ".join(page_text(client.get(url)) for url in pages)


def test_an_absolute_path_is_stored_and_shown_as_the_files_name(make_user: Any) -> None:
    ann = make_user("ann", "admin", "edge")
    done = _post(_token(ann), [{"path": FULL, "text": SCHEDULE}])
    assert done.status_code == 200, done.content
    assert done.json()["changes"] == [
        "create schedule edge-primary (edge.yaml)",
        "create policy edge-page (edge.yaml)",
    ]
    assert _stored() == {"edge.yaml"}
    ben = make_user("ben", "viewer", "web")  # of another team
    shown = _shown_to(ben)
    assert "Managed by code: edge.yaml" in shown
    assert "/tmp/walk" not in shown
    # Applied again from the same place: the same file, nothing to change.
    again = _post(_token(ann), [{"path": FULL, "text": SCHEDULE}])
    assert again.json()["changes"] == []
    # From a checkout, the file is named by its path there; the one stored by its name alone
    # may be another file of that name: refused, with how to go on if it is the same.
    moved = _post(_token(ann), [{"path": "oncall/edge.yaml", "text": SCHEDULE, "aliases": [FULL]}])
    assert moved.status_code == 409, moved.content
    assert moved.json()["errors"][0]["problem"] == (
        "oncall/edge.yaml: schedule 'edge-primary' is managed by edge.yaml — remove it from that "
        "file first, or rename it here (if it is this file, applied before from outside its "
        "directory, apply it from there as edge.yaml, as it was)"
    )
    assert _stored() == {"edge.yaml"}


def test_an_absolute_path_stored_before_is_shown_by_the_files_name(make_user: Any) -> None:
    from postmortems.server.oncall.models import Schedule

    apply(rotation("edge-primary", team="edge"), source="/home/ann/walk/edge.yaml")
    assert Schedule.objects.get().managed_by == "/home/ann/walk/edge.yaml"
    ben = make_user("ben", "viewer", "edge")
    shown = _shown_to(ben)
    assert "Managed by code: edge.yaml" in shown
    assert "/home/ann" not in shown
    listed = Client(headers={"Authorization": f"Bearer {_token(ben)}"}).get("/api/oncall/schedules")
    assert [row["managed_by"] for row in listed.json()] == ["edge.yaml"]


def test_apply_from_the_command_line_stores_the_name_of_a_file_outside(
    pm: Any,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    path = tmp_path / "edge.yaml"  # outside the working directory (the checkout)
    path.write_text(SCHEDULE, encoding="utf-8")
    status, out, err = pm("oncall", "apply", str(path), "--data-dir", str(tmp_path))
    assert status == 0, err
    assert "create schedule edge-primary (edge.yaml)" in out.splitlines()
    assert str(tmp_path) not in out
    assert _stored() == {"edge.yaml"}


def test_a_policy_file_pages_a_schedule_made_on_the_site_which_stays_the_sites(
    make_user: Any,
) -> None:
    from postmortems.server.oncall.models import Policy, Schedule

    apply(rotation("edge-primary", team="edge"), source="")  # made in the UI
    lead = _token(make_user("lea", "admin", "edge"))
    done = _post(lead, [{"path": "edge-default.yaml", "text": POLICY}])
    assert done.status_code == 200, done.content
    assert done.json()["changes"] == ["create policy edge-default (edge-default.yaml)"]
    assert Schedule.objects.get().managed_by == ""  # not adopted: still changed in the UI
    assert Policy.objects.get().managed_by == "edge-default.yaml"
    assert _post(lead, [{"path": "edge-default.yaml", "text": POLICY}]).json()["changes"] == []
    # One that is none on the server (or one the applier may not see) is refused at its place.
    typo = POLICY.replace("schedule: edge-primary", "schedule: edge-primry")
    refused = _post(lead, [{"path": "edge-default.yaml", "text": typo}])
    assert refused.status_code == 409
    [error] = refused.json()["errors"]
    assert (error["line"], error["message"]) == (5, "no schedule named 'edge-primry'")
    assert error["hint"] == "did you mean 'edge-primary'?"
    apply(rotation("red-primary", team="red"), source="")
    Schedule.objects.filter(name="red-primary").update(restricted=True)
    hidden = POLICY.replace("schedule: edge-primary", "schedule: red-primary")
    refused = _post(lead, [{"path": "edge-default.yaml", "text": hidden}])
    assert refused.json()["errors"][0]["message"] == "no schedule named 'red-primary'"


def test_apply_and_check_from_the_command_line_know_the_sites_schedules(
    pm: Any,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    from postmortems.server.oncall.models import Policy, Schedule

    path = tmp_path / "edge-default.yaml"
    path.write_text(POLICY, encoding="utf-8")
    status, out, err = pm("oncall", "check", str(path))
    assert status == 0, err
    assert out.splitlines()[0] == (
        "note: policy edge-default pages schedule 'edge-primary', not in these files: "
        "`pm oncall apply` checks that the server has it (one made in the UI stays the UI's)"
    )
    status, out, err = pm("oncall", "apply", str(path), "--data-dir", str(tmp_path))
    assert status != 0
    assert f"{path}:5:30: no schedule named 'edge-primary'" in err  # none here yet
    assert not Policy.objects.exists()
    apply(rotation("edge-primary", team="edge"), source="")
    status, out, err = pm("oncall", "apply", str(path), "--data-dir", str(tmp_path))
    assert (status, out) == (0, "create policy edge-default (edge-default.yaml)\n"), err
    assert Schedule.objects.get().managed_by == ""


def test_the_pages_page_tells_a_team_lead_how_to_add_a_policy(make_user: Any) -> None:
    from bs4 import BeautifulSoup

    from postmortems.oncall.spec import load_texts

    apply(rotation("edge-primary", team="edge"), source="")  # made in the UI
    client = Client()
    client.force_login(make_user("lea", "admin", "edge"))
    page = BeautifulSoup(client.get("/oncall/pages/").content, "html.parser")
    how = page.select_one("#policy-how")
    assert how is not None
    assert "or by a staff user in the admin" not in page.get_text()
    example, commands = (c.get_text() for c in how.select("pre code"))
    # The example is a valid file, for the reader's team and their schedule made here.
    config = load_texts([("edge-default.yaml", example)], known=["edge-primary"])
    [policy] = config.policies
    assert (policy.name, policy.team) == ("edge-default", "edge")
    assert policy.steps[0].targets[0].name == "edge-primary"
    assert commands.splitlines() == [
        "pm oncall check edge-default.yaml",
        "pm oncall apply edge-default.yaml --url http://testserver --token $PM_TOKEN --dry-run",
        "pm oncall apply edge-default.yaml --url http://testserver --token $PM_TOKEN",
    ]
