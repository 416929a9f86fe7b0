"""The pre-commit hooks and the documented CI commands exist and run."""

from __future__ import annotations

import re
from pathlib import Path

import click
import yaml
from click.testing import CliRunner

from postmortems.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_pre_commit_hooks_run_pm_lint(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"pm-lint", "pm-lint-fix"}
    path = tmp_path / "pm.md"
    path.write_text((Path(__file__).parent / "examples" / "PM302" / "good.md").read_text())
    for hook in hooks:
        assert hook["types"] == ["markdown"]
        program, *args = hook["entry"].split()
        assert program == "pm"
        result = CliRunner().invoke(cli, [*args, "--isolated", str(path)])
        assert result.exit_code == 0, result.output


def test_ci_doc_uses_real_options() -> None:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(cli, ["lint", "--help"]).stdout
    for option in set(re.findall(r"pm lint[^\n`]*?(--[a-z-]+)", text)):
        assert option in help_text, option


def test_every_lint_option_is_documented_in_cli_md() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text.split("## `pm lint`", 1)[1].split("\n## ", 1)[0]
    command = cli.get_command(click.Context(cli), "lint")
    assert command is not None
    for param in command.params:
        if param.param_type_name == "option":
            assert any(opt in section for opt in param.opts), param.opts
