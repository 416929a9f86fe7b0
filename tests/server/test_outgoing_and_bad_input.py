"""A third security review's findings, closed: an integration with no signing key refuses every
sender; outgoing requests never follow a redirect (it would take the Authorization header to any
host); the database address is printed without its password; malformed alert payloads and Slack
exports are refused with a 4xx, and an export cannot make one import read gigabytes."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.server.conftest import server_log
from tests.server.incident_fixtures import example, integration, logged_in, open_incident, post

from postmortems.incident import signing

pytestmark = pytest.mark.django_db


def test_an_integration_added_in_the_admin_refuses_every_sender(make_user: Any) -> None:
    from postmortems.server.incidents.models import Incident, Integration

    admin = Client(raise_request_exception=False)
    admin.force_login(make_user("root", superuser=True))
    form = {"name": "prod", "kind": "alertmanager", "team": "sre", "auth": "hmac", "active": "on"}
    refused = admin.post("/admin/incidents/integration/add/", form | {"timezone": "Europe/Berln"})
    assert (
        "unknown timezone &#x27;Europe/Berln&#x27;" in refused.content.decode()
    )  # never lost alerts
    admin.post("/admin/incidents/integration/add/", form | {"timezone": "Europe/Berlin"})
    found = Integration.objects.get(name="prod")
    assert found.timezone == "Europe/Berlin"
    assert (
        found.auth == Integration.Auth.BEARER
    )  # the way senders prove who they are is not set here
    found.auth = Integration.Auth.HMAC  # and one made so by other means has no key either
    found.save()
    body = json.dumps(example("alertmanager")).encode()
    signed = {"X-PM-Signature": signing.sign(body, "", int(time.time()))}
    anon = Client(raise_request_exception=False)
    answer = anon.generic("POST", found.path, body, content_type="application/json", headers=signed)
    assert answer.status_code == 401
    assert "no signing key" in answer.json()["error"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("alertmanager", b'{"version": "4", "n": ' + b"1" * 5000 + b"}"),
        ("generic", b'{"alerts": [], "n": ' + b"1" * 5000 + b"}"),
        (
            "generic",
            b'{"alerts": [{"id": "x", "status": "firing", "summary": "s", '
            b'"started_at": "0001-01-01T00:00:00+23:59"}]}',
        ),
        (
            "generic",
            b'{"alerts": [{"id": "x", "status": "firing", "summary": "s", '
            b'"started_at": "9999-12-31T23:59:59-23:59"}]}',
        ),
    ],
)
def test_an_alert_payload_we_cannot_read_is_a_4xx(kind: str, body: bytes) -> None:
    client = Client(raise_request_exception=False)
    found, secret = integration(kind=kind)
    answer = post(client, found, secret, None, raw=body)
    assert 400 <= answer.status_code < 500
    assert answer.json()["error"]


def _zip(members: dict[str, bytes]) -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return SimpleUploadedFile("export.zip", buf.getvalue(), "application/zip")


def _corrupt() -> SimpleUploadedFile:
    raw = bytearray(_zip({"channels.json": b'[{"id": "C1", "name": "inc"}]' * 50}).read())
    start = raw.find(b"channels.json") + len("channels.json")
    for k in range(start + 5, start + 40):
        raw[k] ^= 0x55  # the compressed data, not the headers
    return SimpleUploadedFile("export.zip", bytes(raw), "application/zip")


@pytest.mark.parametrize("case", ["deep", "digits", "subtype", "ts", "files", "corrupt", "big"])
def test_a_slack_export_we_cannot_read_is_a_400(
    make_user: Any, client: Client, case: str, monkeypatch: Any
) -> None:
    from postmortems.incident import slack
    from postmortems.server.incidents.models import Event

    opened = open_incident(client)
    day = (opened.started or opened.detected or opened.created).date().isoformat()
    at = str(int(opened.created.timestamp()) + 1) + ".1"
    me = logged_in(make_user("ann", "author", team="sre"))
    me.raise_request_exception = False
    channels = json.dumps([{"id": "C1", "name": "inc"}]).encode()
    messages = {
        "subtype": [{"ts": at, "text": "x", "subtype": ["a"]}],
        "ts": [{"ts": "9" * 20 + ".1", "text": "x"}],
        "files": [{"ts": at, "files": 5}],
    }
    if case == "deep":
        upload = _zip({"channels.json": b"[" * 200_000})
    elif case == "digits":
        upload = _zip({"channels.json": b"[" + b"1" * 5000 + b"]"})
    elif case == "corrupt":
        upload = _corrupt()
    elif case == "big":
        monkeypatch.setattr(slack, "MAX_READ_BYTES", 10_000)
        upload = _zip({"channels.json": channels, f"inc/{day}.json": b"[" + b"{}," * 5000 + b"{}]"})
    else:
        upload = _zip(
            {"channels.json": channels, f"inc/{day}.json": json.dumps(messages[case]).encode()}
        )
    answer = me.post(f"/incidents/{opened.key}/slack/", {"export": upload, "channel": "inc"})
    if case in ("subtype", "ts", "files"):  # odd values in a message: that message is skipped
        assert answer.status_code == 302
        assert Event.objects.filter(incident=opened, kind="chat-message").count() == (
            1 if case == "subtype" else 0
        )
    else:
        assert answer.status_code == 400
        assert b"Traceback" not in answer.content


class _Redirect(BaseHTTPRequestHandler):
    target = ""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(302)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def redirecting() -> Iterator[tuple[str, list[Any]]]:
    """A server that answers 302 to another local server, which records what reaches it."""
    seen: list[Any] = []

    class Other(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.command, self.path, self.headers.get("Authorization")))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    other = ThreadingHTTPServer(("127.0.0.1", 0), Other)
    handler = type("R", (_Redirect,), {"target": f"http://127.0.0.1:{other.server_port}/meta"})
    front = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    for server in (other, front):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{front.server_port}", seen
    for server in (other, front):
        server.shutdown()
        server.server_close()


def test_outgoing_requests_do_not_follow_redirects(redirecting: tuple[str, list[Any]]) -> None:
    from postmortems.server.workflow import trackers, webhooks
    from postmortems.server.workflow.errors import WorkflowError

    url, seen = redirecting
    outcome = webhooks.post(f"{url}/hook", {"a": 1}, "s", delays=())
    assert not outcome.ok
    assert outcome.status == 302
    with pytest.raises(WorkflowError, match="HTTP 302"):
        trackers._post(f"{url}/repos/o/r/issues", "ghp_SECRET", {"x": 1})
    assert seen == []  # the token never reached another address


def test_the_database_address_is_printed_without_its_password(tmp_path: Any) -> None:
    from postmortems.server.config import SettingsError, load
    from postmortems.server.djangoconf import database, database_label

    assert database_label("") == "SQLite"
    assert database_label("postgresql://u:TopSecret@db.internal:5433/pm") == "db.internal:5433/pm"
    label = database_label("postgresql://db.internal/pm?password=TopSecret&sslmode=require")
    assert label == "db.internal/pm"
    assert database_label("postgresql:///pm?host=/run/pg&password=TopSecret") == (
        "the local socket/pm"
    )
    url = "postgresql://u:p@host:abc/db"
    settings = load({}, {"DATABASE_URL": url, "PM_DATA_DIR": str(tmp_path)}, None)
    with pytest.raises(SettingsError, match="port in DATABASE_URL"):
        database(settings)


@pytest.mark.parametrize(
    "path",
    [
        "/oncall/ack/AckToken123.abc:xyz/",
        "/oncall/feed/FeedToken123.ics",
        "/feed/WzFd:Token123/",
        "/invite/MQ/cz7abc-Token123/",
    ],
)
def test_the_log_never_shows_the_token_of_a_secret_link(path: str) -> None:
    import logging

    with server_log() as stream:
        # a refused POST (no CSRF cookie): Django logs "Forbidden (…): <path>"
        Client(enforce_csrf_checks=True, raise_request_exception=False).post(path)
        logging.getLogger("django.request").error("Internal Server Error: %s", path)
    logged = stream.getvalue()
    assert "Token123" not in logged
    prefix = path[: path.index("Token123")].rsplit("/", 1)[0] + "/"
    assert f"{prefix}…" in logged  # the path, without its token


@pytest.mark.parametrize(
    ("path", "size", "status"),
    [
        ("/login/", 40 * 1024 * 1024, 413),
        ("/api/postmortems", 9 * 1024 * 1024, 413),
        ("/incidents/INC-1/slack/", 52 * 1024 * 1024, 413),
    ],
)
def test_a_body_larger_than_any_form_takes_is_refused_before_it_is_read(
    path: str, size: int, status: int
) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    # The declared length is what is checked: the test sends a small body claiming a large one.
    answer = client.generic(
        "POST",
        path,
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(size),
    )
    assert answer.status_code == status


@pytest.mark.parametrize("path", ["/api/lint", "/hooks/generic/x/", "/login/"])
def test_a_chunked_body_is_refused_with_411_not_read_as_empty(path: str) -> None:
    """Django reads a body by its length: a chunked one would look empty (a 422 "field
    required", a hook's "the body is empty"), so it is refused, saying what to send."""
    client = Client(raise_request_exception=False)
    answer = client.generic(
        "POST", path, b'{"text": "x"}', content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )  # fmt: skip
    assert answer.status_code == 411
    assert answer.json()["detail"].startswith("a chunked body is not read: send the body with a")


def test_a_slack_sized_upload_needs_a_signed_in_session_before_it_is_read(
    make_user: Any,
) -> None:
    """The export's 51 MB limit is for someone signed in; anyone else gets the 8 MiB of any
    form, refused by the declared length before the body is read."""
    sized = {"content_type": "multipart/form-data; boundary=x", "CONTENT_LENGTH": str(20 << 20)}
    anonymous = Client(raise_request_exception=False)
    assert anonymous.generic("POST", "/incidents/INC-1/slack/", b"x", **sized).status_code == 413
    anonymous.cookies["sessionid"] = "made-up"
    assert anonymous.generic("POST", "/incidents/INC-1/slack/", b"x", **sized).status_code == 413
    member = Client(raise_request_exception=False)
    member.force_login(make_user("ann", "author"))
    answer = member.generic("POST", "/incidents/INC-1/slack/", b"x", **sized)
    assert answer.status_code != 413  # read, then refused by the view as it is


def test_the_alert_hooks_never_read_a_body_as_a_form(monkeypatch: Any) -> None:
    """A multipart upload to /hooks/… is not parsed (its files spooled to disk) by the input
    checks: the hook reads its body itself, up to 1 MB, whoever sends it."""
    from django.http import HttpRequest

    read: list[str] = []

    def spy(self: HttpRequest) -> None:
        read.append(self.path)

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", spy)
    body = io.BytesIO(b"A" * 2_000_000)
    body.name = "x.bin"
    answer = Client(raise_request_exception=False).post("/hooks/generic/nobody/", {"f": body})
    assert answer.status_code in (404, 413)
    assert read == []


def test_a_session_ended_in_another_process_ends_here_within_a_minute(
    make_user: Any, monkeypatch: Any
) -> None:
    from django.contrib.sessions.models import Session
    from django.core.cache.backends import locmem

    from postmortems.server.sessioncache import MAX_AGE

    client = Client()
    client.force_login(make_user("ann", "viewer"))
    assert client.get("/").status_code == 200  # the session is now in this process's cache
    Session.objects.all().delete()  # another worker process logged ann out
    assert client.get("/").status_code == 200  # still read from this process's memory ...
    later = time.time() + MAX_AGE + 1
    monkeypatch.setattr(locmem, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    assert client.get("/").status_code == 302  # ... for a minute at most: then signed out


def test_the_worker_says_when_emails_are_printed_to_its_output(tmp_path: Any) -> None:
    from tests.server.conftest import run_pm

    env = {"PM_DATA_DIR": str(tmp_path / "data"), "PM_SECRET_KEY": "k" * 50}
    made = run_pm("import", str(tmp_path), env=env, without=("DATABASE_URL",))
    assert made.returncode == 0, made.stderr
    console = run_pm("worker", "--batch", env=env, without=("DATABASE_URL", "PM_EMAIL_BACKEND"))
    assert console.returncode == 0, console.stderr
    assert "notification emails are printed here" in console.stderr
    smtp = {**env, "PM_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    quiet = run_pm("worker", "--batch", env=smtp, without=("DATABASE_URL",))
    assert quiet.returncode == 0, quiet.stderr
    assert "printed here" not in quiet.stderr


def test_the_cli_clients_do_not_follow_a_redirect_with_the_token(
    redirecting: tuple[str, list[Any]],
) -> None:
    from postmortems.commands.incident import Api
    from postmortems.commands.oncall_remote import apply_files
    from postmortems.commands.remote import ServerError

    url, seen = redirecting
    with pytest.raises(ServerError, match=r"answered with a redirect to http://127\.0\.0\.1"):
        Api(url, "pm_SECRET").call("POST", "/incidents", {"title": "x"})
    with pytest.raises(ServerError, match="answered with a redirect"):
        apply_files(url, "pm_SECRET", [("oncall/a.yaml", "schedules: []\n")], {}, dry_run=True)
    assert seen == []  # the token never reached the other address


@pytest.mark.parametrize("path", ["/api/incidents", "/api/postmortems", "/api/tokens"])
def test_a_form_posted_to_the_api_is_a_400_not_a_500(make_user: Any, path: str) -> None:
    """The API reads JSON: a multipart form (curl -F) was read as a form by the NUL check first,
    which left the API no body to read."""
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(make_user("ann", "author", team="sre"), "cli")
    api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    answer = api.post(path, {"title": "Checkout slow"})  # multipart/form-data
    assert answer.status_code == 400
    assert answer.json()["detail"] == "the body is not JSON: it is a form (multipart/form-data)"
    nul = api.post(path, {"title": "a\x00b"})
    assert nul.status_code == 400
