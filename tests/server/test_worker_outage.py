"""`pm worker` outlives a database outage: one line when the database goes away, one when it is
back, and the tasks queued meanwhile are sent. On PostgreSQL the outage is real (a TCP proxy in
front of the server, stopped and started again); the loop itself is also tested with the error
django-tasks-db's worker raises."""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from test_operations import Running, ops_port, pm, pm_env

from conftest import doc_text

PG_HOST, PG_PORT = "127.0.0.1", 5432


@pytest.mark.django_db(transaction=True)  # the wait closes the connections, as a worker does
def test_the_worker_waits_for_the_database_and_runs_again(caplog: Any) -> None:
    from postmortems.commands.worker import run_tasks

    runs: list[list[str]] = []
    waits: list[float] = []

    def worker_loop(args: list[str]) -> None:
        runs.append(args)
        if len(runs) < 3:  # django-tasks-db raises what the query raised
            raise OperationalError(
                'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
                "Connection refused\n\tIs the server running on that host and accepting TCP/IP "
                "connections?"
            )

    with caplog.at_level(logging.WARNING, logger="postmortems.server.outage"):
        run_tasks(["--interval", "1"], run=worker_loop, sleep=waits.append)
    assert runs == [["--interval", "1"]] * 3  # ran again after each outage, then stopped
    assert waits == [1.0, 1.0]  # the database answered at the first look each time
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 4, lines
    assert lines[0].startswith("pm worker: lost the database at ")
    assert lines[0].endswith(": Connection refused; waiting for it")
    assert lines[1].startswith("pm worker: the database at ")
    assert lines[1].endswith(" is back")


def test_the_wait_backs_off_until_the_database_answers(monkeypatch: Any) -> None:
    from postmortems.server import outage

    answers = iter([False, False, False, False, False, True])
    monkeypatch.setattr(outage, "reachable", lambda: next(answers))
    monkeypatch.setattr(outage, "close_all", lambda: None)
    waits: list[float] = []
    outage.wait_for_database(OperationalError("gone"), "pm worker", sleep=waits.append)
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


# --- a real outage on PostgreSQL -------------------------------------------------------------


def _postgres_up() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


class Proxy:
    """A TCP proxy on 127.0.0.1:``port`` to PostgreSQL; ``stop`` closes every connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection((PG_HOST, PG_PORT))
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self.listener is not None:
            # wakes the thread in accept(): a plain close would leave the port listening
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets = []


def _wait_for(lines: list[str], text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not any(text in line for line in lines):
        assert time.monotonic() < deadline, f"no {text!r} in:\n" + "".join(lines[-40:])
        time.sleep(0.2)


def _collect(stream: Any, into: list[str]) -> None:
    for line in iter(stream.readline, ""):
        into.append(line)


@pytest.fixture
def pg_database() -> Any:
    """A new database on the PostgreSQL server (ops_…), dropped after the test."""
    if not _postgres_up():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    import psycopg

    name = f"ops_outage_{secrets.token_hex(4)}"
    with psycopg.connect(f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres") as admin:
        admin.autocommit = True
        admin.execute(f'CREATE DATABASE "{name}"')
        yield name
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_worker_outlives_a_real_database_outage(pg_database: str, tmp_path: Path) -> None:
    direct = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{pg_database}"
    proxy = Proxy(ops_port())
    proxy.start()
    env = pm_env(tmp_path / "data", DATABASE_URL=direct, PYTHONUNBUFFERED="1")
    docs = tmp_path / "docs"
    docs.mkdir()
    assert pm("import", str(docs), env=env).returncode == 0  # migrates the new database
    made = pm("admin", "create-user", "bob", "--password", "pw-bob-12345", "--email",
              "bob@example.com", "--team", "sre", "--role", "author", env=env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    through = f"postgresql://postgres@127.0.0.1:{proxy.port}/{pg_database}?connect_timeout=3"
    worker = Running(["worker"], {**env, "DATABASE_URL": through})
    out: list[str] = []
    err: list[str] = []
    for stream, into in ((worker.proc.stdout, out), (worker.proc.stderr, err)):
        threading.Thread(target=_collect, args=(stream, into), daemon=True).start()
    try:
        _wait_for(err, "Starting worker")
        time.sleep(2)  # idle, between two looks at the queue
        proxy.stop()  # the database goes away
        _wait_for(err, "pm worker: lost the database at 127.0.0.1:")
        time.sleep(3)
        assert worker.proc.poll() is None, "".join(err)  # still running, waiting
        (docs / "pm.md").write_text(doc_text("PM-OUTAGE-1"))  # queues an email for @bob
        assert pm("import", str(docs), env=env).returncode == 0
        proxy.start()  # the database is back
        _wait_for(err, "the database at 127.0.0.1:")
        _wait_for(out, "To: bob@example.com")  # the task queued during the outage is sent
    finally:
        worker.stop()  # before the proxy: stopped first, it would lose the database again
        proxy.stop()
    lost = [line for line in err if "lost the database" in line]
    assert len(lost) == 1, err
    assert "Traceback" not in "".join(err + out)
    assert worker.proc.returncode == 0  # stopped by its signal, as when idle


def test_on_postgresql_an_empty_or_a_newer_database_is_refused(
    pg_database: str, tmp_path: Path
) -> None:
    """(Beside the outage: the same fresh database of the PostgreSQL server.)"""
    import psycopg

    url = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{pg_database}"
    env = pm_env(tmp_path / "data", DATABASE_URL=url)
    empty = pm("admin", "reindex", env=env)
    assert empty.returncode == 3
    assert empty.stderr.strip() == (
        f"pm: the database at {PG_HOST}:{PG_PORT}/{pg_database} has no tables yet — start "
        "`pm serve` (or `pm import DIR`) with this DATABASE_URL first, or check DATABASE_URL"
    )
    (tmp_path / "docs").mkdir()
    assert pm("import", str(tmp_path / "docs"), env=env).returncode == 0
    assert pm("admin", "reindex", env=env).returncode == 0
    with psycopg.connect(url) as db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('oncall', '9999_newer', now()), ('workflow', '9999_newer', now())"
        )
    newer = pm("worker", "--batch", env=env)
    assert newer.returncode == 3
    assert "this one does not know oncall.9999_newer, workflow.9999_newer — " in newer.stderr
