"""`pm lint` reads its usual command lines without click: exactly as click would, or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from postmortems import cli as cli_module
from postmortems.cli import cli
from postmortems.commands.lint import options_from
from postmortems.commands.lintargs import LINT_OPTIONS, PATHS, parse_fast

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"
LINT = cli.commands["lint"]


def click_params(args: list[str]) -> dict[str, Any] | None:
    """The parameters click passes to `pm lint`, or None when click reports a usage error or
    prints help."""
    try:
        with LINT.make_context("lint", list(args)) as ctx:
            return dict(ctx.params)
    except (click.UsageError, click.exceptions.Exit):
        return None


FLAGS = [f for option in LINT_OPTIONS for f in (*option.flags, *option.off)]
VALUES = [
    "classic",
    "google-sre",
    "minimal",
    "Classic",
    "text",
    "json",
    "sarif",
    "github",
    "JSON",
    "PM3",
    "PM302,PM601",
    " pm1 , ",
    "",
    "0",
    "1",
    "2",
    " 3 ",
    "+4",
    "1_0",
    "-1",
    "x",
    "١",  # an Arabic-Indic digit: int() reads it, so does click
]
PATH_TOKENS = ["a.md", "dir/", "-", "--", "b c.md", "=x", "pm=1.md"]
ODD = ["-h", "--help", "-V", "--version", "-x", "--bogus", "-qf", "-fjson", "-j2", "-q-q", "---q"]
ODD += ["--quiet=1", "--color=", "-f=json", "--format=json", "--select=PM3", "--jobs=2", "-"]
ODD += ["--no-colour", "--form", "--prof=classic", "-Q"]
TOKENS = st.sampled_from(FLAGS + VALUES + PATH_TOKENS + ODD)


@settings(max_examples=1500, deadline=None)
@given(st.lists(TOKENS, max_size=8))
@example(["a.md"])
@example(["--isolated", "-q", "a.md"])
@example(["a.md", "--profile", "minimal", "-f", "json", "--select", "PM3", "--no-color", "-j", "2"])
@example(["--select", "--ignore", "a.md"])
@example(["--stdin-filename", "-", "-"])
@example(["a.md", "--", "--isolated", "-q"])
@example(["--list-rules", "a.md"])
@example(["--isolated"])
@example(["-j", "0", "a.md"])
@example(["-f", "yaml", "a.md"])
def test_fast_parser_agrees_with_click_or_declines(args: list[str]) -> None:
    fast = parse_fast(args)
    if fast is None:
        return
    expected = click_params(args)
    assert expected is not None, f"click rejects {args!r}, the fast parser accepted it"
    assert fast == expected
    assert options_from(fast) == options_from(expected)


@pytest.mark.parametrize(
    "args",
    [
        ["a.md"],
        ["--isolated", "-q", "a.md", "b.md"],
        ["-", "--stdin-filename", "pm.md", "--format", "json"],
        ["--select", "PM3,PM6", "--select", "PM7", "--ignore", "PM302", "--extend-select=PM1", "d"],
        ["--profile=google-sre", "--statistics", "--color", "--no-color", "-j", "3", "a.md"],
        ["--fix", "--diff", "a.md", "--", "-q"],
    ],
)
def test_the_usual_command_lines_take_the_fast_path(args: list[str]) -> None:
    fast = parse_fast(args)
    assert fast is not None
    assert fast == click_params(args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--isolated"],  # no paths: click's usage error
        ["--help"],
        ["-h", "a.md"],
        ["--list-rules"],
        ["-qj2", "a.md"],
        ["-fjson", "a.md"],
        ["a.md", "-j", "0"],
        ["a.md", "--format", "yaml"],
        ["a.md", "--quiet=yes"],
        ["a.md", "--select"],
        ["a.md", "--unknown"],
    ],
)
def test_anything_unusual_is_left_to_click(args: list[str]) -> None:
    assert parse_fast(args) is None


def test_every_parameter_of_the_click_command_is_in_the_table() -> None:
    assert {p.name for p in LINT.params} == {PATHS, *(o.dest for o in LINT_OPTIONS)}


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli_module.main(argv)
    out, err = capsys.readouterr()
    code = exc.value.code
    assert isinstance(code, int)
    return code, out, err


@pytest.mark.parametrize(
    "args",
    [
        ["--isolated", str(EXAMPLE)],
        ["--isolated", "-q", "-f", "json", "--select", "PM3", str(EXAMPLE)],
        ["--isolated", "--statistics", "--extend-select", "PM6", str(EXAMPLE)],
        ["--isolated", "--select", "PM999", str(EXAMPLE)],  # usage error from the library
        ["--isolated", str(EXAMPLE.parent / "missing.md")],
    ],
)
def test_fast_path_prints_what_the_click_path_prints(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = run_main(["lint", *args], capsys)
    monkeypatch.setattr(cli_module, "parse_fast", lambda _args: None)
    slow = run_main(["lint", *args], capsys)
    assert fast == slow


def test_usage_errors_are_clean_messages_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["lint", "-j", "0", str(EXAMPLE)], capsys)
    assert code == 2
    assert "Error: Invalid value for '-j' / '--jobs'" in err
    assert "Traceback" not in err
    code, _, err = run_main(["lint", "--isolated"], capsys)
    assert code == 2
    assert "give files or directories to lint" in err
