"""A database that cannot be reached: a 503 that says so (a page without the menu, which would
need the database; JSON under /api/), and one log line a request instead of a traceback."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db

REFUSED = (
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
    "\tIs the server running?"
)


@pytest.fixture
def signed_in(make_user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("ann", "author", team="sre"))
    return client


def _refused(self: Any, *args: Any) -> Any:
    raise OperationalError(REFUSED)


@pytest.fixture
def down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new cursor fails as psycopg does when the server refuses the connection."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", _refused)


def test_a_page_answers_503_without_the_frame(signed_in: Client, down: None) -> None:
    answer = signed_in.get("/")
    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    page = answer.content.decode()
    assert "cannot reach its database" in page
    assert "Traceback" not in page
    assert "127.0.0.1" not in page


def test_the_api_answers_503_as_json(make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from postmortems.server.accounts.models import ApiToken

    _, token = ApiToken.issue(make_user("bot", "author", team="sre"), "t")
    client = Client(headers={"Authorization": f"Bearer {token}"}, raise_request_exception=False)
    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", _refused)  # down from here on
    answer = client.get("/api/postmortems")
    assert answer.status_code == 503
    assert answer.json()["detail"] == "the database is unavailable"
    assert answer["Retry-After"] == "30"


def test_another_error_is_still_a_500(signed_in: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fault of the code is a 500: a page that says so, and JSON under /api/."""
    from postmortems.server.library import queries, views

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "_table", broken)
    monkeypatch.setattr(queries, "get_visible", broken)
    page = signed_in.get("/")
    assert page.status_code == 500
    assert "Server error" in page.content.decode()
    api = signed_in.get("/api/postmortems/PM-X")
    assert api.status_code == 500
    assert api.json() == {"detail": "internal error; the server log has the details"}


def _record(name: str, msg: str, exc: BaseException | None, **extra: Any) -> logging.LogRecord:
    info = None
    if exc is not None:
        try:
            raise exc
        except type(exc):
            info = sys.exc_info()
    record = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, (), info)
    record.__dict__.update(extra)
    return record


def test_the_log_says_it_in_one_line() -> None:
    from django.core.exceptions import DisallowedHost

    from postmortems.server.logfilters import OneLine

    keep = OneLine()
    outage = _record("django.request", "Service Unavailable: /", OperationalError(REFUSED))
    assert keep.filter(outage)
    assert outage.exc_info is None
    assert outage.getMessage() == (
        "Service Unavailable: /: the database is unavailable: Connection refused"
    )
    host = _record(
        "django.security.DisallowedHost", "Invalid HTTP_HOST header", DisallowedHost("x")
    )
    assert keep.filter(host)
    assert host.exc_info is None
    assert host.getMessage() == "Invalid HTTP_HOST header"
    answered = _record("django.request", "Service Unavailable: /healthz", None, status_code=503)
    assert not keep.filter(answered)  # /healthz logged its own line
    bug = _record("django.request", "Internal Server Error: /", RuntimeError("a bug"))
    assert keep.filter(bug)
    assert bug.exc_info is not None
