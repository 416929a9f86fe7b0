"""`pm incident …` against a live server; `pm admin` creating integrations and tokens."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.incident.test_slack import good
from tests.server.conftest import run_pm

pytestmark = pytest.mark.django_db(transaction=True)


def _pm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_pm(*args, env=env)


@pytest.fixture
def server(live_server: Any, make_user: Any) -> dict[str, str]:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(make_user("ann", "author", team="sre"), "cli")
    return {"PM_URL": live_server.url, "PM_TOKEN": raw}


def test_declare_note_status_resolve_list_show(server: dict[str, str], tmp_path: Path) -> None:
    made = _pm(
        "incident",
        "declare",
        "Checkout 502s",
        "--severity",
        "SEV2",
        "--team",
        "sre",
        "--service",
        "checkout",
        "--timezone",
        "Europe/Berlin",
        env=server,
    )
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("INC-")
    assert _pm("incident", "note", key, "rolled back", env=server).returncode == 0
    assert _pm("incident", "note", key, "two lines:\nthe second", env=server).returncode == 0
    raised = _pm("incident", "severity", key, "SEV1", "--why", "EU down too", env=server)
    assert f"{key} is SEV1" in raised.stdout, raised.stderr
    same = _pm("incident", "severity", key, "SEV1", env=server)
    assert same.returncode == 3
    assert "is already SEV1" in same.stderr
    moved = _pm("incident", "status", key, "monitoring", "--why", "errors down", env=server)
    assert f"{key} is monitoring" in moved.stdout
    refused = _pm("incident", "status", key, "closed", env=server)
    assert refused.returncode == 3
    assert "cannot move from monitoring to closed" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "is resolved" in _pm("incident", "resolve", key, env=server).stdout
    listed = json.loads(_pm("incident", "list", "--format", "json", env=server).stdout)
    assert [row["key"] for row in listed] == [key]
    by_words = _pm("incident", "list", "rolled", "back", "--format", "json", env=server)
    assert [row["key"] for row in json.loads(by_words.stdout)] == [key]  # a note's words
    assert _pm("incident", "list", "nothing like it", env=server).stdout == ""
    shown = json.loads(_pm("incident", "show", key, "--format", "json", env=server).stdout)
    assert shown["key"] == key
    kinds = [e["kind"] for e in shown["timeline"]]
    assert "note" in kinds
    assert kinds.count("status-change") == 3
    assert "Severity raised from SEV2 to SEV1. EU down too" in [
        e["text"] for e in shown["timeline"]
    ]
    text = _pm("incident", "show", key, env=server).stdout
    assert "rolled back" in text
    # on the incident's clock (Berlin), to the second; a note's second line under its first
    assert "times in Europe/Berlin, the incident's zone" in text
    lines = text.splitlines()
    first = next(n for n, line in enumerate(lines) if line.endswith("two lines:"))
    assert re.search(r"  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d CET  note ", lines[first])
    assert lines[first + 1] == " " * lines[first].index("two lines:") + "the second"
    out = tmp_path / "pm.md"
    wrote = _pm("incident", "postmortem", key, "-o", str(out), env=server)
    assert wrote.returncode == 0, wrote.stderr
    assert "## Timeline" in out.read_text()
    assert f"incident: {key}" in out.read_text()  # linked back to the incident
    assert "rolled back" in out.read_text()  # the note joins the timeline, as the page ticks it
    bare = _pm("incident", "declare", "Checkout again", "--team", "sre", env=server).stdout.strip()
    assert _pm("incident", "note", bare, "flushed the cache", env=server).returncode == 0
    without = _pm("incident", "postmortem", bare, "--no-notes", env=server)
    assert without.returncode == 0, without.stderr
    assert "## Timeline" in without.stdout
    assert "flushed the cache" not in without.stdout
    # Who was paged is said on declaring (stderr; stdout is the key alone), here why nobody.
    said = made.stderr.strip()
    assert said.startswith("Nobody was paged: no escalation policy is set for checkout")
    # Written once; after, --offer shows what the record would change in it.
    again = _pm("incident", "postmortem", key, env=server)
    assert again.returncode == 3
    assert f"pm incident postmortem {key} --offer" in again.stderr
    same = _pm("incident", "postmortem", key, "--offer", env=server)
    assert (same.returncode, same.stdout) == (0, "")
    assert "is up to date with" in same.stderr
    assert _pm("incident", "severity", key, "SEV3", "--why", "EU fine", env=server).returncode == 0
    offered = _pm("incident", "postmortem", key, "--offer", env=server)
    assert offered.returncode == 0, offered.stderr
    assert offered.stdout.startswith("---")  # a unified diff
    assert "\n+- " in offered.stdout  # a timeline line the record adds
    assert "SEV3" in offered.stdout


def test_import_slack_is_idempotent(server: dict[str, str], tmp_path: Path) -> None:
    key = _pm("incident", "declare", "Checkout", "--team", "sre", env=server).stdout.strip()
    from postmortems.server.incidents.models import Incident

    incident = Incident.objects.get(key=key)
    import datetime as dt

    incident.manual = {
        "started": dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC).isoformat(),
        "resolved": dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC).isoformat(),
    }
    incident.started = dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)
    incident.resolved = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    incident.save()
    zipped = str(good(tmp_path))
    args = ("incident", "import-slack", zipped, "--channel", "inc-checkout", "--incident", key)
    first = _pm(*args, env=server)
    assert first.returncode == 0, first.stderr
    assert "5 messages added, 0 already there" in first.stdout  # 23:50 … 00:45, not 03:00
    again = _pm(*args, env=server)
    assert "0 messages added, 5 already there" in again.stdout
    authors = set(incident.events.filter(kind="chat-message").values_list("author", flat=True))
    assert "Alice Doe" in authors
    bad = _pm(
        "incident", "import-slack", zipped, "--channel", "nope", "--incident", key, env=server
    )
    assert bad.returncode == 3
    assert "no channel 'nope'" in bad.stderr


def test_unreachable_server_and_missing_token(tmp_path: Path) -> None:
    gone = _pm("incident", "list", env={"PM_URL": "http://127.0.0.1:9", "PM_TOKEN": "x"})
    assert gone.returncode == 3
    assert "cannot reach" in gone.stderr
    missing = run_pm("incident", "--url", "http://127.0.0.1:9", "list", without=("PM_TOKEN",))
    assert missing.returncode == 2
    assert "--token" in missing.stderr


def test_admin_create_integration_and_token(tmp_path: Path) -> None:
    env = {"PM_SECRET_KEY": "cli-test", "PM_DATA_DIR": str(tmp_path / "data")}
    run = lambda *a: run_pm(*a, env=env, without=("DATABASE_URL", "DJANGO_SETTINGS_MODULE"))  # noqa: E731
    assert run("import", str(tmp_path)).returncode == 0  # the database, as the docs make it
    orphan = run("admin", "create-integration", "prod", "--kind", "grafana", "--team", "sre")
    assert orphan.returncode == 3  # its incidents would be of a team nobody is in
    assert "no team 'sre'" in orphan.stderr
    made_user = run("admin", "create-user", "zoe", "--password", "pw-zoe-123", "--team", "sre")
    assert made_user.returncode == 0, made_user.stderr
    made = run(
        "admin",
        "create-integration",
        "prod",
        "--kind",
        "grafana",
        "--team",
        "sre",
        "--format",
        "json",
    )
    assert made.returncode == 0, made.stderr
    answer = json.loads(made.stdout)
    assert answer["path"] == "/hooks/grafana/prod/"
    assert answer["secret"].startswith("pmh_")
    assert run("admin", "create-integration", "prod", "--kind", "grafana").returncode == 3
    under = run_pm(
        "admin",
        "create-integration",
        "staging",
        "--kind",
        "alertmanager",
        env={**env, "PM_SCRIPT_NAME": "/pm"},
        without=("DATABASE_URL", "DJANGO_SETTINGS_MODULE"),
    )
    assert under.returncode == 0, under.stderr
    assert "endpoint: /pm/hooks/alertmanager/staging/" in under.stdout  # where a sender posts
    token = run("admin", "create-token", "zoe").stdout.split()[-1]
    assert token.startswith("pmt_")
    nobody = run("admin", "create-token", "nobody")
    assert nobody.returncode == 3
    assert "no active user" in nobody.stderr


def test_a_viewer_gets_a_read_token_and_is_refused_a_write_token(tmp_path: Path) -> None:
    env = {"PM_SECRET_KEY": "cli-test", "PM_DATA_DIR": str(tmp_path / "data")}
    run = lambda *a: run_pm(*a, env=env, without=("DATABASE_URL", "DJANGO_SETTINGS_MODULE"))  # noqa: E731
    assert run("import", str(tmp_path)).returncode == 0  # the database
    for name, role in (("viv", "viewer"), ("ava", "author")):
        made = run(
            "admin",
            "create-user",
            name,
            "--password",
            f"pw-{name}-123",
            "--team",
            "sre",
            "--role",
            role,
        )
        assert made.returncode == 0, made.stderr
    refused = run("admin", "create-token", "viv", "--scope", "write")
    assert refused.returncode == 3
    assert refused.stderr.strip().splitlines() == [
        "pm: viv is a viewer and may not write: a write token would do more than their role — "
        "give --scope read, or first give them a role that writes (pm admin set-role viv TEAM "
        "author)"
    ]
    assert run("admin", "create-token", "viv").stdout.startswith("read token for viv: pmt_")
    assert run("admin", "create-token", "ava").stdout.startswith("write token for ava: pmt_")
    read = run("admin", "create-token", "ava", "--scope", "read")
    assert read.stdout.startswith("read token for ava: pmt_")


def test_a_refused_token_or_an_unknown_incident_says_which_and_how_to_fix_it(
    server: dict[str, str],
) -> None:
    """A token that was sent but refused is not told to send one; the server's hint reaches the
    terminal; an incident the caller cannot find is named."""
    wrong = _pm("incident", "list", env={**server, "PM_TOKEN": "pmt_revoked-or-mistyped"})
    assert wrong.returncode == 3
    assert "send `Authorization" not in wrong.stderr
    assert "the token was refused" in wrong.stderr
    assert "pm admin create-token" in wrong.stderr
    missing = _pm("incident", "note", "INC-2026-0099", "x", env=server)
    assert missing.returncode == 3
    assert "no incident INC-2026-0099" in missing.stderr


def _token_of(make_user: Any, name: str, role: str) -> str:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(make_user(name, role, team="sre"), "cli")
    return raw


def test_edit_note_and_redact_by_the_ids_show_prints(
    server: dict[str, str], make_user: Any
) -> None:
    """ann corrects her note by the id `show` prints; bob (an author too) may not; ann may not
    redact it (her own note: not hers to take off the record), ada (a team admin) may. Each
    refusal is one line and exit 3."""
    key = _pm("incident", "declare", "Checkout", "--team", "sre", env=server).stdout.strip()
    assert _pm("incident", "note", key, "db password is hunter2", env=server).returncode == 0
    shown = _pm("incident", "show", key, env=server).stdout
    line = next(x for x in shown.splitlines() if "hunter2" in x)
    number = line.split()[0]
    assert number.startswith("#")
    entry = number[1:]
    fixed = _pm("incident", "edit-note", key, entry, "--text", "db password rotated", env=server)
    assert fixed.returncode == 0, fixed.stderr
    assert f"{key} #{entry}: " in fixed.stdout
    assert fixed.stdout.rstrip().endswith("db password rotated")
    created = dt.datetime.fromisoformat(
        json.loads(_pm("incident", "show", key, "--format", "json", env=server).stdout)["created"]
    )
    later = (created + dt.timedelta(minutes=2)).replace(microsecond=0)
    at = later.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat()
    moved = _pm("incident", "edit-note", key.lower(), number, "--at", at, env=server)
    assert moved.returncode == 0, moved.stderr
    assert f"{key} {number}: " in moved.stdout  # the key as it is, the id as show prints it
    assert later.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") in moved.stdout.replace(
        "+00:00", "Z"
    )
    timeline = json.loads(_pm("incident", "show", key, "--format", "json", env=server).stdout)[
        "timeline"
    ]
    note = next(e for e in timeline if str(e["id"]) == entry)
    assert note["text"] == "db password rotated"
    assert [v["text"] for v in note["edited"]["versions"]] == [
        "db password rotated",
        "db password is hunter2",
    ]
    assert "[edited]" in _pm("incident", "show", key, env=server).stdout
    bob = {**server, "PM_TOKEN": _token_of(make_user, "bob", "author")}
    refused = _pm("incident", "edit-note", key, entry, "--text", "mine now", env=bob)
    assert (refused.returncode, refused.stdout) == (3, "")
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "HTTP 403: only who wrote this note" in refused.stderr
    own = _pm("incident", "redact", key, entry, "--reason", "a password", env=server)
    assert own.returncode == 3
    assert "HTTP 403: only the incident's commander or an admin" in own.stderr
    ada = {**server, "PM_TOKEN": _token_of(make_user, "ada", "admin")}
    done = _pm("incident", "redact", key, entry, "--reason", "a password", env=ada)
    assert done.returncode == 0, done.stderr
    assert "Redacted by ada" in done.stdout
    assert "a password" in done.stdout
    shown = json.loads(_pm("incident", "show", key, "--format", "json", env=server).stdout)
    assert "hunter2" not in json.dumps(shown)
    again = _pm("incident", "redact", key, entry, "--reason", "again", env=ada)
    assert again.returncode == 3
    assert "HTTP 409: this note was redacted" in again.stderr
    for refusal in (again, refused, own):
        assert "Traceback" not in refusal.stderr
        assert refusal.stderr.startswith("pm: ")


def test_a_wrong_id_a_record_entry_or_bad_text_is_one_line(server: dict[str, str]) -> None:
    key = _pm("incident", "declare", "Checkout", "--team", "sre", env=server).stdout.strip()
    timeline = json.loads(_pm("incident", "show", key, "--format", "json", env=server).stdout)[
        "timeline"
    ]
    record = next(e for e in timeline if e["kind"] == "status-change")
    cases = {
        "99999999": ("--text", "x", "HTTP 404: no entry 99999999 on the timeline of"),
        str(record["id"]): ("--text", "x", "HTTP 409: the status-change entry is the record"),
    }
    for entry, (option, value, said) in cases.items():
        answer = _pm("incident", "edit-note", key, entry, option, value, env=server)
        assert answer.returncode == 3
        assert said in answer.stderr
        assert answer.stderr.count("\n") == 1, answer.stderr
    blank = _pm("incident", "edit-note", key, str(record["id"]), "--text", "  ", env=server)
    assert blank.returncode == 3
    assert "HTTP 422: the request does not match the schema: text: the value must not be empty" in (
        blank.stderr
    )
    nothing = _pm("incident", "edit-note", key, str(record["id"]), env=server)
    assert nothing.returncode == 2
    assert "give what changes: --text or --at" in nothing.stderr
    naive = _pm("incident", "edit-note", key, "1", "--at", "2026-03-01T10:05", env=server)
    assert naive.returncode == 2
    assert "needs a UTC offset" in naive.stderr
    zero = _pm("incident", "redact", key, "0", "--reason", "x", env=server)
    assert zero.returncode == 2  # an id is 1 or more: refused before any request
    assert "'0' is not an entry's id: give the number show prints (#28)" in zero.stderr
    note = _pm("incident", "note", key, "cache flushed", env=server)
    assert note.returncode == 0, note.stderr
    mine = max(
        e["id"]
        for e in json.loads(
            _pm("incident", "show", key.lower(), "--format", "json", env=server).stdout
        )["timeline"]
    )
    for option, value in (("--text", ""), ("--text", "  ")):
        empty = _pm("incident", "edit-note", key, f"#{mine}", option, value, env=server)
        assert empty.returncode == 3
        assert "text: the value must not be empty or only spaces" in empty.stderr
    early = _pm("incident", "edit-note", key, f"#{mine}", "--at", "2020-01-01T10:00Z", env=server)
    assert early.returncode == 3
    assert "HTTP 422: the note's time is before the incident began — give a time from" in (
        early.stderr
    )
    no_reason = _pm("incident", "redact", key, str(mine), "--reason", "", env=server)
    assert "reason: the value must not be empty or only spaces" in no_reason.stderr
    no_title = _pm("incident", "edit", key, "--title", "", env=server)
    assert "title: the value must not be empty or only spaces" in no_title.stderr


def test_edit_changes_the_title_services_and_team(server: dict[str, str], make_user: Any) -> None:
    from postmortems.server.accounts.models import Team

    Team.objects.create(slug="db", name="Databases")
    key = _pm(
        "incident", "declare", "Checkout", "--team", "sre", "--service", "web", env=server
    ).stdout.strip()
    changed = _pm(
        "incident",
        "edit",
        key,
        "--title",
        "Checkout 502s",
        "--service",
        "checkout",
        "--service",
        "nginx",
        env=server,
    )
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout == f"{key}: Checkout 502s · services checkout, nginx · team sre\n"
    shown = json.loads(_pm("incident", "show", key, "--format", "json", env=server).stdout)
    assert [e["kind"] for e in shown["timeline"]].count("details-change") == 2
    emptied = _pm("incident", "edit", key, "--no-services", env=server)
    assert "· services - ·" in emptied.stdout, emptied.stderr
    elsewhere = _pm("incident", "edit", key, "--team", "db", env=server)
    assert elsewhere.returncode == 3
    assert "HTTP 403: you need the author role in team db" in elsewhere.stderr
    nowhere = _pm("incident", "edit", key, "--team", "nope", env=server)
    assert nowhere.returncode == 3
    assert "HTTP 422: no team 'nope': an incident's team is one of the server's teams" in (
        nowhere.stderr
    )
    assert "choose one of sre (or leave the team as it is)" in nowhere.stderr
    assert _pm("incident", "edit", key, env=server).returncode == 2
    both = _pm("incident", "edit", key, "--service", "x", "--no-services", env=server)
    assert both.returncode == 2
    blank = _pm("incident", "edit", key, "--title", " ", env=server)
    assert blank.returncode == 3
    assert "title: the value must not be empty" in blank.stderr
    gone = _pm("incident", "edit", "INC-2026-0099", "--title", "x", env=server)
    assert gone.returncode == 3
    assert "no incident INC-2026-0099" in gone.stderr


def test_show_says_the_alert_an_incident_was_declared_from(
    server: dict[str, str], make_user: Any
) -> None:
    """Declared from the inbox: `show` names the alert (its summary, id and integration) under
    the team; one declared by hand says nothing of an alert."""
    from django.test import Client
    from django.utils import timezone
    from tests.server.incident_fixtures import am_alert, am_payload, integration, post

    from postmortems.server.accounts.models import User
    from postmortems.server.incidents import triage
    from postmortems.server.incidents.models import Alert

    integ, secret = integration("prod", team="sre")
    fired = am_alert("cli1", severity="warning")
    assert post(Client(), integ, secret, am_payload("cli", fired)).status_code == 200
    alert = Alert.objects.get(fingerprint="cli1")
    Alert.objects.filter(pk=alert.pk).update(summary="Checkout p99 above 2s")
    alert.refresh_from_db()
    ann = User.objects.get(username="ann")
    incident = triage.open_incident(
        alert, ann, timezone.now(), title="Slow checkout", team="sre", page=False
    )
    text = _pm("incident", "show", incident.key, env=server).stdout.splitlines()
    assert text[1:3] == [
        "SEV3 · triage · team sre",
        f"declared from the alert Checkout p99 above 2s (#{alert.pk}, alertmanager/prod)",
    ]
    by_hand = _pm("incident", "declare", "Checkout", "--team", "sre", env=server).stdout.strip()
    assert "declared from" not in _pm("incident", "show", by_hand, env=server).stdout
