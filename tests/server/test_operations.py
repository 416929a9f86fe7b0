"""What an operator meets running the server as docs/deploying.md says: the start-up banner, the
worker beside the server, the scheme behind a proxy, the data folder's modes, the commands that
need an existing database. Each runs the real `pm` in a new process, on ports 18700-18799 (the
PostgreSQL run, which `make test` runs alongside the SQLite one, on 18800-18899).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

KEY = "ops-test-key-" + "k" * 50


# Each run has its own ports: two runs side by side would otherwise both find a port free before
# either has started its server on it.
PORTS = range(18800, 18900) if os.environ.get("PM_TEST_DB") == "postgres" else range(18700, 18800)


def ops_port() -> int:
    """A free port of 127.0.0.1 in this run's range (:data:`PORTS`)."""
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def pm_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without the test run's settings, with a key, the folder and ``extra``."""
    ours = ("PM_", "DATABASE_URL", "DJANGO_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return {**env, "PM_SECRET_KEY": KEY, "PM_DATA_DIR": str(data_dir), **extra}


def pm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "postmortems", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Running:
    """A `pm` process started in its own process group, stopped by its id."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "postmortems", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def first_line(self, timeout: float = 60) -> str:
        """The first line of its standard output (the banner of `pm serve`)."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        line = ""
        while not line and time.monotonic() < deadline and self.proc.poll() is None:
            line = self.proc.stdout.readline()
        return line.strip()

    def stop(self) -> tuple[str, str]:
        """Stop the process group (gunicorn's workers too); its remaining output."""
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        out, err = self.proc.communicate(timeout=10)
        return out, err


@pytest.fixture
def running() -> Iterator[list[Running]]:
    """Processes a test starts; each is stopped after it, whatever happened."""
    started: list[Running] = []
    yield started
    for proc in started:
        if proc.proc.poll() is None:
            proc.stop()


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> int:
    """The status of a GET, waiting for the server to answer."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=5) as reply:
                return int(reply.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_with_a_public_url_the_banner_also_says_where_the_server_listens(
    tmp_path: Path, running: list[Running]
) -> None:
    port = ops_port()
    env = pm_env(tmp_path / "data", PM_PUBLIC_URL="https://pm.example.com")
    server = Running(["serve", "--port", str(port)], env)
    running.append(server)
    assert server.first_line() == (
        f"postmortems server on https://pm.example.com/  (listening on http://127.0.0.1:{port}/; "
        "SQLite, 1 worker)"
    )
    # A new server has no account yet: the banner says how to make the first one.
    assert server.first_line() == (
        "no accounts yet: make the first one, an administrator, with `pm admin create-user "
        f"NAME --superuser --data-dir {tmp_path / 'data'}`, in a shell with the same "
        "PM_SECRET_KEY (see docs/deploying.md)"
    )
    assert get(f"http://127.0.0.1:{port}/healthz") == 200  # where the banner says it listens
    _, err = server.stop()
    assert "background work (paging, escalations, emails) waits for `pm worker`" in err
    assert "PM_PUBLIC_URL is not set" not in err


def test_with_worker_the_server_runs_the_background_work_beside_it(
    tmp_path: Path, running: list[Running]
) -> None:
    """`pm serve --with-worker`: a `pm worker` beside the server (pages, escalations, emails),
    as the demo has; without a public URL the banner says which address links will name."""
    port = ops_port()
    server = Running(["serve", "--port", str(port), "--with-worker"], pm_env(tmp_path / "d"))
    running.append(server)
    assert server.first_line().startswith(f"postmortems server on http://127.0.0.1:{port}/")
    assert get(f"http://127.0.0.1:{port}/healthz") == 200
    children = subprocess.run(
        ["ps", "-o", "args=", "--ppid", str(server.proc.pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "postmortems worker" in children
    _, err = server.stop()
    assert "waits for `pm worker`" not in err
    assert (
        f"PM_PUBLIC_URL is not set: links in emails and webhooks name http://127.0.0.1:{port}/"
        in err
    )


def _login_post(base: str, headers: dict[str, str]) -> int:
    """Fetch /login/ for its CSRF cookie and token, then post the form (a wrong password) with
    ``headers`` and no Referer: the status (200: the form again; 403: the CSRF check refused)."""
    import http.cookiejar
    import re
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login/", timeout=10) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token, "no CSRF token on the login page"
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "nobody", "password": "wrong-pw"}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=body, headers=headers)
    try:
        with opener.open(request, timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_without_https_a_forwarded_proto_header_does_not_make_a_request_https(
    tmp_path: Path, running: list[Running]
) -> None:
    """gunicorn trusts X-Forwarded-Proto from 127.0.0.1 by default: the request would be secure,
    and Django's CSRF check would then ask for a Referer (403) although PM_HTTPS is off."""
    port = ops_port()
    server = Running(["serve", "--port", str(port)], pm_env(tmp_path / "data"))
    running.append(server)
    base = f"http://127.0.0.1:{port}"
    assert get(f"{base}/healthz") == 200
    assert _login_post(base, {}) == 400  # the login form again: wrong password, CSRF passed
    assert _login_post(base, {"X-Forwarded-Proto": "https"}) == 400  # 403 when trusted


def test_with_https_the_forwarded_proto_header_is_what_tells_https(
    tmp_path: Path, running: list[Running]
) -> None:
    port = ops_port()
    server = Running(["serve", "--port", str(port)], pm_env(tmp_path / "data", PM_HTTPS="1"))
    running.append(server)
    base = f"http://127.0.0.1:{port}"
    assert get(f"{base}/healthz") == 200
    opener = urllib.request.build_opener(NoRedirect())
    assert _status(opener, f"{base}/login/", {}) == 301  # to https
    assert _status(opener, f"{base}/login/", {"X-Forwarded-Proto": "https"}) == 200


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _status(opener: urllib.request.OpenerDirector, url: str, headers: dict[str, str]) -> int:
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.parametrize(
    "args",
    [
        ["worker", "--batch"],
        ["remind"],
        ["export", "out"],
        ["admin", "create-user", "dave", "--password", "pw-dave-12345"],
        ["admin", "reindex"],
        ["page", "list"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_an_operator_command_refuses_a_data_folder_without_a_database(
    tmp_path: Path, args: list[str]
) -> None:
    typo = tmp_path / "srv-typo"
    done = pm(*args, "--data-dir", str(typo), env=pm_env(tmp_path / "unused"))
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        f"pm: no database in {typo} (no postmortems.sqlite3) — start `pm serve --data-dir "
        f"{typo}` (or `pm import DIR --data-dir …`) there first, or fix --data-dir (PM_DATA_DIR)"
    ]
    assert not typo.exists()  # nothing made


def test_import_makes_the_database_and_the_operator_commands_then_use_it(tmp_path: Path) -> None:
    env = pm_env(tmp_path / "srv")
    (tmp_path / "docs").mkdir()
    assert pm("import", str(tmp_path / "docs"), env=env).returncode == 0
    made = pm("admin", "create-user", "dave", "--password", "pw-dave-12345", env=env)
    assert made.returncode == 0, made.stderr
    assert pm("worker", "--batch", env=env).returncode == 0


def _add_a_newer_migration(data_dir: Path) -> None:
    import sqlite3

    with sqlite3.connect(data_dir / "postmortems.sqlite3") as db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('library', '9999_from_a_newer_version', '2030-01-01')"
        )


def test_every_command_refuses_a_database_migrated_by_a_newer_version(tmp_path: Path) -> None:
    env = pm_env(tmp_path / "srv")
    (tmp_path / "docs").mkdir()
    assert pm("import", str(tmp_path / "docs"), env=env).returncode == 0
    _add_a_newer_migration(tmp_path / "srv")
    for args in (
        ["serve", "--port", str(ops_port())],
        ["worker", "--batch"],
        ["admin", "reindex"],
        ["import", str(tmp_path / "docs")],
    ):
        done = pm(*args, env=env)
        assert done.returncode == 3, args
        assert done.stderr.strip().splitlines()[-1] == (
            "pm: the database was migrated by a newer version of postmortems: this one does not "
            "know library.9999_from_a_newer_version — run the newer version, or restore the "
            "backup taken before the upgrade"
        ), args


def test_worker_and_remind_warn_once_when_links_would_point_at_this_machine(
    tmp_path: Path,
) -> None:
    env = pm_env(tmp_path / "srv")
    (tmp_path / "docs").mkdir()
    assert pm("import", str(tmp_path / "docs"), env=env).returncode == 0
    warning = (
        "warning: notification links start with http://127.0.0.1:8000/ as public_url is not "
        "set: set PM_PUBLIC_URL to the address people open (https://pm.example.com)"
    )
    for args in (["worker", "--batch"], ["remind"]):
        bare = pm(*args, env=env)
        assert bare.returncode == 0, bare.stderr
        assert bare.stderr.splitlines().count(warning) == 1, bare.stderr
        named = pm(*args, env={**env, "PM_PUBLIC_URL": "https://pm.example.com"})
        assert named.returncode == 0, named.stderr
        assert "notification links" not in named.stderr


def test_the_database_files_are_private_in_a_folder_the_operator_made(
    tmp_path: Path, running: list[Running]
) -> None:
    """A folder made with mkdir (755) and a database left readable (644): the server makes the
    files 0600 (the -wal and -shm files SQLite makes beside them too) and warns of the folder."""
    folder = tmp_path / "srv"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    env = pm_env(folder)
    (tmp_path / "docs").mkdir()
    assert pm("import", str(tmp_path / "docs"), env=env).returncode == 0
    database = folder / "postmortems.sqlite3"
    assert database.stat().st_mode & 0o777 == 0o600  # made private
    database.chmod(0o644)  # as an older version left it
    port = ops_port()
    server = Running(["serve", "--port", str(port)], env)
    running.append(server)
    assert get(f"http://127.0.0.1:{port}/login/") == 200  # a page: the -wal and -shm exist
    files = sorted(folder.glob("postmortems.sqlite3*"))
    assert [f.name for f in files] == [
        "postmortems.sqlite3",
        "postmortems.sqlite3-shm",
        "postmortems.sqlite3-wal",
    ]
    assert {f.name: f.stat().st_mode & 0o777 for f in files} == {f.name: 0o600 for f in files}
    _, err = server.stop()
    warning = f"warning: {folder} is open to other users (mode 755): it holds the database"
    assert sum(warning in line for line in err.splitlines()) == 1, err
