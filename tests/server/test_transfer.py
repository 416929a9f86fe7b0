"""Import and export: idempotent by id, and file → server → file is byte-for-byte lossless."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.server.conftest import doc_text, run_pm

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
    docs = corpus_dir / "docs"
    files = [docs / rel for rel in markdown_files(str(docs))]
    assert len(report.created) + len(report.skipped) == len(files)
    assert 0 < len(report.skipped) < len(files) // 4  # guides, links, assignment copies
    export_dir(tmp_path)
    skipped = {line.split(":", 1)[0] for line in report.skipped}  # "name:line:col: why"
    for path in files:
        rel = path.relative_to(corpus_dir / "docs")
        if rel.as_posix() in skipped:
            assert not (tmp_path / rel).exists()
        else:
            assert (tmp_path / rel).read_bytes() == path.read_bytes(), rel


GUIDE = """# How to write a postmortem

A postmortem is a written record of an incident. Postmortems are a way to learn from failure:
how to write one, what each section should hold, and why blameless language matters.

## Issue summary

The purpose of a postmortem is learning, so this section should say in general terms what
happened, who was affected and for how long, and what the root cause was, in a few sentences.
"""


def test_files_that_are_not_postmortems_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text(GUIDE, encoding="utf-8")
    (tmp_path / "link.md").write_text("See https://example.com/pm/42\n", encoding="utf-8")
    (tmp_path / "kept.md").write_text("---\nid: PM-KEPT\n---\n" + GUIDE, encoding="utf-8")
    (tmp_path / "a.md").write_text(doc_text("PM-A"), encoding="utf-8")
    (tmp_path / "empty.md").write_text("\n  \n", encoding="utf-8")
    report = import_dir(tmp_path)
    assert sorted(report.created) == ["PM-A", "PM-KEPT"]  # an id says it is someone's postmortem
    assert sorted(s.split(":")[0] for s in report.skipped) == ["empty.md", "guide.md", "link.md"]
    assert any("explains postmortems in general" in s for s in report.skipped)
    assert any(s.endswith("empty.md: the file is empty") for s in report.skipped)
    assert list(report.lines())[-1].endswith("0 failed, 3 skipped (not postmortems)")
    assert not Postmortem.objects.filter(key__in=["guide", "link", "empty"]).exists()


def test_import_is_idempotent_and_reports_changes(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(doc_text("PM-A"), encoding="utf-8")
    no_front_matter = doc_text("PM-B").split("---\n", 2)[2]
    (tmp_path / "b.md").write_text(no_front_matter, encoding="utf-8")
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
    assert (
        list(third.lines())[-1]
        == "0 created, 1 updated, 1 unchanged, 1 failed, 0 skipped (not postmortems)"
    )


def test_an_import_tells_owners_of_open_items_and_no_notify_tells_nobody(
    make_user, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """An archive's done items ask nothing of their owners; ``--no-notify`` sends nothing at
    all, on a new postmortem or a changed one."""
    from postmortems.server.workflow.models import ActionItem, Delivery

    make_user("bob")
    make_user("carol")
    done = "- [x] Page on certificate expiry (owner: @carol, due: 2024-02-01)\n"
    text = doc_text("PM-A").replace("- [ ] Automate", done + "- [ ] Automate", 1)
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    (tmp_path / "b.md").write_text(doc_text("PM-B"), encoding="utf-8")
    import_dir(tmp_path, quiet=True)
    assert ActionItem.objects.filter(owner="carol", status="done").exists()
    assert not Delivery.objects.exists()
    (tmp_path / "b.md").write_text(doc_text("PM-B").replace("@bob", "@carol"), encoding="utf-8")
    assert import_dir(tmp_path, quiet=True).updated == ["PM-B"]  # carol owns an open item now
    assert not Delivery.objects.exists()

    (tmp_path / "c.md").write_text(text.replace("PM-A", "PM-C"), encoding="utf-8")
    assert import_dir(tmp_path).created == ["PM-C"]
    assigned = Delivery.objects.filter(kind="action-item-assigned")
    assert [d.postmortem.key for d in assigned] == ["PM-C"]  # bob's open item, not carol's done one
    assert ActionItem.objects.get(pk=assigned.get().key.split(":")[1]).owner == "bob"
    # Carol's item unticked (reopened) asks something of her now: she is told.
    (tmp_path / "c.md").write_text(text.replace("PM-A", "PM-C").replace("- [x]", "- [ ]"))
    assert import_dir(tmp_path).updated == ["PM-C"]
    told = [ActionItem.objects.get(pk=d.key.split(":")[1]).owner for d in assigned.all()]
    assert sorted(told) == ["bob", "carol"]


def test_a_file_without_an_id_is_known_by_its_path_in_the_folder(tmp_path: Path) -> None:
    """Many postmortems are a README: two in two folders are two postmortems, and a third
    import of another folder's README overwrites neither."""
    without_id = doc_text("x").replace("id: x\n", "")
    for folder in ("a", "b"):
        (tmp_path / "one" / folder).mkdir(parents=True)
        (tmp_path / "one" / folder / "README.md").write_text(without_id, encoding="utf-8")
    first = import_dir(tmp_path / "one")
    assert (sorted(first.created), first.failed) == (["a-README", "b-README"], [])
    (tmp_path / "two" / "noext").mkdir(parents=True)
    (tmp_path / "two" / "noext" / "README").write_text(without_id, encoding="utf-8")
    assert (import_dir(tmp_path / "two").created, Postmortem.objects.count()) == (
        ["noext-README"],
        3,
    )
    # A README imported before ids came from paths keeps its id: it is found by its path.
    Postmortem.objects.filter(key="a-README").update(key="README")
    (tmp_path / "one" / "a" / "README.md").write_text(without_id + "\nMore.\n", encoding="utf-8")
    again = import_dir(tmp_path / "one")
    assert (again.created, again.updated, again.unchanged) == ([], ["README"], ["b-README"])


def test_export_as_a_user_leaves_out_what_they_cannot_see(
    make_user, make_pm, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from postmortems.server.accounts.access import access_of

    make_pm("PM-OPEN")
    make_pm("PM-HIDDEN", restricted=True, teams="security")
    export_dir(tmp_path, access_of(make_user("v", "viewer")))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".pm-export.json", "PM-OPEN.md"]


def test_export_overwrites_only_what_the_last_export_wrote(make_pm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file edited since the last export (or one no export wrote) is kept and reported: the
    edit would be lost; a file as the export left it follows the server."""
    from postmortems.server.library import store

    for key in ("PM-A", "PM-B", "PM-C"):
        make_pm(key)
    (tmp_path / "PM-C.md").write_text("my own notes\n", encoding="utf-8")  # was there first
    first = export_dir(tmp_path)
    assert [p.name for p in first.written] == ["PM-A.md", "PM-B.md"]
    assert [p.name for p in first.kept] == ["PM-C.md"]
    assert (tmp_path / "PM-C.md").read_text(encoding="utf-8") == "my own notes\n"
    edited = (tmp_path / "PM-A.md").read_text(encoding="utf-8") + "\nMy edit.\n"
    (tmp_path / "PM-A.md").write_text(edited, encoding="utf-8")
    for key in ("PM-A", "PM-B"):
        pm = Postmortem.objects.get(key=key)
        store.update(key, pm.text.replace("SEV2", "SEV1"), None, pm.version)
    second = export_dir(tmp_path)
    assert [p.name for p in second.kept] == ["PM-A.md", "PM-C.md"]
    assert (tmp_path / "PM-A.md").read_text(encoding="utf-8") == edited
    assert (tmp_path / "PM-B.md").read_text(encoding="utf-8") == Postmortem.objects.get(
        key="PM-B"
    ).text
    (tmp_path / "PM-A.md").unlink()  # moved away: the next export writes it again
    assert [p.name for p in export_dir(tmp_path).kept] == ["PM-C.md"]
    assert "SEV1" in (tmp_path / "PM-A.md").read_text(encoding="utf-8")


def test_export_writes_nothing_through_a_folder_linked_out_of_it(make_pm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A subfolder of the export that is a link elsewhere (committed to the checkout import and
    export go round) is not written through: the file is reported, the target untouched."""
    make_pm("PM-SEC", restricted=True, teams="security")
    Postmortem.objects.filter(key="PM-SEC").update(source_name="team/secret.md")
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "team").symlink_to(elsewhere, target_is_directory=True)
    report = export_dir(out)
    assert [p.name for p in report.outside] == ["secret.md"]
    assert report.written == []
    assert list(elsewhere.iterdir()) == []


def _pm(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PM_DATA_DIR": str(data_dir), "PM_SECRET_KEY": "cli-test"}
    return run_pm(*args, env=env, without=("DATABASE_URL", "DJANGO_SETTINGS_MODULE"))


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
    (out / "one.md").write_text("an edit\n", encoding="utf-8")
    kept = _pm("export", str(out), data_dir=data)
    assert kept.returncode == 1
    assert f"kept {out / 'one.md'}: it changed since the last export" in kept.stderr
    assert (out / "one.md").read_text(encoding="utf-8") == "an edit\n"
    weak = _pm("admin", "create-user", "zoe", "--password", "12345678", data_dir=data)
    assert weak.returncode == 2  # the validators of the password-change page
    assert "Invalid value for '--password': This password is too common." in weak.stderr
    assert "This password is entirely numeric." in weak.stderr
    made = _pm(
        "admin",
        "create-user",
        "zoe",
        "--password",
        "quiet-harbour-47",
        "--team",
        "sre",
        "--role",
        "author",
        "--email",
        "zoe@example.com",
        data_dir=data,
    )
    assert made.returncode == 0, made.stderr
    spaced_team = ["create-user", "yan", "--password", "quiet-harbour-47", "--team", "My Team"]
    refused = _pm("admin", *spaced_team, data_dir=data)
    assert refused.returncode == 2
    assert "a team is a slug" in refused.stderr
    bad_name = _pm("admin", "create-user", "zoe q", "--password", "quiet-harbour-47", data_dir=data)
    assert bad_name.returncode == 2  # the user name rules the invitation on /teams/ applies too
    assert "Invalid value for 'USERNAME': Enter a valid username" in bad_name.stderr
    again = _pm("admin", "create-user", "zoe", "--password", "pw", data_dir=data)
    assert again.returncode != 0
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr
    cased = _pm("admin", "create-user", "Zoe", "--password", "quiet-harbour-47", data_dir=data)
    assert cased.returncode == 3  # one person is not two accounts by the case of a letter
    assert "user 'zoe' already exists" in cased.stderr
    assert "pm admin set-role" in cased.stderr
    email = ["--password", "quiet-harbour-47", "--email", "ZOE@example.com"]
    same_mail = _pm("admin", "create-user", "yara", *email, data_dir=data)
    assert same_mail.returncode == 3
    assert "ZOE@example.com is the email of the account 'zoe' already" in same_mail.stderr
    assert "pm admin set-role zoe TEAM ROLE" in same_mail.stderr
    assert "Traceback" not in same_mail.stderr
    joined = _pm("admin", "set-role", "zoe", "red", "reviewer", data_dir=data)
    assert joined.stdout.strip() == "zoe is reviewer in red (a new team)", joined.stderr
    changed = _pm("admin", "set-role", "zoe", "red", "author", data_dir=data)
    assert changed.stdout.strip() == "zoe is author in red"
    spaced = _pm("admin", "set-role", "zoe", "My Team", "admin", data_dir=data)
    assert spaced.returncode == 2
    assert "a team is a slug" in spaced.stderr
    left = _pm("admin", "set-role", "zoe", "red", "none", data_dir=data)
    assert left.stdout.strip() == "zoe is no longer in red"
    assert _pm("admin", "set-role", "zoe", "red", "none", data_dir=data).stdout.strip() == (
        "zoe was not in red"
    )
    nobody = _pm("admin", "set-role", "nobody", "red", "viewer", data_dir=data)
    assert nobody.returncode != 0
    assert "no user 'nobody'" in nobody.stderr
    assert "Traceback" not in nobody.stderr


def test_cli_import_no_notify_queues_no_notice(tmp_path: Path) -> None:
    src, data = tmp_path / "in", tmp_path / "data"
    src.mkdir()
    assert _pm("import", str(src), data_dir=data).returncode == 0  # makes the database
    made = _pm("admin", "create-user", "bob", "--password", "quiet-harbour-47", data_dir=data)
    assert made.returncode == 0, made.stderr

    def notices() -> int:
        with sqlite3.connect(data / "postmortems.sqlite3") as db:
            return int(db.execute("select count(*) from workflow_delivery").fetchone()[0])

    (src / "one.md").write_text(doc_text("PM-ONE"), encoding="utf-8")  # bob owns an open item
    quiet = _pm("import", "--no-notify", str(src), data_dir=data)
    assert (quiet.returncode, notices()) == (0, 0), quiet.stderr
    (src / "two.md").write_text(doc_text("PM-TWO"), encoding="utf-8")
    assert _pm("import", str(src), data_dir=data).returncode == 0
    assert notices() == 1


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


def test_cli_refuses_to_serve_a_demo_folder_as_a_team_server(tmp_path: Path) -> None:
    """A folder `pm serve --demo` made holds accounts with public passwords: served without
    --demo (as a team's server), it is refused, even with a key of its own."""
    from postmortems.server.config import DEMO_SECRET, ServerSettings, require_secret

    require_secret(ServerSettings(data_dir=str(tmp_path), demo=True))  # what --demo leaves
    assert (tmp_path / DEMO_SECRET).is_file()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    for key in ("", "k" * 50):
        done = subprocess.run(
            [sys.executable, "-m", "postmortems", "serve", "--data-dir", str(tmp_path)],
            env={**env, "PM_SECRET_KEY": key},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 3, done.stderr
        assert "was made by `pm serve --demo`" in done.stderr
        assert "Traceback" not in done.stderr


def _pm_in(data: Path, *args: str, key: bool = True) -> subprocess.CompletedProcess[str]:
    import socket

    with socket.socket() as s:  # a port nothing listens on: the refusals come before serving
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    # SQLite in each data folder, in the PostgreSQL run too: these are the folders' tests
    dropped = ("DJANGO_SETTINGS_MODULE", "PM_SECRET_KEY", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    if key:
        env["PM_SECRET_KEY"] = "a-key-of-fifty-characters-or-more-for-this-test-0123456789"
    command = [sys.executable, "-m", "postmortems", *args, "--data-dir", str(data)]
    if args[0] == "serve":
        command += ["--port", port]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=120
    )


def test_the_demo_and_a_teams_accounts_never_share_a_database(tmp_path: Path) -> None:
    """The folder's marker cannot tell a database elsewhere (PostgreSQL): --demo refuses a
    database with accounts it did not make, and a team's server refuses one where a demo
    account still has its public password."""
    team, exposed, empty = tmp_path / "team", tmp_path / "exposed", tmp_path / "empty"
    empty.mkdir()
    for data in (team, exposed):  # an import makes the database
        assert _pm_in(data, "import", str(empty)).returncode == 0
    made = _pm_in(team, "admin", "create-user", "alice", "--password", "a-long-password-1")
    assert made.returncode == 0, made.stderr
    for key in (True, False):  # a demo without a key of its own would write the demo's
        refused = _pm_in(team, "serve", "--demo", key=key)
        assert refused.returncode == 3, refused.stderr
        said = "--demo refuses this database: it holds accounts the demo did not make (alice)"
        assert said in refused.stderr
        assert "Traceback" not in refused.stderr
    # the refusal wrote nothing: no demo key file that would make the team's folder a demo's
    assert not [p.name for p in team.iterdir() if not p.name.startswith("postmortems.sqlite3")]
    from postmortems.server.demo import DEMO_USERS

    admin = next(u for u in DEMO_USERS if u.superuser)
    args = ("admin", "create-user", admin.username, "--password", admin.password, "--superuser")
    assert _pm_in(exposed, *args).returncode == 0
    refused = _pm_in(exposed, "serve")
    assert refused.returncode == 3, refused.stderr
    assert f"the database holds the demo account '{admin.username}'" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.django_db(transaction=True)  # committed: the guard reads with a connection of its own
def test_the_guard_reads_the_accounts_of_the_database_the_server_would_use(
    make_user: Any,
) -> None:
    """What --demo would add to when DATABASE_URL names a PostgreSQL database (this suite's own
    in its PostgreSQL run; SQLite in a data folder: the command-line test above)."""
    from django.db import connection

    from postmortems.server.config import ServerSettings
    from postmortems.server.demo import strangers

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL run: SQLite's folder is the command-line test's")
    make_user("alice", "author")
    make_user("admin", "admin")  # a demo account's name is not a stranger's
    conf = connection.settings_dict
    url = f"postgresql://{conf['USER']}@{conf['HOST']}:{conf['PORT'] or 5432}/{conf['NAME']}"
    assert strangers(ServerSettings(database_url=url, demo=True)) == ["alice"]


def test_a_demo_folder_stays_the_demos_when_its_admin_adds_an_account(tmp_path: Path) -> None:
    """The demo's superuser may add accounts in /admin/: the folder holds the demo's key file,
    so it is still the demo's, and --demo serves it again."""
    from postmortems.server.config import DEMO_SECRET, ServerSettings
    from postmortems.server.demo import strangers

    empty = tmp_path / "empty"
    empty.mkdir()
    demo = tmp_path / "demo"
    assert _pm_in(demo, "import", str(empty)).returncode == 0
    assert (
        _pm_in(demo, "admin", "create-user", "zoe", "--password", "a-long-password-1").returncode
        == 0
    )
    settings = ServerSettings(data_dir=str(demo), demo=True)
    assert strangers(settings) == ["zoe"]
    (demo / DEMO_SECRET).write_text("k" * 64)
    assert strangers(settings) == []


def test_an_import_leaves_the_word_counts_fresh_for_similar_incidents(tmp_path: Path) -> None:
    from postmortems.server.library import fulltextrelated

    for i in range(6):
        text = doc_text(f"PM-W{i}")
        if i < 2:
            text = text.replace("We renewed it.", "We renewed it. A zookeeper quorum was lost.")
        (tmp_path / f"w{i}.md").write_text(text, encoding="utf-8")
    assert len(import_dir(tmp_path).created) == 6
    # Without fresh statistics PostgreSQL would count every word 0 and keep all of them.
    assert fulltextrelated.rarest(["certificate", "zookeeper"], budget=3) == ["zookeeper"]


def test_two_postmortems_imported_under_one_file_name_are_two_files(
    make_pm, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A README from two folders imported one at a time: the second is written under its id, and
    exporting again changes neither (it flipped between the two)."""
    for key in ("PM-A", "PM-B"):
        make_pm(key)
    Postmortem.objects.update(source_name="README.md")
    first = export_dir(tmp_path)
    assert sorted(p.name for p in first.written) == ["PM-B.md", "README.md"]
    assert "id: PM-A" in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "id: PM-B" in (tmp_path / "PM-B.md").read_text(encoding="utf-8")
    again = export_dir(tmp_path)
    assert (again.kept, "id: PM-A" in (tmp_path / "README.md").read_text(encoding="utf-8")) == (
        [],
        True,
    )
