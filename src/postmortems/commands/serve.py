"""`pm serve`: migrate on first start, optionally load demo data, then serve with gunicorn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from postmortems.commands.options import (
    server_options,
    warn_of_exposed_secrets,
    warn_of_misspelled_variables,
)
from postmortems.errors import ExitCode

if TYPE_CHECKING:
    from postmortems.server.config import ServerSettings


@click.command()
@click.option("--host", help="Address to listen on [env PM_HOST; default 127.0.0.1].")
@click.option("--port", type=int, help="Port [env PM_PORT; default 8000].")
@click.option("--workers", type=int, help="Worker processes [env PM_WORKERS; default 1].")
@click.option("--demo", is_flag=True, default=None, help="Load example postmortems and accounts.")
@click.option(
    "--with-worker",
    is_flag=True,
    help="Run `pm worker` beside the server (pages, escalations, emails), as --demo does.",
)
@server_options
def serve(config_file: str | None, with_worker: bool, **flags: Any) -> None:
    """Run the team server (SQLite in the data dir, or DATABASE_URL=postgresql://…).

    Background work (paging and escalating, emails, webhooks, reminders) runs in `pm worker`:
    start it beside the server, or give --with-worker.
    """
    sys.exit(run_serve(flags, config_file, with_worker=with_worker))


def settings_from(flags: dict[str, Any], config_file: str | None) -> ServerSettings:
    from postmortems.server.config import load

    return load(flags, os.environ, config_file)


def _announce(settings: ServerSettings, with_worker: bool = False) -> None:
    from postmortems.server.config import base_url, listen_url
    from postmortems.server.demo import DEMO_USERS
    from postmortems.server.djangoconf import database_label

    # With a public URL, where the process listens too: what the proxy and the probe need.
    listening = f"listening on {listen_url(settings)}/; " if settings.public_url else ""
    db = database_label(settings.database_url)
    click.echo(
        f"postmortems server on {base_url(settings)}/  ({listening}{db}, "
        f"{settings.workers} worker{'s' if settings.workers != 1 else ''})"
    )
    if settings.demo:
        user = DEMO_USERS[0]
        click.echo(
            f"demo account: {user.username} / {user.password}  (admin: "
            f"{DEMO_USERS[-1].username} / {DEMO_USERS[-1].password})"
        )
        return
    from django.contrib.auth.models import User

    if not with_worker:  # nothing else would tell that pages wait for it
        click.echo(
            "background work (paging, escalations, emails) waits for `pm worker`: start it "
            "beside the server with the same settings, or serve with --with-worker",
            err=True,
        )
    if not settings.public_url:  # the links a worker writes in emails name this address
        click.echo(
            f"PM_PUBLIC_URL is not set: links in emails and webhooks name {base_url(settings)}/ "
            "(set it to the address people open)",
            err=True,
        )
    if not User.objects.exists():  # a new server: nobody can sign in yet
        data = f" --data-dir {settings.data_dir}" if settings.data_dir != "pm-data" else ""
        click.echo(
            "no accounts yet: make the first one, an administrator, with "
            f"`pm admin create-user NAME --superuser{data}`, in a shell with the same "
            "PM_SECRET_KEY (see docs/deploying.md)"
        )


def _refuse_a_teams_database(settings: Any) -> None:
    """--demo refuses a database with accounts it did not make: its accounts have public
    passwords, a superuser among them. The data folder's key file cannot tell this for a
    database elsewhere (PostgreSQL)."""
    from postmortems.server import demo
    from postmortems.server.config import SettingsError

    if others := demo.strangers(settings):
        raise SettingsError(
            f"--demo refuses this database: it holds accounts the demo did not make "
            f"({', '.join(others)}); the demo would add accounts whose passwords are public, "
            "a superuser among them",
            hint="try the demo on a database of its own: unset DATABASE_URL (SQLite in "
            "--data-dir), or name an empty database",
        )


def _refuse_public_passwords(settings: Any) -> None:
    """A server without --demo refuses a database where a demo account still has its public
    password (a demo's database served as a team's, wherever it is)."""
    from postmortems.server import demo
    from postmortems.server.config import SettingsError

    if exposed := demo.public_password():
        raise SettingsError(
            f"the database holds the demo account {exposed!r} with the password the README "
            "prints: anyone could sign in as it",
            hint="serve it with --demo to try pm out; on a team's server, sign in as that "
            "account and change its password, or deactivate it in /admin/",
        )


def run_serve(flags: dict[str, Any], config_file: str | None, *, with_worker: bool = False) -> int:
    warn_of_misspelled_variables()  # first: PM_SECRETKEY is why no secret key is set
    settings = settings_from(flags, config_file)
    warn_of_exposed_secrets(flags, config_file)
    from postmortems.server.config import DEMO_SECRET, SettingsError, require_secret
    from postmortems.server.gunicorn_app import check_port_free, serve

    if settings.demo:  # before the key file and the migrations: a refusal writes nothing
        _refuse_a_teams_database(settings)
    require_secret(settings)
    if not settings.demo and (settings.data_path / DEMO_SECRET).is_file():
        raise SettingsError(
            f"{settings.data_path} was made by `pm serve --demo`: it holds demo accounts whose "
            "passwords are public (the README prints them), a superuser among them",
            hint="serve it with --demo to try pm out, or give a team's server a new --data-dir",
        )
    key = settings.secret_key
    if key and (len(key) < 50 or len(set(key)) < 5):  # Django's check security.W009
        click.echo(
            "warning: the secret key is short or repetitive: sessions and links are signed "
            "with it; use 50 or more random characters (secrets.token_urlsafe(48))",
            err=True,
        )
    check_port_free(settings.host, settings.port)  # before migrations and demo data: at once
    from postmortems.server.bootstrap import boot

    boot(settings)
    if not settings.demo:
        _refuse_public_passwords(settings)
    if settings.demo:
        from postmortems.server import demo

        sources = [Path(settings.demo_corpus)] if settings.demo_corpus else None
        for report in demo.load(sources):
            click.echo(f"demo data: {list(report.lines())[-1]}", err=True)
    _announce(settings, with_worker=with_worker)
    if not (settings.demo or with_worker):
        serve(settings)
        return ExitCode.OK
    from postmortems.commands.worker import start_beside

    worker = start_beside()  # the demo runs its background tasks too: `make run` is one command
    try:
        serve(settings)
    finally:
        stop(worker)
    return ExitCode.OK


def stop(worker: subprocess.Popen[bytes], grace: float = 30.0, settle: float = 3.0) -> None:
    """Ask the demo's worker to finish its task and stop; kill it if it takes over ``grace``.

    A terminal's Ctrl+C, or a signal to the whole process group, reaches the worker as well as
    this process: it gets ``settle`` seconds to stop on that one before it is asked, because a
    second signal during a task makes the worker abandon the task with a traceback.
    """
    try:
        worker.wait(timeout=settle)
        return
    except subprocess.TimeoutExpired:
        pass
    worker.terminate()
    try:
        worker.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
