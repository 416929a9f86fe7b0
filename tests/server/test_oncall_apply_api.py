"""`pm oncall apply FILE… --url --token` against a live server: validated first (nothing sent
unless all is valid), applied by the server through the same store, `--dry-run` prints the
server's changes; `POST /api/oncall/apply` refuses bad files, tokens and rights with JSON 4xx."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.server.conftest import run_pm

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oncall" / "platform.yaml"


def _pm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_pm("oncall", "apply", *args, env=env)


def _token(user: Any, scope: str = "write") -> str:
    from postmortems.server.accounts.models import ApiToken

    return ApiToken.issue(user, "cli", scope=scope)[1]


def _stored() -> dict[str, str]:
    from postmortems.server.oncall.models import Policy, Schedule, Service

    rows = [*Schedule.objects.all(), *Policy.objects.all(), *Service.objects.all()]
    return {f"{type(r).__name__.lower()} {r.name}": r.managed_by for r in rows}


@pytest.mark.django_db(transaction=True)
def test_apply_through_the_api_with_dry_run_first(live_server: Any, make_user: Any) -> None:
    env = {"PM_URL": live_server.url, "PM_TOKEN": _token(make_user("ann", "admin", "platform"))}
    path = (
        str(EXAMPLE.relative_to(Path.cwd())) if EXAMPLE.is_relative_to(Path.cwd()) else str(EXAMPLE)
    )
    dry = _pm(path, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert f"would create schedule platform-primary ({path})" in lines
    assert f"would create service checkout-api ({path})" in lines
    assert _stored() == {}  # a dry run changes nothing
    # Files may name people before their accounts exist: a warning, not a refusal.
    assert "warning: no account anna (in schedule platform-primary): a page" in dry.stderr
    make_user("anna", "author", "platform")
    assert "no account anna" not in _pm(path, "--dry-run", env=env).stderr
    done = _pm(path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [line.removeprefix("would ") for line in lines]
    assert _stored() == {
        "schedule platform-primary": path,
        "schedule platform-secondary": path,
        "policy platform-default": path,
        "service checkout-api": path,
        "service payments-db": path,
    }
    assert _pm(path, env=env).stdout == "no changes\n"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_or_applied_unless_valid_and_allowed(
    live_server: Any, make_user: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("shift: 1 week", "shift: 1 fortnight", 1))
    admin = {"PM_URL": live_server.url, "PM_TOKEN": _token(make_user("ann", "admin", "platform"))}
    refused = _pm(str(bad), str(EXAMPLE), env=admin)
    assert refused.returncode == 1
    # Every error is reported with its file:line:col; the order follows the paths, which
    # differ between checkouts (/tmp/... against the checkout's examples/).
    assert any(
        line.startswith(f"{bad}:") and "shift: '1 fortnight' is not valid" in line
        for line in refused.stderr.splitlines()
    )
    author = {"PM_URL": live_server.url, "PM_TOKEN": _token(make_user("bo", "author", "platform"))}
    denied = _pm(str(EXAMPLE), env=author)
    assert denied.returncode == 3
    assert "needs the admin role in a team" in denied.stderr  # admin of none: not read
    assert "Traceback" not in denied.stderr
    reader = {**admin, "PM_TOKEN": _token(make_user("cy", "admin", "platform"), "read")}
    assert "may only read" in _pm(str(EXAMPLE), env=reader).stderr
    wrong = _pm(str(EXAMPLE), env={**admin, "PM_TOKEN": "pmt_nope"})
    assert wrong.returncode == 3
    assert wrong.stderr.startswith("pm oncall: the server refused the files (HTTP 40")
    assert _stored() == {}


def _post(client: Client, token: str, body: Any) -> Any:
    return client.post(
        "/api/oncall/apply",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.django_db
def test_the_endpoint_validates_and_refuses_conflicts_as_json(make_user: Any) -> None:
    client = Client(raise_request_exception=False)
    token = _token(make_user("ann", "admin", "platform"))
    text = EXAMPLE.read_text()
    broken = _post(client, token, {"files": [{"path": "a.yaml", "text": "services: [1]\n"}]})
    assert broken.status_code == 409
    problem = broken.json()["errors"][0]
    assert (problem["path"], problem["line"], problem["column"]) == ("a.yaml", 1, 12)
    assert broken.json()["detail"] == "1 problem in the on-call files; nothing was applied"
    first = _post(client, token, {"files": [{"path": "a.yaml", "text": text}]})
    assert first.status_code == 200, first.content
    assert first.json()["dry_run"] is False
    clash = _post(client, token, {"files": [{"path": "b.yaml", "text": text}], "dry_run": True})
    assert clash.status_code == 409
    assert "schedule 'platform-primary' is managed by a.yaml" in clash.json()["detail"]
    assert clash.json()["detail"].endswith(" — 5 problems; nothing was applied")
    empty = _post(client, token, {"files": []})
    assert empty.status_code == 422
    assert set(_stored().values()) == {"a.yaml"}


@pytest.mark.django_db
def test_a_file_takes_what_it_applied_under_its_aliases_with_the_roles_they_need(
    make_user: Any,
) -> None:
    """``aliases``: the names an older client stored the file under (its path in full). The
    objects stored under them are the file's: updated, renamed or deleted, with the admin role
    in their teams."""
    client = Client(raise_request_exception=False)
    ann = _token(make_user("ann", "admin", "platform"))
    rota = "  - {name: %s, timezone: UTC, team: %s, layers: [{name: a, users: [ann], shift: 1d, "
    rota += "start: 2026-01-05}]}\n"
    text = "schedules:\n" + rota % ("platform-rota", "platform")
    from postmortems.server.accounts.models import set_role
    from postmortems.server.oncall.models import Schedule

    both = make_user("both", "admin", "platform")
    set_role(both, "web", "admin")
    root = _token(both)
    full = "/home/ci/repo/oncall/platform.yaml"
    before = {"files": [{"path": full, "text": text + rota % ("web", "web")}]}
    assert _post(client, root, before).status_code == 200
    # Stored under its absolute path, as a server before the file's name alone was stored did.
    Schedule.objects.update(managed_by=full)
    file = {"path": "oncall/platform.yaml", "text": text}
    clash = _post(client, ann, {"files": [file]})
    assert clash.status_code == 409  # without its alias: another file's objects
    assert "is managed by platform.yaml —" in clash.json()["detail"]  # shown by its name alone
    assert full not in clash.json()["detail"]
    denied = _post(client, ann, {"files": [{**file, "aliases": [full]}]})
    assert denied.status_code == 403  # web-rota, gone from the file, would be deleted
    assert "needs the admin role in another team whose stored objects" in denied.json()["detail"]
    taken = _post(client, root, {"files": [{**file, "aliases": [full]}]})
    assert taken.status_code == 200, taken.content
    assert "delete schedule web (no longer in platform.yaml)" in taken.json()["changes"]
    assert set(_stored().values()) == {"oncall/platform.yaml"}
    many = {**file, "aliases": ["a", "b", "c", "d", "e"]}
    assert _post(client, root, {"files": [many]}).status_code == 422


@pytest.mark.django_db
def test_files_cost_nothing_to_someone_admin_of_no_team_and_a_refusal_lists_100(
    make_user: Any,
) -> None:
    """The files are read only for an admin of some team (reading them is the dear part), and a
    refusal lists the first 100 problems, counting all."""
    client = Client(raise_request_exception=False)
    broken = "schedules:\n" + "- x\n" * 150
    files = {"files": [{"path": "a.yaml", "text": broken}]}
    viewer = _post(client, _token(make_user("vic", "viewer", "platform")), files)
    assert viewer.status_code == 403
    assert viewer.json()["detail"] == "applying on-call files needs the admin role in a team"
    admin = _post(client, _token(make_user("ann", "admin", "platform")), files)
    assert admin.status_code == 409
    assert len(admin.json()["errors"]) == 100
    said = admin.json()["detail"]
    assert said.startswith("150 problems in the on-call files; nothing was applied")
    assert "the first 100 are listed" in said


@pytest.mark.django_db(transaction=True)
def test_a_refusal_says_once_that_nothing_was_applied(
    live_server: Any, make_user: Any, tmp_path: Path
) -> None:
    """A file naming a schedule another file manages: the count in words, said once."""
    env = {"PM_URL": live_server.url, "PM_TOKEN": _token(make_user("ann", "admin", "platform"))}
    assert _pm(str(EXAMPLE), env=env).returncode == 0
    other = tmp_path / "other.yaml"
    other.write_text(EXAMPLE.read_text().split("\nescalation_policies:")[0] + "\n")
    refused = _pm(str(other), env=env)
    assert refused.returncode != 0
    said = refused.stderr.strip()
    assert said.startswith("pm oncall: the server refused the files (HTTP 409): ")
    assert said.endswith(" — 2 problems; nothing was applied"), said
    assert said.count("nothing was applied") == 1
    assert "problem(s)" not in said


@pytest.mark.django_db
def test_the_local_refusal_counts_its_problems_in_words() -> None:
    from oncall_fixtures import apply, rotation

    from postmortems.server.oncall.store import StoreError

    apply(rotation("primary"), source="a.yaml")
    with pytest.raises(StoreError) as refused:
        apply(rotation("primary"), source="b.yaml")
    assert str(refused.value) == (
        "b.yaml: schedule 'primary' is managed by a.yaml — remove it from that file first, or "
        "rename it here — 1 problem; nothing was applied"
    )


@pytest.mark.django_db
def test_a_refusal_names_no_team_known_only_from_a_stored_restricted_schedule(
    make_user: Any,
) -> None:
    """A file whose schedule has the name of vault's restricted one: the 403 does not tell the
    applier, an admin of platform only, that team vault has it."""
    from oncall_fixtures import apply, rotation

    from postmortems.server.oncall.models import Schedule

    apply(rotation("vault-primary", team="vault"), source="")
    Schedule.objects.filter(name="vault-primary").update(restricted=True)
    client = Client(raise_request_exception=False)
    token = _token(make_user("ann", "admin", "platform"))
    mine = "schedules:\n- name: vault-primary\n  timezone: UTC\n  team: platform\n"
    mine += "  layers:\n  - name: main\n    users: [ann]\n    shift: 1 week\n"
    mine += "    start: 2026-03-02\n"
    refused = _post(client, token, {"files": [{"path": "a.yaml", "text": mine}]})
    assert refused.status_code == 403, refused.content
    said = refused.json()["detail"]
    assert "vault" not in said.replace("vault-primary", "")
    assert said == (
        "applying these files needs the admin role in another team whose stored objects the "
        "files would change; nothing was applied"
    )
    other = mine.replace("team: platform", "team: web")  # a team the file itself names
    said = _post(client, token, {"files": [{"path": "a.yaml", "text": other}]}).json()["detail"]
    assert said.startswith("applying these files needs the admin role in team web and in another")
