"""An incident resolved while the worker escalates (or someone acknowledges) one of its pages:
both lock the page's row before the incident's, so neither waits on the other for ever (the
resolve took the incident's row first, and PostgreSQL aborted it as a deadlock)."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest
from django.test import Client
from tests.server.incident_fixtures import am_alert, integration
from tests.server.test_oncall_alert_paging import _send, _setup

from postmortems.oncall import model

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Django's SQLite test database lives in shared-cache memory, where a second writer fails at
    # once ("table is locked") instead of waiting as it does on the server's WAL database file.
    pytest.mark.skipif(
        os.environ.get("PM_TEST_DB") != "postgres", reason="concurrent writers: PostgreSQL run"
    ),
]


def test_resolving_while_a_page_escalates_waits_and_then_stops_it(make_user: Any) -> None:
    from django.db import connections, transaction
    from django.utils import timezone

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Incident
    from postmortems.server.oncall import timeline
    from postmortems.server.oncall.models import Page

    _setup(model.Service("checkout", "sre-page", "sre"))
    integ, secret = integration(team="sre")
    key = _send(Client(), integ, secret, "g1", am_alert("a1", service="checkout"))
    page_id = Page.objects.get().pk
    ivy = make_user("ivy", "author", team="sre")
    locked = threading.Event()
    errors: list[BaseException] = []

    def escalate() -> None:  # what the tick does: the page's row, then the incident's timeline
        try:
            with transaction.atomic():
                page = Page.objects.select_for_update().get(pk=page_id)
                locked.set()
                time.sleep(1.0)  # the resolve starts meanwhile
                timeline.record(page, "escalation", "escalated to bob", timezone.now(), key="x")
        except BaseException as exc:  # reported below, from the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    def resolve() -> None:
        try:
            locked.wait(30)
            time.sleep(0.2)
            incident = Incident.objects.get(key=key)
            services.change_status(incident, "resolved", ivy, timezone.now())
        except BaseException as exc:  # reported below, from the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=escalate), threading.Thread(target=resolve)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, [repr(e) for e in errors]
    assert Page.objects.get().state == "resolved"
    assert Incident.objects.get(key=key).status == "resolved"
