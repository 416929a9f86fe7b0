"""`pm oncall override list|add|remove`: a schedule's overrides through the team server's API
(``/api/oncall/schedules/{name}/overrides``; ``--url``/``PM_URL``, ``--token``/``PM_TOKEN``), as
the token's user: the server reads the times in the schedule's zone, checks the rights and
refuses what the schedule's page refuses; the command prints its answer or its refusal."""

from __future__ import annotations

import json
import re
import sys
import urllib.parse
from datetime import datetime, tzinfo
from typing import Any

import click

from postmortems.commands import reach, remote
from postmortems.commands.oncall_read import Head, exit_status, pick
from postmortems.commands.options import format_option
from postmortems.commands.reach import remote_options
from postmortems.commands.remote import Api
from postmortems.errors import ExitCode

CLOCK = re.compile(r"\d{1,2}:\d{2}")  # `--to 17:00`: on the day --from starts
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
TIMES = "a wall time in the schedule's zone (2026-12-08 09:00) or an ISO instant with its offset"


@click.group()
def override() -> None:
    """A schedule's overrides on the team server: list, add, remove."""


@override.command("list")
@click.option("--schedule", "name", required=True, help="The schedule's name.")
@format_option(("text", "json"), "Output format.")
@remote_options
def list_(name: str, fmt: str, url: str | None, token: str | None) -> None:
    """The schedule's overrides not yet over, in the order they apply."""
    sys.exit(exit_status(lambda: run_list(_api(url, token), name, fmt)))


@override.command()
@click.option("--schedule", "name", required=True, help="The schedule's name.")
@click.option("--user", required=True, help="Who is put on call (with --kind remove: taken off).")
@click.option("--replaces", default="", help="Whom they replace (default: whoever is on call).")
@click.option(
    "--kind",
    type=click.Choice(("replace", "add", "remove")),
    default="replace",
    show_default=True,
    help="In someone's place, on call as well, or taken off.",
)
@click.option("--from", "start", required=True, help=f"When it starts: {TIMES}.")
@click.option("--to", "end", required=True, help="When it ends, the same way (or 17:00: that day).")
@click.option("--note", default="", help="Why, one line (shown on the schedule's page).")
@remote_options
def add(name: str, url: str | None, token: str | None, **fields: str) -> None:
    """Put --user on call on a schedule from --from to --to."""
    sys.exit(exit_status(lambda: run_add(_api(url, token), name, fields)))


@override.command()
@click.argument("override_id", type=int)
@click.option("--schedule", "name", required=True, help="The schedule's name.")
@remote_options
def remove(override_id: int, name: str, url: str | None, token: str | None) -> None:
    """Remove override OVERRIDE_ID of a schedule (its id in `pm oncall override list`): one to
    come is removed, one under way ends now."""
    sys.exit(exit_status(lambda: run_remove(_api(url, token), name, override_id)))


def _api(url: str | None, token: str | None) -> Api:
    """The server's API: overrides are made on the server, never in a file or a database here."""
    return reach.api_only(url, token)


def _schedule(api: Api, name: str) -> Head:
    """The schedule (its zone prints the times), or a usage error naming the closest."""
    from postmortems.commands.oncall_remote import RemoteReader

    return pick(RemoteReader(api).schedules(), name)


def _path(head: Head, *rest: str) -> str:
    return "/".join((f"/oncall/schedules/{urllib.parse.quote(head.name, safe='')}", *rest))


def run_list(api: Api, name: str, fmt: str) -> int:
    head = _schedule(api, name)
    found = api.call("GET", _path(head, "overrides"))
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
    elif not found:
        click.echo(f"no overrides on {head.name} from now on")
    for row in found if fmt == "text" else ():
        click.echo(_line(row, head.zone))
    return ExitCode.OK


def run_add(api: Api, name: str, fields: dict[str, str]) -> int:
    head = _schedule(api, name)
    body = {**fields, "end": _on_day_of(fields["start"], fields["end"])}
    made = api.call("POST", _path(head, "overrides"), body, refused=remote.refusal("cannot add it"))
    click.echo(f"made override {_line(made, head.zone)}")
    return ExitCode.OK


def run_remove(api: Api, name: str, override_id: int) -> int:
    """Remove the override: to come it goes, under way it ends now (kept as history); a half
    of an accepted swap not yet over cancels the swap on the server, which answers what became
    of each half (removed, or ended now), said here."""
    head = _schedule(api, name)
    cannot = remote.refusal(f"cannot remove override {override_id}")
    done = api.call("DELETE", _path(head, "overrides", str(override_id)), refused=cannot)
    if not done:  # 204: to come, it went
        click.echo(f"removed override {override_id} from {head.name}")
        return ExitCode.OK
    if done.get("swap") is None:
        click.echo(f"override {override_id} was under way: ended now, kept as history")
    else:
        click.echo(f"override {override_id} was a half of swap {done['swap']}, now cancelled:")
    for what, rows in (("removed", done["removed"]), ("ended now", done["ended"])):
        for row in rows:
            click.echo(f"  {what}: {_line(row, head.zone)}")
    return ExitCode.OK


def _on_day_of(start: str, end: str) -> str:
    """``end``; a bare clock time (``17:00``) on the day ``start`` names."""
    day = DAY.match(start.strip())
    if day and CLOCK.fullmatch(end.strip()):
        return f"{day.group()} {end.strip()}"
    return end


def _line(row: dict[str, Any], zone: tzinfo) -> str:
    """``7  2026-03-03 09:00 CET → 2026-03-03 17:00 CET  dave replaces bob  by sam  (why)``."""
    start, end = (datetime.fromisoformat(row[k]).astimezone(zone) for k in ("start", "end"))
    who = {
        "replace": f"{row['user']} replaces {row['replaces'] or 'whoever is on call'}",
        "add": f"{row['user']} on call as well",
        "remove": f"{row['user']} taken off",
    }.get(row["kind"], f"{row['user']} ({row['kind']})")
    said = [f"{start:%Y-%m-%d %H:%M %Z} → {end:%Y-%m-%d %H:%M %Z}", who]
    if row.get("made_by"):
        said.append(f"by {row['made_by']}")
    if row.get("from_file"):
        said.append("in the schedule's file")
    if row.get("note"):
        said.append(f"({row['note']})")
    return f"{row['id']}  " + "  ".join(said)
