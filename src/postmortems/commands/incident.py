"""`pm incident`: declare, change, note, move, resolve, list, show and write up incidents on a
server; correct or redact a note.

Every subcommand talks to the team server's API (``--url``/``--token``, or ``PM_URL`` and
``PM_TOKEN``); an API token comes from the server's "API tokens" page or ``pm admin
create-token``. Errors the server answers are shown as it words them, with a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from postmortems.commands import remote
from postmortems.commands.options import format_option, output_option

TIMEOUT = 30.0


@dataclass(frozen=True)
class Api:
    url: str
    token: str

    def call(self, method: str, path: str, body: Any = None, **query: str) -> Any:
        """The JSON answer of ``method path``; a refusal raises :class:`remote.ServerError`."""
        return remote.call(self.url, self.token, method, path, body, timeout=TIMEOUT, query=query)


def _api(ctx: click.Context) -> Api:
    found: Api = ctx.obj
    return found


def _upper(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return value.strip().upper()  # keys are INC-YYYY-NNNN: inc-2026-0003 is the same one


# An incident's key, in any case.
key_argument = click.argument("key", callback=_upper)


@click.group()
@click.option("--url", envvar="PM_URL", required=True, help="The server [env PM_URL].")
@click.option("--token", envvar="PM_TOKEN", required=True, help="An API token [env PM_TOKEN].")
@click.pass_context
def incident(ctx: click.Context, url: str, token: str) -> None:
    """Live incidents on the team server."""
    ctx.obj = Api(url, token)


@incident.command()
@click.argument("title")
@click.option("--severity", type=click.Choice(["SEV1", "SEV2", "SEV3", "SEV4"]), default="SEV3")
@click.option("--team", default="", help="The incident's team (you need the author role there).")
@click.option("--service", "services", multiple=True, help="An affected service (repeatable).")
@click.option("--restricted", is_flag=True, help="Only the team sees it (give --team).")
@click.option("--timezone", default="UTC", show_default=True, help="The incident's IANA zone.")
@click.option(
    "--page/--no-page",
    default=True,
    show_default=True,
    help="Page the escalation policy of each service (where your role lets you).",
)
@click.pass_context
def declare(
    ctx: click.Context,
    title: str,
    severity: str,
    team: str,
    services: tuple[str, ...],
    restricted: bool,
    timezone: str,
    page: bool,
) -> None:
    """Declare an incident; prints its key (and, on stderr, who was paged, or why nobody)."""
    body = {
        "title": title,
        "severity": severity,
        "team": team,
        "services": list(services),
        "restricted": restricted,
        "timezone": timezone,
        "page": page,
    }
    made = _api(ctx).call("POST", "/incidents", body)
    click.echo(made["key"])
    for event in made["timeline"]:  # the paging, as its timeline says it
        if event["kind"] == "page" or (event["kind"] == "note" and event["author"] == "on-call"):
            click.echo(f"  {event['text']}", err=True)


@incident.command()
@key_argument
@click.argument("text")
@click.pass_context
def note(ctx: click.Context, key: str, text: str) -> None:
    """Add a note to KEY's timeline."""
    _api(ctx).call("POST", f"/incidents/{_q(key)}/notes", {"text": text})
    click.echo(f"noted on {key}")


@incident.command()
@key_argument
@click.option("--title", default=None, help="The new title.")
@click.option(
    "--service",
    "services",
    multiple=True,
    help="A service it affects (repeatable): the ones given replace the list.",
)
@click.option("--no-services", is_flag=True, help="It affects no service (empties the list).")
@click.option("--team", default=None, help='The new team ("" for none).')
@click.pass_context
def edit(
    ctx: click.Context,
    key: str,
    title: str | None,
    services: tuple[str, ...],
    no_services: bool,
    team: str | None,
) -> None:
    """Change KEY's title, services or team; each change goes on the timeline."""
    if services and no_services:
        raise click.UsageError("give --service or --no-services, not both")
    body: dict[str, Any] = {"title": title, "team": team}
    body["services"] = list(services) if services or no_services else None
    body = {name: value for name, value in body.items() if value is not None}
    if not body:
        raise click.UsageError("give what changes: --title, --service, --no-services or --team")
    found = _api(ctx).call("PATCH", f"/incidents/{_q(key)}", body)
    named = ", ".join(found["services"]) or "-"
    click.echo(f"{found['key']}: {found['title']} · services {named} · team {found['team'] or '-'}")


class EntryId(click.ParamType[int]):
    """An entry's id as `pm incident show` prints it (``#28``) or bare (``28``): 1 or more."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        digits = text[1:] if text.startswith("#") else text
        if not (digits.isascii() and digits.isdigit()) or int(digits) < 1:
            self.fail(f"{value!r} is not an entry's id: give the number show prints (#28)", param)
        return int(digits)


Entry = EntryId()


@incident.command("edit-note")
@key_argument
@click.argument("entry", metavar="ID", type=Entry)
@click.option("--text", default=None, help="The corrected text.")
@click.option("--at", default=None, help="The corrected time: ISO 8601 with its UTC offset.")
@click.pass_context
def edit_note(ctx: click.Context, key: str, entry: int, text: str | None, at: str | None) -> None:
    """Correct note ID of KEY's timeline (or a chat message): its text, its time. The version
    before is kept. ID: the number `pm incident show` prints before the entry."""
    when = parse_time(at, "--at")
    body = {"text": text, "at": when.isoformat() if when else None}
    body = {name: value for name, value in body.items() if value is not None}
    if not body:
        raise click.UsageError("give what changes: --text or --at")
    row = _api(ctx).call("PATCH", f"/incidents/{_q(key)}/events/{entry}", body)
    click.echo(f"{key} #{row['id']}: {row['at']}  {row['text']}")


@incident.command()
@key_argument
@click.argument("entry", metavar="ID", type=Entry)
@click.option(
    "--reason", required=True, help="Why (not the secret itself: the reason is kept and shown)."
)
@click.pass_context
def redact(ctx: click.Context, key: str, entry: int, reason: str) -> None:
    """Redact note ID of KEY's timeline (or a chat message) for good: its text and earlier
    versions are deleted, here and in the incident's postmortem; who, when and why stay."""
    row = _api(ctx).call("POST", f"/incidents/{_q(key)}/events/{entry}/redact", {"reason": reason})
    click.echo(f"{key} #{row['id']}: {row['text']}")


@incident.command()
@key_argument
@click.argument(
    "new_severity", metavar="SEVERITY", type=click.Choice(["SEV1", "SEV2", "SEV3", "SEV4"])
)
@click.option("--why", default="", help="Why (goes on the timeline).")
@click.pass_context
def severity(ctx: click.Context, key: str, new_severity: str, why: str) -> None:
    """Raise or lower KEY's severity (SEV1 is the most severe)."""
    body = {"severity": new_severity, "why": why}
    changed = _api(ctx).call("POST", f"/incidents/{_q(key)}/severity", body)
    click.echo(f"{key} is {changed['severity']}")


@incident.command()
@key_argument
@click.argument("new_status", metavar="STATUS")
@click.option("--why", default="", help="Why (goes on the timeline).")
@click.option("--duplicate-of", default="", help="With STATUS duplicate: the other incident.")
@click.pass_context
def status(ctx: click.Context, key: str, new_status: str, why: str, duplicate_of: str) -> None:
    """Move KEY to STATUS (triage, investigating, identified, monitoring, resolved, closed,
    cancelled, duplicate)."""
    body = {"status": new_status, "why": why, "duplicate_of": duplicate_of}
    moved = _api(ctx).call("POST", f"/incidents/{_q(key)}/status", body)
    click.echo(f"{key} is {moved['status']}")


@incident.command()
@key_argument
@click.option("--why", default="", help="What ended it (goes on the timeline).")
@click.pass_context
def resolve(ctx: click.Context, key: str, why: str) -> None:
    """Resolve KEY."""
    done = _api(ctx).call("POST", f"/incidents/{_q(key)}/resolve", {"why": why})
    click.echo(f"{key} is {done['status']}")


@incident.command("list")
@click.argument("words", nargs=-1)
@click.option("--status", "state", default="", help="Only this status.")
@click.option("--team", default="", help="Only this team.")
@click.option("--severity", default="", help="Only this severity.")
@format_option(("text", "json"), "Output format.")
@click.pass_context
def list_(
    ctx: click.Context, words: tuple[str, ...], state: str, team: str, severity: str, fmt: str
) -> None:
    """List the incidents you may see, newest first; with WORDS, those whose key, title,
    services or timeline hold them."""
    filters = {"status": state, "team": team, "severity": severity, "q": " ".join(words)}
    rows = _api(ctx).call("GET", "/incidents", **filters)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        team_name = row["team"] or "-"
        click.echo(
            f"{row['key']}  {row['severity']}  {row['status']:<13} {team_name:<10} {row['title']}"
        )


@incident.command()
@key_argument
@format_option(("text", "json"), "Output format.")
@click.pass_context
def show(ctx: click.Context, key: str, fmt: str) -> None:
    """Show KEY with its milestones and timeline; each entry with its ID (for edit-note and
    redact)."""
    found = _api(ctx).call("GET", f"/incidents/{_q(key)}")
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
        return
    zone = found.get("timezone") or "UTC"
    click.echo(f"{found['key']}: {found['title']}")
    click.echo(f"{found['severity']} · {found['status']} · team {found['team'] or '-'}")
    if found.get("declared_from"):
        click.echo(_declared_from(found["declared_from"]))
    click.echo(f"times in {zone}, the incident's zone")
    for name, value in found["milestones"].items():
        click.echo(f"  {name:<13} {_wall(value, zone) if value else '-'}")
    width = max((len(str(e["id"])) for e in found["timeline"]), default=1)
    for event in found["timeline"]:
        mark = " [key]" if event["key_moment"] else ""
        mark += " [misleading]" if event["misleading"] else ""
        mark += " [edited]" if event.get("edited") else ""
        number = f"#{event['id']}"
        lead = f"{number:<{width + 1}}  {_wall(event['at'], zone)}  {event['kind']:<15} "
        # a note of several lines: its next lines under its first, the columns kept
        text = f"\n{' ' * len(lead)}".join(str(event["text"]).splitlines() or [""])
        click.echo(f"{lead}{text}{mark}")


def _declared_from(alert: dict[str, Any]) -> str:
    """The line saying the alert the incident was declared from, as its page says it."""
    said = alert["summary"] or alert["name"] or "(no summary)"
    return f"declared from the alert {said} (#{alert['id']}, {alert['integration']})"


def _wall(value: str, zone: str) -> str:
    """An instant the API gives (ISO 8601, UTC) on the incident's clock, to the second."""
    from postmortems.incident.model import wall_clock

    try:
        return wall_clock(dt.datetime.fromisoformat(value), zone)
    except ValueError:  # not an instant: as the API said it
        return value


@incident.command()
@key_argument
@output_option("Write the postmortem's Markdown here (default: stdout).")
@click.option(
    "--profile",
    type=click.Choice(["classic", "google-sre", "minimal"]),
    default=None,
    help="The postmortem format [default: the one the incident's team chose].",
)
@click.option(
    "--offer",
    is_flag=True,
    help="Print what the incident's record would change in its postmortem now, as a diff.",
)
@click.option("--no-notes", is_flag=True, help="Leave out the notes typed on the incident.")
@click.pass_context
def postmortem(
    ctx: click.Context,
    key: str,
    output: str | None,
    profile: str | None,
    no_notes: bool,
    offer: bool,
) -> None:
    """Write the postmortem of KEY in the library, drafted from its timeline; print its text.
    With --offer, once it is written: what the record would change in it since (never applied)."""
    api = _api(ctx)
    if offer:
        if output or profile or no_notes:
            raise click.UsageError(
                "--offer prints the diff: leave out -o/--output, --profile and --no-notes"
            )
        _print_offer(api.call("GET", f"/incidents/{_q(key)}/postmortem"))
        return
    body: dict[str, Any] = {"profile": profile} if profile else {}
    if no_notes:
        body["key_moments"] = []
    made = api.call("POST", f"/incidents/{_q(key)}/postmortem", body)
    if output:
        Path(output).write_text(made["text"], encoding="utf-8")
        click.echo(f"{made['postmortem']} created from {key}; written to {output}", err=True)
    else:
        click.echo(made["text"], nl=False)


def _print_offer(found: dict[str, Any]) -> None:
    if found["postmortem"] is None:
        click.echo(
            f"{found['incident']} has no postmortem yet: `pm incident postmortem "
            f"{found['incident']}` writes it",
            err=True,
        )
        return
    if found["diff"]:
        click.echo(found["diff"], nl=not found["diff"].endswith("\n"))
    else:
        click.echo(
            f"{found['postmortem']} is up to date with {found['incident']}'s record", err=True
        )
    for part in found["kept"]:
        click.echo(
            f"kept as people wrote it: {part['part']} (the record now says: {part['record']})",
            err=True,
        )


@incident.command("import-slack")
@click.argument("export", type=click.Path(exists=True, dir_okay=False))
@click.option("--channel", required=True, help="The incident's channel (name or id).")
@click.option("--incident", "key", required=True, callback=_upper, help="The incident's key.")
@click.option("--since", default=None, help="Window start (default: the incident's start).")
@click.option("--until", default=None, help="Window end (default: its resolution, or open).")
@click.option("--workspace-url", default="", help="https://acme.slack.com, to link messages.")
@click.pass_context
def import_slack(
    ctx: click.Context,
    export: str,
    channel: str,
    key: str,
    since: str | None,
    until: str | None,
    workspace_url: str,
) -> None:
    """Add the messages of a Slack export's channel in the incident's window to its timeline.

    Idempotent: a message already imported is skipped.
    """
    from postmortems.incident.slack import outside_note, read_slack_window

    api = _api(ctx)
    found = api.call("GET", f"/incidents/{_q(key)}")
    stones = found["milestones"]
    start = parse_time(since, "--since") or parse_time(
        stones.get("started") or stones.get("detected") or found["created"], "started"
    )
    end = parse_time(until, "--until") or parse_time(stones.get("resolved"), "resolved")
    read = read_slack_window(
        Path(export), channel, start=start, end=end, workspace_url=workspace_url
    )
    events = read.events
    added = skipped = 0
    for first in range(0, len(events), BATCH):
        batch = [_event_json(e) for e in events[first : first + BATCH]]
        done = api.call("POST", f"/incidents/{_q(key)}/events", {"events": batch})
        added, skipped = added + done["added"], skipped + done["skipped"]
    assert start is not None  # the incident's start, detection or opening
    bounds = (start.isoformat(timespec="minutes"), end.isoformat(timespec="minutes") if end else "")
    click.echo(
        f"{key}: {added} messages added, {skipped} already there{outside_note(read, *bounds)}"
    )


BATCH = 500


def _event_json(event: Any) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "kind": event.kind,
        "text": event.text[:20_000],
        "author": event.author[:200],
        "link": event.link[:2000],
        "external_id": event.external_id,
    }


def _q(key: str) -> str:
    return urllib.parse.quote(key, safe="")


def parse_time(value: str | None, what: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time", param_hint=what) from None
    if when.tzinfo is None:
        raise click.BadParameter(f"{value!r} needs a UTC offset", param_hint=what)
    return when


__all__ = ["incident"]
