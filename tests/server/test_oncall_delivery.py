"""Page notifications leave through the worker: email to a real SMTP server on 127.0.0.1 and a
Slack-compatible post to a local HTTP server that checks the HMAC-SHA256 signature."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from oncall_fixtures import NOW, apply, policy, rotation
from workflow_fixtures import run_tasks, with_settings

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes
SECRET = "hook-secret-for-tests"


@pytest.fixture
def receiver(settings: Any) -> Iterator[list[dict[str, Any]]]:
    """A webhook receiver on 127.0.0.1 that accepts only correctly signed posts."""
    from postmortems.server.workflow import webhooks

    got: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            stamp, signature = self.headers["X-PM-Timestamp"], self.headers["X-PM-Signature"]
            ok = webhooks.verify(SECRET, stamp, body, signature or "", now=time.time())
            got.append({"ok": ok, "body": json.loads(body)})
            self.send_response(204 if ok else 401)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    with_settings(settings, webhook_urls=(url,), webhook_secret=SECRET)
    yield got
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _alice(make_user: Any) -> Any:
    alice = make_user("alice", "author")
    alice.email = "alice@example.com"
    alice.save()
    return alice


def _open() -> Any:
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    apply(policies=(policy(steps=(((("user", "alice"),), 10),)),))
    policy_row = Policy.objects.get()
    return paging.open_page(policy_row, summary="checkout 502s", incident_key="INC-7", now=NOW)


def test_a_page_emails_a_real_smtp_server_with_the_acknowledgement_link(
    smtp_server: list[Any], make_user: Any
) -> None:
    from postmortems.server.oncall.models import Notification

    _alice(make_user)
    _open()
    assert smtp_server == []  # sent by the worker, not by the code that pages
    run_tasks()
    (mail,) = smtp_server
    assert mail["To"] == "alice@example.com"
    assert "checkout 502s" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert "checkout 502s\r\nIncident: INC-7\r\n" in body  # no such incident: its key
    assert "/oncall/ack/" in body
    row = Notification.objects.get()
    assert (row.channel, row.ok, row.detail) == ("email", True, "sent")


def test_a_page_acknowledged_before_the_worker_sends_it_is_not_sent(
    smtp_server: list[Any], make_user: Any
) -> None:
    """A "you are paged" after the page was acknowledged would be wrong: the row says why it did
    not go (the demo's acknowledged page mailed its on-call at every start)."""
    from django.utils import timezone

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification

    alice = _alice(make_user)
    page = _open()
    paging.acknowledge(page, alice, timezone.now())
    run_tasks()
    assert smtp_server == []
    row = Notification.objects.get()
    assert (row.ok, row.detail) == (True, "not sent: the page was acknowledged before it went")
    from django.test import Client

    client = Client()
    client.force_login(alice)
    shown = client.get(f"/oncall/pages/{page.pk}/").content.decode()
    assert "not sent: the page was acknowledged before it went" in shown  # not "yes"


def test_a_page_posts_a_signed_slack_compatible_webhook(
    receiver: list[dict[str, Any]], make_user: Any
) -> None:
    from postmortems.server.oncall.models import Notification

    make_user("alice", "author")  # no email: the webhook only
    page = _open()
    run_tasks()
    (post,) = receiver
    assert post["ok"]  # the receiver checked the signature
    assert post["body"]["page"] == page.pk
    assert post["body"]["user"] == "alice"
    assert (post["body"]["incident"], post["body"]["step"], post["body"]["round"]) == (
        "INC-7",
        1,
        1,
    )
    assert "step 1 of 1" in post["body"]["text"]  # the numbers count as the text does
    assert "checkout 502s" in post["body"]["text"]
    assert post["body"]["blocks"][0]["type"] == "section"
    assert "/oncall/ack/" in post["body"]["url"]
    assert Notification.objects.get().ok


def test_an_opened_incident_is_announced_by_its_key_as_incident(
    receiver: list[dict[str, Any]], make_user: Any
) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.incidents.tasks import announce

    ann = make_user("ann", "author")
    incident, _ = services.new_incident(
        "Checkout 5xx", ann, severity="SEV1", team="sre", services=(), restricted=False, now=NOW
    )
    announce.call(incident.pk)
    (post,) = receiver
    assert post["ok"]
    assert (post["body"]["event"], post["body"]["incident"]) == ("incident-opened", incident.key)
    assert "postmortem" not in post["body"]
    assert f"Incident {incident.key} opened: SEV1 Checkout 5xx" == post["body"]["text"]


def test_a_webhook_signed_with_another_secret_is_refused_and_recorded(
    receiver: list[dict[str, Any]], make_user: Any, settings: Any
) -> None:
    from postmortems.server.oncall.models import Notification

    with_settings(settings, webhook_secret="wrong")
    make_user("alice", "author")
    _open()
    run_tasks()
    assert [p["ok"] for p in receiver] == [False]  # 401: not retried
    row = Notification.objects.get()
    assert not row.ok
    assert "HTTP 401" in row.detail


def test_the_worker_loop_escalates_with_its_clock(make_user: Any) -> None:
    """`pm worker`'s loop: each tick advances open pages to the clock's time."""
    import datetime as dt
    import threading

    from postmortems.server.oncall import ticker
    from postmortems.server.oncall.models import Notification

    _alice(make_user)
    make_user("bob", "author")
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    apply(policies=(policy(),))
    paging.open_page(Policy.objects.get(), summary="x", now=NOW)
    stop = threading.Event()

    def clock() -> dt.datetime:
        stop.set()  # one tick, then the loop ends
        return NOW + dt.timedelta(minutes=10)

    ticker.loop(stop, 0.01, clock)
    assert list(Notification.objects.values_list("user", "step")) == [("alice", 0), ("bob", 1)]


def _alice_asks_bob(make_user: Any, zone: str, **extra: str) -> tuple[Any, Any]:
    """alice (signed in on the client returned) asks bob, both with an address, for a swap."""
    from django.test import Client

    apply(rotation("primary", ("alice", "bob"), zone=zone), source="")
    alice, bob = _alice(make_user), make_user("bob", "author")
    bob.email = "bob@example.com"
    bob.save()
    client = Client()
    client.force_login(alice)
    ask = {"responder": "bob", "give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}
    assert client.post("/oncall/s/primary/swaps/", {**ask, **extra}).status_code == 302
    return client, bob


@pytest.mark.usefixtures("shifts_to_come")
def test_a_swap_is_emailed_to_the_person_asked_and_the_answer_to_the_one_who_asked(
    smtp_server: list[Any], make_user: Any
) -> None:
    """Before, a swap waited on the schedule's page until the person asked happened to open it."""
    client, bob = _alice_asks_bob(make_user, "Europe/Berlin", note="my sister's wedding")
    assert smtp_server == []  # sent by the worker
    run_tasks()
    (asked,) = smtp_server
    assert asked["To"] == "bob@example.com"
    assert asked["Subject"] == "[postmortems] alice asks you to take a shift on primary"
    body = asked.get_payload(decode=True).decode()
    assert "alice gives Mon 2 Mar 09:00–Tue 3 Mar 09:00 Europe/Berlin" in body
    assert "Note: my sister's wedding" in body
    assert "Accept or decline it: http" in body
    assert "/oncall/s/primary/#swaps" in body
    client.force_login(bob)
    listed = client.get("/oncall/")
    (swap, periods), *_ = listed.context["asked_of_me"]
    assert periods == ["alice gives Mon 2 Mar 09:00–Tue 3 Mar 09:00 Europe/Berlin"]
    assert "Europe/Berlin" in listed.content.decode()  # the schedule's zone, as in the email
    swap_id = swap.pk
    assert client.post(f"/oncall/swaps/{swap_id}/answer/", {"accept": "1"}).status_code == 302
    run_tasks()
    answered = smtp_server[1]
    assert answered["To"] == "alice@example.com"
    assert answered["Subject"] == "[postmortems] bob accepted your swap on primary"
    assert not client.get("/oncall/").context["asked_of_me"]  # answered: off bob's list


@pytest.mark.usefixtures("shifts_to_come")
def test_a_swap_answered_before_the_worker_runs_is_told_once_each(
    smtp_server: list[Any], make_user: Any
) -> None:
    """Each task carries its news: asked then declined before the worker ran gives bob nothing
    stale and alice one 'declined' (the task read the swap's state when it ran: two of them)."""
    client, bob = _alice_asks_bob(make_user, "UTC")
    client.force_login(bob)
    swap_id = client.get("/oncall/").context["asked_of_me"][0][0].pk
    client.post(f"/oncall/swaps/{swap_id}/answer/", {"accept": "0"})
    run_tasks()
    assert [(m["To"], m["Subject"]) for m in smtp_server] == [
        ("alice@example.com", "[postmortems] bob declined your swap on primary")
    ]


def test_a_page_whose_summary_holds_line_breaks_is_mailed_on_one_subject_line(
    smtp_server: list[Any], make_user: Any
) -> None:
    """Alertmanager templates write summaries of several lines: Django refused such a subject
    and nobody was paged by email."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Policy

    _alice(make_user)
    apply(policies=(policy(steps=(((("user", "alice"),), 10),)),))
    summary = "INC-8: checkout 502s\nfiring: 3 pods\r\nrunbook: https://example.com/r"
    paging.open_page(Policy.objects.get(), summary=summary, incident_key="INC-8", now=NOW)
    run_tasks()
    (mail,) = smtp_server
    shown = " ".join(str(mail["Subject"]).split())  # a long header is folded in transit
    assert shown == (
        "[postmortems] PAGE: INC-8: checkout 502s firing: 3 pods runbook: https://example.com/r"
    )
    assert Notification.objects.get().ok
