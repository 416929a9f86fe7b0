"""Every command of the README and the user docs runs as written, in a scratch copy of a clone.

The command blocks (```sh, and the ``$ `` lines of the transcripts) are read from the Markdown,
run in order per document (a later command uses what an earlier one wrote), and must exit with a
documented status and no traceback. Servers (``pm serve``, ``pm worker``, ``make run``) are started
on a free port of 127.0.0.1, must answer ``/healthz`` (the demo also its login page) and are
stopped. A command that cannot run here is listed in ``NOT_RUN`` with the reason, and the test
fails when a listed command is no longer in the docs. The benchmark commands are excepted.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from tests.conftest import postgres_up

ROOT = Path(__file__).resolve().parents[1]
USER_DOCS = sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "benchmarks.md")
DOCS = [ROOT / "README.md", *USER_DOCS]
FENCE = re.compile(r"^```(sh|bash|shell|console)\s*$")
PG = "postgresql://postgres@127.0.0.1:5432/"
# made by the deployment doc's createdb; one per parallel run, as the server tests' database
PG_DB = os.environ.get("PM_TEST_PG_NAME", "test") + "_docs"
PG_README_DB = os.environ.get("PM_TEST_PG_NAME", "test") + "_readme"  # the README's: made here

NOT_RUN = {
    "make test": "the whole test suite: this test is part of it",
    "make run": "its recipe is started by test_make_run_serves_the_demo",
    "xdg-open site/index.html": "opens a desktop browser",
    "createuser -h db.internal -U postgres --pwprompt pm": "asks for a password and makes a role "
    "on the shared server: the test connects as postgres, the owner of its database",
}
# What the interactive commands ask, answered as the docs show.
ANSWERS = {
    "pm new --interactive": "\n".join(
        ["Checkout API returned 502s", "2024-02-12 04:00", "2024-02-12 06:30", "PST", "SEV2", ""]
    ),
    "pm admin create-user": "alice-password-1\nalice-password-1\n",
}
# Documented exit statuses: 0, 1 (findings), 3 (some bad input files, the others done).
STATUSES = {0, 1, 3}


@dataclass(frozen=True)
class Command:
    doc: str
    line: int
    text: str


def commands_of(path: Path) -> list[Command]:
    """The commands of a document's shell blocks; in a transcript, only the ``$`` lines."""
    out: list[Command] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if not FENCE.match(lines[i]):
            i += 1
            continue
        start = i + 1
        end = next(j for j in range(start, len(lines)) if lines[j].startswith("```"))
        block = lines[start:end]
        transcript = any(b.startswith("$ ") for b in block)
        pending = ""
        for n, text in enumerate(block, start=start + 1):
            if transcript and not pending:
                if not text.startswith("$ "):
                    continue
                text = text[2:]
            if text.endswith("\\"):
                pending += text[:-1] + " "
                continue
            if (pending + text).strip():
                out.append(Command(path.name, n, (pending + text).strip()))
            pending = ""
        i = end + 1
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def localize(text: str, scratch: Path, port: int) -> str:
    """The docs' example hosts and folders, moved to this machine and the scratch folder."""
    text = text.replace("/srv/postmortems", str(scratch / "srv"))
    text = re.sub(r"--port \d+", f"--port {port}", text)
    text = text.replace("--host 0.0.0.0", "--host 127.0.0.1")
    text = text.replace(
        "pm:secret@db.internal:5432/postmortems", f"postgres@127.0.0.1:5432/{PG_DB}"
    )
    text = text.replace(
        "createdb -h db.internal -U postgres -O pm postmortems",
        f"createdb -h 127.0.0.1 -U postgres {PG_DB}",
    )
    text = text.replace(f"{PG}test ", f"{PG}{PG_README_DB} ")
    text = text.replace(
        "PM_SECRET_KEY=…", "PM_SECRET_KEY=docs-test-key-docs-test-key-docs-test-key-0123"
    )
    if "pm serve" in text and "--port" not in text:
        text += f" --port {port}"
    return text


def is_server(text: str) -> bool:
    return bool(re.search(r"\bpm serve\b", text)) or (
        re.search(r"\bpm worker\b", text) is not None and "--batch" not in text
    )


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone's files the docs use, the ready .venv, and a team's postmortems/ folder."""
    root = tmp_path_factory.mktemp("clone")
    for name in ("examples", "scripts"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copytree(ROOT / "examples", root / "postmortems")
    shutil.copytree(ROOT / "examples", root / "team-postmortems")  # ~ is the scratch folder
    (root / ".venv").symlink_to(Path(sys.prefix))
    return root


def _env(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PM_", "DATABASE_URL"))}
    env["PATH"] = f"{Path(sys.prefix) / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(scratch)
    return env


def _wait_for(url: str, proc: subprocess.Popen[bytes], host: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped (status {proc.returncode})")
        try:
            request = urllib.request.Request(url, headers={"Host": host} if host else {})
            with urllib.request.urlopen(request, timeout=5) as reply:
                return str(reply.read().decode())
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"no answer from {url} in {seconds} s")


def _start(script: str, scratch: Path, out: IO[str] | int) -> subprocess.Popen[bytes]:
    """``script`` run by bash in ``scratch``, in its own process group; its output to ``out``."""
    return subprocess.Popen(
        ["bash", "-c", script],
        cwd=scratch,
        env=_env(scratch),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _serve(script: str, scratch: Path, port: int, paths: tuple[str, ...]) -> str:
    """Start a server command, fetch ``paths`` from it, stop it; '' if all went well."""
    log = scratch / f"server-{port}.log"
    with log.open("w") as out:
        proc = _start(script, scratch, out)
        # as the load balancer does: the public name (PM_ALLOWED_HOSTS) in the Host header
        named = re.findall(r"PM_ALLOWED_HOSTS=([\w.-]+)", script)
        try:
            for path in paths:
                _wait_for(f"http://127.0.0.1:{port}{path}", proc, named[-1] if named else "")
            problem = ""
        except AssertionError as exc:
            problem = str(exc)
        finally:
            _stop(proc)
    output = log.read_text(encoding="utf-8", errors="replace")
    if problem or "Traceback" in output:
        return f"{problem}\n{output[-2000:]}"
    return ""


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """The server's whole process group (gunicorn's workers, the demo's task worker)."""
    for signal, wait in ((15, 20), (9, 10)):
        try:
            os.killpg(proc.pid, signal)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _worker_runs(script: str, scratch: Path) -> str:
    """``pm worker``: runs until stopped; a crash in its first seconds is the failure."""
    proc = _start(script, scratch, subprocess.PIPE)
    time.sleep(4)
    alive = proc.poll() is None
    if alive:
        os.killpg(proc.pid, 15)
    output = proc.communicate(timeout=20)[0].decode(errors="replace")
    return "" if alive and "Traceback" not in output else f"stopped:\n{output[-2000:]}"


def run_doc(path: Path, scratch: Path) -> list[str]:
    """Run a document's commands in order; the failures, each with the doc line."""
    failures: list[str] = []
    exports: list[str] = []
    for cmd in commands_of(path):
        if cmd.text in NOT_RUN or cmd.text.split("  #")[0].strip() in NOT_RUN:
            continue
        port = _free_port()
        text = localize(cmd.text, scratch, port)
        if PG in text.replace("postgres@127.0.0.1", PG.split("//")[1][:-1]) and not postgres_up():
            continue  # the PostgreSQL commands need the server of `make test`
        script = "\n".join([*exports, text])
        where = f"{cmd.doc}:{cmd.line}: {cmd.text}"
        if text.startswith("export "):
            exports.append(text)
            continue
        if re.search(r"\bpm worker\b", text) and "--batch" not in text:
            problem = _worker_runs(script, scratch)
        elif is_server(text):
            problem = _serve(script, scratch, port, ("/healthz",))
        else:
            problem = _run(script, scratch, cmd.text)
        if problem:
            failures.append(f"{where}\n{problem}")
    return failures


def _run(script: str, scratch: Path, shown: str) -> str:
    answers = next((a for prefix, a in ANSWERS.items() if prefix in shown), "")
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=scratch,
        env=_env(scratch),
        input=answers,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    if done.returncode not in STATUSES or "Traceback" in output:
        return f"exit {done.returncode}:\n{output[-2000:]}"
    return ""


@pytest.fixture(scope="module")
def _fresh_pg_database() -> None:
    """The database the deployment doc's ``createdb`` makes must not exist yet."""
    if postgres_up():
        drop = ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DB]
        subprocess.run(drop, capture_output=True, timeout=30, check=False)
        for step in ("dropdb", "createdb"):
            flag = ["--if-exists"] if step == "dropdb" else []
            make = [step, "-h", "127.0.0.1", "-U", "postgres", *flag, PG_README_DB]
            subprocess.run(make, capture_output=True, timeout=30, check=False)


@pytest.mark.usefixtures("_fresh_pg_database")
@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_doc_commands_run_as_written(doc: Path, scratch: Path) -> None:
    failures = run_doc(doc, scratch)
    assert not failures, "\n\n".join(failures)


def test_every_not_run_command_is_still_in_the_docs() -> None:
    shown = {c.text.split("  #")[0].strip() for doc in DOCS for c in commands_of(doc)}
    assert set(NOT_RUN) <= shown, set(NOT_RUN) - shown


def test_the_docs_have_commands_to_run() -> None:
    """The reader of the blocks finds the tour, the transcripts and the continued lines."""
    readme = [c.text for c in commands_of(ROOT / "README.md")]
    assert any(t.startswith("pm new ") for t in readme)
    cli = [c.text for c in commands_of(ROOT / "docs" / "cli.md")]
    assert not any(t.startswith("wrote ") for t in cli)  # output lines are not commands


def test_make_run_serves_the_demo(scratch: Path) -> None:
    """The ``run`` recipe of the Makefile (``pm serve --demo``) serves the demo's login page."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run:.*\n\t(.+)$", makefile, re.M)
    assert recipe, "the Makefile has no run target"
    port = _free_port()
    script = recipe.group(1).replace("$(BIN)/", "").replace("pm-data", "make-run-data")
    script += f" --port {port}"
    problem = _serve(script, scratch, port, ("/healthz", "/login/"))
    assert not problem, problem
