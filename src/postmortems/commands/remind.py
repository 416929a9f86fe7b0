"""`pm remind`: the staff-review fallback and action-item reminders, for cron."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import click

from postmortems.commands.options import boot_server, server_options, warn_of_local_links
from postmortems.errors import ExitCode, InputError


@click.command()
@click.option("--now", "now_text", help="Pretend it is this moment (ISO, e.g. 2024-03-01T09:00Z).")
@server_options
def remind(now_text: str | None, config_file: str | None, data_dir: str | None) -> None:
    """Assign staff reviewers where no peer accepted in time; send due and overdue reminders."""
    sys.exit(run_remind({"data_dir": data_dir}, config_file, now_text))


def parse_now(text: str | None) -> dt.datetime | None:
    """``--now`` as an aware datetime (a naive one is taken as UTC)."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--now {text!r} is not an ISO date and time", hint="e.g. --now 2024-03-01T09:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def run_remind(flags: dict[str, Any], config_file: str | None, now_text: str | None) -> int:
    now = parse_now(now_text)
    warn_of_local_links(boot_server(flags, config_file))
    from django.utils import timezone

    from postmortems.server.workflow.reminders import remind

    report = remind(now or timezone.now())
    for line in report.lines():
        click.echo(line)
    return ExitCode.OK
