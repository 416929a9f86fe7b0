"""The `pm` command: a thin shell over the library.

It parses options, calls library functions, and turns :class:`PostmortemsError` into a message on
stderr and an exit code. Heavy imports happen inside the commands so that start-up stays fast.

`pm lint FILES` with the usual options does not import click at all (click and what it imports
cost about 15 ms, a sixth of such a process): :func:`main` reads those command lines with
:func:`postmortems.commands.lintargs.parse_fast`, which declines anything unusual, and click
parses everything else. The click commands are built on first use of :data:`cli`.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from postmortems import __version__
from postmortems.commands.lintargs import (
    CHOICE,
    FLAG,
    LINT_OPTIONS,
    MULTIPLE,
    PATHS,
    POSITIVE_INT,
    SWITCH,
    parse_fast,
)
from postmortems.errors import ExitCode, PostmortemsError

if TYPE_CHECKING:
    import click

    cli: click.Group  # built on first use (module ``__getattr__``)

F = TypeVar("F", bound=Callable[..., Any])

_CLI: list[click.Group] = []


def __getattr__(name: str) -> Any:
    if name == "cli":
        if not _CLI:
            _CLI.append(_build_cli())
        return _CLI[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def report(error: PostmortemsError) -> None:
    sys.stderr.write(f"pm: {error}\n")
    sys.stderr.flush()


def lint_options(func: F) -> F:
    """The options of `pm lint`, declared from :data:`LINT_OPTIONS` (in its order)."""
    import click

    for option in reversed(LINT_OPTIONS):
        kwargs: dict[str, Any] = {"help": option.help}
        decls = [*option.flags, option.dest]
        if option.kind == FLAG:
            kwargs["is_flag"] = True
        elif option.kind == SWITCH:
            decls = ["/".join((*option.flags, *option.off)), option.dest]
            kwargs["default"] = option.default
        elif option.kind == MULTIPLE:
            kwargs["multiple"] = True
        elif option.kind == CHOICE:
            kwargs["type"] = click.Choice(option.choices)
            kwargs["default"] = option.default
        elif option.kind == POSITIVE_INT:
            kwargs["type"] = click.IntRange(min=1)
        if option.show_default:
            kwargs["show_default"] = True
        func = click.option(*decls, **kwargs)(func)
    return func


def server_options(func: F) -> F:
    """--data-dir and --config, shared by every command that opens the server's database."""
    import click

    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        help="TOML settings file (default: <data-dir>/server.toml).",
    )(func)
    return click.option(
        "--data-dir", help="Folder of the SQLite database [env PM_DATA_DIR; default pm-data]."
    )(func)


def _build_cli() -> click.Group:
    import click

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
    @click.argument(PATHS, nargs=-1)
    @lint_options
    def lint(**values: Any) -> None:
        """Check postmortems (files, directories, or - for stdin) against the format.

        Exit status: 0 clean, 1 findings, 2 usage error, 3 a file could not be read.
        """
        from postmortems.commands.lint import list_rules, options_from, run_lint

        if values["list_rules"]:
            sys.exit(list_rules())
        if not values[PATHS]:
            raise click.UsageError("give files or directories to lint, or - for stdin")
        sys.exit(run_lint(options_from(values)))

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
    @click.option(
        "--include-restricted",
        is_flag=True,
        help="Publish `restricted: true` postmortems too (left out by default).",
    )
    def build(
        directory: str,
        output: str,
        full: bool,
        jobs: int | None,
        title: str,
        base_url: str,
        include_restricted: bool,
    ) -> None:
        """Build a static site (index, pages, stats, search, feed) from a folder of postmortems."""
        from postmortems.commands.build import run_build

        code = run_build(
            directory,
            output,
            full=full,
            jobs=jobs,
            title=title,
            base_url=base_url,
            restricted_too=include_restricted,
        )
        sys.exit(code)

    @cli.command()
    @click.option("--host", help="Address to listen on [env PM_HOST; default 127.0.0.1].")
    @click.option("--port", type=int, help="Port [env PM_PORT; default 8000].")
    @click.option("--workers", type=int, help="Worker processes [env PM_WORKERS; default 1].")
    @click.option(
        "--demo", is_flag=True, default=None, help="Load example postmortems and accounts."
    )
    @server_options
    def serve(config_file: str | None, **flags: Any) -> None:
        """Run the team server (SQLite in the data dir, or DATABASE_URL=postgresql://…)."""
        from postmortems.commands.serve import run_serve

        sys.exit(run_serve(flags, config_file))

    @cli.command()
    @click.option("--batch", is_flag=True, help="Run the tasks waiting now, then exit.")
    @server_options
    def worker(batch: bool, config_file: str | None, data_dir: str | None) -> None:
        """Run background tasks (notifications, webhooks); run one or more beside `pm serve`."""
        from postmortems.commands.worker import run_worker

        sys.exit(run_worker({"data_dir": data_dir}, config_file, batch=batch))

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
                username,
                password,
                email=email,
                team=team,
                role=role,
                superuser=superuser,
                flags=flags,
            )
        )

    @cli.command()
    @click.option(
        "--now", "now_text", help="Pretend it is this moment (ISO, e.g. 2024-03-01T09:00Z)."
    )
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

        sys.exit(
            run_export(directory, {"data_dir": data_dir}, as_user=as_user, canonical=canonical)
        )

    return cli


def main(argv: list[str] | None = None) -> None:
    code: int | str | None = ExitCode.OK
    try:
        # On Windows click expands wildcards in sys.argv itself: leave those command lines to it.
        windows_argv = argv is None and os.name == "nt"
        fast = None if windows_argv else _lint_fast(sys.argv[1:] if argv is None else argv)
        if fast is None:
            __getattr__("cli").main(args=argv, prog_name="pm", standalone_mode=True)
        code = fast
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


def _lint_fast(args: list[str]) -> int | None:
    """`pm lint` without click: the exit status, or None when click must read the command line.

    Ends as click's standalone mode would: Ctrl-C prints "Aborted!" (status 1), a closed pipe
    ends quietly (status 1).
    """
    if args[:1] != ["lint"] or os.environ.get("_PM_COMPLETE"):  # click's shell completion
        return None
    values = parse_fast(args[1:])
    if values is None:
        return None
    try:
        from postmortems.commands.lint import options_from, run_lint

        return run_lint(options_from(values))
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\nAborted!\n")
        return 1
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        _silence_closed_pipes()
        return 1


def _silence_closed_pipes() -> None:
    """Whatever is still buffered for a closed pipe goes nowhere instead of raising again."""
    import contextlib

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            with contextlib.suppress(OSError, ValueError):
                os.dup2(devnull, stream.fileno())


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
