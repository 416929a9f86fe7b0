"""`pm push` from CI or a laptop: a real server (live_server) and the CLI in its own process with
only PM_URL and PM_TOKEN; what it creates, updates, leaves and refuses is the server's state,
and nothing written on the server is lost without --force (and not even then: its history)."""

from __future__ import annotations

import json
import subprocess
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
    from postmortems.server.library.models import Revision

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

    assert Revision.objects.get(number=2).message == "timeline fixed"


def _edit_on_the_server(key: str, who: str) -> str:
    """What priya's save on the postmortem's page stores, as the next version."""
    from django.contrib.auth import get_user_model

    from postmortems.server.library import store
    from postmortems.server.library.models import Postmortem

    pm = Postmortem.objects.get(key=key)
    text = pm.text.replace("We renewed it.", "We renewed it; the alert fired 7 minutes late.")
    store.update(key, text, get_user_model().objects.get(username=who), pm.version)
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
    assert f"refused PM-T-1  {path}: edited on the server by priya in version 2; --force " in (
        refused.stdout
    )
    assert "--force replaces it, and the server keeps version 2 in its history" in refused.stdout
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
    assert results == {"2024-orders-db": ("created", True), "PM-T-1": ("refused", False)}
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
            return [{"number": 3, "author": "sam"}] if "revisions" in path else {
                "version": 3, "text": "what sam pushed before"
            }  # fmt: skip

    done = push_one(Racing("http://pm.test", "t"), "sam", Local("a.md", "PM-1", "new"), How())
    assert (done.result, done.key, done.before) == ("refused", "PM-1", 3)
    assert done.reason.startswith("someone saved version 4 on the server while this push ran; ")
    assert calls == [
        "GET /postmortems/PM-1",
        "GET /postmortems/PM-1/revisions",
        "PUT /postmortems/PM-1",
    ]
