"""`pm remind`: the staff-review fallback and action-item reminders, for cron."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import click

from postmortems.errors import ExitCode, InputError
from postmortems.server.config import load


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
    from postmortems.server.bootstrap import boot

    boot(load(flags, os.environ, config_file))
    from django.utils import timezone

    from postmortems.server.workflow.reminders import remind

    report = remind(now or timezone.now())
    for line in report.lines():
        click.echo(line)
    return ExitCode.OK
