"""`pm remind` run twice at once must not crash (issue 13, item 10): the runs queue up and each
reminder is sent once (the failure was a unique-key error on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from typing import Any

import pytest
from tests.server.conftest import doc_text

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Django's SQLite test database lives in shared-cache memory, where a second writer fails at
    # once ("table is locked") instead of waiting as it does on the server's WAL database file.
    pytest.mark.skipif(
        os.environ.get("PM_TEST_DB") != "postgres", reason="concurrent writers: PostgreSQL run"
    ),
]


def test_two_reminder_runs_at_once(make_user: Any) -> None:
    from django.db import connections

    from postmortems.server.library import store
    from postmortems.server.workflow.models import Delivery
    from postmortems.server.workflow.reminders import remind

    bob = make_user("bob", "author")
    bob.email = "bob@example.com"
    bob.save()
    for n in range(20):
        store.create(doc_text(f"PM-R-{n}"), None)  # each has an item of bob's due 2024-03-01
    now = dt.datetime(2024, 3, 10, 9, tzinfo=dt.UTC)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            remind(now)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    overdue = Delivery.objects.filter(kind="action-item-overdue")
    assert overdue.count() == 20  # each reminder once
