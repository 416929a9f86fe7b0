"""`pm lint`: check postmortems against the format; the logic lives in :mod:`postmortems.lint`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import click

from postmortems.commands.options import format_option
from postmortems.errors import ExitCode
from postmortems.parallel import PARALLEL_MIN

if TYPE_CHECKING:
    from postmortems.lint.config import LintConfig
    from postmortems.lint.library import Library
    from postmortems.lint.runner import FileResult, Job

PROFILE_CHOICES = ("classic", "google-sre", "minimal")
FORMAT_CHOICES = ("text", "json", "sarif", "github")


@click.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--profile",
    type=click.Choice(PROFILE_CHOICES),
    help="Format to check against (default: from config, else classic).",
)
@click.option("--select", multiple=True, help="Only these codes or prefixes (PM3,PM601).")
@click.option("--extend-select", multiple=True, help="Codes or prefixes to add to the profile's.")
@click.option("--ignore", multiple=True, help="Codes or prefixes to skip (longest prefix wins).")
@format_option(FORMAT_CHOICES, "Output format; github prints workflow annotations.")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("-q", "--quiet", is_flag=True, help="Only the findings: no source, no summary.")
@click.option(
    "--explain",
    is_flag=True,
    help="Say which section a rule read (summary, timeline, measures…) and why.",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes (they never change meaning).")
@click.option("--diff", is_flag=True, help="Show the fixes as a diff; change nothing.")
@click.option("--stdin-filename", help="Path to report (and find config for) when reading `-`.")
@click.option("--isolated", is_flag=True, help="Ignore pyproject.toml and .postmortems.toml.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@click.option(
    "--library",
    multiple=True,
    help="Earlier postmortems (file or folder; repeat for more): PM8xx compares with them.",
)
@click.option("--color/--no-color", "colour", default=None, help="Colour (default: on a terminal).")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
def lint(**values: Any) -> None:
    """Check postmortems (files, directories, or - for stdin) against the format.

    Exit status: 0 clean, 1 findings, 2 usage error, 3 a file could not be read.
    """
    if values["list_rules"]:
        sys.exit(list_rules(as_json=values["fmt"] == "json"))
    if not values["paths"]:
        raise click.UsageError("give files or directories to lint, or - for stdin")
    sys.exit(run_lint(options_from(values)))


@dataclass(slots=True)
class LintOptions:
    """What `pm lint` was asked to do (see :func:`options_from`)."""

    paths: tuple[str, ...]
    config: LintConfig  # command-line selection and profile
    fmt: str = "text"
    statistics: bool = False
    quiet: bool = False
    explain: bool = False
    fix: bool = False
    diff: bool = False
    stdin_filename: str | None = None
    use_config_files: bool = True
    jobs: int | None = None
    colour: bool | None = None  # None: only on a terminal
    library: tuple[str, ...] = ()  # earlier postmortems for the PM8xx rules


def split_codes(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


def options_from(values: Mapping[str, Any]) -> LintOptions:
    """The options of a run from the parameters of :func:`lint`."""
    from postmortems.lint.config import LintConfig

    config = LintConfig(
        profile=values["profile"],
        select=split_codes(values["select"]) or None,
        extend_select=split_codes(values["extend_select"]),
        ignore=split_codes(values["ignore"]),
    )
    return LintOptions(
        tuple(values["paths"]),
        config,
        fmt=values["fmt"],
        statistics=values["statistics"],
        quiet=values["quiet"],
        explain=values["explain"],
        fix=values["fix"],
        diff=values["diff"],
        stdin_filename=values["stdin_filename"],
        use_config_files=not values["isolated"],
        jobs=values["jobs"],
        colour=values["colour"],
        library=tuple(values["library"]),
    )


def run_lint(opts: LintOptions, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    from postmortems.lint.config import ConfigError, forget_configs
    from postmortems.lint.runner import lint_jobs
    from postmortems.lint.selection import enabled_rules, profile_of

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        enabled_rules(opts.config, profile_of(opts.config))  # bad codes are usage errors
    except ConfigError as exc:
        err.write(f"pm lint: {exc}\n")
        return ExitCode.USAGE
    forget_configs()
    library = _library(opts, err)
    jobs = _jobs(opts, library)
    results = lint_jobs(jobs, workers=opts.jobs, on_done=_progress(len(jobs), err, opts))
    for r in results:
        if r.config_error:
            err.write(f"pm lint: {r.config_error}\n")
            return ExitCode.USAGE
    changed = _apply_fixes(results, opts, out)
    _report(results, opts, out, err)
    if any(r.error for r in results) or (library is not None and library.errors):
        return ExitCode.ERROR
    if opts.diff:
        if not changed:  # silence would read as "nothing wrong"
            found = sum(len(r.violations) for r in results)
            err.write(
                f"pm lint --diff: no safe fix to show; {found} finding{'s' * (found != 1)} "
                f"need{'s' * (found == 1)} a person (`pm lint` lists them)\n"
                if found
                else "pm lint --diff: no findings, nothing to fix\n"
            )
        return ExitCode.FINDINGS if changed else ExitCode.OK
    return ExitCode.FINDINGS if any(r.failed for r in results) else ExitCode.OK


def _library(opts: LintOptions, err: IO[str]) -> Library | None:
    """The earlier postmortems of ``--library``; files that cannot be read are reported."""
    if not opts.library:
        return None
    from postmortems.lint.library import read_library

    library = read_library(opts.library, workers=opts.jobs)
    for error in library.errors:
        err.write(f"pm lint: {error}\n")
    return library


def _jobs(opts: LintOptions, library: Library | None = None) -> list[Job]:
    from postmortems.errors import InputError
    from postmortems.lint.runner import Job
    from postmortems.sources import expand, read_text

    jobs = []
    fix = opts.fix or opts.diff
    for path in expand(opts.paths):
        if path == "-":
            display = opts.stdin_filename or "-"
            job = Job("-", display, opts.config, opts.use_config_files, fix, library=library)
            try:  # the checks of a file: UTF-8, no NUL, the size limit
                job.text = read_text("-")
            except InputError as exc:  # reported as a file's would be (stderr, PM100)
                job.refused = InputError(
                    exc.message, path=display, line=exc.line, column=exc.column, hint=exc.hint
                )
            jobs.append(job)
        else:
            jobs.append(Job(path, path, opts.config, opts.use_config_files, fix, library=library))
    return jobs


def _progress(total: int, err: IO[str], opts: LintOptions) -> Callable[[FileResult], None] | None:
    if total < PARALLEL_MIN or opts.quiet or not err.isatty():
        return None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(file=err), transient=True)
    task = progress.add_task("linting", total=total)
    progress.start()

    def advance(_result: FileResult) -> None:
        progress.advance(task)
        if progress.finished:
            progress.stop()

    return advance


def _apply_fixes(results: Sequence[FileResult], opts: LintOptions, out: IO[str]) -> bool:
    changed = False
    for r in results:
        if r.fixed is None or r.original is None:
            continue
        changed = True
        if opts.diff:
            import difflib

            out.writelines(
                difflib.unified_diff(
                    r.original.splitlines(keepends=True),
                    r.fixed.splitlines(keepends=True),
                    f"a/{r.path}",
                    f"b/{r.path}",
                )
            )
        elif r.path == (opts.stdin_filename or "-") and "-" in opts.paths:
            out.write(r.fixed)
        else:
            from postmortems.sources import atomic_write

            atomic_write(r.path, r.fixed)
    return changed


def _report(results: Sequence[FileResult], opts: LintOptions, out: IO[str], err: IO[str]) -> None:
    for r in results:
        if r.error:
            err.write(f"pm lint: {r.error}\n")
    if opts.diff:
        return
    stream = err if (opts.fix and "-" in opts.paths) else out
    if opts.statistics:
        from postmortems.lint.formatters.text import statistics

        text = statistics(results)
        if text:
            stream.write(text + "\n")
        return
    if opts.fmt == "text":
        from postmortems.lint.formatters.text import TextStyle, format_text, summary

        colour = stream.isatty() if opts.colour is None else opts.colour
        style = TextStyle(colour=colour, show_source=not opts.quiet, explain=opts.explain)
        body = format_text(results, style)
        if body:
            stream.write(body + "\n")
        if not opts.quiet:
            stream.write(summary(results, fixable=not opts.fix) + "\n")
        return
    from postmortems.lint import formatters

    stream.write(formatters.get(opts.fmt)(results) + "\n")


def list_rules(out: IO[str] | None = None, *, as_json: bool = False) -> int:
    """One rule a line, tab-separated, or (``as_json``) one JSON array of objects."""
    from postmortems.lint.docs import profiles_of, summary_of
    from postmortems.lint.registry import all_rules

    out = out or sys.stdout
    rows: list[dict[str, Any]] = [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity.value,
            "profiles": list(profiles_of(r)),
            "summary": summary_of(r),
        }
        for r in all_rules()
    ]
    if as_json:
        import json

        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return ExitCode.OK
    for row in rows:
        profiles = ",".join(row["profiles"]) or "-"
        out.write(
            f"{row['code']}\t{row['name']}\t{row['severity']}\t{profiles}\t{row['summary']}\n"
        )
    return ExitCode.OK
