"""`pm worker`: run the background tasks (notifications, webhooks) queued in the database, and
the on-call tick that advances the escalation of open pages every few seconds."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import click

from postmortems.commands.options import server_options, warn_of_misspelled_variables
from postmortems.errors import ExitCode


@click.command()
@click.option("--batch", is_flag=True, help="Run the tasks waiting now, then exit.")
@server_options
def worker(batch: bool, config_file: str | None, data_dir: str | None) -> None:
    """Run background tasks (notifications, webhooks); run one or more beside `pm serve`."""
    sys.exit(run_worker({"data_dir": data_dir}, config_file, batch=batch))


def worker_arguments(*, batch: bool = False, interval: float = 1.0) -> list[str]:
    """The arguments of django-tasks-db's ``db_worker`` for one worker."""
    args = ["--interval", str(interval), "--no-startup-delay"]
    return [*args, "--batch"] if batch else args


def run_worker(flags: dict[str, Any], config_file: str | None, *, batch: bool) -> int:
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    warn_of_misspelled_variables()
    settings = load(flags, os.environ, config_file)
    boot(settings)
    if settings.email_backend.endswith("console.EmailBackend") and not settings.demo:
        # Django's default for a demo: each email, and the acknowledgement link in a page's
        # (a credential), is printed to this output.
        click.echo(
            "pm: notification emails are printed here, links included (email_backend is the "
            "console): set PM_EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend",
            err=True,
        )
    from django.core.management import call_command

    from postmortems.server.oncall import ticker

    if batch:
        ticker.tick_once()  # pages due now are notified by the tasks run below
    else:
        ticker.start()  # escalation advances every few seconds beside the task runner
    call_command("db_worker", *worker_arguments(batch=batch), verbosity=1)
    return ExitCode.OK


def start_beside() -> subprocess.Popen[bytes]:
    """A ``pm worker`` process beside the server, for ``pm serve --demo`` (one command).

    It reads the settings from the environment that :func:`boot` filled in; the caller stops it.
    """
    from postmortems.server.config import misspelled_variables

    # The server has warned of a misspelled variable; they are ignored, the worker need not say so.
    ignored = misspelled_variables(os.environ)
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.Popen([sys.executable, "-m", "postmortems", "worker"], env=env)
