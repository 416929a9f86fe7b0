"""Every change to the models has its migration: a model change without one would reach a
deployment's database only as a surprise (a choices list, a new field the code then reads)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_no_model_change_is_without_its_migration() -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, verbosity=1)
    except SystemExit as exc:  # --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations would write migrations (exit {exc.code}):\n{out.getvalue()}")
