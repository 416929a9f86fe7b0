"""`pm push` from CI or a laptop: a real server (live_server) and the CLI in its own process with
only PM_URL and PM_TOKEN; what it creates, updates, leaves and refuses is the server's state,
and nothing written on the server is lost without --force (and not even then: its history)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.server.conftest import doc_text, run_pm

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL = ("PM_DATA_DIR", "DATABASE_URL", "PM_SECRET_KEY", "PM_URL", "PM_TOKEN")
NO_ID = doc_text("X").replace("id: X\n", "").replace("Checkout API", "Orders DB")


def _token(user: Any, scope: str = "write") -> str:
    from postmortems.server.accounts.models import ApiToken

    return ApiToken.issue(user, "ci", scope=scope)[1]


@pytest.fixture
def server(live_server: Any, make_user: Any) -> dict[str, dict[str, str]]:
    """The environments of sam (author of sre, the CI's user), sam's read token; priya is
    another author of sre who edits on the server's pages."""
    sam = make_user("sam", "author")
    make_user("priya", "author")
    url = live_server.url
    return {
        "sam": {"PM_URL": url, "PM_TOKEN": _token(sam)},
        "sam-read": {"PM_URL": url, "PM_TOKEN": _token(sam, "read")},
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository's postmortems folder: one file with an id, one without in a subfolder."""
    top = tmp_path / "postmortems"
    (top / "2024").mkdir(parents=True)
    (top / "checkout.md").write_text(doc_text("PM-T-1"), encoding="utf-8")
    (top / "2024" / "orders-db.md").write_text(NO_ID, encoding="utf-8")
    return top


def _push(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_pm("push", *args, env=env, without=LOCAL)


def _stored() -> dict[str, tuple[int, str, list[str | None]]]:
    """Each postmortem on the server: its version, its text, its revisions' authors (newest
    first)."""
    from postmortems.server.library.models import Postmortem

    return {
        pm.key: (
            pm.version,
            pm.text,
            [r.author.username if r.author else None for r in pm.revisions.all()],
        )
        for pm in Postmortem.objects.all()
    }


def test_a_folder_is_created_then_unchanged_then_updated(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    sam = server["sam"]
    first = _push(str(repo), env=sam)
    assert first.returncode == 0, first.stderr
    # the key is the front matter's id, else the path in the folder (as `pm import` gives it)
    assert first.stdout.splitlines() == [
        f"created 2024-orders-db  {repo}/2024/orders-db.md",
        f"created PM-T-1  {repo}/checkout.md",
        "2 files: 2 created, 0 updated, 0 unchanged, 0 refused",
    ]
    assert _stored() == {
        "PM-T-1": (1, doc_text("PM-T-1"), ["sam"]),
        "2024-orders-db": (1, NO_ID, ["sam"]),
    }
    from postmortems.server.library.models import Postmortem, Revision

    # each revision a push makes is marked by its note, the first one too; the file's path in
    # the folder is the postmortem's file name (`pm export` writes it there)
    first = Revision.objects.get(postmortem__key="2024-orders-db", number=1)
    assert first.message == f"pm push {repo}/2024/orders-db.md"
    assert Postmortem.objects.get(key="2024-orders-db").source_name == "2024/orders-db.md"
    again = _push(str(repo), env=sam)
    assert (again.returncode, again.stdout.splitlines()[0]) == (
        0,
        f"unchanged 2024-orders-db  {repo}/2024/orders-db.md",
    )
    assert again.stdout.endswith("2 files: 0 created, 0 updated, 2 unchanged, 0 refused\n")
    edited = doc_text("PM-T-1").replace("We renewed it.", "We renewed it by hand at 06:25.")
    (repo / "checkout.md").write_text(edited, encoding="utf-8")
    third = _push(str(repo), "--format", "json", env=sam)
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout) == [
        {"path": f"{repo}/2024/orders-db.md", "key": "2024-orders-db", "result": "unchanged",
         "previous_version": 1, "version": 1, "reason": None, "dry_run": False},
        {"path": f"{repo}/checkout.md", "key": "PM-T-1", "result": "updated",
         "previous_version": 1, "version": 2, "reason": None, "dry_run": False},
    ]  # fmt: skip
    assert _stored()["PM-T-1"] == (2, edited, ["sam", "sam"])
    assert Revision.objects.get(postmortem__key="PM-T-1", number=2).message == (
        f"pm push {repo}/checkout.md"
    )


def test_a_file_named_is_keyed_by_its_name_and_updated_from_it(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    path = repo / "2024" / "orders-db.md"
    done = _push(str(path), "-m", "timeline fixed", env=server["sam"])
    assert done.stdout.splitlines()[0] == f"created orders-db  {path}"
    path.write_text(NO_ID.replace("Pager alert", "Pager alert (PagerDuty)"), encoding="utf-8")
    done = _push(str(path), "-m", "timeline fixed", env=server["sam"])
    assert done.stdout.splitlines()[0] == f"updated orders-db v1→v2  {path}"
    from postmortems.server.library.models import Revision

    assert [r.message for r in Revision.objects.all()] == ["pm push: timeline fixed"] * 2


PRIYAS = ("We renewed it.", "We renewed it; the alert fired 7 minutes late.")


def _edit_on_the_server(
    key: str, who: str | None, edit: tuple[str, str] = PRIYAS, message: str = ""
) -> str:
    """What a save on the postmortem's page stores, as the next version (``who`` None: a
    server-side `pm import`)."""
    from django.contrib.auth import get_user_model

    from postmortems.server.library import store
    from postmortems.server.library.models import Postmortem

    pm = Postmortem.objects.get(key=key)
    text = pm.text.replace(*edit)
    user = get_user_model().objects.get(username=who) if who else None
    store.update(key, text, user, pm.version, message)
    return text


def test_an_edit_on_the_server_is_replaced_only_with_force(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    sam = server["sam"]
    assert _push(str(repo), env=sam).returncode == 0
    priyas = _edit_on_the_server("PM-T-1", "priya")
    path = repo / "checkout.md"
    path.write_text(doc_text("PM-T-1").replace("renewed it", "rotated it"), encoding="utf-8")
    refused = _push(str(repo), env=sam)
    assert refused.returncode == 1
    assert (
        f"refused PM-T-1  {path}: edited on the server by priya in version 2 since the last push; "
        "bring their change into the file, or --force replaces it (the server keeps version 2 in "
        "its history)"
    ) in refused.stdout.splitlines()
    assert refused.stdout.endswith("2 files: 0 created, 0 updated, 1 unchanged, 1 refused\n")
    assert _stored()["PM-T-1"] == (2, priyas, ["priya", "sam"])  # nothing written
    forced = _push(str(repo), "--force", env=sam)
    assert forced.returncode == 0, forced.stderr
    assert f"updated PM-T-1 v2→v3  {path}" in forced.stdout.splitlines()
    assert _stored()["PM-T-1"] == (3, path.read_text(encoding="utf-8"), ["sam", "priya", "sam"])
    kept = json.loads(_api_get("/postmortems/PM-T-1/revisions/2", sam))
    assert (kept["author"], kept["text"]) == ("priya", priyas)  # priya's version, in the history


def _api_get(path: str, env: dict[str, str]) -> str:
    import urllib.request

    request = urllib.request.Request(
        f"{env['PM_URL']}/api{path}", headers={"Authorization": f"Bearer {env['PM_TOKEN']}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(answer.read().decode())


def test_dry_run_says_what_it_would_do_and_writes_nothing(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    sam = server["sam"]
    assert _push(str(repo / "checkout.md"), env=sam).returncode == 0
    (repo / "checkout.md").write_text(doc_text("PM-T-1").replace("502s", "503s"), "utf-8")
    before = _stored()
    dry = _push(str(repo), "--dry-run", env=sam)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        f"would create 2024-orders-db  {repo}/2024/orders-db.md",
        f"would update PM-T-1 v1→v2  {repo}/checkout.md",
        "2 files: 1 to create, 1 to update, 0 unchanged, 0 refused "
        "(--dry-run: nothing was written)",
    ]
    assert _stored() == before
    # and it says what it would refuse: only GET requests, with a read token too
    _edit_on_the_server("PM-T-1", "priya")
    read = _push(str(repo), "--dry-run", "-f", "json", env=server["sam-read"])
    assert read.returncode == 1
    results = {r["key"]: (r["result"], r["dry_run"]) for r in json.loads(read.stdout)}
    assert results == {"2024-orders-db": ("created", True), "PM-T-1": ("refused", True)}
    assert len(_stored()) == 1


def test_a_read_token_is_refused_cleanly(server: dict[str, dict[str, str]], repo: Path) -> None:
    done = _push(str(repo), env=server["sam-read"])
    assert done.returncode == 1
    said = "the server answered 403: this token may only read: create a write token"
    assert f"refused PM-T-1  {repo}/checkout.md: {said}" in done.stdout
    assert done.stdout.endswith("2 files: 0 created, 0 updated, 0 unchanged, 2 refused\n")
    assert "Traceback" not in done.stderr + done.stdout
    assert _stored() == {}


def test_what_the_server_or_the_disk_refuses_is_said_per_file(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    (repo / "published.md").write_text(
        doc_text("PM-T-9").replace("status: draft", "status: published"), encoding="utf-8"
    )
    (repo / "empty.md").write_text("", encoding="utf-8")
    missing = repo / "gone.md"
    done = _push(str(repo), str(missing), env=server["sam"])
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    # the server decides what it stores: a new postmortem starts as a draft
    assert f"refused PM-T-9  {repo}/published.md: the server answered 4" in done.stdout
    assert "a new postmortem starts as a draft, not 'published'" in done.stdout
    assert f"skipped  {repo}/empty.md: the file is empty" in lines
    assert f"unreadable  {missing}: no such file — check the path" in lines
    assert lines[-1] == (
        "5 files: 2 created, 0 updated, 0 unchanged, 1 refused, 1 skipped, 1 unreadable"
    )
    assert set(_stored()) == {"PM-T-1", "2024-orders-db"}


def test_no_server_a_wrong_one_or_a_bad_token_is_said_plainly(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    url, token = server["sam"]["PM_URL"], server["sam"]["PM_TOKEN"]
    none = _push(str(repo), env={})
    assert none.returncode == 2
    assert none.stderr.startswith("pm: no team server to ask: PM_URL is not set — ")
    down = _push(str(repo), env={"PM_URL": "http://127.0.0.1:9", "PM_TOKEN": token})
    assert (down.returncode, down.stdout) == (3, "")
    assert down.stderr.startswith("pm: cannot reach http://127.0.0.1:9: ")
    wrong = _push(str(repo), env={"PM_URL": f"{url}/wiki", "PM_TOKEN": token})
    assert (wrong.returncode, wrong.stdout) == (3, "")
    assert wrong.stderr.startswith(
        f"pm: {url}/wiki is not a postmortems server: GET /api/me answered 404 — check --url"
    )
    bad = _push(str(repo), env={"PM_URL": url, "PM_TOKEN": "pm_not-a-token"})
    assert (bad.returncode, bad.stdout) == (3, "")
    assert bad.stderr.startswith(f"pm: {url} refused the token (401: ")
    for done in (none, down, wrong, bad):
        assert "Traceback" not in done.stderr
        assert len(done.stderr.splitlines()) == 1
        assert token not in done.stderr
    assert _stored() == {}


def test_a_save_made_while_it_ran_is_reported_and_not_retried() -> None:
    """The server's 409 on the update (someone saved between the read and the write)."""
    import io
    import urllib.error
    from email.message import Message

    from postmortems.commands.push import How, Local, push_one
    from postmortems.commands.remote import Api

    calls: list[str] = []

    class Racing(Api):
        def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
            calls.append(f"{method} {path}")
            if method == "PUT":
                said = json.dumps({"detail": "stale", "current_version": 4, "current_text": "x"})
                raise kw["refused"](
                    urllib.error.HTTPError(
                        path, 409, "Conflict", Message(), io.BytesIO(said.encode())
                    )
                )
            return [{"number": 3, "author": "sam", "message": "pm push a.md"}] if (
                "revisions" in path
            ) else {
                "version": 3, "text": "what sam pushed before"
            }  # fmt: skip

    done = push_one(Racing("http://pm.test", "t"), Local("a.md", "PM-1", "new"), How())
    assert (done.result, done.key, done.before) == ("refused", "PM-1", 3)
    assert done.reason.startswith("someone saved version 4 on the server while this push ran; ")
    assert calls == [
        "GET /postmortems/PM-1",
        "GET /postmortems/PM-1/revisions",
        "PUT /postmortems/PM-1",
    ]


def test_what_the_server_changed_since_the_last_push_is_kept(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    """The base is the text the last push wrote, not who saved last: sam's own typo fix on the
    page after priya's paragraph does not let a file without the paragraph replace it; a file
    that brought the paragraph in is pushed without --force."""
    sam, path = server["sam"], repo / "checkout.md"
    assert _push(str(path), env=sam).returncode == 0
    paragraph = ("We renewed it.", "We renewed it.\n\nThe alert fired 7 minutes late.")
    _edit_on_the_server("PM-T-1", "priya", paragraph)
    typo = _edit_on_the_server("PM-T-1", "sam", ("to 75% of users", "to 75 % of users"))
    refused = _push(str(path), env=sam)  # the file is still what the push wrote
    assert refused.returncode == 1
    assert refused.stdout.splitlines()[0] == (
        f"refused PM-T-1  {path}: edited on the server by priya and sam in versions 2–3 since "
        "the last push; bring their change into the file, or --force replaces it (the server "
        "keeps versions 2–3 in its history)"
    )
    assert _stored()["PM-T-1"][:2] == (3, typo)
    # the file brings their change in (the paragraph moved up, blank lines its own), and more
    mine = typo.replace("The alert fired 7 minutes late.\n", "").replace(
        "## Timeline\n", "## Timeline\n\n\nThe alert fired 7 minutes late.\n"
    )
    path.write_text(mine.replace("Pager alert", "Pager alert (PagerDuty)"), encoding="utf-8")
    done = _push(str(path), env=sam)
    assert done.stdout.splitlines()[0] == f"updated PM-T-1 v3→v4  {path}"
    # a server-side import since that push: the next file must carry it too
    _edit_on_the_server("PM-T-1", None, ("(PagerDuty)", "(PagerDuty, page 1)"), "import a.md")
    path.write_text(mine.replace("renewed", "rotated"), encoding="utf-8")
    refused = _push(str(path), "--dry-run", env=sam)
    assert "edited on the server by an import (no user) in version 5 since" in refused.stdout


def test_a_postmortem_no_push_wrote_is_replaced_only_with_force(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    """Made in the server's editor (or imported there): the file is its text, or --force."""
    from django.contrib.auth import get_user_model

    from postmortems.server.library import store

    priya = get_user_model().objects.get(username="priya")
    store.create(doc_text("PM-T-1"), priya)
    path, sam = repo / "checkout.md", server["sam"]
    assert _push(str(path), env=sam).stdout.startswith(f"unchanged PM-T-1  {path}\n")
    path.write_text(doc_text("PM-T-1").replace("renewed", "rotated"), encoding="utf-8")
    refused = _push(str(path), env=sam)
    assert refused.stdout.splitlines()[0] == (
        f"refused PM-T-1  {path}: made on the server by priya (its editor, or pm import) and "
        "never pushed; --force replaces it (the server keeps version 1 in its history)"
    )
    forced = _push(str(path), "--force", env=sam)
    assert forced.stdout.startswith(f"updated PM-T-1 v1→v2  {path}\n")
    path.write_text(doc_text("PM-T-1").replace("renewed", "replaced"), encoding="utf-8")
    assert _push(str(path), env=sam).stdout.startswith(f"updated PM-T-1 v2→v3  {path}\n")


def test_a_byte_order_mark_and_lone_cr_are_compared_as_the_server_stores_them(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    path, sam = repo / "checkout.md", server["sam"]
    crlf = doc_text("PM-T-1").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + crlf.replace("We renewed it.", "We\rrenewed it.").encode())
    assert _push(str(path), env=sam).stdout.startswith(f"created PM-T-1  {path}\n")
    stored = crlf.replace("We renewed it.", "We\nrenewed it.")
    assert _stored()["PM-T-1"][:2] == (1, stored)  # no BOM; CRLF kept, a lone CR a line end
    for args in ((), ("--dry-run",)):
        again = _push(str(path), *args, env=sam)
        assert again.stdout.startswith(f"unchanged PM-T-1  {path}\n"), args


def test_dry_run_predicts_the_servers_status_refusals(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    """The rule the server's save applies to the status a text states, checked without it."""
    from django.contrib.auth import get_user_model

    from postmortems.document.model import Status
    from postmortems.server.library import store
    from postmortems.server.library.models import Postmortem
    from postmortems.server.workflow.textedit import set_status

    sam = server["sam"]
    published = repo / "published.md"
    published.write_text(doc_text("PM-T-9").replace("status: draft", "status: published"), "utf-8")
    dry = _push(str(published), "--dry-run", env=sam)
    assert dry.stdout.splitlines()[0] == (
        f"refused PM-T-9  {published}: the server would refuse it (422): a new postmortem starts "
        "as a draft, not 'published' — set `status: draft`; the review workflow moves it on "
        "(`pm import` keeps the status of files an operator imports)"
    )
    path = repo / "checkout.md"
    assert _push(str(path), env=sam).returncode == 0
    pm = Postmortem.objects.get(key="PM-T-1")  # the workflow moves it to review (a revision)
    moved = set_status(pm.text, Status.IN_REVIEW)
    user = get_user_model().objects.get(username="sam")
    store.save(moved, user, key=pm.key, base_version=pm.version, by_workflow=True)
    path.write_text(doc_text("PM-T-1").replace("renewed", "rotated"), encoding="utf-8")
    dry = _push(str(path), "--dry-run", "--force", env=sam)
    said = "the status is in-review: it changes through the review workflow, not by writing "
    assert f"refused PM-T-1  {path}: the server would refuse it (422): {said}" in dry.stdout
    real = _push(str(path), "--force", env=sam)  # and the server does
    assert f"refused PM-T-1  {path}: the server answered 422: {said}" in real.stdout


def test_keys_are_ones_the_api_takes_and_links_are_said(
    server: dict[str, dict[str, str]], repo: Path
) -> None:
    """`_draft.md` and `id: _x` (which `pm import` takes) are pushed as `draft` and `x`; a
    long name is cut to 120 characters, never ending in '-'; a link to a file pushed is said."""
    (repo / "_draft.md").write_text(NO_ID.replace("Orders DB", "Draft"), encoding="utf-8")
    (repo / "own.md").write_text(doc_text("_x"), encoding="utf-8")
    long = "a" * 119 + "-b"
    (repo / f"{long}.md").write_text(NO_ID.replace("Orders DB", "Long"), encoding="utf-8")
    (repo / "link.md").symlink_to(repo / "checkout.md")
    done = _push(str(repo), env=server["sam"])
    assert done.returncode == 0, done.stdout
    assert f"skipped  {repo}/link.md: a symbolic link to {repo}/checkout.md (pushed once)" in (
        done.stdout.splitlines()
    )
    assert set(_stored()) == {"draft", "x", "a" * 119, "PM-T-1", "2024-orders-db"}
    assert _push(str(repo), env=server["sam"]).stdout.endswith(
        "6 files: 0 created, 0 updated, 5 unchanged, 0 refused, 1 skipped\n"
    )


def test_standard_input_is_refused(server: dict[str, dict[str, str]]) -> None:
    done = _push("-", env=server["sam"])
    assert done.returncode == 2
    assert "standard input has no file name to give the postmortem its id" in done.stderr


@pytest.fixture
def answering() -> Iterator[Callable[[bytes], str]]:
    """A server on 127.0.0.1 answering each connection with the bytes given; its address."""
    import socket
    import threading

    servers: list[socket.socket] = []

    def start(raw: bytes) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        servers.append(listener)

        def serve() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                with conn:
                    conn.recv(65536)
                    conn.sendall(raw)

        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for listener in servers:
        listener.close()


def test_no_address_or_no_http_is_one_line_not_a_traceback(
    repo: Path, answering: Callable[[bytes], str]
) -> None:
    garbage = answering(b"garbage\r\n\r\n")
    failing = answering(b"HTTP/1.0 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
    token = {"PM_TOKEN": "pmt_x"}
    runs = {
        "port": _push(str(repo), env={"PM_URL": "http://127.0.0.1:abc", **token}),
        "space": run_pm("review", "show", "x", env={"PM_URL": "http://host/a b", **token}),
        "garbage": _push(str(repo), env={"PM_URL": garbage, **token}),
        "502": _push(str(repo), env={"PM_URL": failing, **token}),
    }
    for name, done in runs.items():
        assert (done.returncode, done.stdout) == (3, ""), name
        assert len(done.stderr.splitlines()) == 1, done.stderr
    said = {name: done.stderr for name, done in runs.items()}
    assert said["port"].startswith("pm: http://127.0.0.1:abc is not an address to reach: ")
    assert said["space"].startswith("pm review: http://host/a b is not an address to reach: ")
    assert said["garbage"].startswith(f"pm: {garbage} answered no HTTP (BadStatusLine")
    assert said["502"].startswith(f"pm: {failing} failed: GET /api/me answered 502 (Bad Gateway)")


def test_a_push_stopped_midway_reports_what_it_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server goes away after the first file: that file's line (or JSON) is printed, then
    the one-line error (exit 3)."""
    from postmortems.commands.push import How, run_push
    from postmortems.commands.remote import Api, ServerError

    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(doc_text(f"PM-{name}"), encoding="utf-8")

    class GoingAway(Api):
        def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
            if path == "/me":
                return {"username": "sam"}
            if path == "/postmortems/PM-b":
                raise ServerError("cannot reach http://pm.test: Connection refused")
            return {"version": 1, "text": doc_text("PM-a")}

    for fmt in ("text", "json"):
        with pytest.raises(ServerError):
            run_push(GoingAway("http://pm.test", "t"), (str(tmp_path),), How(), fmt)
        out = capsys.readouterr().out
        if fmt == "text":
            assert out.splitlines() == [
                f"unchanged PM-a  {tmp_path}/a.md",
                "1 file: 0 created, 0 updated, 1 unchanged, 0 refused "
                "(stopped: the other files were not pushed)",
            ]
        else:
            assert [p["key"] for p in json.loads(out)] == ["PM-a"]
