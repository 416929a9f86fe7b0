"""Start Django from a :class:`ServerSettings`: the one factory every entry point goes through."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from postmortems.server.config import ServerSettings, SettingsError, require_secret
from postmortems.server.djangoconf import SQLITE_NAME


def boot(settings: ServerSettings, *, migrate: bool = True, create: bool = True) -> None:
    """Configure Django in this process (and, via the environment, in worker processes).

    Applies missing migrations, so a first start needs nothing else. Without ``create`` (the
    operator commands other than `pm serve` and `pm import`), a database that was never made
    (a typo in --data-dir) is refused rather than made empty; a database migrated by a newer
    version is refused by every command.
    """
    require_secret(settings)  # fail with a clear message before Django starts
    if migrate and not settings.database_url:  # (without migrate: the database is not opened)
        if not create and not (settings.data_path / SQLITE_NAME).is_file():
            raise no_database(settings)
        settings.data_path.mkdir(
            mode=0o700, parents=True, exist_ok=True
        )  # the database: ours alone
        keep_private(settings.data_path)
    os.environ.update(settings.to_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "postmortems.server.settings"
    import django

    django.setup()
    if migrate and not settings.database_url:
        warn_if_readable(settings.data_path)
    if migrate:
        from django.core.management import call_command
        from django.db import OperationalError

        try:
            check_migrations(settings, create=create)
            call_command("migrate", interactive=False, verbosity=0)
        except OperationalError as exc:
            raise unreachable(settings, exc) from None


def keep_private(folder: Path) -> None:
    """The SQLite database and its ``-wal`` and ``-shm`` files readable by their owner alone
    (0600): they hold sessions and the integrations' signing keys. A new database file is made
    0600 before SQLite opens it, and SQLite gives the other two the database file's mode."""
    database = folder / SQLITE_NAME
    if not database.exists():
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))  # an empty database
    for path in (database, folder / f"{SQLITE_NAME}-wal", folder / f"{SQLITE_NAME}-shm"):
        try:
            info = path.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                path.chmod(0o600)
        except FileNotFoundError:
            continue


def warn_if_readable(folder: Path) -> None:
    """One line when other accounts may list or enter the data folder (a folder the operator
    made, mode 755): the files are private, but the folder should be too."""
    mode = folder.stat().st_mode & 0o777
    if mode & 0o077:
        logging.getLogger(__name__).warning(
            "warning: %s is open to other users (mode %o): it holds the database (sessions, "
            "signing keys); make it private with `chmod 700 %s`",
            folder,
            mode,
            folder,
        )


def no_database(settings: ServerSettings) -> SettingsError:
    """The refusal of an operator command pointed at a database that was never made."""
    if settings.database_url:
        from postmortems.server.djangoconf import database_label

        return SettingsError(
            f"the database at {database_label(settings.database_url)} has no tables yet",
            hint="start `pm serve` (or `pm import DIR`) with this DATABASE_URL first, or check "
            "DATABASE_URL",
        )
    return SettingsError(
        f"no database in {settings.data_path} (no {SQLITE_NAME})",
        hint=f"start `pm serve --data-dir {settings.data_path}` (or `pm import DIR --data-dir "
        "…`) there first, or fix --data-dir (PM_DATA_DIR)",
    )


def check_migrations(settings: ServerSettings, *, create: bool) -> None:
    """Refuse a database this version does not know: never made (unless ``create``), or
    migrated by a newer version (migrations this one does not have)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations or {})
    if not applied and not create:
        raise no_database(settings)
    ours = set(loader.migrated_apps)
    unknown = sorted(f"{a}.{n}" for a, n in applied - set(loader.disk_migrations) if a in ours)
    if unknown:
        shown = ", ".join(unknown[:3]) + (f" and {len(unknown) - 3} more" if unknown[3:] else "")
        raise SettingsError(
            f"the database was migrated by a newer version of postmortems: this one does not "
            f"know {shown}",
            hint="run the newer version, or restore the backup taken before the upgrade",
        )


def unreachable(settings: ServerSettings, exc: Exception) -> SettingsError:
    """One line saying which database cannot be reached and why (no traceback)."""
    from postmortems.server.djangoconf import database_label
    from postmortems.server.outage import reason

    where = database_label(settings.database_url)
    return SettingsError(
        f"cannot reach the database at {where}: {reason(exc)}",
        hint="check DATABASE_URL and that the database server is running",
    )
