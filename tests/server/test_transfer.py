"""Import and export: idempotent by id, and file → server → file is byte-for-byte lossless."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.server.conftest import doc_text

from postmortems.server.library.models import Postmortem
from postmortems.server.library.transfer import export_dir, import_dir
from postmortems.sources import markdown_files

pytestmark = pytest.mark.django_db


def _same_tree(a: Path, b: Path) -> None:
    files = markdown_files(str(a))
    assert files
    for rel in files:
        assert (b / rel).read_bytes() == (a / rel).read_bytes(), rel


def test_corpus_round_trip_is_lossless(corpus_dir: Path, tmp_path: Path) -> None:
    report = import_dir(corpus_dir / "docs")
    assert report.failed == []
    assert len(report.created) == len(markdown_files(str(corpus_dir / "docs")))
    export_dir(tmp_path)
    _same_tree(corpus_dir / "docs", tmp_path)


def test_import_is_idempotent_and_reports_changes(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(doc_text("PM-A"), encoding="utf-8")
    (tmp_path / "b.md").write_text("# Just a title\n\nNo front matter.\n", encoding="utf-8")
    (tmp_path / "bad.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    first = import_dir(tmp_path)
    assert (sorted(first.created), first.updated) == (["PM-A", "b"], [])
    assert first.failed[0].startswith(f"{tmp_path / 'bad.md'}:3:1: front matter is not valid YAML")
    second = import_dir(tmp_path)
    assert (second.created, second.updated, sorted(second.unchanged)) == ([], [], ["PM-A", "b"])
    (tmp_path / "a.md").write_text(doc_text("PM-A").replace("SEV2", "SEV3"), encoding="utf-8")
    third = import_dir(tmp_path)
    assert third.updated == ["PM-A"]
    pm = Postmortem.objects.get(key="PM-A")
    assert (pm.severity, pm.version) == ("SEV3", 2)
    assert list(third.lines())[-1] == "0 created, 1 updated, 1 unchanged, 1 failed"


def test_export_as_a_user_leaves_out_what_they_cannot_see(
    make_user, make_pm, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from postmortems.server.accounts.access import access_of

    make_pm("PM-OPEN")
    make_pm("PM-HIDDEN", restricted=True, teams="security")
    export_dir(tmp_path, access_of(make_user("v", "viewer")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PM-OPEN.md"]


def _pm(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PM_DATA_DIR": str(data_dir), "PM_SECRET_KEY": "cli-test"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "postmortems", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.django_db(transaction=False)
def test_cli_import_export_and_create_user(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "one.md").write_text(doc_text("PM-ONE"), encoding="utf-8")
    data = tmp_path / "data"
    first = _pm("import", str(src), data_dir=data)
    assert first.returncode == 0, first.stderr
    assert "created PM-ONE" in first.stdout
    assert "0 created, 0 updated, 1 unchanged" in _pm("import", str(src), data_dir=data).stdout
    out = tmp_path / "out"
    exported = _pm("export", str(out), data_dir=data)
    assert exported.returncode == 0, exported.stderr
    assert (out / "one.md").read_bytes() == (src / "one.md").read_bytes()
    made = _pm(
        "admin",
        "create-user",
        "zoe",
        "--password",
        "pw",
        "--team",
        "sre",
        "--role",
        "author",
        data_dir=data,
    )
    assert made.returncode == 0, made.stderr
    again = _pm("admin", "create-user", "zoe", "--password", "pw", data_dir=data)
    assert again.returncode != 0
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_cli_refuses_to_serve_without_a_secret(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"PM_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    done = subprocess.run(
        [sys.executable, "-m", "postmortems", "serve", "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode != 0
    assert "no secret key is set" in done.stderr
    assert "Traceback" not in done.stderr
