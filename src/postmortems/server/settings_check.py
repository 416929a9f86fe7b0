"""Settings for static tools only (mypy's Django plugin, ``makemigrations``); never served.

It needs no environment: a fixed, public secret key and SQLite in a folder that is never created.
"""

from __future__ import annotations

from postmortems.server.config import ServerSettings
from postmortems.server.djangoconf import django_settings

globals().update(
    django_settings(ServerSettings(secret_key="static-checks-only", data_dir="/nonexistent"))
)
