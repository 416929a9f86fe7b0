"""Shared fixtures: where the shared corpus is; the session's Chromium; the settings every
hypothesis test runs with."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

# A loaded machine makes any example slow: no per-example deadline, no too-slow health check.
settings.register_profile(
    "postmortems", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("postmortems")


# Debian's Chromium, never a downloaded browser.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the whole run, the render tests' and the server's: Playwright's
    synchronous API runs one at a time in a process, and a launch costs more than most tests."""
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


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
