"""`pm oncall apply` into a server's data dir, then `pm page open|list|ack` on it: real processes
(each with a timeout) for the whole path, in-process runs for the errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from oncall_fixtures import apply, pm_here, policy
from tests.server.conftest import run_pm

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oncall" / "platform.yaml"


def _pm(*args: str, data: Path, user: str = "") -> subprocess.CompletedProcess[str]:
    """`pm ARGS --data-dir DATA` in a new process; ``user``: the operating-system user's name."""
    env = {"PM_SECRET_KEY": "test-secret-key-not-for-production"}
    env |= {"LOGNAME": user, "USER": user} if user else {}
    return run_pm(*args, "--data-dir", str(data), env=env, without=("DATABASE_URL", "PM_DATA_DIR"))


def test_apply_then_page_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty = tmp_path / "empty"
    empty.mkdir()
    made = _pm("import", str(empty), data=data)  # the database, as `pm serve` would make it
    assert made.returncode == 0, made.stderr
    refused = _pm("oncall", "apply", str(EXAMPLE), data=tmp_path / "typo")
    assert refused.returncode == 3
    assert "no database in " in refused.stderr
    applied = _pm("oncall", "apply", str(EXAMPLE), data=data)
    assert applied.returncode == 0, applied.stderr
    assert "create policy platform-default" in applied.stdout
    paging = ("page", "open", "--policy", "platform-default", "--summary", "db down")
    nobody = _pm(*paging, data=data, user="ivy")  # no account has her name yet
    assert (nobody.returncode, nobody.stdout) == (2, "")
    assert nobody.stderr.startswith(
        "pm: who opens the page? no account named 'ivy' (your operating-system user) on this "
        "server — give --as USERNAME (an active account: the page's history names them), or page "
        "through the server's API (PM_URL and PM_TOKEN) as your token's user, or create the "
        "account (pm admin create-user ivy)"
    )
    made = _pm("admin", "create-user", "ivy", "--password", "pw-ivy-long-enough", data=data)
    assert made.returncode == 0, made.stderr
    roleless = _pm(*paging, data=data, user="ivy")  # paging the team needs a role in it
    assert roleless.returncode == 3
    assert "give ivy the role (pm admin set-role ivy platform author)" in roleless.stderr
    given = _pm("admin", "set-role", "ivy", "platform", "author", data=data)
    assert given.returncode == 0, given.stderr
    opened = _pm(*paging, data=data, user="ivy")  # her operating-system user's account
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.startswith("page 1 opened by ivy; paged ")  # whoever is on call now


@pytest.fixture
def pm(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: None) -> Any:
    """`pm` in this process, on the test database: (exit status, stdout, stderr)."""
    return pm_here(monkeypatch, capsys, "page")


def test_page_commands_acknowledge_and_answer_bad_input_with_a_message(
    pm: Any, make_user: Any
) -> None:
    make_user("alice", "author")
    apply(policies=(policy(),))
    assert pm("page", "open", "--policy", "sre-page", "--summary", "x", "--as", "alice")[0] == 0
    listed = json.loads(pm("page", "list", "--format", "json")[1])
    assert [(p["state"], p["summary"]) for p in listed] == [("open", "x")]
    page_id = str(listed[0]["id"])
    assert pm("page", "ack", page_id, "--as", "alice")[:2] == (
        0,
        f"page {page_id} acknowledged by alice\n",
    )
    code, _, err = pm("page", "ack", page_id, "--as", "alice")
    assert (code, err) == (1, f"page {page_id} was already acknowledged\n")
    for args, message in [
        (("page", "ack", "999", "--as", "alice"), "pm: no page 999 — `pm page list`"),
        (("page", "ack", page_id, "--as", "nobody"), "pm: no active user named 'nobody'"),
        (("page", "open", "--policy", "nope", "--summary", "x"), "pm: no escalation policy"),
        (("page", "open", "--policy", "sre-page", "--summary", " "), "pm: the summary is empty"),
        (
            (
                "page",
                "open",
                "--policy",
                "sre-page",
                "--summary",
                "x",
                "--incident",
                "INC-1",
                "--as",
                "alice",
            ),
            "pm: no incident INC-1 — give the key of an incident, or leave --incident out",
        ),
    ]:
        code, _, err = pm(*args)
        assert code == 3
        assert err.startswith(message)
    assert json.loads(pm("page", "list", "--format", "json")[1]) == []


def test_a_file_typed_from_its_directory_or_in_full_is_one_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: None, tmp_path: Path
) -> None:
    """The objects' ``managed_by`` is the path from the working directory, however it is typed:
    applying the same file again, in full or as ``./``, changes nothing and is not refused as
    another file's. What an older version stored under the path as typed in full is the file's
    (an alias)."""
    from dataclasses import replace

    from postmortems.oncall.spec import load_files
    from postmortems.server.oncall import store

    pm = pm_here(monkeypatch, capsys, "oncall")
    (tmp_path / "oncall").mkdir()
    full = tmp_path / "oncall" / "platform.yaml"
    full.write_text(EXAMPLE.read_text(encoding="utf-8"))
    before = load_files([full])  # as an older version stored it: the path as typed
    store.apply_config(
        replace(before, sources=dict.fromkeys(before.sources, str(full))), dry_run=False
    )
    monkeypatch.chdir(tmp_path)
    status, out, err = pm("oncall", "apply", str(full))
    assert status == 0, err
    assert "update policy platform-default (oncall/platform.yaml)" in out
    assert pm("oncall", "apply", "./oncall/platform.yaml")[:2] == (0, "no changes\n")
    assert pm("oncall", "apply", "../" + tmp_path.name + "/oncall/platform.yaml")[:2] == (
        0,
        "no changes\n",
    )  # out and back in: the same path from here
    monkeypatch.chdir(tmp_path / "oncall")
    status, _, err = pm("oncall", "apply", "platform.yaml")  # another name: another file
    assert status != 0
    assert "is managed by oncall/platform.yaml" in err
