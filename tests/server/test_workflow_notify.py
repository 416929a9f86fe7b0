"""Webhooks (signed, retried with backoff), email, reminders, trackers: against local servers."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from workflow_fixtures import NOW, clean_text, run_tasks, with_settings

from postmortems.server.workflow import webhooks


class Fake:
    """A local HTTP server answering each POST with the next status of ``script`` (then 200)."""

    def __init__(self, script: list[int], reply: dict[str, Any] | None = None) -> None:
        self.script = list(script)
        self.reply = reply or {}
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = fake.script.pop(0) if fake.script else 200
                data = json.dumps(fake.reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[Callable[..., Fake]]:
    made: list[Fake] = []

    def start(script: list[int] | None = None, reply: dict[str, Any] | None = None) -> Fake:
        made.append(Fake(script or [], reply))
        return made[-1]

    yield start
    for f in made:
        f.close()


@pytest.fixture
def outbox(settings: Any, mailoutbox: Any) -> Any:
    """The notifications send mail to Django's test outbox (the locmem backend): that outbox."""
    with_settings(settings, email_backend="django.core.mail.backends.locmem.EmailBackend")
    return mailoutbox


def _alice_writes_bob_reviews(make_user: Callable[..., Any]) -> tuple[Any, Any, Any]:
    """alice (an author), bob (a reviewer with an email address) and alice's new postmortem."""
    from postmortems.server.library import store

    alice = make_user("alice", "author")
    bob = make_user("bob", "reviewer")
    bob.email = "bob@example.com"
    bob.save()
    return alice, bob, store.create(clean_text(), alice).postmortem


def test_webhook_is_signed_and_retried_with_backoff(fake: Callable[..., Fake]) -> None:
    hook = fake([503, 500])
    waits: list[float] = []
    outcome = webhooks.post(
        hook.url + "/hook", {"text": "hi"}, "s3cret", sleep=waits.append, clock=lambda: 1700000000
    )
    assert (outcome.ok, outcome.attempts, outcome.status) == (True, 3, 200)
    assert waits == list(webhooks.RETRY_DELAYS[:2])
    _path, headers, body = hook.requests[-1]
    assert json.loads(body) == {"text": "hi"}
    assert headers["x-pm-timestamp"] == "1700000000"
    signed = headers["x-pm-signature"]
    assert webhooks.verify("s3cret", "1700000000", body, signed, now=1700000060)
    assert not webhooks.verify("other", "1700000000", body, signed, now=1700000060)
    assert not webhooks.verify("s3cret", "1700000000", body, signed, now=1700003600)  # replayed
    assert not webhooks.verify("s3cret", "²", body, signed, now=1700000060)  # no TypeError
    assert not webhooks.verify("s3cret", "1700000000", body, "sha256=é", now=1700000060)


def test_webhook_gives_up_after_the_last_delay_and_not_on_4xx(fake: Callable[..., Fake]) -> None:
    down = fake([500] * 10)
    waits: list[float] = []
    outcome = webhooks.post(down.url, {"text": "x"}, "", sleep=waits.append)
    assert (outcome.ok, outcome.attempts) == (False, len(webhooks.RETRY_DELAYS) + 1)
    assert waits == list(webhooks.RETRY_DELAYS)
    assert "x-pm-signature" not in down.requests[0][1]  # no secret, no signature
    refused = fake([404])
    assert webhooks.post(refused.url, {"text": "x"}, "", sleep=waits.append).attempts == 1


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_review_request_sends_email_and_a_slack_body(
    fake: Callable[..., Fake], make_user: Callable[..., Any], settings: Any, outbox: Any
) -> None:
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Delivery

    hook = fake()
    with_settings(
        settings,
        webhook_urls=(hook.url,),
        webhook_secret="k",
    )
    alice, bob, pm = _alice_writes_bob_reviews(make_user)
    assert outbox == []  # sent by a background task, not in the request
    run_tasks()
    assert "action item assigned to you" in outbox[0].subject  # bob owns a task
    services.request_review(pm, alice, [bob], now=NOW)
    run_tasks()
    assert [m.to for m in outbox[1:]] == [["bob@example.com"]]
    assert "alice asks you to review" in outbox[1].subject
    payload = json.loads(hook.requests[-1][2])
    assert payload["event"] == "review-requested"
    assert payload["postmortem"] == pm.key
    assert payload["blocks"][0]["type"] == "section"
    assert Delivery.objects.get(kind="review-requested").ok


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_remind_sends_due_and_overdue_reminders_once(
    make_user: Callable[..., Any], outbox: Any
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.reminders import remind

    alice = make_user("alice", "author")
    for name in ("bob", "carol"):
        make_user(name, "reviewer").__class__.objects.filter(username=name).update(
            email=f"{name}@example.com"
        )
    store.create(clean_text(), alice)
    morning = dt.datetime(2024, 2, 29, 8, 0, tzinfo=dt.UTC)
    report = remind(morning)  # bob's task is due tomorrow, alice's was due on the 20th
    assert (len(report.due), len(report.overdue)) == (1, 1)  # carol's task is done
    again = remind(morning + dt.timedelta(hours=1))
    assert (again.due, again.overdue) == ([], [])
    later = remind(dt.datetime(2024, 3, 5, tzinfo=dt.UTC))
    assert len(later.overdue) == 2
    assert remind(dt.datetime(2024, 3, 5, 12, tzinfo=dt.UTC)).overdue == []  # once that day
    # Then weekly from the due date: not on the 6th, bob's on the 8th (a week after the 1st),
    # alice's again on the 12th (three weeks after the 20th), whenever the run comes that day.
    assert remind(dt.datetime(2024, 3, 6, 9, tzinfo=dt.UTC)).overdue == []
    assert len(remind(dt.datetime(2024, 3, 8, 23, tzinfo=dt.UTC)).overdue) == 1
    assert remind(dt.datetime(2024, 3, 11, 9, tzinfo=dt.UTC)).overdue == []
    assert len(remind(dt.datetime(2024, 3, 12, 9, tzinfo=dt.UTC)).overdue) == 1
    run_tasks()
    reminders = [m.subject for m in outbox if "due" in m.subject]
    assert reminders == [
        "[postmortems] due 2024-03-01: Automate certificate renewal with cert-manager",
        "[postmortems] overdue since 2024-03-01: Automate certificate renewal with cert-manager",
        "[postmortems] overdue since 2024-03-01: Automate certificate renewal with cert-manager",
    ]


def test_github_issue_and_jira_ticket_links_are_stored(
    fake: Callable[..., Fake], make_user: Callable[..., Any], settings: Any
) -> None:
    from postmortems.server.config import current as server_settings
    from postmortems.server.library import store
    from postmortems.server.workflow import trackers
    from postmortems.server.workflow.models import ActionItem

    github = fake(reply={"html_url": "https://github.example/acme/ops/issues/7"})
    jira = fake([201], reply={"key": "OPS-12"})
    with_settings(
        settings,
        github_token="ght",
        github_repo="acme/ops",
        github_api_url=github.url,
        jira_url=jira.url,
        jira_token="jt",
        jira_project="OPS",
    )
    pm = store.create(clean_text(), make_user("alice", "author")).postmortem
    first, second, _ = ActionItem.objects.filter(postmortem=pm)
    conf = server_settings()
    assert trackers.open_ticket(first, "github", conf) == "https://github.example/acme/ops/issues/7"
    path, headers, body = github.requests[0]
    assert path == "/repos/acme/ops/issues"
    assert headers["authorization"] == "Bearer ght"
    assert json.loads(body)["title"].startswith("Automate certificate renewal")
    assert trackers.open_ticket(second, "jira", conf) == f"{jira.url}/browse/OPS-12"
    assert json.loads(jira.requests[0][2])["fields"]["project"] == {"key": "OPS"}
    first.refresh_from_db()
    assert first.tracker_url.endswith("/issues/7")


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_nothing_is_sent_for_a_change_that_is_rolled_back(
    make_user: Callable[..., Any], outbox: Any
) -> None:
    from django.db import transaction

    from postmortems.server.workflow.models import Delivery
    from postmortems.server.workflow.notify import Kind, notify

    bob = make_user("bob", "reviewer")
    bob.email = "bob@example.com"

    def rolled_back() -> None:
        with transaction.atomic():
            notify(Kind.APPROVED, None, [bob], "never", now=NOW, key="k1")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        rolled_back()
    notify(Kind.APPROVED, None, [bob], "sent", now=NOW, key="k2")
    run_tasks()
    assert [m.subject for m in outbox] == ["[postmortems] sent"]
    assert list(Delivery.objects.values_list("key", "ok")) == [("k2", True)]


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_email_links_follow_the_port_pm_serve_listens_on(
    make_user: Callable[..., Any], settings: Any, outbox: Any
) -> None:
    from postmortems.server.workflow import services

    with_settings(
        settings,
        host="0.0.0.0",
        port=8123,
        script_name="/pm/",
    )
    alice, bob, pm = _alice_writes_bob_reviews(make_user)
    services.request_review(pm, alice, [bob], now=NOW)
    run_tasks()
    assert "http://localhost:8123/pm/p/PM-W-1/" in outbox[-1].body
    with_settings(settings, public_url="https://pm.example.com/team/")  # set: it wins
    from postmortems.server.workflow.notify import page_url

    assert page_url(pm) == "https://pm.example.com/team/p/PM-W-1/"


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_emails_go_one_each_on_one_line_to_who_may_still_read(
    make_user: Callable[..., Any], outbox: Any
) -> None:
    """A subject is one line of at most 200 characters (a title with a line break, or a long
    URL, made the email fail); each recipient gets an email of their own; and a postmortem
    restricted to other teams before the worker sends is not mailed to who may no longer read
    it."""
    from postmortems.server.library import store
    from postmortems.server.workflow.notify import Kind, notify

    people = [make_user(n, "viewer") for n in ("bob", "cy")]
    for user in people:
        user.email = f"{user.username}@example.com"
        user.save()
    pm = store.create(clean_text("PM-N-1"), None).postmortem
    text = "Checkout 502s\nafter the deploy " + "https://example.com/" + "x" * 3000
    notify(Kind.PUBLISHED, pm, people, text, now=NOW)
    run_tasks()
    sent = [m for m in outbox if "Checkout 502s" in m.subject]
    assert sorted(m.to[0] for m in sent) == ["bob@example.com", "cy@example.com"]
    assert all(len(m.to) == 1 for m in sent)
    assert sent[0].subject.startswith("[postmortems] Checkout 502s after the deploy https://")
    assert len(sent[0].subject) <= len("[postmortems] ") + 200
    assert "\n" not in sent[0].subject

    notify(Kind.PUBLISHED, pm, people, "PM-N-1 was published", now=NOW)
    secret = clean_text("PM-N-1").replace("---\n", "---\nrestricted: true\nteams: [sec]\n", 1)
    store.update("PM-N-1", secret, None, pm.version)  # before the worker sends
    run_tasks()
    assert not [m for m in outbox if "was published" in m.subject]  # nobody may read it now


def test_a_task_added_to_a_saved_postmortem_tells_its_owner(make_user: Callable[..., Any]) -> None:
    """A new line in the task list of an existing postmortem (a save, an import, the API's PUT)
    tells its owner, as a new postmortem's tasks and a changed owner do."""
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem, Delivery

    alice, _bob, pm = _alice_writes_bob_reviews(make_user)
    make_user("dana", "author")
    before = set(Delivery.objects.filter(kind="action-item-assigned").values_list("key", flat=True))
    added = "- [ ] Alert on certificates expiring within 14 days (owner: @dana, due: 2024-03-08)\n"
    text = pm.text.replace("- [ ] ", added + "- [ ] ", 1)
    assert added in text
    store.update(pm.key, text, alice, base_version=pm.version)
    item = ActionItem.objects.get(postmortem=pm, owner="dana")
    told = set(Delivery.objects.filter(kind="action-item-assigned").values_list("key", flat=True))
    assert told - before == {f"assigned:{item.pk}:dana"}
