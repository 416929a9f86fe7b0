"""Production settings (issue 13, item 10): `check --deploy` is clean with the documented
settings, HTTPS is explicit (`PM_HTTPS=1`), plain `pm serve` on localhost keeps working, and the
health check reports the database."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from tests.conftest import postgres_up

from postmortems.server.config import ServerSettings
from postmortems.server.djangoconf import django_settings

KEY = secrets.token_urlsafe(48)  # as docs/deploying.md makes one
# What docs/deploying.md tells a production deployment to set.
PRODUCTION = {
    "PM_HTTPS": "1",
    "PM_ALLOWED_HOSTS": "pm.example.com",
}


def _django(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    ours = ("PM_", "DATABASE_URL", "DJANGO_")  # the test run's own settings stay out
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    clean.update(
        PM_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="postmortems.server.settings",
        **env,
    )
    command = args if args[0].endswith("pm") else [sys.executable, *args]
    return subprocess.run(command, env=clean, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_the_documented_settings(tmp_path: Path) -> None:
    env = {**PRODUCTION, "PM_SECRET_KEY": secrets.token_urlsafe(50)}
    done = _django(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_https_check_deploy_names_what_is_missing(tmp_path: Path) -> None:
    env = {"PM_SECRET_KEY": secrets.token_urlsafe(50)}
    done = _django(["-m", "django", "check", "--deploy"], env, tmp_path)
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stderr + done.stdout


def test_https_is_explicit_and_off_by_default() -> None:
    plain = django_settings(ServerSettings(secret_key="x" * 50))
    assert not plain["SECURE_SSL_REDIRECT"]
    assert not plain["SESSION_COOKIE_SECURE"]
    assert plain["SECURE_PROXY_SSL_HEADER"] is None
    tls = django_settings(ServerSettings(secret_key="x" * 50, https=True))
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert tls[name] is True, name
    assert tls["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert tls["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_plain_http_on_localhost_keeps_working() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_https_redirects_and_sends_hsts(settings: object) -> None:
    for name, value in django_settings(ServerSettings(secret_key="x" * 50, https=True)).items():
        if name.startswith(("SECURE_", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")):
            setattr(settings, name, value)
    assert Client().get("/login/").status_code == 301
    secure = Client().get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert "max-age=31536000" in secure["Strict-Transport-Security"]
    assert Client().get("/healthz").status_code == 200  # the proxy's plain probe


@pytest.mark.django_db
def test_health_check_reports_the_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    # A load balancer probes a process by its address, whatever Host it sends.
    by_address = Client().get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert by_address.status_code == 200
    assert Client().get("/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400  # pages do not


def test_health_check_reports_an_unreachable_database(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.json()['database'])"
    )
    env = {
        "PM_SECRET_KEY": KEY,
        "PM_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
    }
    done = _django(["-c", code], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "503 unreachable", done.stdout  # no host, port or name
    assert "health check: the database is unreachable: " in done.stderr


def test_serve_with_an_unreachable_database_says_so_in_one_line(tmp_path: Path) -> None:
    pm = Path(sys.executable).with_name("pm")
    env = {
        "PM_SECRET_KEY": KEY,
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
    }
    with socket.socket() as free:  # a port nothing listens on: the database is what fails
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    done = _django([str(pm), "serve", "--port", str(port)], env, tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines == [  # the reason, not libpq's hint question on the line after it
        "pm: cannot reach the database at 127.0.0.1:1/none: Connection refused — check "
        "DATABASE_URL and that the database server is running"
    ], done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_reason_a_connection_failed_is_libpqs_reason() -> None:
    import psycopg

    from postmortems.server.outage import reason

    reasons = []
    for url in ("postgresql://postgres@127.0.0.1:1/x", f"{PG}/ops_no_such_database_here"):
        if url.startswith(PG) and not postgres_up():
            continue
        with pytest.raises(psycopg.OperationalError) as failed:
            psycopg.connect(url, connect_timeout=5)
        reasons.append(reason(failed.value))
    assert reasons[0] == "Connection refused"
    assert reasons[1:] in ([], ['FATAL: database "ops_no_such_database_here" does not exist'])
    assert reason(Exception("unable to open database file")) == "unable to open database file"


PG = "postgresql://postgres@127.0.0.1:5432"


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    # The workers bind with SO_REUSEPORT; without the check a second server would share the
    # port with the first, with or without that option on the first one's socket.
    pm = Path(sys.executable).with_name("pm")
    for reuse_port in (False, True):
        with socket.socket() as other:
            if reuse_port:
                other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            other.bind(("127.0.0.1", 0))
            other.listen()
            port = other.getsockname()[1]
            done = _django(
                [str(pm), "serve", "--port", str(port)], {"PM_SECRET_KEY": KEY}, tmp_path
            )
        assert done.returncode != 0
        lines = done.stderr.strip().splitlines()
        assert lines == [
            f"pm: port {port} on 127.0.0.1 is in use by another server — stop that server, or "
            "choose another port with --port or PM_PORT"
        ], done.stderr
        assert "Traceback" not in done.stdout


def test_serve_refuses_a_port_it_cannot_listen_on(tmp_path: Path) -> None:
    pm = Path(sys.executable).with_name("pm")
    for port in ("0", "70000"):
        done = _django([str(pm), "serve", "--port", port], {"PM_SECRET_KEY": KEY}, tmp_path)
        assert done.returncode != 0
        assert done.stderr.strip().splitlines() == [
            f"pm: port {port} is not a port to listen on — give --port or PM_PORT a number from 1 "
            "to 65535"
        ], done.stderr
    done = _django(
        [str(pm), "serve", "--host", "192.0.2.1", "--port", "8000"],
        {"PM_SECRET_KEY": KEY},
        tmp_path,
    )  # an address of another machine (TEST-NET-1): the bind fails, in one line
    assert done.returncode != 0
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("pm: cannot listen on 192.0.2.1:8000: "), line


def test_the_debug_page_shows_no_secret_of_the_settings(tmp_path: Path) -> None:
    """`PM_DEBUG=1` shows Django's error pages with the settings: the secrets of PM_SETTINGS (the
    key, the database URL's password, tokens, webhook URLs) are not on them."""
    secret_values = {
        "PM_SECRET_KEY": "key-" + secrets.token_urlsafe(40),
        "PM_JIRA_TOKEN": "jira-" + secrets.token_urlsafe(12),
        "PM_GITHUB_TOKEN": "ghp-" + secrets.token_urlsafe(12),
        "PM_WEBHOOK_SECRET": "hook-" + secrets.token_urlsafe(12),
        "PM_EMAIL_PASSWORD": "mail-" + secrets.token_urlsafe(12),
        "PM_WEBHOOK_URLS": "https://hooks.slack.example/T0/" + secrets.token_urlsafe(12),
    }
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/', HTTP_HOST='evil.example'); "
        "print(r.status_code); print(r.content.decode())"
    )
    done = _django(["-c", code], {"PM_DEBUG": "1", **secret_values}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("400"), done.stdout[:200]
    assert "PM_SETTINGS" in done.stdout  # the settings are listed, as Django's debug page does
    for name, value in secret_values.items():
        assert value not in done.stdout, name


def test_a_new_data_folder_is_readable_by_the_server_alone(tmp_path: Path) -> None:
    """The SQLite database (sessions, integrations' signing keys) is not for other accounts."""
    folder = tmp_path / "new" / "data"
    pm = Path(sys.executable).with_name("pm")
    empty = folder.parent.parent / "empty"
    empty.mkdir()
    done = _django([str(pm), "import", str(empty)], {"PM_SECRET_KEY": KEY}, folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "postmortems.sqlite3").is_file()
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_short_key_or_a_misspelled_variable_is_warned_of_and_a_blank_key_is_none(
    tmp_path: Path,
) -> None:
    pm = Path(sys.executable).with_name("pm")
    blank = _django([str(pm), "serve", "--port", "0"], {"PM_SECRET_KEY": "   "}, tmp_path)
    assert blank.returncode == 3
    assert "no secret key is set" in blank.stderr
    typo = _django([str(pm), "serve", "--port", "0"], {"PM_SECRETKEY": KEY}, tmp_path)
    assert typo.returncode == 3
    assert "PM_SECRETKEY is not a setting and is ignored: did you mean PM_SECRET_KEY?" in (
        typo.stderr
    )
    env = {"PM_SECRET_KEY": "x", "PM_ALOWED_HOSTS": "pm.example"}
    short = _django([str(pm), "serve", "--port", "0"], env, tmp_path)
    assert "warning: the secret key is short or repetitive" in short.stderr
    assert "PM_ALOWED_HOSTS is not a setting and is ignored: did you mean PM_ALLOWED_HOSTS?" in (
        short.stderr
    )


def test_admin_check_reads_the_data_folders_settings_file(tmp_path: Path) -> None:
    """What `pm serve --data-dir DIR` reads (DIR/server.toml), `pm admin check` checks."""
    pm = Path(sys.executable).with_name("pm")
    folder = tmp_path / "srv"
    folder.mkdir(mode=0o700)
    (folder / "server.toml").write_text(
        f'secret_key = "{secrets.token_urlsafe(48)}"\nhttps = true\n'
        'allowed_hosts = ["pm.example.com"]\ncsrf_trusted_origins = ["https://pm.example.com"]\n'
    )
    args = [str(pm), "admin", "check", "--data-dir", str(folder)]
    done = _django(args, {}, tmp_path / "elsewhere")  # PM_DATA_DIR names another folder
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced)."
    assert sorted(p.name for p in folder.iterdir()) == ["server.toml"]  # no database made
    (folder / "server.toml").write_text("https = false\n")
    plain = _django(args, {"PM_SECRET_KEY": secrets.token_urlsafe(50)}, tmp_path)
    assert plain.returncode == 1
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in plain.stderr
    keyless = _django(args, {}, tmp_path)
    assert keyless.returncode == 3
    assert keyless.stderr.strip().splitlines() == [
        "pm: no secret key is set — set PM_SECRET_KEY to a long random string (`python -c "
        "'import secrets; print(secrets.token_urlsafe(48))'`) or run with --demo"
    ]
