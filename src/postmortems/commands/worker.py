"""`pm worker`: run the background tasks (notifications, webhooks) queued in the database, and
the on-call tick that advances the escalation of open pages every few seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import click

from postmortems.commands.options import (
    server_options,
    warn_of_exposed_secrets,
    warn_of_local_links,
    warn_of_misspelled_variables,
)
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
    warn_of_exposed_secrets(flags, config_file)
    boot(settings, create=False)
    warn_of_local_links(settings)
    if settings.email_backend.endswith("console.EmailBackend") and not settings.demo:
        # Django's default for a demo: each email, and the acknowledgement link in a page's
        # (a credential), is printed to this output.
        click.echo(
            "pm: notification emails are printed here, links included (email_backend is the "
            "console): set PM_EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend",
            err=True,
        )
    from django.db import OperationalError

    from postmortems.server.bootstrap import unreachable
    from postmortems.server.oncall import ticker

    if not batch:
        ticker.start()  # escalation advances every few seconds beside the task runner
        run_tasks(worker_arguments())
        return ExitCode.OK
    try:  # cron runs it again: a database that is away is one line and a failure
        ticker.tick_once()  # pages due now are notified by the tasks run below
        failed = run_batch()
    except OperationalError as exc:
        raise unreachable(settings, exc) from None
    if failed:  # cron mails a failure: a notification that did not leave is one
        click.echo(
            f"pm worker: {failed} task(s) failed (the reasons are above; each is recorded as "
            "failed, with its error, in the admin's Database task results)",
            err=True,
        )
        return ExitCode.ERROR
    return ExitCode.OK


def run_batch() -> int:
    """Run the tasks waiting now under a worker id of this run's; how many of them failed."""
    import uuid

    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    worker_id, began = f"pm-batch-{uuid.uuid4().hex}", timezone.now()
    call_command_db_worker([*worker_arguments(batch=True), "--worker-id", worker_id])
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__gte=began)
    return sum(worker_id in result.worker_ids for result in failed.only("worker_ids"))


def call_command_db_worker(args: list[str]) -> None:
    """django-tasks-db's worker (``db_worker``) with ``args``, until it stops."""
    from django.core.management import call_command

    call_command("db_worker", *args, verbosity=1)


def run_tasks(
    args: list[str],
    *,
    run: Callable[[list[str]], None] = call_command_db_worker,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run the task worker; when the database goes away under it (django-tasks-db's loop raises
    the OperationalError), say so in one line, wait for the database and run it again. A stop
    signal during the wait stops the worker as it does when idle."""
    from django.db import OperationalError

    from postmortems.server.outage import wait_for_database

    while True:
        try:
            run(args)
            return
        except OperationalError as exc:
            wait_for_database(exc, "pm worker", sleep=sleep)


def start_beside() -> subprocess.Popen[bytes]:
    """A ``pm worker`` process beside the server, for ``pm serve --demo`` (one command).

    It reads the settings from the environment that :func:`boot` filled in; the caller stops it.
    """
    from postmortems.server.config import misspelled_variables

    # The server has warned of a misspelled variable; they are ignored, the worker need not say so.
    ignored = misspelled_variables(os.environ)
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.Popen([sys.executable, "-m", "postmortems", "worker"], env=env)
