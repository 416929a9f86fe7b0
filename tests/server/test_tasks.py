"""Notifications run as background tasks: a slow receiver never slows the request that notifies.

Real receivers on 127.0.0.1: a webhook that accepts connections and never answers, one that
refuses every post, and an SMTP server (aiosmtpd) that the worker delivers email to.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from workflow_fixtures import NOW, clean_text, run_tasks, with_settings

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes


@pytest.fixture
def silent_webhook() -> Iterator[str]:
    """A URL whose server accepts the connection and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    listener.close()


def _people(make_user: Any) -> tuple[Any, Any]:
    alice = make_user("alice", "author")
    bob = make_user("bob", "reviewer")
    for user in (alice, bob):
        user.email = f"{user.username}@example.com"
        user.save()
    return alice, bob


def test_a_webhook_that_never_answers_does_not_slow_save_or_review_request(
    silent_webhook: str, make_user: Any, settings: Any
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Delivery

    with_settings(settings, webhook_urls=(silent_webhook,))
    alice, bob = _people(make_user)
    start = time.monotonic()
    pm = store.create(clean_text(), alice).postmortem  # notifies the owners of three tasks
    services.request_review(pm, alice, [bob], now=NOW)
    assert time.monotonic() - start < 10  # 31 s and 92 s when sent in the request
    assert Delivery.objects.filter(detail="pending").count() >= 2


def test_email_reaches_a_real_smtp_server_through_the_worker(
    smtp_server: list[Any], make_user: Any
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Delivery

    alice, bob = _people(make_user)
    pm = store.create(clean_text(), alice).postmortem
    services.request_review(pm, alice, [bob], now=NOW)
    assert smtp_server == []  # nothing is sent by the request itself
    run_tasks()
    subjects = [m["Subject"] for m in smtp_server]
    assert any("asks you to review" in s for s in subjects)
    assert {m["To"] for m in smtp_server} >= {"bob@example.com"}
    assert not Delivery.objects.filter(ok=False).exists()


def test_a_failed_delivery_fails_its_task_with_the_error(make_user: Any, settings: Any) -> None:
    from django_tasks import TaskResultStatus

    from postmortems.server.workflow.notify import Kind, notify
    from postmortems.server.workflow.tasks import deliver

    with_settings(settings, webhook_urls=("http://127.0.0.1:9/refused",))
    _alice, bob = _people(make_user)
    delivery = notify(Kind.APPROVED, None, [bob], "approved", now=NOW, key="k-fail")
    assert delivery is not None
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get()
    run_tasks()
    result = deliver.get_result(str(row.id))
    assert result.status == TaskResultStatus.FAILED
    assert "NotDelivered" in result.errors[0].exception_class_path
    assert "webhook 1 (127.0.0.1)" in result.errors[0].traceback
    assert "/refused" not in result.errors[0].traceback  # an address can be a credential
    delivery.refresh_from_db()
    assert not delivery.ok
    assert "webhook 1 (127.0.0.1)" in delivery.detail
    assert "/refused" not in delivery.detail
