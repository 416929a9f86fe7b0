"""The mail server settings (email_host, email_port, email_user, email_password, email_tls,
email_ssl): `pm worker` delivers notification emails to a real SMTP server process on 127.0.0.1
that asks for a sign-in, and the password is never in any output."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_operations import ops_port, pm, pm_env

from conftest import doc_text
from postmortems.server.config import ServerSettings, SettingsError, load
from postmortems.server.djangoconf import django_settings

PASSWORD = "smtp-Pa55-" + "q7x" * 4
# A mail server that wants a sign-in (AUTH PLAIN/LOGIN, over plain SMTP on 127.0.0.1) and writes
# what it receives as JSON lines: who signed in, the recipients, the message.
SERVER = """
import json, sys, time, warnings
warnings.simplefilter("ignore")  # AUTH without TLS: on 127.0.0.1, for the test
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

port, out, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def write(record):
    with open(out, "a") as f:
        f.write(json.dumps(record) + "\\n")
def check(server, session, envelope, mechanism, data):
    ok = data.login == b"mailer" and data.password == password.encode()
    write({"login": data.login.decode(), "ok": ok})
    return AuthResult(success=ok, handled=False)  # a refusal answers 535
class Keep:
    async def handle_DATA(self, server, session, envelope):
        write({"to": envelope.rcpt_tos, "message": envelope.content.decode()})
        return "250 OK"
controller = Controller(Keep(), hostname="127.0.0.1", port=port, authenticator=check,
                        auth_require_tls=False, auth_required=True)
controller.start()
print("ready", flush=True)
while True:
    time.sleep(60)
"""


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A real SMTP server process on a port of the run's range (``ops_port``); its port and its
    record file."""
    port, record = ops_port(), tmp_path / "mail.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port), str(record), PASSWORD],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    yield port, record
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()


def _records(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def _mail_env(tmp_path: Path, port: int, password: str, **more: str) -> dict[str, str]:
    """The environment of `pm` commands that send mail through the test's server."""
    return pm_env(
        tmp_path / "data",
        PM_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        PM_EMAIL_HOST="127.0.0.1",
        PM_EMAIL_PORT=str(port),
        PM_EMAIL_USER="mailer",
        PM_EMAIL_PASSWORD=password,
        **more,
    )


def test_the_worker_signs_in_to_the_mail_server_and_delivers(
    mail_server: tuple[int, Path], tmp_path: Path
) -> None:
    port, record = mail_server
    env = _mail_env(tmp_path, port, PASSWORD, PM_PUBLIC_URL="https://pm.example.com")
    docs = tmp_path / "docs"
    docs.mkdir()
    assert pm("import", str(docs), env=env).returncode == 0  # a new, empty database
    made = pm(
        "admin", "create-user", "bob", "--password", "pw-bob-12345", "--email",
        "bob@example.com", "--team", "sre", "--role", "author", env=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (docs / "pm.md").write_text(doc_text("PM-MAIL-1"))  # an action item for @bob
    outputs = [pm("import", str(docs), env=env)]
    outputs.append(pm("worker", "--batch", env=env))
    assert outputs[-1].returncode == 0, outputs[-1].stderr
    deadline = time.monotonic() + 10
    while not any("to" in r for r in _records(record)) and time.monotonic() < deadline:
        time.sleep(0.2)
    received = _records(record)
    assert {"login": "mailer", "ok": True} in received
    [mail] = [r for r in received if "to" in r]
    assert mail["to"] == ["bob@example.com"]
    assert "https://pm.example.com/p/PM-MAIL-1/" in str(mail["message"])
    for done in outputs:
        assert PASSWORD not in done.stdout + done.stderr


def test_a_wrong_password_fails_the_delivery_without_showing_it(
    mail_server: tuple[int, Path], tmp_path: Path
) -> None:
    port, record = mail_server
    wrong = "not-" + PASSWORD
    env = _mail_env(tmp_path, port, wrong)
    docs = tmp_path / "docs"
    docs.mkdir()
    pm("import", str(docs), env=env)
    pm("admin", "create-user", "bob", "--password", "pw-bob-12345", "--email", "b@example.com",
       "--team", "sre", "--role", "author", env=env)  # fmt: skip
    (docs / "pm.md").write_text(doc_text("PM-MAIL-2"))
    outputs = [pm("import", str(docs), env=env), pm("worker", "--batch", env=env)]
    assert {"login": "mailer", "ok": False} in _records(record)
    assert not any("to" in r for r in _records(record))
    # What went wrong, by the exception's class and the server's code, never its words.
    assert "email: SMTPAuthenticationError (SMTP 535)" in outputs[-1].stderr
    assert "Authentication credentials invalid" not in outputs[-1].stderr
    # One line for the failed task, no traceback; cron is told by the exit code.
    assert "Traceback" not in outputs[-1].stderr
    assert "state=FAILED: not delivered: email: SMTPAuthenticationError (SMTP 535)" in (
        outputs[-1].stderr
    )
    assert outputs[-1].returncode == 3
    assert outputs[-1].stderr.strip().splitlines()[-1] == (
        "pm worker: 1 task(s) failed (the reasons are above; each is recorded as failed, with "
        "its error, in the admin's Database task results)"
    )
    for done in outputs:
        assert wrong not in done.stdout + done.stderr


def test_the_mail_settings_become_djangos_and_the_password_is_not_in_the_repr() -> None:
    s = load(
        env={
            "PM_EMAIL_HOST": "smtp.example.com",
            "PM_EMAIL_PORT": "587",
            "PM_EMAIL_USER": "pm",
            "PM_EMAIL_PASSWORD": PASSWORD,
            "PM_EMAIL_TLS": "1",
            "PM_SECRET_KEY": "k" * 50,
        }
    )
    derived = django_settings(s)
    assert (
        derived["EMAIL_HOST"],
        derived["EMAIL_PORT"],
        derived["EMAIL_HOST_USER"],
        derived["EMAIL_HOST_PASSWORD"],
        derived["EMAIL_USE_TLS"],
        derived["EMAIL_USE_SSL"],
    ) == ("smtp.example.com", 587, "pm", PASSWORD, True, False)
    assert PASSWORD not in repr(s)
    assert (ServerSettings().email_host, ServerSettings().email_port) == ("localhost", 25)


def test_tls_and_ssl_together_or_a_port_out_of_range_are_refused() -> None:
    with pytest.raises(SettingsError, match="email_tls and email_ssl are both on — choose one"):
        load(env={"PM_EMAIL_TLS": "1", "PM_EMAIL_SSL": "1"})
    with pytest.raises(SettingsError, match="email_port=70000 is out of range"):
        load(env={"PM_EMAIL_PORT": "70000"})
