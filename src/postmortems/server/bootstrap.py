"""Start Django from a :class:`ServerSettings`: the one factory every entry point goes through."""

from __future__ import annotations

import os

from postmortems.server.config import ServerSettings, SettingsError, require_secret


def boot(settings: ServerSettings, *, migrate: bool = True) -> None:
    """Configure Django in this process (and, via the environment, in worker processes).

    Creates the data dir and applies migrations, so a first start needs nothing else.
    """
    require_secret(settings)  # fail with a clear message before Django starts
    if not settings.database_url:
        settings.data_path.mkdir(
            mode=0o700, parents=True, exist_ok=True
        )  # the database: ours alone
    os.environ.update(settings.to_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "postmortems.server.settings"
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command
        from django.db import OperationalError

        try:
            call_command("migrate", interactive=False, verbosity=0)
        except OperationalError as exc:
            raise unreachable(settings, exc) from None


def unreachable(settings: ServerSettings, exc: Exception) -> SettingsError:
    """One line saying which database cannot be reached and why (no traceback)."""
    from postmortems.server.djangoconf import database_label
    from postmortems.server.outage import reason

    where = database_label(settings.database_url)
    return SettingsError(
        f"cannot reach the database at {where}: {reason(exc)}",
        hint="check DATABASE_URL and that the database server is running",
    )
