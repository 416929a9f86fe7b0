"""`pm page open|list|ack|tick`: paging on the server's database (``--data-dir``).

Opening a page pages the policy's first step at once (the worker sends the notifications and
advances the escalation); acknowledging stops it. The rules are the server's on-call app
(``postmortems.server.oncall.paging``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from postmortems.commands.options import boot_server, server_options
from postmortems.errors import ExitCode, PostmortemsError


class PageError(PostmortemsError):
    """No such policy, page or person."""


@click.group()
def page() -> None:
    """Paging: page an escalation policy, list pages, acknowledge one."""


@page.command("open")
@click.option("--policy", required=True, help="The escalation policy to page.")
@click.option("--summary", required=True, help="What is wrong, one line.")
@click.option("--incident", default="", help="The incident key (its timeline gets the events).")
@server_options
def open_(policy: str, summary: str, incident: str, **server: Any) -> None:
    """Page POLICY now: its first step is paged at once."""
    sys.exit(run_open(policy, summary, incident, **server))


@page.command("list")
@click.option("--all", "everything", is_flag=True, help="Acknowledged pages too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@server_options
def list_(everything: bool, fmt: str, **server: Any) -> None:
    """List the open pages (newest first)."""
    sys.exit(run_list(everything, fmt, **server))


@page.command("ack")
@click.argument("page_id", type=int)
@click.option("--as", "username", required=True, help="Who acknowledges (a username).")
@server_options
def ack(page_id: int, username: str, **server: Any) -> None:
    """Acknowledge page PAGE_ID: its escalation stops."""
    sys.exit(run_ack(page_id, username, **server))


@page.command("tick")
@server_options
def tick(**server: Any) -> None:
    """Advance every open page to now once (`pm worker` does this every few seconds)."""
    sys.exit(run_tick(**server))


def _boot(data_dir: str | None, config_file: str | None) -> None:
    boot_server({"data_dir": data_dir}, config_file)


def run_open(
    policy: str, summary: str, incident: str, *, data_dir: str | None, config_file: str | None
) -> int:
    _boot(data_dir, config_file)
    from django.utils import timezone

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Policy

    row = Policy.objects.filter(name=policy).first()
    if row is None:
        names = ", ".join(Policy.objects.values_list("name", flat=True)) or "none yet"
        raise PageError(f"no escalation policy named {policy!r}", hint=f"policies: {names}")
    opened = paging.open_page(row, summary=summary, incident_key=incident, now=timezone.now())
    people = sorted(set(Notification.objects.filter(page=opened).values_list("user", flat=True)))
    click.echo(f"page {opened.pk} opened; paged {', '.join(people) or 'nobody'}")
    return ExitCode.OK


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
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
    for p in found if fmt == "text" else []:
        when = str(p["opened"])[:16]
        click.echo(f"{p['id']}\t{p['state']}\t{when}\t{p['policy']}\t{p['summary']}")
    return ExitCode.OK


def run_ack(page_id: int, username: str, *, data_dir: str | None, config_file: str | None) -> int:
    _boot(data_dir, config_file)
    from django.contrib.auth.models import User
    from django.utils import timezone

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    found = Page.objects.filter(pk=page_id).first()
    if found is None:
        raise PageError(f"no page {page_id}", hint="`pm page list` shows the open pages")
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise PageError(f"no active user named {username!r}", hint="give your username")
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
