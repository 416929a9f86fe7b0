"""Where `pm oncall` and `pm page` find the team server: its database on this machine
(``--data-dir``, ``--config``, ``DATABASE_URL``), or its API (``--url``/``PM_URL`` with
``--token``/``PM_TOKEN``), the way `pm incident` reaches it.

The rule: an explicit ``--data-dir`` or ``--config`` is the database; else a URL (option or
``PM_URL``) is the API; else the database when this machine has one (the data folder holds
``postmortems.sqlite3``, or ``DATABASE_URL`` is set); else a refusal saying how to set
``PM_URL`` and ``PM_TOKEN``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from postmortems.commands.remote import Api
from postmortems.errors import ExitCode, PostmortemsError

F = TypeVar("F", bound=Callable[..., Any])

TOKEN_HINT = (
    "make one on the server's API tokens page (/tokens/), or with `pm admin create-token "
    "USERNAME` on its machine"
)


class NoServer(PostmortemsError):
    """Neither a server database here nor a server to ask; or a URL without a token."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class Database:
    """The server's database on this machine (booted by the command that reads it)."""

    data_dir: str | None
    config_file: str | None


def remote_options(func: F) -> F:
    """--url and --token (``PM_URL``, ``PM_TOKEN``): the team server's API."""
    func = click.option(
        "--token", envvar="PM_TOKEN", help="With --url: an API token [env PM_TOKEN]."
    )(func)
    return click.option(
        "--url", envvar="PM_URL", help="The team server, through its API [env PM_URL]."
    )(func)


def api_only(url: str | None, token: str | None) -> Api:
    """The server's API, for a command that works there only (never in a file or a database
    here): a refusal saying how to set ``PM_URL`` (and ``PM_TOKEN``) when they are not given."""
    if not url:
        raise NoServer(
            "no team server to ask: PM_URL is not set",
            hint="give --url and --token, or set PM_URL to the server's address "
            "(https://pm.example.com) and PM_TOKEN to an API token from its API tokens page "
            "(/tokens/)",
        )
    where = choose(None, None, url, token)  # a URL without a token: its refusal
    assert isinstance(where, Api)
    return where


def url_given() -> bool:
    """Whether --url was typed (not read from ``PM_URL``)."""
    ctx = click.get_current_context(silent=True)
    source = ctx.get_parameter_source("url") if ctx is not None else None
    return source is click.core.ParameterSource.COMMANDLINE


def choose(
    data_dir: str | None,
    config_file: str | None,
    url: str | None,
    token: str | None,
    *,
    otherwise: str = "",
) -> Database | Api:
    """The database or the API, by the rule above; ``otherwise``: one more way to say."""
    if data_dir or config_file:
        if url and url_given():
            raise NoServer("give --data-dir (or --config) or --url, not both")
        return Database(data_dir, config_file)
    if url:
        if not token:
            raise NoServer(
                f"{url} needs a token: give --token or set PM_TOKEN to an API token of that server",
                hint=TOKEN_HINT,
            )
        return Api(url, token)
    folder = missing_database()
    if folder is None:
        return Database(None, None)
    raise NoServer(
        f"no team server to ask: PM_URL is not set, and {folder} holds no server database",
        hint="set PM_URL to the server's address (https://pm.example.com) and PM_TOKEN to an "
        "API token from its API tokens page (/tokens/); on the server's machine, give "
        "--data-dir" + (f"; or {otherwise}" if otherwise else ""),
    )


def missing_database() -> str | None:
    """None when this machine has a server database; else the folder that has none."""
    from postmortems.server.config import load
    from postmortems.server.djangoconf import SQLITE_NAME

    settings = load({}, os.environ)
    if settings.database_url or (settings.data_path / SQLITE_NAME).is_file():
        return None
    return str(settings.data_path)
