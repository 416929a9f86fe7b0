"""`pm serve --demo` stops the worker it started: politely, then by force, never a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys

from postmortems.commands.serve import stop

STUBBORN = (
    "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


def _start(code: str) -> subprocess.Popen[bytes]:
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline() == b"ready\n"  # its signal handler is in place
    return child


def test_a_worker_that_stops_on_request_is_stopped() -> None:
    child = _start("import time; print('ready', flush=True); time.sleep(60)")
    with child, child.stdout:  # type: ignore[union-attr]
        stop(child, grace=10, settle=0.2)
    assert child.returncode == -signal.SIGTERM


def test_a_worker_that_does_not_stop_in_time_is_killed() -> None:
    child = _start(STUBBORN)
    with child, child.stdout:  # type: ignore[union-attr]
        stop(child, grace=0.5, settle=0.2)
    assert child.returncode == -signal.SIGKILL


def test_a_worker_already_stopping_is_not_signalled_again() -> None:
    """As after a Ctrl+C, which the worker receives too: it ends on its own, unsignalled."""
    child = _start("import time; print('ready', flush=True); time.sleep(0.3)")
    with child, child.stdout:  # type: ignore[union-attr]
        stop(child, grace=10, settle=5)
    assert child.returncode == 0
