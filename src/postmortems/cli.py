"""The `pm` command: a thin shell over the library.

It parses options, calls library functions, and turns :class:`PostmortemsError` into a message on
stderr and an exit code. Heavy imports happen inside the commands so that start-up stays fast.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from postmortems import __version__
from postmortems.errors import ExitCode, PostmortemsError

F = TypeVar("F", bound=Callable[..., Any])


def report(error: PostmortemsError) -> None:
    click.echo(f"pm: {error}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="pm")
def cli() -> None:
    """Write, check, review, publish and learn from incident postmortems."""


@cli.command()
@click.argument("title", required=False)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="File to write (default: print to stdout).",
)
@click.option(
    "--profile",
    type=click.Choice(["classic", "google-sre", "minimal"]),
    default="classic",
    show_default=True,
    help="Which postmortem format to follow.",
)
@click.option("-i", "--interactive", is_flag=True, help="Ask for title, times, zone, severity.")
def new(title: str | None, output: str | None, profile: str, interactive: bool) -> None:
    """Start a new postmortem from a skeleton with guidance comments."""
    from postmortems.commands.new import run_new

    sys.exit(run_new(title, output, profile, interactive))


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["json", "extract", "markdown"]),
    default="json",
    show_default=True,
    help="json: the full model; extract: the extraction contract (JSON Lines); "
    "markdown: the canonical rewrite.",
)
def parse(files: tuple[str, ...], fmt: str) -> None:
    """Read postmortems and print what they state.

    FILES are Markdown files, directories (their Markdown files, recursively) or - for stdin.
    A file that cannot be read is reported on stderr and the others are still printed.
    Exit status: 0 all read, 2 usage error, 3 a file could not be read.
    """
    from postmortems.commands.parse import run_parse

    sys.exit(run_parse(files, fmt, out=sys.stdout, err=sys.stderr))


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--profile",
    type=click.Choice(["classic", "google-sre", "minimal"]),
    default=None,
    help="Format to check against (default: from config, else classic).",
)
@click.option("--select", multiple=True, help="Only these codes or prefixes (PM3,PM601).")
@click.option("--extend-select", multiple=True, help="Codes or prefixes to add to the profile's.")
@click.option("--ignore", multiple=True, help="Codes or prefixes to skip (longest prefix wins).")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="Output format; github prints workflow annotations.",
)
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("-q", "--quiet", is_flag=True, help="Only the findings: no source, no summary.")
@click.option("--fix", is_flag=True, help="Apply safe fixes (they never change meaning).")
@click.option("--diff", is_flag=True, help="Show the fixes as a diff; change nothing.")
@click.option("--stdin-filename", help="Path to report (and find config for) when reading `-`.")
@click.option("--isolated", is_flag=True, help="Ignore pyproject.toml and .postmortems.toml.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@click.option("--color/--no-color", "colour", default=None, help="Colour (default: on a terminal).")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
def lint(
    paths: tuple[str, ...],
    profile: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    statistics: bool,
    quiet: bool,
    fix: bool,
    diff: bool,
    stdin_filename: str | None,
    isolated: bool,
    jobs: int | None,
    colour: bool | None,
    list_rules: bool,
) -> None:
    """Check postmortems (files, directories, or - for stdin) against the format.

    Exit status: 0 clean, 1 findings, 2 usage error, 3 a file could not be read.
    """
    from postmortems.commands.lint import LintOptions, run_lint, split_codes
    from postmortems.lint.config import LintConfig

    if list_rules:
        from postmortems.commands.lint import list_rules as show_rules

        sys.exit(show_rules())
    if not paths:
        raise click.UsageError("give files or directories to lint, or - for stdin")
    config = LintConfig(
        profile=profile,
        select=split_codes(select) or None,
        extend_select=split_codes(extend_select),
        ignore=split_codes(ignore),
    )
    opts = LintOptions(
        paths, config, fmt, statistics, quiet, fix, diff, stdin_filename, not isolated, jobs, colour
    )
    sys.exit(run_lint(opts))


@cli.command()
@click.argument("file")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="HTML file to write (default: print to stdout).",
)
def render(file: str, output: str | None) -> None:
    """Render one postmortem as a self-contained HTML page."""
    from postmortems.commands.render import run_render

    sys.exit(run_render(file, output))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write the site to (created if missing).",
)
@click.option("--full", is_flag=True, help="Re-render every page, ignoring the build cache.")
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes (default: CPUs).")
@click.option("--title", default="Postmortems", show_default=True, help="Site title.")
@click.option(
    "--base-url", default="", help="Address the site is published at (absolute feed links)."
)
def build(
    directory: str, output: str, full: bool, jobs: int | None, title: str, base_url: str
) -> None:
    """Build a static site (index, pages, stats, search, feed) from a folder of postmortems."""
    from postmortems.commands.build import run_build

    sys.exit(run_build(directory, output, full=full, jobs=jobs, title=title, base_url=base_url))


def server_options(func: F) -> F:
    """--data-dir and --config, shared by every command that opens the server's database."""
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        help="TOML settings file (default: <data-dir>/server.toml).",
    )(func)
    return click.option(
        "--data-dir", help="Folder of the SQLite database [env PM_DATA_DIR; default pm-data]."
    )(func)


@cli.command()
@click.option("--host", help="Address to listen on [env PM_HOST; default 127.0.0.1].")
@click.option("--port", type=int, help="Port [env PM_PORT; default 8000].")
@click.option("--workers", type=int, help="Worker processes [env PM_WORKERS; default 1].")
@click.option("--demo", is_flag=True, default=None, help="Load example postmortems and accounts.")
@server_options
def serve(config_file: str | None, **flags: Any) -> None:
    """Run the team server (SQLite in the data dir, or DATABASE_URL=postgresql://…)."""
    from postmortems.commands.serve import run_serve

    sys.exit(run_serve(flags, config_file))


@cli.group()
def admin() -> None:
    """Operator tasks for the team server."""


@admin.command("create-user")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--email", default="")
@click.option("--team", help="Team to add the user to (created if missing).")
@click.option(
    "--role",
    type=click.Choice(["viewer", "author", "reviewer", "admin"]),
    default="viewer",
    show_default=True,
)
@click.option("--superuser", is_flag=True, help="Full access, including the Django admin.")
@server_options
def create_user(
    username: str,
    password: str,
    email: str,
    team: str | None,
    role: str,
    superuser: bool,
    config_file: str | None,
    data_dir: str | None,
) -> None:
    """Create an account (and its team membership)."""
    from postmortems.commands.admin import run_create_user

    flags = {"data_dir": data_dir}
    sys.exit(
        run_create_user(
            username, password, email=email, team=team, role=role, superuser=superuser, flags=flags
        )
    )


@cli.command()
@click.option("--now", "now_text", help="Pretend it is this moment (ISO, e.g. 2024-03-01T09:00Z).")
@server_options
def remind(now_text: str | None, config_file: str | None, data_dir: str | None) -> None:
    """Assign staff reviewers where no peer accepted in time; send due and overdue reminders."""
    from postmortems.commands.remind import run_remind

    sys.exit(run_remind({"data_dir": data_dir}, config_file, now_text))


@cli.command("import")
@click.argument("directory", type=click.Path(file_okay=False))
@server_options
def import_(directory: str, config_file: str | None, data_dir: str | None) -> None:
    """Load a folder of Markdown postmortems into the server (idempotent by id)."""
    from postmortems.commands.importexport import run_import

    sys.exit(run_import(directory, {"data_dir": data_dir}))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--as-user", help="Export only what this user may see.")
@click.option("--canonical", is_flag=True, help="Rewrite through the canonical writer.")
@server_options
def export(
    directory: str,
    as_user: str | None,
    canonical: bool,
    config_file: str | None,
    data_dir: str | None,
) -> None:
    """Write every postmortem on the server as a Markdown file under DIRECTORY."""
    from postmortems.commands.importexport import run_export

    sys.exit(run_export(directory, {"data_dir": data_dir}, as_user=as_user, canonical=canonical))


def main(argv: list[str] | None = None) -> None:
    code: int | str | None = ExitCode.OK
    try:
        cli.main(args=argv, prog_name="pm", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
    except PostmortemsError as exc:
        report(exc)
        code = exc.exit_code
    finally:
        # The process ends here; a last full garbage collection over everything start-up created
        # (compiled patterns, classes, the parsed document) only costs time (ms on every `pm`).
        gc.freeze()
    if argv is None and not isinstance(code, str) and _nothing_to_tear_down():
        _exit_now(code or 0)
    sys.exit(code)


def _nothing_to_tear_down() -> bool:
    """True when no exit handler is registered and no other thread runs: then interpreter
    teardown (freeing every module and object one by one) does nothing a user could notice."""
    import atexit

    ncallbacks = getattr(atexit, "_ncallbacks", None)
    if ncallbacks is None or ncallbacks() != 0:
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _exit_now(code: int) -> None:
    """Flush what was printed, then end the process without the teardown (~7 ms a run)."""
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or ExitCode.ERROR
    os._exit(code)


def iter_json_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    import json  # only the commands that print JSON Lines pay for it

    for row in rows:
        yield json.dumps(row, ensure_ascii=False, default=str)


__all__ = ["ExitCode", "cli", "main"]
