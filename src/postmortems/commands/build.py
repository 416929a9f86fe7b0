"""`pm build DIR -o SITE`: the static site, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from postmortems.commands.options import counted
from postmortems.errors import ExitCode


def _said(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("give the site a title (the pages' and the feed's)")
    return value


def _absolute(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The feed's links start with it: an address with its scheme and host, or nothing."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise click.BadParameter(
            f"{value!r} is not an address: give where the site is published, "
            "such as https://pm.example.com/"
        )
    return value


@click.command()
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
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@click.option(
    "--title", default="Postmortems", show_default=True, callback=_said, help="Site title."
)
@click.option(
    "--base-url",
    default="",
    callback=_absolute,
    help="Address the site is published at, http(s)://… (absolute feed links).",
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


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("Rendering", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def run_build(
    directory: str,
    output: str,
    *,
    full: bool,
    jobs: int | None,
    title: str,
    base_url: str = "",
    restricted_too: bool = False,
) -> int:
    from postmortems.render.site import build_site

    with _progress_bar() as progress:
        report = build_site(
            directory,
            output,
            title=title,
            full=full,
            jobs=jobs,
            progress=progress,
            base_url=base_url,
            restricted_too=restricted_too,
        )
    err = sys.stderr
    if report.restricted:
        print(
            f"pm: left out {report.restricted} restricted postmortem(s) "
            "(--include-restricted publishes them)",
            file=err,
        )
    folder = directory.rstrip("/")
    unreadable = [r for r in report.others if r.unreadable]
    for r in report.others:
        what = "" if r.unreadable else "not a postmortem: "
        print(f"{folder}/{r.location}: {what}{r.reason}", file=err)
    print(
        f"Built {output}: {counted(report.postmortems, 'postmortem')}, "
        f"{counted(len(report.others), 'other file')}"
        f"{f' ({len(unreadable)} could not be read)' if unreadable else ''}; "
        f"{report.rendered} rendered, {report.reused} unchanged, {report.removed} removed "
        f"in {report.seconds:.2f} s.",
        file=err,
    )
    # The rest of the site is built; a file that could not be read is an error, as for pm parse.
    return ExitCode.ERROR if unreadable else ExitCode.OK
