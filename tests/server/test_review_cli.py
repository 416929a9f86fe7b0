"""`pm review …` from a laptop: a real server (live_server) and the CLI in its own process with
only PM_URL and PM_TOKEN; a whole review round made from the terminal lands in the server's
database, and what the server refuses or hides is said on one line, never as a traceback."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from tests.server.conftest import run_pm
from workflow_fixtures import clean_text, with_settings

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL = ("PM_DATA_DIR", "DATABASE_URL", "PM_SECRET_KEY", "PM_URL", "PM_TOKEN")
KEY = "PM-CLI-R"


def _token(user: Any, scope: str = "write") -> str:
    from postmortems.server.accounts.models import ApiToken

    return ApiToken.issue(user, "laptop", scope=scope)[1]


@pytest.fixture
def server(live_server: Any, make_user: Any, make_pm: Any, settings: Any) -> dict[str, Any]:
    """PM-CLI-R (a clean draft by alice, of team sre, one approval needed) and PM-CLI-SECRET
    (restricted to team red); the environments of alice (author), bob (reviewer), vic (viewer)
    and rita (author of red)."""
    from postmortems.server.library import store

    with_settings(settings, review_approvals=("*:1",))
    store.create(clean_text(KEY), None)
    make_pm("PM-CLI-SECRET", restricted=True, teams="red")
    people = {
        "alice": make_user("alice", "author"),
        "bob": make_user("bob", "reviewer"),
        "vic": make_user("vic", "viewer"),
        "rita": make_user("rita", "author", team="red"),
    }
    return {name: {"PM_URL": live_server.url, "PM_TOKEN": _token(u)} for name, u in people.items()}


def _pm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_pm("review", *args, env=env, without=LOCAL)


def _ok(*args: str, env: dict[str, str]) -> str:
    done = _pm(*args, env=env)
    assert (done.returncode, done.stderr) == (0, ""), args
    return done.stdout


def _refused(*args: str, env: dict[str, str]) -> str:
    """The one line of a refusal (exit 3, nothing on stdout, no traceback)."""
    done = _pm(*args, env=env)
    assert (done.returncode, done.stdout) == (3, ""), (args, done.stderr)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert env["PM_TOKEN"] not in done.stderr
    return done.stderr


def _state() -> tuple[str, list[tuple[str, str, str]]]:
    """PM-CLI-R's status and its review requests (reviewer, state, verdict), as stored."""
    from postmortems.server.library.models import Postmortem
    from postmortems.server.workflow.models import ReviewRequest

    rows = ReviewRequest.objects.filter(postmortem__key=KEY).order_by("reviewer__username")
    requests = [(r.reviewer.username, r.state, r.verdict) for r in rows]
    return Postmortem.objects.get(key=KEY).status, requests


def test_a_whole_review_round_from_the_terminal(server: dict[str, Any]) -> None:
    from postmortems.server.workflow.models import Comment, Event

    alice, bob = server["alice"], server["bob"]
    assert _ok("show", KEY, env=alice) == (
        "PM-CLI-R is draft (revision 1): 0 of 1 required approvals\n"
        "reviewers:\n  none asked\n"
        "your moves:\n"
        "  request-review  (not now: ask at least one reviewer first)\n"
        "  not-required  (not now: only incidents below the review severity threshold may skip "
        "review)\n"
        "open comments:\n  none\n"
    )
    asked = _ok("request-review", KEY, "--reviewer", "bob", env=alice)
    assert asked == "PM-CLI-R is in-review (revision 2): 0 of 1 required approvals\n"
    assert _state() == ("in-review", [("bob", "requested", "")])

    answered = _ok("answer", KEY, "accept", env=bob)
    assert answered.startswith("accepted the review of PM-CLI-R; PM-CLI-R is in-review")
    assert _state() == ("in-review", [("bob", "accepted", "")])

    said = _ok("comment", KEY, "Say when the alert fired.", "--section", "Timeline", env=bob)
    number = int(said.split()[1].lstrip("#"))
    assert said == f"comment #{number} on PM-CLI-R at Timeline\n"
    thread = Comment.objects.get(pk=number)
    assert (thread.author.username, thread.section, thread.resolved) == ("bob", "Timeline", False)
    reply = _ok("comment", KEY, "Added at 04:07.", "--reply-to", str(number), env=alice)
    assert reply == f"replied to comment #{number} on PM-CLI-R\n"
    shown = _ok("show", KEY, env=bob)
    assert "reviewers:\n  bob  accepted, no verdict yet\n" in shown
    assert "your moves:\n  approve  (not now: 0 of 1 required approvals)\n  request-changes\n" in (
        shown
    )
    assert shown.endswith(
        f"open comments:\n  #{number}  bob on Timeline: Say when the alert fired.\n"
        "        alice: Added at 04:07.\n"
    )

    assert (
        _ok("resolve", KEY, str(number), env=alice) == f"resolved comment #{number} on PM-CLI-R\n"
    )
    thread.refresh_from_db()
    assert (thread.resolved, thread.resolved_by.username) == (True, "alice")
    assert "open comments:\n  none\n  (1 resolved, not shown)\n" in _ok("show", KEY, env=bob)

    approved = _ok("approve", KEY, "--revision", "2", "--note", "Clear and complete.", env=bob)
    assert approved == "PM-CLI-R is approved (revision 3): 1 of 1 required approvals\n"
    assert _state() == ("approved", [("bob", "accepted", "approved")])
    moves = Event.objects.filter(postmortem__key=KEY).order_by("created", "pk")
    assert [(e.actor.username, e.transition, e.to_state, e.note) for e in moves] == [
        ("alice", "request-review", "in-review", ""),
        ("bob", "approve", "approved", "Clear and complete."),
    ]
    published = _ok("publish", KEY, env=alice)
    assert published.startswith("PM-CLI-R is published ")
    assert _state()[0] == "published"


def test_refusals_are_one_line_and_change_nothing(server: dict[str, Any]) -> None:
    alice, bob, vic = server["alice"], server["bob"], server["vic"]
    early = _refused("approve", KEY, env=bob)
    assert early.startswith("pm review: cannot approve PM-CLI-R: the server answered 409: ")
    assert "only a postmortem in review is approved" in early
    _ok("request-review", KEY, "--reviewer", "bob", env=alice)
    # a viewer may read where it stands, not approve it: the role it needs, exit 3
    viewer = _refused("approve", KEY, env=vic)
    assert viewer == (
        "pm review: cannot approve PM-CLI-R: the server answered 403: PM-CLI-R: approving it "
        "needs the reviewer role in one of your teams; your role there is viewer — ask an admin "
        "of one of your teams for the reviewer role, or its authors to ask a reviewer\n"
    )
    assert _ok("show", KEY, env=vic).endswith(
        "your moves:\n  none from here\ncomments: not shown to your role\n"
    )
    assert "403: you cannot comment on PM-CLI-R" in _refused("comment", KEY, "Hi", env=vic)
    own = _refused("approve", KEY, env=alice)
    assert own.startswith("pm review: cannot approve PM-CLI-R: the server answered 409: ")
    assert "nobody approves their own work" in own
    nobody = _refused("add-reviewers", KEY, "--reviewer", "nobody", env=alice)
    assert nobody == (
        "pm review: cannot add-reviewers PM-CLI-R: the server answered 422: reviewers: no active "
        "account named nobody — give the user names of the reviewers to ask\n"
    )
    blank = _refused("comment", KEY, "   ", env=bob)
    assert blank.endswith("answered 422: text: the value must not be empty or only spaces\n")
    stale = _refused("approve", KEY, "--revision", "9", env=bob)
    assert "422: version: PM-CLI-R has no revision 9: it is at revision 2" in stale
    gone = _refused("resolve", KEY, "4242", env=alice)
    assert "answered 404: no thread 4242 on PM-CLI-R\n" in gone
    assert _state() == ("in-review", [("bob", "requested", "")])


def test_a_postmortem_you_may_not_see_answers_as_a_missing_one(server: dict[str, Any]) -> None:
    from postmortems.server.workflow.models import Comment

    alice = server["alice"]
    for args in (("show",), ("approve",), ("comment", "{}", "x"), ("answer", "{}", "accept")):
        said = {}
        for key in ("PM-CLI-SECRET", "PM-CLI-NONE"):
            words = [a.format(key) for a in args[1:]] if "{}" in args else []
            line = _refused(args[0], *(words or [key]), env=alice)
            said[key] = line.replace(key, "KEY")
        assert said["PM-CLI-SECRET"] == said["PM-CLI-NONE"], args
        assert "answered 404: no postmortem KEY that you may see" in said["PM-CLI-NONE"]
    assert not Comment.objects.exists()
    # its own team reads it
    assert _ok("show", "PM-CLI-SECRET", env=server["rita"]).startswith("PM-CLI-SECRET is draft")


def test_show_as_json_is_the_apis_answer(server: dict[str, Any]) -> None:
    alice, bob = server["alice"], server["bob"]
    _ok("request-review", KEY, "--reviewer", "bob", env=alice)
    _ok("comment", KEY, "Name the root cause.", "--line", "3", env=bob)
    seen = json.loads(_ok("show", KEY, "--format", "json", env=bob))
    assert (seen["key"], seen["status"], seen["version"]) == (KEY, "in-review", 2)
    assert [(r["reviewer"], r["state"], r["verdict"]) for r in seen["reviewers"]] == [
        ("bob", "requested", "")
    ]
    assert [(m["name"], m["allowed"]) for m in seen["moves"]] == [
        ("approve", False),
        ("request-changes", True),
    ]
    assert [(t["author"], t["line"], t["text"], t["resolved"]) for t in seen["threads"]] == [
        ("bob", 3, "Name the root cause.", False)
    ]
    assert [(e["by"], e["transition"]) for e in seen["history"]] == [("alice", "request-review")]
    viewer = json.loads(_ok("show", KEY, "-f", "json", env=server["vic"]))
    assert (viewer["status"], viewer["threads"], viewer["moves"]) == ("in-review", None, [])


def test_no_server_a_bad_token_or_an_unreachable_one_is_said_plainly(
    server: dict[str, Any],
) -> None:
    url = server["alice"]["PM_URL"]
    none = _pm("show", KEY, env={})
    assert (none.returncode, none.stdout) == (2, "")
    assert none.stderr.startswith("pm review: no team server to ask: PM_URL is not set — ")
    no_token = _pm("show", KEY, env={"PM_URL": url})
    assert no_token.returncode == 2
    assert "needs a token: give --token or set PM_TOKEN" in no_token.stderr
    bad = _refused("approve", KEY, env={"PM_URL": url, "PM_TOKEN": "pmt_not-a-token"})
    assert bad.startswith(
        "pm review: cannot approve PM-CLI-R: the server answered 401: the token was refused: "
    )
    closed = {"PM_URL": "http://127.0.0.1:9", "PM_TOKEN": server["alice"]["PM_TOKEN"]}
    down = _refused("show", KEY, env=closed)
    assert down.startswith("pm review: cannot reach http://127.0.0.1:9: ")
    assert _state() == ("draft", [])


def test_a_key_with_a_slash_is_no_key(server: dict[str, Any]) -> None:
    """`a/b` reached /api/postmortems/a/b/review (the %2F decoded): no such endpoint."""
    done = _pm("show", "a/b", env=server["alice"])
    assert (done.returncode, done.stdout) == (2, "")
    assert "not a postmortem key: 'a/b' (letters, digits, '.', '_' and '-')" in done.stderr
    assert "no API endpoint" not in done.stderr
