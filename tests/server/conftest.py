"""Django test set-up: SQLite by default, PostgreSQL with PM_TEST_DB=postgres.

The PostgreSQL run writes a marker (PM_PG_MARKER) with how many tests passed on which database,
so `.ci/run` can fail when that run was skipped.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import CHROMIUM

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
_passed = {"n": 0}


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PM_SECRET_KEY", "test-secret-key-not-for-production")
    os.environ.setdefault("PM_DATA_DIR", tempfile.mkdtemp(prefix="pm-test-"))
    # A server's data folder holds a database: the operator commands the tests run in this
    # process (run_remind, run_reindex) refuse one without (they then use the test database).
    Path(os.environ["PM_DATA_DIR"], "postmortems.sqlite3").touch(mode=0o600)
    os.environ.pop("DATABASE_URL", None)
    if os.environ.get("PM_TEST_DB") == "postgres":
        os.environ["DATABASE_URL"] = PG_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "postmortems.server.settings"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's loop + live_server
    import django
    from django.conf import settings

    django.setup()
    # Live-server threads must not keep connections open, or the test database cannot be dropped.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Several checkouts can test on one PostgreSQL server at once, each with its own test database.
    if os.environ.get("PM_TEST_PG_NAME"):
        # Set the name in the TEST dict Django filled in (MIRROR, CHARSET…), not a new one.
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ["PM_TEST_PG_NAME"]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "tests/server" in report.nodeid:
        _passed["n"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    marker = os.environ.get("PM_PG_MARKER")
    if not marker:
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    Path(marker).write_text(
        json.dumps({"engine": engine, "passed": _passed["n"], "exitstatus": int(exitstatus)}),
        encoding="utf-8",
    )


@pytest.fixture(autouse=True)
def _fast_passwords_and_a_clean_cache(settings: Any) -> None:
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


SAMPLE = """\
---
title: Checkout API returned 502s
id: PM-T-1
status: draft
severity: SEV2
services: [checkout-api, nginx]
tags: [tls]
timezone: UTC
started: 2024-02-12T04:00Z
resolved: 2024-02-12T06:30Z
---
## Issue Summary

From 04:00 to 06:30 UTC checkout returned 502s to 75% of users; the certificate expired.

## Timeline

- 04:07 UTC - Pager alert on 5xx rate.
- 06:30 UTC - New certificate deployed, errors stopped.

## Root Cause and Resolution

The TLS certificate expired. We renewed it.

## Corrective and Preventative Measures

- [ ] Automate certificate renewal (owner: @bob, due: 2024-03-01)
"""


def doc_text(key: str, *, restricted: bool = False, teams: str = "", title: str = "") -> str:
    text = SAMPLE.replace("id: PM-T-1", f"id: {key}")
    if title:
        text = text.replace("title: Checkout API returned 502s", f"title: {title}")
    extra = ""
    if restricted:
        extra += "restricted: true\n"
    if teams:
        extra += f"teams: [{teams}]\n"
    return text.replace("timezone: UTC\n", f"timezone: UTC\n{extra}", 1)


def token_client(user: Any) -> Any:
    """A test client that calls the API with a new token of ``user``."""
    from django.test import Client

    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(user, "ci")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def send_json(client: Any, method: str, path: str, body: Any) -> Any:
    """``client``'s ``method`` (get, post, put…) on ``path`` with ``body`` as JSON."""
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    from postmortems.server.accounts.models import create_account, set_role

    def make(name: str, role: str | None = None, team: str = "sre", superuser: bool = False) -> Any:
        user = create_account(name, "pw-" + name, superuser=superuser)
        if role:
            set_role(user, team, role)
        return user

    return make


@pytest.fixture
def make_pm(db: None) -> Callable[..., Any]:
    from postmortems.server.library import store

    def make(key: str = "PM-T-1", **kwargs: Any) -> Any:
        return store.create(doc_text(key, **kwargs), None).postmortem

    return make


# --- the browser: Debian's Chromium through Playwright, never a downloaded one -----------------

needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.environ.get("CI"),
    reason="Debian chromium is not installed: run `make system-deps`",
)


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The session's Chromium (tests/conftest.py); the contexts a test opens (its cookies,
    storage and pages) are closed after it, so no test sees another's sign-in."""
    before = set(chromium.contexts)
    yield chromium
    for context in chromium.contexts:
        if context not in before:
            context.close()


def browser_login(browser: Any, base: str, name: str, password: str = "", **context: Any) -> Any:
    """A page in a new browser context (``context``: its options, as ``locale``), logged in as
    ``name`` (password ``pw-NAME-123`` unless given: ``make_user``'s accounts have ``pw-NAME``)."""
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password or f"pw-{name}-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def settled(page: Any, selector: str) -> Any:
    """The element ``selector`` once htmx has swapped it in and settled it. A panel loaded
    after the page is visible before htmx has read its ``hx-`` attributes (it does that as the
    swap settles, 20 ms later): a click in between posts the form without htmx."""
    page.wait_for_function(
        "s => { const e = document.querySelector(s); return e && !e.closest('.htmx-settling'); }",
        arg=selector,
    )
    return page.locator(selector)


def shoot_desktop_and_phone(page: Any, name: str, variable: str, desktop: int = 1280) -> None:
    """Full-page screenshots of ``page`` at ``desktop`` px and 390 px into the folder named by
    the environment variable ``variable`` (none when it is unset); the page is left at 1280 px."""
    folder = os.environ.get(variable)
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width, label in ((desktop, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@contextlib.contextmanager
def server_log() -> Iterator[io.StringIO]:
    """What the server's log handler (the one with the secret-path filter) writes meanwhile."""
    import logging

    from postmortems.server.logfilters import SecretPaths

    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, SecretPaths) for f in h.filters)
    ]
    assert handlers, "the server's log handler filters secret paths"
    handler: Any = handlers[0]
    # The stream is swapped, not set with setStream(), which flushes the old one first: the
    # handler may still hold the stderr that pytest captured for an earlier test, now closed.
    stream = io.StringIO()
    old, handler.stream = handler.stream, stream
    try:
        yield stream
    finally:
        handler.stream = old


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[list[Any]]:
    """A real SMTP server (aiosmtpd) on localhost; yields the messages it received."""
    from aiosmtpd.controller import Controller
    from workflow_fixtures import with_settings

    received: list[Any] = []

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(message_from_bytes(envelope.content))
            return "250 OK"

    with socket.socket() as probe:  # a free port (the controller needs to know it in advance)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 10
    with_settings(settings, email_backend="django.core.mail.backends.smtp.EmailBackend")
    yield received
    controller.stop()


def run_pm(
    *args: str, env: dict[str, str] | None = None, without: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """`pm ARGS` in a new process: this environment with ``env`` over it and the ``without``
    variables taken out; its output as text, whatever its exit code."""
    full = {k: v for k, v in os.environ.items() if k not in without}
    return subprocess.run(
        [sys.executable, "-m", "postmortems", *args],
        env={**full, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def shifts_to_come(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's clock on 2026-03-01, before the shifts the swap tests trade (from
    2026-03-02): a swap trades shifts to come, and those would be over by the real clock."""
    import datetime as dt

    from django.utils import timezone

    at = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: at)
