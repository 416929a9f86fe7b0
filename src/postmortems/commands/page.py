"""`pm page open|list|ack|tick`: paging on the server's database (``--data-dir``) or, but for
``tick``, through its API (``--url``/``PM_URL``, ``--token``/``PM_TOKEN``: ``page_remote.py``;
``commands/reach.py`` says which).

Opening a page pages the policy's first step at once (the worker sends the notifications and
advances the escalation); acknowledging stops it. The rules are the server's on-call app
(``postmortems.server.oncall.paging``).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from postmortems.commands import reach
from postmortems.commands.options import boot_server, format_option, server_options
from postmortems.commands.reach import remote_options
from postmortems.commands.remote import Api
from postmortems.errors import ExitCode, PostmortemsError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from postmortems.server.oncall.models import Policy


class PageError(PostmortemsError):
    """No such policy, page or person."""


class PageUsageError(PageError):
    """An option this way of reaching the server cannot take."""

    exit_code = ExitCode.USAGE


@click.group()
def page() -> None:
    """Paging: page an escalation policy, list pages, acknowledge one."""


@page.command("open")
@click.option("--policy", required=True, help="The escalation policy to page.")
@click.option("--summary", required=True, help="What is wrong, one line.")
@click.option("--incident", default="", help="The incident key (its timeline gets the events).")
@click.option(
    "--message",
    default="",
    help="Why, in your words (at most 300 characters): the notifications and the timeline say it.",
)
@click.option(
    "--as",
    "username",
    help="Who opens the page (a username; its history and message name them). On the "
    "database, default: your operating-system user, if an account has that name; with --url, "
    "the token's user.",
)
@server_options
@remote_options
def open_(
    policy: str, summary: str, incident: str, message: str, username: str | None, **server: Any
) -> None:
    """Page POLICY now: its first step is paged at once."""
    where = _where(**server)
    message = " ".join(message.split())
    if isinstance(where, reach.Database):
        opened = Opening(policy, summary, incident, message, username)
        sys.exit(run_open(opened, **_local(where)))
    from postmortems.commands import page_remote

    sys.exit(page_remote.run_open(where, policy, summary, incident, message, username))


@page.command("list")
@click.option("--all", "everything", is_flag=True, help="Acknowledged pages too.")
@click.option("--mine", is_flag=True, help="With --url: only the pages that reached you.")
@format_option(("text", "json"), "Output format.")
@server_options
@remote_options
def list_(everything: bool, mine: bool, fmt: str, **server: Any) -> None:
    """List the open pages (newest first)."""
    where = _where(**server)
    if isinstance(where, reach.Database):
        if mine:
            raise PageUsageError(
                "--mine needs the server's API, where your token says who you are",
                hint="set PM_URL and PM_TOKEN (or give --url and --token); on the server's "
                "database, leave out --mine",
            )
        sys.exit(run_list(everything, fmt, **_local(where)))
    from postmortems.commands import page_remote

    sys.exit(page_remote.run_list(where, everything, mine, fmt))


@page.command("ack")
@click.argument("page_id", type=int)
@click.option(
    "--as", "username", help="Who acknowledges (a username); with --url, the token's user."
)
@server_options
@remote_options
def ack(page_id: int, username: str | None, **server: Any) -> None:
    """Acknowledge page PAGE_ID: its escalation stops."""
    where = _where(**server)
    if isinstance(where, reach.Database):
        if not username:
            raise PageUsageError(
                "give --as USERNAME: who acknowledges the page",
                hint="or acknowledge through the server's API (PM_URL, PM_TOKEN), as your "
                "token's user",
            )
        sys.exit(run_ack(page_id, username, **_local(where)))
    from postmortems.commands import page_remote

    sys.exit(page_remote.run_ack(where, page_id, username))


@page.command("tick")
@server_options
def tick(**server: Any) -> None:
    """Advance every open page to now once (`pm worker` does this every few seconds)."""
    folder = None if any(server.values()) else reach.missing_database()
    if folder is not None:
        raise PageError(
            f"no server database in {folder}: `pm page tick` advances the pages in the server's "
            "database",
            hint="run it on the server's machine, with --data-dir (`pm worker` there does it "
            "every 5 seconds)",
        )
    sys.exit(run_tick(**server))


def _where(
    data_dir: str | None, config_file: str | None, url: str | None, token: str | None
) -> reach.Database | Api:
    """The server's database here, or its API (the rule of ``commands/reach.py``)."""
    return reach.choose(data_dir, config_file, url, token)


def _local(where: reach.Database) -> dict[str, str | None]:
    return {"data_dir": where.data_dir, "config_file": where.config_file}


def _boot(data_dir: str | None, config_file: str | None) -> None:
    boot_server({"data_dir": data_dir}, config_file)


MESSAGE_LENGTH = 300  # Page.message


@dataclass(frozen=True)
class Opening:
    """What `pm page open` was asked: the policy, the summary, the incident, the message and
    who opens it (None: the operating-system user's account)."""

    policy: str
    summary: str
    incident: str = ""
    message: str = ""
    username: str | None = None


def run_open(asked: Opening, *, data_dir: str | None, config_file: str | None) -> int:
    _boot(data_dir, config_file)
    from django.utils import timezone

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Policy

    row = Policy.objects.filter(name=asked.policy).first()
    if row is None:
        names = ", ".join(Policy.objects.values_list("name", flat=True)) or "none yet"
        raise PageError(f"no escalation policy named {asked.policy!r}", hint=f"policies: {names}")
    if not asked.summary.strip():  # the pages list links a page by its summary
        raise PageError("the summary is empty", hint="say what is wrong in one line")
    message = asked.message
    if len(message) > MESSAGE_LENGTH:
        raise PageError(
            f"the message is {len(message)} characters, at most {MESSAGE_LENGTH}",
            hint="say why in fewer words, and the rest on the incident's timeline as a note",
        )
    by = _opener(asked.username)
    _check_may_page(by, row)
    now = timezone.now()
    incident = _checked_incident(asked.incident.strip(), row, now, by)
    opened = paging.open_page(
        row, summary=asked.summary, incident_key=incident, now=now, message=message, by=by
    )
    people = sorted(set(Notification.objects.filter(page=opened).values_list("user", flat=True)))
    click.echo(f"page {opened.pk} opened by {by.username}; paged {', '.join(people) or 'nobody'}")
    return ExitCode.OK


def _opener(username: str | None) -> User:
    """The account that opens the page: ``username``'s, or the operating-system user's."""
    if username:
        return _account(username)
    me = _system_user()
    from django.contrib.auth.models import User

    found = User.objects.filter(username=me, is_active=True).first() if me else None
    if found is None:
        named = f"no account named {me!r} (your operating-system user)" if me else "no name"
        raise PageUsageError(
            f"who opens the page? {named} on this server",
            hint="give --as USERNAME (an active account: the page's history names them), or "
            "page through the server's API (PM_URL and PM_TOKEN) as your token's user, or "
            f"create the account (pm admin create-user {me or 'NAME'})",
        )
    return found


def _system_user() -> str:
    """The operating-system user's name ('' when the system has none for this process)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # a container's uid with no name and no USER
        return ""


def _account(username: str) -> User:
    """The active account ``username`` (a :class:`PageError` when there is none)."""
    from django.contrib.auth.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise PageError(f"no active user named {username!r}", hint="give your username")
    return user


def _check_may_page(by: User, policy: Policy) -> None:
    """Refuse an opener who may not page ``policy``: the rule of the server's pages form and
    API (``oncall.visibility.may_edit``: the author role in the policy's team, in a team for a
    policy of none)."""
    from postmortems.server.accounts.access import access_of
    from postmortems.server.oncall.visibility import may_edit

    if may_edit(access_of(by), policy.team):
        return
    name, team = by.get_username(), policy.team
    where = f"team {team}" if team else "a team (the policy is of no team)"
    raise PageError(
        f"{name} may not page {policy.name!r}: paging it needs the author role in {where}",
        hint=f"give {name} the role (pm admin set-role {name} {team or 'TEAM'} author), or "
        "open the page --as someone who has it",
    )


def _checked_incident(key: str, policy: Policy, now: dt.datetime, by: User) -> str:
    """``key``, an incident that exists, which ``by`` may change (its timeline records the
    page: the server's rule, ``oncall.visibility.paged_incident``) and ``policy`` may page for:
    a restricted one only when the policy pages nobody who may not see it (as the server's
    pages and API refuse)."""
    if not key:
        return key
    from postmortems.server.accounts.access import access_of
    from postmortems.server.incidents.models import Incident
    from postmortems.server.oncall import handpaging
    from postmortems.server.oncall.visibility import paged_incident

    found = Incident.objects.filter(key=key).first()
    if found is None:
        raise PageError(
            f"no incident {key}", hint="give the key of an incident, or leave --incident out"
        )
    try:
        paged_incident(access_of(by), key, now=now)
    except PostmortemsError:
        name, team = by.get_username(), found.team
        raise PageError(
            f"{name} may not page for {key}: paging for an incident needs the author role in "
            f"{f'team {team}' if team else 'a team'}",
            hint=f"give {name} the role (pm admin set-role {name} {team or 'TEAM'} author), "
            "open the page --as someone who has it, or leave --incident out",
        ) from None
    handpaging.check_reach(found, policy, now)
    return key


def run_list(everything: bool, fmt: str, *, data_dir: str | None, config_file: str | None) -> int:
    _boot(data_dir, config_file)
    from postmortems.server.oncall.models import Page

    rows = Page.objects.select_related("acknowledged_by")
    if not everything:
        rows = rows.filter(state__in=[Page.State.OPEN, Page.State.EXHAUSTED])
    found = [
        {
            "id": p.pk,
            "state": p.state,
            "policy": p.policy_name,
            "summary": p.summary,
            "incident": p.incident_key,
            "opened": p.opened.isoformat(),
            "acknowledged_by": p.acknowledged_by.username if p.acknowledged_by else None,
        }
        for p in rows[:200]
    ]
    return show_pages(found, fmt)


def show_pages(found: list[dict[str, Any]], fmt: str) -> int:
    """The pages as JSON, or one line each: id, state, opened (UTC), policy, summary."""
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
    if fmt == "text" and not found:
        click.echo("pm: no pages to show", err=True)  # said apart from the list on stdout
    for p in found if fmt == "text" else []:
        when = str(p["opened"])[:16]
        click.echo(f"{p['id']}\t{p['state']}\t{when}\t{p['policy']}\t{p['summary']}")
    return ExitCode.OK


def run_ack(page_id: int, username: str, *, data_dir: str | None, config_file: str | None) -> int:
    _boot(data_dir, config_file)
    from django.utils import timezone

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    found = Page.objects.filter(pk=page_id).first()
    if found is None:
        raise PageError(f"no page {page_id}", hint="`pm page list` shows the open pages")
    user = _account(username)
    if not paging.acknowledge(found, user, timezone.now()):
        click.echo(f"page {page_id} was already {found.state}", err=True)
        return ExitCode.FINDINGS
    click.echo(f"page {page_id} acknowledged by {username}")
    return ExitCode.OK


def run_tick(*, data_dir: str | None, config_file: str | None) -> int:
    _boot(data_dir, config_file)
    from postmortems.server.oncall import ticker

    click.echo(f"{ticker.tick_once()} notification(s) queued")
    return ExitCode.OK
