"""Shared fixtures: where the shared corpus is; the settings every hypothesis test runs with."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

# A loaded machine makes any example slow: no per-example deadline, no too-slow health check.
settings.register_profile(
    "postmortems", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("postmortems")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "docs").is_dir():
        pytest.skip("the shared corpus is not next to this checkout")
    return CORPUS


def postgres_up() -> bool:
    """Whether PostgreSQL answers on 127.0.0.1:5432 (the tests that need it skip otherwise)."""
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False
