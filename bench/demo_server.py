"""`pm serve --demo` in a temporary folder for the benches that load a running server.

    with demo_server("postgres", 2, database="pm_hostile_bench") as server:
        urllib.request.urlopen(server.base + "/")

On PostgreSQL the named database is made afresh and dropped at the end; the server's log is
``server.log`` in its folder, named in the error when it does not come up.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PM = [sys.executable, "-m", "postmortems"]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class DemoServer:
    base: str
    pid: int
    env: dict[str, str]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _psql(sql: str, check: bool = False) -> None:
    subprocess.run(["psql", PG_ADMIN, "-qc", sql], check=check)


def _wait_for(base: str, proc: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"no server; see {log}") from None
            time.sleep(0.5)


@contextlib.contextmanager
def demo_server(
    db: str,
    workers: int,
    *,
    database: str,
    env: dict[str, str] | None = None,
    wait: float = 120,
) -> Iterator[DemoServer]:
    """Start the server on ``db`` ("sqlite" or "postgres", then in ``database``) with ``env``
    over the current environment; wait up to ``wait`` seconds for its login page."""
    folder = Path(tempfile.mkdtemp(prefix=f"{database}-"))
    port = free_port()
    full = {**os.environ, **(env or {}), "PM_DATA_DIR": str(folder), "PM_PORT": str(port)}
    full.pop("DATABASE_URL", None)
    if db == "postgres":
        _psql(f"DROP DATABASE IF EXISTS {database}")
        _psql(f"CREATE DATABASE {database}", check=True)
        full["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{database}"
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    command = [*PM, "serve", "--demo", "--workers", str(workers)]
    proc = subprocess.Popen(command, env=full, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, proc, folder / "server.log", wait)
        yield DemoServer(base, proc.pid, full)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        if db == "postgres":
            _psql(f"DROP DATABASE IF EXISTS {database}")
