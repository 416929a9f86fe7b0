"""`pm lint` as a user runs it: exit codes, formats, stdin, config files, inline comments."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from postmortems.cli import cli

EXAMPLES = Path(__file__).parent / "examples"
GOOD = (EXAMPLES / "PM302" / "good.md").read_text(encoding="utf-8")
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def pm(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["lint", *args], input=stdin, catch_exceptions=False)


@pytest.fixture
def untimed(tmp_path: Path) -> Path:
    path = tmp_path / "pm.md"
    path.write_text(GOOD.replace("- 05:10 PST - Escalated", "- Escalated"), encoding="utf-8")
    return path


def test_clean_file_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "ok.md"
    path.write_text(GOOD, encoding="utf-8")
    result = pm(str(path), "--isolated")
    assert result.exit_code == 0, result.output
    assert "All checks passed (1 file)." in result.stdout


def test_a_file_that_cannot_be_read_is_never_summed_up_as_a_pass(tmp_path: Path) -> None:
    good = tmp_path / "ok.md"
    good.write_text(GOOD, encoding="utf-8")
    missing = tmp_path / "gone.md"
    alone = pm(str(missing), "--isolated")
    assert alone.exit_code == 3
    assert "All checks passed" not in alone.stdout
    assert alone.stdout.strip() == "1 file could not be read."
    both = pm(str(missing), str(good), "--isolated")
    assert both.exit_code == 3
    assert "No problems in 1 file. 1 file could not be read." in both.stdout


def test_findings_exit_1_with_location_source_and_caret(untimed: Path) -> None:
    result = pm(str(untimed), "--isolated")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    i = next(i for i, line in enumerate(lines) if " PM302 " in line)
    number = (
        GOOD.split("\n").index(
            "- 05:10 PST - Escalated to the platform team; Bob joins the bridge."
        )
        + 1
    )
    assert lines[i].startswith(f"{untimed}:{number}:1: PM302 warning: timeline entry has no time")
    assert lines[i + 1].strip().startswith(f"{number} | - Escalated")
    assert lines[i + 2].strip().startswith("| ^")
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal
    assert result.stdout.rstrip().endswith("in 1 file.")


def test_colour_can_be_forced(untimed: Path) -> None:
    assert "\x1b[1;33mPM302" in pm(str(untimed), "--isolated", "--color").stdout


def test_usage_errors_exit_2(untimed: Path) -> None:
    assert pm().exit_code == 2
    result = pm(str(untimed), "--select", "PM999")
    assert result.exit_code == 2
    assert "unknown rule code or prefix 'PM999'" in result.stderr


def test_unreadable_file_exits_3(tmp_path: Path) -> None:
    binary = tmp_path / "b.md"
    binary.write_bytes(b"\x00\x01")
    result = pm(str(tmp_path / "missing.md"), str(binary))
    assert result.exit_code == 3
    assert f"{tmp_path / 'missing.md'}: no such file — check the path" in result.stderr
    assert "binary file" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_that_cannot_be_read_is_in_every_machine_readable_report(
    tmp_path: Path, untimed: Path
) -> None:
    """It was said on stderr only: a pull request's annotations, a JSON consumer and code
    scanning saw the readable files' findings and nothing of the one that failed (exit 3)."""
    latin = tmp_path / "latin.md"
    latin.write_bytes("# Outage\n\nCaf\u00e9 down\n".encode("latin-1"))
    where = f"{latin}:3:4:"
    as_json = pm(str(untimed), str(latin), "--isolated", "-f", "json")
    assert as_json.exit_code == 3
    assert where in as_json.stderr  # a person still reads why
    rows = json.loads(as_json.stdout)
    first = next(row for row in rows if row["path"] == str(latin))
    assert (first["code"], first["line"], first["column"]) == ("PM100", 3, 4)
    assert any(row["code"] == "PM302" for row in rows)  # the readable file's findings too
    assert first["message"].startswith("not UTF-8 text (byte 0xe9) — save the file as UTF-8")
    github = pm(str(untimed), str(latin), "--isolated", "-f", "github").stdout
    assert f"::error file={latin},line=3,col=4,endLine=3,endColumn=4," in github
    sarif = json.loads(pm(str(untimed), str(latin), "--isolated", "-f", "sarif").stdout)
    jsonschema.validate(sarif, SCHEMA)
    found = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in found].count("PM100") == 1
    assert len(found) > 1  # the readable file's findings too
    piped = CliRunner().invoke(
        cli, ["lint", "--isolated", "-f", "json", "-"], input=latin.read_bytes()
    )
    assert piped.exit_code == 3
    assert [(r["code"], r["path"], r["line"]) for r in json.loads(piped.stdout)] == [
        ("PM100", "-", 3)
    ]


def test_json_format(untimed: Path) -> None:
    result = pm(str(untimed), "--isolated", "-f", "json", "--select", "PM302")
    rows = json.loads(result.stdout)
    assert [(r["code"], r["name"], r["severity"], r["fix"]) for r in rows] == [
        ("PM302", "timeline-entry-without-time", "warning", None)
    ]
    assert set(rows[0]) >= {"path", "line", "column", "end_line", "end_column", "message"}


def test_sarif_validates_against_the_official_schema(untimed: Path) -> None:
    result = pm(str(untimed), "--isolated", "-f", "sarif")
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert any(r["ruleId"] == "PM302" for r in results)
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_github_annotations(untimed: Path) -> None:
    result = pm(str(untimed), "--isolated", "-f", "github", "--select", "PM302")
    assert result.stdout.startswith(f"::warning file={untimed},line=")
    assert "title=PM302 timeline-entry-without-time::PM302 timeline entry has no time" in (
        result.stdout
    )


def test_statistics_and_quiet(untimed: Path) -> None:
    stats = pm(str(untimed), "--isolated", "--statistics", "--select", "PM302,PM508")
    assert stats.stdout.split("\n")[0].split("\t") == ["1", "PM302", "timeline-entry-without-time"]
    quiet = pm(str(untimed), "--isolated", "-q", "--select", "PM302")
    assert quiet.stdout.count("\n") == 1
    assert quiet.exit_code == 1


def test_stdin_with_filename_and_config_lookup(tmp_path: Path) -> None:
    (tmp_path / ".postmortems.toml").write_text('[lint]\nignore = ["PM3"]\n', encoding="utf-8")
    text = GOOD.replace("- 05:10 PST - Escalated", "- Escalated")
    result = pm("-", "--stdin-filename", str(tmp_path / "x.md"), "-f", "json", stdin=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    plain = pm("-", "-f", "json", "--isolated", stdin=text)
    assert {r["path"] for r in json.loads(plain.stdout)} == {"-"}


def test_config_found_upward_nearest_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.postmortems.lint]\nselect = ["PM302"]\n', encoding="utf-8"
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    path = nested / "pm.md"
    path.write_text(GOOD.replace("- 05:10 PST - Escalated", "- Escalated"), encoding="utf-8")
    rows = json.loads(pm(str(path), "-f", "json").stdout)
    assert {r["code"] for r in rows} == {"PM302"}
    (nested / ".postmortems.toml").write_text('[lint]\nprofile = "minimal"\nignore = ["PM302"]\n')
    assert pm(str(path)).exit_code == 0


def test_bad_config_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / ".postmortems.toml").write_text("[lint]\nmax-words = 'many'\n", encoding="utf-8")
    path = tmp_path / "pm.md"
    path.write_text(GOOD, encoding="utf-8")
    result = pm(str(path))
    assert result.exit_code == 2
    assert "max-words must be a whole number" in result.stderr
    (tmp_path / ".postmortems.toml").write_text("[lint\n", encoding="utf-8")
    result = pm(str(path))
    assert result.exit_code == 2
    assert f"{tmp_path / '.postmortems.toml'}:1:" in result.stderr


@pytest.mark.parametrize(
    ("name", "config", "said"),
    [
        (
            ".postmortems.toml",
            "[lint]\nmax-words = -5\n",
            "max-words = -5 is out of range — use 0 or more",
        ),
        (
            ".postmortems.toml",
            "[lint]\nsentence-max-words = 0\n",
            "sentence-max-words = 0 is out of range",
        ),
        (".postmortems.toml", "[lint]\nrepeat-min-score = 500\n", "use from 1 to 100"),
        (
            ".postmortems.toml",
            '[lint]\nvague-tasks = ["(unclosed"]\n',
            "vague-tasks: '(unclosed' is not a regular expression (missing ),",
        ),
        ("pyproject.toml", "[tool.postmortems.lintt]\nmax-words = 700\n", "unknown table [lintt]"),
        (".postmortems.toml", "[lnt]\nmax-words = 700\n", "unknown table [lnt] — use [lint]"),
    ],
)
def test_a_value_out_of_range_a_bad_pattern_or_a_misspelt_table_is_a_usage_error(
    tmp_path: Path, name: str, config: str, said: str
) -> None:
    (tmp_path / name).write_text(config, encoding="utf-8")
    path = tmp_path / "pm.md"
    path.write_text(GOOD, encoding="utf-8")
    result = pm(str(path))
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.output


def test_longest_prefix_wins(untimed: Path) -> None:
    text = untimed.read_text(encoding="utf-8")
    untimed.write_text(text.replace("Bob joins the bridge.", "Bob joins. He reads. He checks."))
    rows = json.loads(
        pm(
            str(untimed), "--isolated", "-f", "json", "--ignore", "PM3", "--extend-select", "PM302"
        ).stdout
    )
    codes = {r["code"] for r in rows}
    assert "PM302" in codes
    assert not codes & {"PM305", "PM301"}


def test_inline_suppressions(tmp_path: Path) -> None:
    text = GOOD.replace(
        "- 05:10 PST - Escalated", "<!-- pm: disable-next-line=PM302 -->\n- Escalated"
    )
    path = tmp_path / "pm.md"
    path.write_text(text, encoding="utf-8")
    assert "PM302" not in pm(str(path), "--isolated").stdout
    short = "<!-- pm: disable=PM601,pm3 -->\n" + (EXAMPLES / "PM601" / "bad.md").read_text()
    path.write_text(short, encoding="utf-8")
    out = pm(str(path), "--isolated", "-f", "json").stdout
    assert not {r["code"] for r in json.loads(out)} & {"PM601", "PM302", "PM305"}


def test_directory_argument_lints_its_markdown_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "two.markdown").write_text("# x\n\nhttps://example.com\n", encoding="utf-8")
    (tmp_path / "notes.py").write_text("print()\n", encoding="utf-8")
    result = pm(str(tmp_path), "--isolated", "-f", "json")
    assert {Path(r["path"]).name for r in json.loads(result.stdout)} == {"two.markdown"}
    assert result.exit_code == 1


def test_a_repositorys_build_files_and_dependencies_are_not_read(tmp_path: Path) -> None:
    """`pm lint .` at a repository's root: its postmortems, not its Makefile, its licence or
    the READMEs of the packages it installed."""
    (tmp_path / "Makefile").write_text("all:\n\ttrue\n", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("MIT License\n" * 30, encoding="utf-8")
    (tmp_path / "node_modules" / "left-pad").mkdir(parents=True)
    (tmp_path / "node_modules" / "left-pad" / "README.md").write_text("# pad\n", encoding="utf-8")
    (tmp_path / "postmortem").write_text(GOOD, encoding="utf-8")  # no extension: read
    result = pm(str(tmp_path), "--isolated", "-f", "json")
    assert result.exit_code == 0, result.stdout
    from postmortems.sources import markdown_files

    assert markdown_files(str(tmp_path)) == ["postmortem"]


def test_parallel_run_gives_the_same_results(tmp_path: Path) -> None:
    for i, code in enumerate(sorted(p.name for p in EXAMPLES.iterdir()) * 1):
        (tmp_path / f"{i:03}-{code}.md").write_text((EXAMPLES / code / "bad.md").read_text())
    serial = pm(str(tmp_path), "--isolated", "-f", "json", "-j", "1")
    parallel = pm(str(tmp_path), "--isolated", "-f", "json", "-j", "2")
    assert len(list(tmp_path.iterdir())) >= 48  # above the parallel threshold
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert serial.exit_code == parallel.exit_code == 1


def test_list_rules() -> None:
    result = pm("--list-rules")
    assert result.exit_code == 0
    assert result.stdout.split("\n")[0].split("\t")[:3] == ["PM100", "unreadable-document", "error"]
    as_json = json.loads(pm("--list-rules", "-f", "json").stdout)  # it printed the tabs
    lines = result.stdout.strip().split("\n")
    assert [r["code"] for r in as_json] == [line.split("\t")[0] for line in lines]
    assert as_json[0]["profiles"] == ["classic", "google-sre", "minimal"]
    assert as_json[0]["summary"] == lines[0].split("\t")[4]


def test_progress_bar_only_on_a_terminal_with_many_files() -> None:
    import io

    from postmortems.commands.lint import LintOptions, _progress
    from postmortems.lint import LintConfig
    from postmortems.lint.runner import FileResult

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    opts = LintOptions(("x",), LintConfig())
    assert _progress(500, io.StringIO(), opts) is None  # not a terminal
    assert _progress(3, Terminal(), opts) is None  # few files
    terminal = Terminal()
    advance = _progress(2 * 48, terminal, opts)
    assert advance is not None
    for _ in range(2 * 48):
        advance(FileResult("x"))  # the bar stops itself when every file is done
    assert "linting" in terminal.getvalue()


def test_the_choices_of_the_command_are_the_profiles_and_formats_of_the_library() -> None:
    from postmortems.commands.lint import FORMAT_CHOICES, PROFILE_CHOICES
    from postmortems.lint.formatters import FORMATS
    from postmortems.lint.profiles import PROFILES

    assert tuple(PROFILES) == PROFILE_CHOICES
    assert FORMAT_CHOICES == FORMATS
