"""`pm parse` through the real CLI: formats, directories, stdin, and every kind of bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postmortems import __version__
from postmortems.cli import cli
from postmortems.document import parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "checkout-502.md"
BIN = Path(sys.executable).parent


def pm(*args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.md"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_extract_is_one_json_object_per_line(good: Path) -> None:
    result = pm("parse", "--format", "extract", str(good), str(EXAMPLE))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in rows] == [str(good), str(EXAMPLE)]
    row = rows[0]
    assert row["schema"] == "postmortems.extract/1"
    assert row["is_postmortem"] is True
    assert row["start"] == "2024-02-12 04:00"
    assert row["end"] == "2024-02-12 06:30"
    assert row["duration_minutes"] == 150
    assert row["utc_offset_minutes"] == -480
    assert row["users_affected_pct"] == 75
    assert row["timeline"][0]["time"] == "04:07"
    assert len(row["action_items"]) == 3


def test_json_is_the_whole_model(good: Path) -> None:
    result = pm("parse", str(good))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["meta"]["severity"] == "SEV2"
    assert data["is_postmortem"] is True
    assert [s["kind"] for s in data["sections"]][:2] == ["summary", "timeline"]


def test_markdown_is_the_canonical_rewrite(tmp_path: Path) -> None:
    messy = tmp_path / "messy.md"
    messy.write_text(
        "**Issue Summary:** the API was down.\n\n"
        "**Timeline (all times PST)**\n"
        "* 2:05 PM: alert fired\n* 2:30 PM: rolled back\n\n"
        "Root cause: a bad config push.\n",
        encoding="utf-8",
    )
    result = pm("parse", "-f", "markdown", str(messy))
    assert result.exit_code == 0
    assert "## Issue Summary\n" in result.stdout
    assert "- 14:05 - alert fired\n" in result.stdout
    assert parse(result.stdout) == parse(messy.read_text(encoding="utf-8"))


def test_stdin(good: Path) -> None:
    result = pm("parse", "-f", "extract", "-", stdin=good.read_text(encoding="utf-8"))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["path"] == "<stdin>"


def test_directory_expands_to_its_markdown_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ["b.md", "a.markdown", "sub/c.md", ".hidden/d.md", "notes.png"]:
        (tmp_path / name).write_text("## Summary\n\nText.\n", encoding="utf-8")
    result = pm("parse", "-f", "extract", str(tmp_path))
    assert result.exit_code == 0
    paths = [json.loads(line)["path"] for line in result.stdout.splitlines()]
    assert paths == [str(tmp_path / n) for n in ["a.markdown", "b.md", "sub/c.md"]]


def billion_laughs() -> str:
    """Nine lines of nested YAML aliases that expand to 9**9 strings."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    return "\n".join(lines)


def bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    """{case: (path, expected start of its message after the path)}."""
    (tmp / "empty-dir").mkdir()
    (tmp / "latin1.md").write_bytes("## Summary\n\nCaf\xe9 down.\n".encode("latin-1"))
    (tmp / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp / "bad-yaml.md").write_text("---\ntitle: a\nseverity: [SEV1\n---\n\nBody\n")
    (tmp / "aliases.md").write_text(f"---\n{billion_laughs()}\n---\n\n## Summary\n")
    (tmp / "utf16.md").write_bytes("## Summary\n\nThe disk filled up.\n".encode("utf-16"))
    with open(tmp / "huge.md", "wb") as fh:
        fh.truncate(6 * 1024 * 1024)
    return {
        "missing": (tmp / "missing.md", ": no such file — check the path"),
        "directory": (tmp / "empty-dir", ": is a directory with no Markdown files"),
        "not utf-8": (
            tmp / "latin1.md",
            ":3:4: not UTF-8 text (byte 0xe9) — save the file as UTF-8",
        ),
        "binary": (tmp / "binary.md", ": binary file (it contains NUL bytes), not Markdown — "),
        "invalid yaml": (tmp / "bad-yaml.md", ":4:1: front matter is not valid YAML: "),
        "yaml aliases": (tmp / "aliases.md", ":2:5: front matter uses a YAML anchor or alias"),
        "utf-16": (tmp / "utf16.md", ": UTF-16 text, not UTF-8 — save the file as UTF-8"),
        "too big": (
            tmp / "huge.md",
            ": file is 6,291,456 bytes, over the 5,242,880-byte (5 MB) limit — ",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "directory",
        "not utf-8",
        "utf-16",
        "binary",
        "invalid yaml",
        "yaml aliases",
        "too big",
    ],
)
def test_bad_input_is_reported_and_the_others_still_parse(
    case: str, tmp_path: Path, good: Path
) -> None:
    path, message = bad_inputs(tmp_path)[case]
    result = pm("parse", "-f", "extract", str(good), str(path), str(EXAMPLE))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{path}{message}")
    assert " — " in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert [json.loads(line)["path"] for line in result.stdout.splitlines()] == [
        str(good),
        str(EXAMPLE),
    ]


def test_no_file_is_a_usage_error() -> None:
    result = pm("parse")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_unknown_format_is_a_usage_error(good: Path) -> None:
    result = pm("parse", "--format", "yaml", str(good))
    assert result.exit_code == 2


def run(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, env=env, check=False, cwd=ROOT
    )


def test_installed_pm_reports_bad_files_without_traceback(tmp_path: Path, good: Path) -> None:
    cases = bad_inputs(tmp_path)
    paths = [str(p) for p, _ in cases.values()]
    done = run(BIN / "pm", "parse", "-f", "extract", *paths, str(good))
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == len(cases)
    for line, (path, message) in zip(lines, cases.values(), strict=True):
        assert line.startswith(f"{path}{message}")
    assert json.loads(done.stdout)["path"] == str(good)


@pytest.mark.parametrize(
    "argv",
    [[BIN / "pm"], [BIN / "postmortems"], [sys.executable, "-m", "postmortems"]],
    ids=["pm", "postmortems", "python -m postmortems"],
)
def test_every_entry_point_parses_and_prints_the_version(argv: list[str | Path]) -> None:
    version = run(*argv, "--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"pm, version {__version__}"
    done = run(*argv, "parse", "-f", "extract", EXAMPLE)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["duration_minutes"] == 150


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_cut_at_the_size_limit(good: Path) -> None:
    result = pm("parse", "-f", "extract", "/dev/zero", str(good))
    assert result.exit_code == 3
    assert result.stderr.startswith("/dev/zero: input is over the 5 MB limit — ")
    assert json.loads(result.stdout)["path"] == str(good)


def test_outputs_that_cannot_be_written_and_odd_inputs_are_one_line_each(tmp_path: Path) -> None:
    cases = [
        (("render", EXAMPLE, "-o", tmp_path / "no-such-folder" / "x.html"), "cannot write: "),
        (("build", ROOT / "examples", "-o", "/proc/pm-site"), "/proc/pm-site: cannot write: "),
        (("render", ROOT / "examples"), "is a directory, and this command takes one file"),
    ]
    for args, message in cases:
        done = run(BIN / "pm", *args)
        assert done.returncode == 3, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert len(done.stderr.splitlines()) == 1, done.stderr
        assert message in done.stderr
    assert not (tmp_path / "no-such-folder").exists()
    latin1 = subprocess.run(
        [str(BIN / "pm"), "lint", "-", "--stdin-filename", "notes.md"],
        input=b"ok\ncaf\xe9\n",
        capture_output=True,
        check=False,
    )
    assert latin1.returncode == 3  # the checks of a file apply to stdin too
    # said as a file's would be (and listed by the JSON, SARIF and GitHub formats)
    assert latin1.stderr.decode().startswith("pm lint: notes.md:2:4: not UTF-8 text")
