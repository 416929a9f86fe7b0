"""Parse and lint user text in a child process that can be stopped: the server's work per request.

Every pattern of the parser runs in linear time and a document has at most 500,000 characters,
but a bound that holds regardless of the parser (a nested YAML alias, a rule that goes wrong) is
what keeps one request from holding a server worker. The work runs in a child process forked from
a small server process that has the parser, linter and renderer loaded (multiprocessing's
``forkserver``: no fork of the threaded server process), at low CPU priority, with a memory
ceiling; a child still busy after the time limit is killed and the request answers
"too large or too complex" (422). A user runs one check at a time; a second one at the same time
answers 429 rather than queueing behind the first.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from postmortems.errors import PostmortemsError
from postmortems.server import config

T = TypeVar("T")

# The time and memory limits are the settings check_seconds (10: a 500,000-character postmortem
# lints in about a second) and check_memory_mib (1024 MiB of address space for one check).
MIB = 1024 * 1024
NICENESS = 10  # checks yield the CPU to page views
PRELOAD = ["postmortems.document", "postmortems.lint", "postmortems.render"]


class TooComplex(PostmortemsError):
    """The text took more than the server allows to check (time or memory)."""


class CheckFailed(PostmortemsError):
    """The child stopped without an answer for a reason that is not the text's (a fault of the
    server: an import that fails, a crash); the server's log has the child's traceback."""


class Busy(PostmortemsError):
    """The same user already has a check running."""


log = logging.getLogger(__name__)
# How a child over its memory ceiling dies when the allocation that fails is not Python's own.
_MEMORY_DEATHS = frozenset({-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS})
_running: set[str] = set()
_running_lock = threading.Lock()
_context_lock = threading.Lock()
_context: Any = None


def _forkserver() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def limits() -> tuple[float, int]:
    """(seconds, bytes): how long one check may run and how much memory it may use."""
    settings = config.current()
    return float(settings.check_seconds), settings.check_memory_mib * MIB


def _child(conn: Connection, memory: int, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    import resource

    try:
        os.nice(NICENESS)
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        conn.send((True, func(*args)))
    except MemoryError:
        conn.send((False, "memory"))
    except BaseException as exc:  # handed to the parent, which raises it there
        conn.send((False, exc))
    finally:
        conn.close()


def _too_complex(what: str) -> TooComplex:
    return TooComplex(
        f"this text is too large or too complex to check (over the {what} limit)",
        hint="split the document, or remove deeply nested or repeated front-matter structures",
    )


def _died(exitcode: int | None) -> PostmortemsError:
    """Why a child that sent nothing stopped: killed by a signal, as a failed allocation outside
    Python ends, is the memory limit; an exit of its own (an import that failed before the work
    began) is the server's fault, and says so rather than blaming the text."""
    if exitcode in _MEMORY_DEATHS:
        return _too_complex("memory")
    log.error("a check's child process exited with code %s without an answer", exitcode)
    return CheckFailed(
        f"the server could not check this text (its checking process exited with code "
        f"{exitcode}); this is a fault of the server, not of the text",
        hint="try again; if it keeps happening, tell the server's operator (the log says why)",
    )


def run(func: Callable[..., T], *args: Any, limit: float | None = None) -> T:
    """``func(*args)`` in a child process; :class:`TooComplex` when over the time or memory limit.

    ``func`` must be a module-level function of a module the child can import; its result and
    exceptions travel back pickled, and a :class:`PostmortemsError` it raises is raised here.
    """
    seconds, memory = limits()
    limit = limit or seconds
    receive, send = _forkserver().Pipe(duplex=False)
    child = _forkserver().Process(target=_child, args=(send, memory, func, args), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limit):
            raise _too_complex(f"{limit:g}-second")
        try:
            ok, value = receive.recv()
        except EOFError:  # the child died without answering
            ok, value = None, None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if ok is None:
        raise _died(child.exitcode)
    if ok:
        return value  # type: ignore[no-any-return]
    if value == "memory":
        raise _too_complex("memory")
    raise value


def run_for(user: str, func: Callable[..., T], *args: Any, limit: float | None = None) -> T:
    """:func:`run`, one at a time per ``user``: :class:`Busy` while their last check runs."""
    with _running_lock:
        if user in _running:
            raise Busy(
                "another check of yours is still running",
                hint="wait for it to finish, then try again",
            )
        _running.add(user)
    try:
        return run(func, *args, limit=limit)
    finally:
        with _running_lock:
            _running.discard(user)
