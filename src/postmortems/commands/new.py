"""`pm new`: write a skeleton, never over an existing file."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING

import click

from postmortems.commands.options import output_option
from postmortems.errors import ExitCode

if TYPE_CHECKING:
    from postmortems.document.skeleton import Answers

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")


def _ask_time(label: str, default: dt.datetime, after: dt.datetime | None = None) -> dt.datetime:
    while True:
        text = click.prompt(label, default=default.strftime("%Y-%m-%d %H:%M"), err=True)
        try:
            value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        except ValueError:
            click.echo("  expected YYYY-MM-DD HH:MM, e.g. 2024-02-12 04:00", err=True)
            continue
        if after is not None and value < after:
            click.echo(f"  the end is before the start ({after:%Y-%m-%d %H:%M})", err=True)
            continue
        return value


def ask(title: str | None, now: dt.datetime) -> Answers:
    """Ask for title, start, end, timezone and severity; every question has a default."""
    from postmortems.document.skeleton import Answers
    from postmortems.document.zones import zone_from_text

    now = now.replace(second=0, microsecond=0)
    title = click.prompt("Title", default=title or "Short title: what broke", err=True)
    start = _ask_time("Start (local time)", now - dt.timedelta(hours=1))
    end = _ask_time("End (local time)", max(now, start), after=start)
    while True:
        tz = click.prompt("Timezone (IANA name or abbreviation)", default="UTC", err=True)
        if zone_from_text(tz) is not None:
            break
        click.echo(f"  unknown timezone {tz!r}: try UTC, PST, GMT+1, Europe/Paris", err=True)
    sev = click.prompt(
        "Severity (SEV1 is the worst)",
        default="SEV3",
        type=click.Choice(SEVERITIES, case_sensitive=False),
        err=True,
    )
    return Answers(title=title, started=start, resolved=end, timezone=tz, severity=sev.upper())


def run_new(
    title: str | None,
    output: str | None,
    profile: str,
    interactive: bool,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Print or write the skeleton; an existing ``output`` is never overwritten (``-`` is
    standard output, as for every command's ``-o``)."""
    from postmortems.document.skeleton import Answers, render

    output = None if output == "-" else output
    if output is not None and os.path.lexists(output):
        click.echo(f"{output}: already exists — pick another name or delete it first", err=True)
        return ExitCode.ERROR
    moment = now or dt.datetime.now()
    try:
        answers = (
            ask(title, moment) if interactive else Answers(title=title) if title else Answers()
        )
    except click.Abort:  # standard input closed before the last answer (or Ctrl-C, Ctrl-D)
        click.echo(
            "pm new: stopped before every question was answered: nothing written — answer in "
            "a terminal, or leave out -i",
            err=True,
        )
        return ExitCode.USAGE
    text = render(profile, answers, today=moment.date())
    if output is None:
        sys.stdout.write(text)
        return ExitCode.OK
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        click.echo(f"{output}: already exists — pick another name or delete it first", err=True)
        return ExitCode.ERROR
    except OSError as exc:
        click.echo(f"{output}: cannot write: {exc.strerror} — check the directory", err=True)
        return ExitCode.ERROR
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(
        f"wrote {output} ({profile} profile); next: fill it in, then `pm lint {output}`", err=True
    )
    return ExitCode.OK


@click.command()
@click.argument("title", required=False)
@output_option("File to write (default: print to stdout).")
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
    sys.exit(run_new(title, output, profile, interactive))
