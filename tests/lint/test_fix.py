"""`pm lint --fix`: safe fixes only, atomic, previewable with --diff, never changing meaning."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortems.cli import cli
from postmortems.document import parse
from postmortems.lint import lint_text
from postmortems.lint.fix import fix_text, meaning

MESSY = """# Disk full on the build server

## What happened

From 09:00 to 10:00 UTC (one hour) builds failed for 60% of users of the CI service. The root
cause was a full disk on the build server.

## Chronology

09:05 UTC - Alert: disk usage above 95% on the build server.
1. 09:20 UTC - Suspected the cache; cleared it, builds kept failing.
2. 09:40 UTC - Escalated to the infra team.
09:55 UTC - Old artefacts deleted; builds green again.

## Root Cause and Resolution

Artefacts were never deleted, so the disk filled up over six months until writes failed. We
deleted artefacts older than 30 days and builds succeeded again.

## Follow-ups

We never clean up what the builds leave behind; we will expire it automatically.

- [ ] Expire build artefacts after 30 days
* Alert on build server disk usage above 80%
"""


def test_fix_rewrites_headings_timeline_bullets_and_checkboxes(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(MESSY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--fix", "--isolated", str(path)])
    fixed = path.read_text(encoding="utf-8")
    assert "## Issue Summary" in fixed
    assert "## Timeline" in fixed
    assert "## Corrective and Preventative Measures" in fixed
    assert "- 09:05 UTC - Alert" in fixed
    assert "1. 09:20 UTC - Suspected" in fixed  # a numbered entry is a timeline entry already
    assert "- [ ] Expire build artefacts" in fixed
    assert "- [ ] Alert on build server" in fixed
    assert meaning(parse(fixed)) == meaning(parse(MESSY))
    assert "Fixed" in result.stdout
    assert not {v.code for v in lint_text(fixed)} & {"PM112", "PM301", "PM508"}
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temporary file


def test_a_fix_that_makes_another_fix_is_applied_in_the_same_run(tmp_path: Path) -> None:
    """A bold label became a heading, which only the next run named "Issue Summary": --fix
    runs its passes until none makes a new fix, as ruff does, on a file and on stdin alike."""
    labelled = MESSY.replace("## What happened", "**Summary**").replace(
        "## Follow-ups", "**Action items**"
    )
    path = tmp_path / "pm.md"
    path.write_text(labelled, encoding="utf-8")
    CliRunner().invoke(cli, ["lint", "--fix", "--isolated", str(path)])
    fixed = path.read_text(encoding="utf-8")
    assert "\n## Issue Summary\n" in fixed
    assert "\n## Corrective and Preventative Measures\n" in fixed
    assert "PM112" not in {v.code for v in lint_text(fixed)}
    piped = CliRunner().invoke(cli, ["lint", "--fix", "--isolated", "-"], input=labelled)
    assert piped.stdout == fixed
    assert meaning(parse(fixed)) == meaning(parse(labelled))


def test_diff_previews_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(MESSY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--diff", "--isolated", str(path)])
    assert result.exit_code == 1
    assert f"--- a/{path}" in result.stdout
    assert "-## What happened\n+## Issue Summary" in result.stdout
    assert path.read_text(encoding="utf-8") == MESSY


def test_fix_on_stdin_prints_the_fixed_text() -> None:
    result = CliRunner().invoke(cli, ["lint", "--fix", "--isolated", "-"], input=MESSY)
    assert result.stdout.startswith("# Disk full on the build server")
    assert "## Issue Summary" in result.stdout


def test_fixes_never_change_meaning_on_the_corpus(corpus_dir: Path) -> None:
    changed = 0
    for path in sorted((corpus_dir / "docs").iterdir()):
        text = path.read_text(encoding="utf-8")
        found = lint_text(text, path=path.name)
        fixed = fix_text(text, found, path.name)
        if fixed == text.replace("\r\n", "\n"):
            continue
        changed += 1
        try:
            before = meaning(parse(text, path.name))
        except Exception:  # broken front matter: fix_text changes nothing then
            pytest.fail(f"{path.name}: a file with unreadable front matter was changed")
        assert meaning(parse(fixed, path.name)) == before, path.name
    assert changed > 50


def test_fix_keeps_what_the_file_was(tmp_path: Path) -> None:
    import os
    import stat

    target = tmp_path / "pm.md"
    target.write_text(MESSY, encoding="utf-8")
    target.chmod(0o660)
    link = tmp_path / "link.md"
    link.symlink_to(target.name)
    CliRunner().invoke(cli, ["lint", "--fix", "--isolated", str(link)])
    assert link.is_symlink()  # the link is still a link; its target is fixed
    assert "## Timeline" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o660  # and keeps its permissions

    crlf = tmp_path / "crlf.md"
    crlf.write_bytes(MESSY.replace("\n", "\r\n").encode())
    CliRunner().invoke(cli, ["lint", "--fix", "--isolated", str(crlf)])
    data = crlf.read_bytes()
    assert b"## Timeline\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")  # Windows line ends stay

    locked = tmp_path / "locked.md"
    locked.write_text(MESSY, encoding="utf-8")
    locked.chmod(0o444)
    refused = CliRunner().invoke(cli, ["lint", "--fix", "--isolated", str(locked)])
    assert refused.exit_code != 0
    assert "read-only" in str(refused.exception or refused.output)
    assert locked.read_text(encoding="utf-8") == MESSY
    assert stat.S_IMODE(os.stat(locked).st_mode) == 0o444


LABELLED = """**Issue Summary:** checkout was down for 25 minutes; about 40% of users saw errors.

__Timeline (all times PST)__
- 2:05 PM - pager alert on 5xx rate
- 2:30 PM - errors back to baseline

Root cause: a config push removed the upstream pool.

Action items
1. Validate config pushes in CI (Owner: Bob, Deadline: March 1, 2024)
"""


def test_fix_makes_labels_headings_and_keeps_the_text_after_them() -> None:
    found = lint_text(LABELLED, path="pm.md")
    assert "PM113" in {v.code for v in found}
    fixed = fix_text(LABELLED, found, "pm.md")
    assert fixed.startswith("## Issue Summary\n\nCheckout was down for 25 minutes;")
    assert "\n## Timeline (all times PST)\n- 2:05 PM" in fixed
    assert "\n## Root cause\n\nA config push removed the upstream pool.\n" in fixed
    assert meaning(parse(fixed)) == meaning(parse(LABELLED))
    assert "PM113" not in {v.code for v in lint_text(fixed, path="pm.md")}


def test_diff_with_nothing_to_fix_says_so(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text("# Notes\n\nSomething went wrong.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--diff", "--isolated", str(path)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no safe fix to show" in result.stderr
    assert "; 1 finding needs a person (`pm lint` lists them)" in result.stderr  # not "need"
