"""`pm oncall who|shifts|gaps|check|export|apply`: on-call schedules from YAML files or the server.

Every command reads the on-call objects from ``--file F.yaml`` (repeatable; no server needed),
from the server's database (``--data-dir``, through ``postmortems.server.oncall.store``) or
from the server's API (``--url``/``PM_URL`` and ``--token``/``PM_TOKEN``; ``commands/reach.py``
says which), each behind one reader (``commands/oncall_read.py``). The evaluation, the YAML and
the feeds are the pure :mod:`postmortems.oncall` package. `pm oncall override` (a schedule's
overrides, through the API only) is ``commands/oncall_override.py``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from postmortems.commands.oncall_override import override
from postmortems.commands.oncall_read import Reader, UsageError, exit_status, pick
from postmortems.commands.options import (
    boot_server,
    counted,
    format_option,
    output_option,
    server_options,
)
from postmortems.commands.reach import remote_options
from postmortems.errors import ExitCode, PostmortemsError

if TYPE_CHECKING:
    from postmortems.oncall.model import Config, Shift

F = TypeVar("F", bound=Callable[..., Any])


def source_options(func: F) -> F:
    """--file (repeatable), --data-dir and --config, --url and --token: where the on-call
    objects come from."""
    return click.option(
        "--file",
        "files",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="On-call YAML file to read instead of the server (repeatable).",
    )(server_options(remote_options(func)))


@click.group()
def oncall() -> None:
    """On-call: who is on call, shifts and feeds, schedules as code."""


oncall.add_command(override)


@oncall.command()
@click.option("--schedule", "name", help="The schedule's name.")
@click.option("--team", help="Instead of --schedule: every schedule of this team.")
@click.option("--at", "at", help="ISO time (default: now); without an offset, the schedule's zone.")
@format_option(("text", "json"), "Output format.")
@source_options
def who(name: str | None, team: str | None, at: str | None, fmt: str, **source: Any) -> None:
    """Who is on call on a schedule (or a team's schedules) now, or at --at."""
    if (name is None) == (team is None):
        raise click.UsageError("give --schedule or --team (one of them)")
    if team is not None:
        sys.exit(exit_status(lambda: run_who_team(team, at, fmt, **source)))
    sys.exit(exit_status(lambda: run_who(name or "", at, fmt, **source)))


@oncall.command()
@click.option("--schedule", "name", required=True, help="The schedule's name.")
@click.option("--from", "start", required=True, help="ISO date or time the range starts.")
@click.option("--to", "end", required=True, help="ISO date or time the range ends.")
@click.option("--who", "person", help="Only this person's shifts.")
@click.option("--alarm", type=click.IntRange(1), help="With ics: a reminder MINUTES before.")
@format_option(("text", "json", "ics"), "Output format.")
@output_option("Write to this file instead of standard output.")
@source_options
def shifts(
    name: str,
    start: str,
    end: str,
    person: str | None,
    alarm: int | None,
    fmt: str,
    output: str | None,
    **source: Any,
) -> None:
    """The shifts of a schedule from --from to --to (text, JSON or an iCalendar feed)."""
    options = {"person": person, "alarm": alarm, "fmt": fmt, "output": output}
    sys.exit(exit_status(lambda: run_shifts(name, start, end, options, **source)))


@oncall.command()
@click.option("--schedule", "name", help="The schedule's name (default: every schedule).")
@click.option("--from", "start", help="ISO date or time (default: now).")
@click.option("--to", "end", help="ISO date or time the range ends (instead of --days).")
@click.option("--days", type=click.IntRange(1, 3660), help="How far ahead to look.  [default: 28]")
@source_options
def gaps(
    name: str | None, start: str | None, end: str | None, days: int | None, **source: Any
) -> None:
    """Stretches with no one on call; exit status 1 when there is one."""
    sys.exit(exit_status(lambda: run_gaps(name, start, days, end=end, **source)))


@oncall.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Validate on-call YAML files: every problem as file:line:col, exit status 1 if any."""
    sys.exit(exit_status(lambda: run_check(files)))


@oncall.command()
@output_option("Write to this file instead of standard output.")
@source_options
def export(output: str | None, **source: Any) -> None:
    """Write every schedule and escalation policy as on-call YAML."""
    sys.exit(exit_status(lambda: run_export(output, **source)))


@oncall.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the changes without making them.")
@click.option("--data-dir", help="Folder of the server's database [env PM_DATA_DIR].")
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="Server TOML settings file."
)
@click.option("--url", envvar="PM_URL", help="Instead of --data-dir: the server [env PM_URL].")
@click.option("--token", envvar="PM_TOKEN", help="With --url: a write API token [env PM_TOKEN].")
def apply(
    files: tuple[Path, ...],
    dry_run: bool,
    data_dir: str | None,
    config_file: str | None,
    url: str | None,
    token: str | None,
) -> None:
    """Validate on-call YAML files, then store them on the server (nothing unless all valid)."""
    sys.exit(exit_status(lambda: run_apply_to(files, dry_run, data_dir, config_file, url, token)))


def run_who(name: str, at: str | None, fmt: str, **source: Any) -> int:
    reader = _reader(**source)
    head = pick(reader.schedules(), name)
    moment = _moment(at, head.zone, "--at") if at else datetime.now(UTC)
    people = reader.on_call(head.name, moment)
    when = moment.astimezone(head.zone).isoformat()
    if fmt == "json":
        click.echo(json.dumps({"schedule": name, "at": when, "on_call": list(people)}))
    else:
        click.echo("\n".join(people) if people else f"no one is on call on {name} at {when}")
    return ExitCode.OK


def run_who_team(team: str, at: str | None, fmt: str, **source: Any) -> int:
    reader = _reader(**source)
    heads = reader.schedules()
    chosen = [h for h in heads if h.team == team]
    if not chosen:
        teams = sorted({h.team for h in heads if h.team})
        raise UsageError(
            f"no schedule of team {team!r}", hint=f"the teams are: {', '.join(teams) or 'none'}"
        )
    moment = _moment(at, chosen[0].zone, "--at") if at else datetime.now(UTC)
    found = reader.team_on_call(team, chosen, moment)
    people = list(dict.fromkeys(p for names in found.values() for p in names))
    if fmt == "json":
        row = {
            "team": team,
            "at": moment.astimezone(UTC).isoformat(),
            "on_call": people,
            "schedules": {name: list(names) for name, names in found.items()},
        }
        click.echo(json.dumps(row))
    else:
        for name, names in found.items():
            click.echo(f"{name}: {', '.join(names) or 'no one'}")
    return ExitCode.OK


def run_shifts(name: str, start: str, end: str, options: dict[str, Any], **source: Any) -> int:
    reader = _reader(**source)
    head = pick(reader.schedules(), name)
    first, last = _range(head.zone, start, end)
    found = [s for s in reader.shifts(head.name, first, last) if _has(s.users, options["person"])]
    return _write(_shifts_as(found, name, head.zone, options), options["output"])


def _shifts_as(found: Sequence[Shift], name: str, zone: tzinfo, options: dict[str, Any]) -> bytes:
    """The shifts as an iCalendar feed, JSON or lines of text (``options["fmt"]``)."""
    if options["fmt"] == "ics":
        from postmortems.oncall.ical import feed

        alarm = timedelta(minutes=options["alarm"]) if options["alarm"] else None
        return feed(found, name=name, who=options["person"], alarm=alarm)
    if options["fmt"] == "json":
        rows = [
            {
                "start": s.start.astimezone(zone).isoformat(),
                "end": s.end.astimezone(zone).isoformat(),
                "users": list(s.users),
                "layer": s.layer,
            }
            for s in found
        ]
        return (json.dumps(rows, indent=2) + "\n").encode()
    lines = [
        f"{s.start.astimezone(zone):%Y-%m-%d %H:%M %Z} → {s.end.astimezone(zone):%Y-%m-%d %H:%M %Z}"
        f"  {', '.join(s.users)}  ({s.layer or 'override'})"
        for s in found
    ]
    return "".join(line + "\n" for line in lines).encode()


def run_gaps(
    name: str | None, start: str | None, days: int | None, *, end: str | None = None, **source: Any
) -> int:
    if end and days:
        raise UsageError(
            "give --to or --days, not both",
            hint="--to ends the range at a date or time; --days counts days from --from",
        )
    reader = _reader(**source)
    heads = reader.schedules()
    chosen = [pick(heads, name)] if name else heads
    ranges = [(head, *_gaps_range(head.zone, start, end, days)) for head in chosen]  # said first
    found = 0
    for head, first, last in ranges:
        zone = head.zone
        for left, right in reader.gaps(head.name, first, last):
            found += 1
            hours = (right - left).total_seconds() / 3600
            click.echo(
                f"{head.name}: no one on call {left.astimezone(zone):%Y-%m-%d %H:%M %Z} → "
                f"{right.astimezone(zone):%Y-%m-%d %H:%M %Z} ({hours:.1f} h)"
            )
    if not found:
        click.echo(f"no gaps until {end}" if end else f"no gaps in the next {days or 28} days")
    return ExitCode.FINDINGS if found else ExitCode.OK


def _gaps_range(
    zone: tzinfo, start: str | None, end: str | None, days: int | None
) -> tuple[datetime, datetime]:
    """The range ``pm oncall gaps`` looks at on a schedule of ``zone`` (naive times are its)."""
    first = _moment(start, zone, "--from") if start else datetime.now(UTC)
    last = _moment(end, zone, "--to") if end else first + timedelta(days=days or 28)
    if last <= first:
        raise UsageError(
            f"--to {end!r} is not after the range's start ({first.astimezone(zone)})",
            hint="give a --to later than --from (or now)",
        )
    return first, last


def run_check(files: Sequence[Path]) -> int:
    """Valid, with what is left for the server to check: the schedules a policy pages that the
    files do not define (made in the UI there)."""
    from postmortems.oncall.spec import load_files, schedules_elsewhere

    config = load_files(files, on_server=True)
    for policy, schedule in schedules_elsewhere(config):
        click.echo(
            f"note: policy {policy} pages schedule {schedule!r}, not in these files: "
            "`pm oncall apply` checks that the server has it (one made in the UI stays the UI's)"
        )
    click.echo(
        f"ok: {counted(len(config.schedules), 'schedule')}, "
        f"{counted(len(config.policies), 'escalation policy', 'escalation policies')}, "
        f"{counted(len(config.services), 'service')} in {counted(len(files), 'file')}"
    )
    return ExitCode.OK


def run_export(output: str | None, **source: Any) -> int:
    """The YAML; on stderr, what it leaves out (a layer row no one can read: a restore from the
    file would lose it until it is fixed in the admin and exported again)."""
    text, left_out = _reader(**source).export()
    for said in left_out:
        click.echo(f"warning: {said}", err=True)
    return _write(text.encode(), output)


def run_apply_to(
    files: Sequence[Path],
    dry_run: bool,
    data_dir: str | None,
    config_file: str | None,
    url: str | None,
    token: str | None,
) -> int:
    """Into the server's database or through its API (the rule of ``commands/reach.py``)."""
    from postmortems.commands import reach

    where = reach.choose(data_dir, config_file, url, token)
    if isinstance(where, reach.Database):
        return run_apply(files, dry_run, where.data_dir, where.config_file)
    return run_apply_remote(files, dry_run, where.url, where.token)


def run_apply(
    files: Sequence[Path], dry_run: bool, data_dir: str | None, config_file: str | None
) -> int:
    from postmortems.oncall.spec import for_server, load_files

    load_files(files, on_server=True)  # the files alone first: the server is not touched
    store = _store(data_dir, config_file)
    # Nothing is stored unless all is valid; a policy may page a schedule made in the UI.
    config = for_server(load_files(files, known=store.schedule_names()))
    changes = store.apply_config(config, dry_run=dry_run)
    return _said(changes, store.without_accounts(config), dry_run)


def _said(changes: Sequence[str], warnings: Sequence[str], dry_run: bool) -> int:
    for change in changes:
        click.echo(f"would {change}" if dry_run else change)
    if not changes:
        click.echo("no changes")
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    return ExitCode.OK


def run_apply_remote(files: Sequence[Path], dry_run: bool, url: str, token: str) -> int:
    """Validate here, then send the files to the server's API, which applies them the same way."""
    from postmortems.commands.oncall_remote import apply_files, schedule_names
    from postmortems.oncall.spec import file_aliases, load_texts, read_files

    texts, unreadable = read_files(files)
    load_texts(texts, unreadable, on_server=True)  # the files alone first: nothing is asked
    # Nothing is sent unless all is valid; a policy may page a schedule made in the UI.
    load_texts(texts, (), known=schedule_names(url, token))
    changes, warnings = apply_files(url, token, texts, file_aliases(files), dry_run=dry_run)
    return _said(changes, warnings, dry_run)


def _reader(
    files: Sequence[Path],
    data_dir: str | None,
    config_file: str | None,
    url: str | None,
    token: str | None,
) -> Reader:
    """Files, else the server's database or its API (the rule of ``commands/reach.py``)."""
    from postmortems.commands import reach
    from postmortems.commands.oncall_read import LocalReader

    if files:
        if url and reach.url_given():
            raise UsageError("give --file or --url, not both")
        return LocalReader(_load(files))
    where = reach.choose(
        data_dir, config_file, url, token, otherwise="read on-call YAML with --file"
    )
    if isinstance(where, reach.Database):
        left_out: list[str] = []
        config = _store(where.data_dir, where.config_file).load_config(left_out)
        return LocalReader(config, left_out)
    from postmortems.commands.oncall_remote import RemoteReader

    return RemoteReader(where)


def _load(files: Sequence[Path]) -> Config:
    from postmortems.oncall.spec import load_files

    return load_files(files)


def _store(data_dir: str | None, config_file: str | None) -> Any:
    """The server app's store module, after the server is set up from its settings."""
    boot_server({"data_dir": data_dir}, config_file)
    from postmortems.server.oncall import store

    return store


def _moment(text: str, zone: tzinfo, option: str) -> datetime:
    from postmortems.oncall.model import resolve
    from postmortems.oncall.specvalues import FIRST_YEAR, LAST_YEAR

    try:
        value = datetime.fromisoformat(text.strip())
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(value.year)
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not an ISO date or time from {FIRST_YEAR} to {LAST_YEAR}",
            hint="write e.g. 2026-03-02T09:00 (the schedule's zone) or 2026-03-02T09:00+01:00",
        ) from None
    return value if value.tzinfo is not None else resolve(value, zone)


def _range(zone: tzinfo, start: str, end: str) -> tuple[datetime, datetime]:
    first, last = _moment(start, zone, "--from"), _moment(end, zone, "--to")
    if last <= first:
        raise UsageError("--to is not after --from", hint="swap them or widen the range")
    if last - first > timedelta(days=3660):
        raise UsageError("the range is over ten years", hint="ask for ten years or less")
    return first, last


def _has(users: tuple[str, ...], person: str | None) -> bool:
    return person is None or person in users


def _write(data: bytes, output: str | None) -> int:
    if output is None:
        click.echo(data, nl=False)
        return ExitCode.OK
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise PostmortemsError(
            f"cannot write: {exc.strerror}", path=output, hint="check the path and its permissions"
        ) from None
    return ExitCode.OK
