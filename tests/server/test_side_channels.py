"""Restricted content does not leak through side channels (issue 13, item 7).

Assignment and overdue emails went to action-item owners outside the postmortem's teams (and
`pm remind` repeated them daily), and webhook bodies named restricted postmortems in shared
channels. Emails now go only to people who may read the postmortem; webhook posts about a
restricted one carry no title, id or text. The receiver is a real local HTTP server.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from tests.server.conftest import doc_text
from workflow_fixtures import with_settings

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Breach of the payroll vault"


class Receiver:
    """A local webhook receiver that keeps every body it is sent."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                bodies.append(json.loads(raw))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    from postmortems.server.library import store

    people = {
        "sam": make_user("sam", "author", team="security"),
        "vic": make_user("vic", "author", team="sre"),  # owns an item, cannot see the postmortem
    }
    for user in people.values():
        user.email = f"{user.username}@example.com"
        user.save()
    text = doc_text("PM-SECRET", restricted=True, teams="security", title=SECRET_TITLE)
    text = text.replace("(owner: @bob, due: 2024-03-01)", "(owner: @vic, due: 2024-03-01)")
    text = text.replace(
        "- [ ] Automate certificate renewal",
        "- [ ] Rotate the vault keys (owner: @sam, due: 2024-03-01)\n"
        "- [ ] Automate certificate renewal",
    )
    pm = store.create(text, people["sam"]).postmortem
    return {**people, "pm": pm}


def test_assignment_emails_go_only_to_people_who_may_read_it(world: dict[str, Any]) -> None:
    from postmortems.server.workflow.models import Delivery

    assigned = Delivery.objects.filter(kind="action-item-assigned", postmortem=world["pm"])
    recipients = sorted(d.recipients for d in assigned)
    assert "vic@example.com" not in ",".join(recipients)
    assert "sam@example.com" in recipients


def test_remind_tells_nobody_outside_the_team(world: dict[str, Any]) -> None:
    from postmortems.server.workflow.models import Delivery
    from postmortems.server.workflow.reminders import remind

    for day in (10, 11):  # run on two days: the overdue reminder is daily
        remind(dt.datetime(2024, 3, day, 9, tzinfo=dt.UTC))
    overdue = Delivery.objects.filter(kind="action-item-overdue", postmortem=world["pm"])
    assert overdue.exists()
    assert all("vic@" not in d.recipients for d in overdue)


def test_webhooks_name_no_restricted_postmortem(
    world: dict[str, Any], receiver: Receiver, settings: Any
) -> None:
    from postmortems.server.workflow.models import Delivery
    from postmortems.server.workflow.notify import Kind, send

    with_settings(settings, webhook_urls=(receiver.url,))
    pm = world["pm"]
    text = f"{SECRET_TITLE} was published"
    delivery = Delivery.objects.create(
        key="t-1", kind="published", postmortem=pm, created=dt.datetime.now(dt.UTC)
    )
    send(delivery, Kind.PUBLISHED, pm, [], text)
    [body] = receiver.bodies
    raw = json.dumps(body)
    assert SECRET_TITLE not in raw
    assert "PM-SECRET" not in raw
    assert "restricted postmortem" in body["text"]


def test_webhooks_still_name_ordinary_postmortems(
    make_pm: Any, receiver: Receiver, settings: Any
) -> None:
    from postmortems.server.workflow.models import Delivery
    from postmortems.server.workflow.notify import Kind, send

    with_settings(settings, webhook_urls=(receiver.url,))
    pm = make_pm("PM-OPEN")
    delivery = Delivery.objects.create(
        key="t-2", kind="published", postmortem=pm, created=dt.datetime.now(dt.UTC)
    )
    send(delivery, Kind.PUBLISHED, pm, [], f"{pm.title} was published")
    [body] = receiver.bodies
    assert body["postmortem"] == "PM-OPEN"
    assert pm.title in body["text"]


def test_creating_with_a_hidden_id_answers_as_for_a_visible_one(make_user: Any) -> None:
    """The refusal names no postmortem and reads the same whether its holder is visible or
    hidden, so it does not tell a hidden postmortem from an id that is merely taken; a free id
    is created as usual."""
    from django.test import Client

    from postmortems.server.library import store

    store.create(doc_text("PM-SECRET", restricted=True, teams="red", title=SECRET_TITLE), None)
    store.create(doc_text("PM-OPEN", teams="blue"), None)
    client = Client()
    client.force_login(make_user("bob", "author", team="blue"))
    assert client.get("/api/postmortems/PM-SECRET").status_code == 404

    def create(key: str) -> Any:
        body = json.dumps({"text": doc_text(key, teams="blue")})
        return client.post("/api/postmortems", body, content_type="application/json")

    hidden, visible = create("PM-SECRET"), create("PM-OPEN")
    assert hidden.status_code == visible.status_code == 409
    words = [
        r.json()["detail"].replace(key, "<id>")
        for r, key in ((hidden, "PM-SECRET"), (visible, "PM-OPEN"))
    ]
    assert words[0] == words[1]
    assert "already exists" not in words[0]
    assert SECRET_TITLE not in hidden.content.decode()
    assert create("PM-FREE").status_code == 201

    def editor(key: str) -> Any:
        return client.post("/new/", {"text": doc_text(key, teams="blue")})

    page_hidden, page_visible = editor("PM-SECRET"), editor("PM-OPEN")
    assert page_hidden.status_code == page_visible.status_code == 422
    shown = [
        r.content.decode().replace(key, "<id>")
        for r, key in ((page_hidden, "PM-SECRET"), (page_visible, "PM-OPEN"))
    ]
    assert "is not available" in shown[0]
    assert SECRET_TITLE not in shown[0]
    assert "already exists" not in shown[0]
