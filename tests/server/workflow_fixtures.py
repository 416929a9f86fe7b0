"""Shared set-up for the workflow tests: a lint-clean postmortem and its people."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"
NOW = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


def clean_text(key: str = "PM-W-1", *, status: str = "draft", severity: str = "SEV2") -> str:
    """The example postmortem (no lint errors), authored by alice."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("id: PM-2024-007", f"id: {key}").replace(
        "status: in-review", f"status: {status}"
    )
    return text.replace("severity: SEV2", f"severity: {severity}")


def cast(make_user: Callable[..., Any], roles: dict[str, str]) -> dict[str, Any]:
    """One user per name, with its role in team sre."""
    return {name: make_user(name, role) for name, role in roles.items()}


def with_settings(settings: Any, **changes: Any) -> None:
    from postmortems.server.config import ServerSettings

    base = getattr(settings, "PM_SETTINGS", None) or ServerSettings()
    settings.PM_SETTINGS = dataclasses.replace(base, **changes)


def run_tasks() -> None:
    """Run the background tasks waiting now, as `pm worker --batch` does.

    The worker closes the connection between tasks: tests that use it need
    ``django_db(transaction=True)``.
    """
    from django.core.management import call_command

    from postmortems.commands.worker import worker_arguments

    call_command("db_worker", *worker_arguments(batch=True, interval=0), verbosity=0)


def page_of(client: Any, key: str) -> Any:
    """Postmortem ``key``'s page as ``client`` sees it (it must answer 200), parsed."""
    from bs4 import BeautifulSoup

    response = client.get(f"/p/{key}/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")
