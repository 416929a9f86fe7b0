"""A notification that cannot be delivered is logged by its kind, its postmortem's key, the
channel and a reason that cannot carry what it said: a mail server that refuses a message may
quote its subject (the title of a restricted postmortem) or the account it signed in with."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from workflow_fixtures import with_settings

NOW = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
TITLE = "Payroll export leaked salaries"  # the restricted postmortem's title
PASSWORD = "hunter2-SMTP-pass"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def refusing_smtp(settings: Any) -> Iterator[Callable[..., None]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that refuses every message, quoting its
    subject in the refusal as some servers do; ``login()`` makes the server ask for a sign-in
    that it refuses, quoting the user name and password it was given."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    class Refuse:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            subject = next(
                (line for line in envelope.content.decode().splitlines() if "Subject" in line), ""
            )
            return f"554 5.7.1 message refused: {subject}"

    def refuse_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        said = f"535 5.7.8 no account {data.login.decode()} with {data.password.decode()}"
        return AuthResult(success=False, handled=False, message=said)

    controllers: list[Any] = []

    def start(*, login: bool = False) -> None:
        port = _free_port()
        options: dict[str, Any] = {"auth_require_tls": False, "authenticator": refuse_login}
        controller = Controller(
            Refuse(),
            hostname="127.0.0.1",
            port=port,
            ready_timeout=10,
            **(options if login else {}),
        )
        controller.start()
        controllers.append(controller)
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 10
        if login:
            settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "pm-mailer", PASSWORD
        with_settings(settings, email_backend="django.core.mail.backends.smtp.EmailBackend")

    yield start
    for controller in controllers:
        controller.stop()


def _restricted_review_request(make_user: Any, make_pm: Any) -> tuple[Any, Any]:
    """A restricted postmortem of team sre and a notification to its reviewer, not sent yet."""
    from postmortems.server.workflow.notify import Kind, notify

    bob = make_user("bob", "reviewer", team="sre")
    bob.email = "bob@example.com"
    bob.save()
    pm = make_pm("PM-SEC-1", restricted=True, teams="sre", title=TITLE)
    delivery = notify(Kind.REVIEW_REQUESTED, pm, [bob], f"Please review {pm.title}", now=NOW)
    return pm, delivery


def _send(pm: Any, delivery: Any, caplog: Any) -> list[str]:
    from postmortems.server.workflow.notify import Kind, send

    with caplog.at_level("WARNING"):
        return send(delivery, Kind.REVIEW_REQUESTED, pm, ["bob@example.com"], f"Review {TITLE}")


def test_a_refused_email_is_logged_by_kind_key_channel_and_code_never_its_subject(
    refusing_smtp: Callable[..., None], make_user: Any, make_pm: Any, caplog: Any
) -> None:
    from postmortems.server.workflow.tasks import NotDelivered, deliver

    refusing_smtp()
    pm, delivery = _restricted_review_request(make_user, make_pm)
    problems = _send(pm, delivery, caplog)
    assert problems == ["email: SMTPDataError (SMTP 554)"]
    line = (
        "notification review-requested of PM-SEC-1 not delivered: email: SMTPDataError (SMTP 554)"
    )
    assert line in caplog.text
    delivery.refresh_from_db()
    assert (delivery.ok, delivery.detail) == (False, "email: SMTPDataError (SMTP 554)")
    # The worker's task fails with the same words (django-tasks logs and stores its error).
    with pytest.raises(NotDelivered) as failed:
        deliver.func(delivery.pk, "review-requested", pm.pk, ["bob@example.com"], TITLE)
    assert TITLE not in str(failed.value)
    assert TITLE not in caplog.text


def test_a_refused_sign_in_to_the_mail_server_never_logs_the_password(
    refusing_smtp: Callable[..., None], make_user: Any, make_pm: Any, caplog: Any
) -> None:
    refusing_smtp(login=True)
    pm, delivery = _restricted_review_request(make_user, make_pm)
    problems = _send(pm, delivery, caplog)
    assert problems == ["email: SMTPAuthenticationError (SMTP 535)"]
    assert "PM-SEC-1 not delivered: email: SMTPAuthenticationError (SMTP 535)" in caplog.text
    delivery.refresh_from_db()
    for said in (caplog.text, delivery.detail):
        assert PASSWORD not in said
        assert "pm-mailer" not in said
        assert TITLE not in said


class _Echo(BaseHTTPRequestHandler):
    """A receiver that answers 400 with the body it was sent, as a proxy's error page may."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        said = body.decode().encode("ascii", "replace").decode()
        self.send_response(400, said[:300].replace("\n", " "))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_refused_page_is_logged_without_its_summary(
    make_user: Any, settings: Any, caplog: Any
) -> None:
    """A page's summary is an incident's title: an email refused by the mail server that quotes
    it, and a webhook that answers with the body it got, log neither."""
    from oncall_fixtures import apply, policy
    from test_restricted_paths import login

    from postmortems.server.oncall import notify
    from postmortems.server.oncall.models import Notification

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hook = f"http://127.0.0.1:{server.server_port}/hook"
        with_settings(settings, webhook_urls=(hook,))
        ann = make_user("ann", "author", team="sre")
        for name in ("alice", "bob"):
            make_user(name, "viewer", team="sre")
        apply(policies=(policy(),))
        login(ann).post("/oncall/policies/sre-page/page/", {"summary": TITLE})
        row = Notification.objects.get(channel="webhook")
        with caplog.at_level("WARNING"):
            problems = notify.send(row.pk)
    finally:
        server.shutdown()
        server.server_close()
    assert problems == ["webhook 1 (127.0.0.1): HTTP 400 after 1 attempts"]
    assert f"page notification {row.pk} (page {row.page_id}) not delivered" in caplog.text
    assert TITLE not in caplog.text


def test_a_page_email_refused_by_the_mail_server_logs_no_summary(
    refusing_smtp: Callable[..., None], make_user: Any, caplog: Any
) -> None:
    from oncall_fixtures import apply, policy
    from test_restricted_paths import login

    from postmortems.server.oncall import notify
    from postmortems.server.oncall.models import Notification

    refusing_smtp()
    ann = make_user("ann", "author", team="sre")
    for name in ("alice", "bob"):
        user = make_user(name, "viewer", team="sre")
        user.email = f"{name}@example.com"
        user.save()
    apply(policies=(policy(),))
    login(ann).post("/oncall/policies/sre-page/page/", {"summary": TITLE})
    row = Notification.objects.filter(channel="email").first()
    assert row is not None
    with caplog.at_level("WARNING"):
        problems = notify.send(row.pk)
    assert problems == ["email: SMTPDataError (SMTP 554)"]
    assert "not delivered: email: SMTPDataError (SMTP 554)" in caplog.text
    assert TITLE not in caplog.text


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (
            ConnectionRefusedError(111, "Connection refused to secret-title"),
            "ConnectionRefusedError",
        ),
        (TimeoutError("timed out while sending secret-title"), "TimeoutError"),
        (ValueError("secret-title"), "ValueError"),
        (
            ssl.SSLCertVerificationError(1, "verify failed: secret-title"),
            "SSLCertVerificationError",
        ),
    ],
)
def test_a_reason_is_a_class_and_a_number_never_a_message(exc: Exception, said: str) -> None:
    from postmortems.server.undelivered import why

    assert why(exc).startswith(said)
    assert "secret-title" not in why(exc)
    assert "Operation not permitted" not in why(exc)  # a TLS error's errno is not the system's


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def test_a_webhook_that_cannot_be_reached_is_named_by_class_and_code() -> None:
    """Real failures on 127.0.0.1: TLS spoken to a plain HTTP server, and a closed port."""
    from postmortems.server.workflow import webhooks

    plain = ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    try:
        tls = webhooks.post(
            f"https://127.0.0.1:{plain.server_port}/x", {"text": "t"}, "", delays=()
        )
    finally:
        plain.shutdown()
        plain.server_close()
    assert tls.error == "SSLError (WRONG_VERSION_NUMBER)"
    closed = webhooks.post(f"http://127.0.0.1:{_free_port()}/x", {"text": "t"}, "", delays=())
    assert closed.error == "ConnectionRefusedError (Connection refused)"
