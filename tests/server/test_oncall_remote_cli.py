"""`pm oncall who|shifts|gaps|export` and `pm page open|list|ack` from a laptop: a real server
(live_server) and the CLI in its own process with only PM_URL and PM_TOKEN (no data folder, no
secret key, no database), answering what the token's user may see and nothing more."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from oncall_fixtures import apply, policy, rotation
from tests.server.conftest import run_pm

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oncall" / "platform.yaml"
LOCAL = ("PM_DATA_DIR", "DATABASE_URL", "PM_SECRET_KEY", "PM_URL", "PM_TOKEN")


def _token(user: Any, scope: str = "write") -> str:
    from postmortems.server.accounts.models import ApiToken

    return ApiToken.issue(user, "laptop", scope=scope)[1]


@pytest.fixture
def server(live_server: Any, make_user: Any) -> dict[str, dict[str, str]]:
    """The example's platform schedules, a restricted schedule of team red with its policy, and
    a policy paging ann; the environments of ann (platform) and rita (red)."""
    from postmortems.oncall.spec import load_files
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Schedule

    store.apply_config(load_files([EXAMPLE]), dry_run=False)
    apply(
        rotation("red-primary", ("rita",), team="red"),
        policies=(
            policy("red-page", (((("schedule", "red-primary"),), 5),), team="red"),
            policy("ann-page", (((("user", "ann"),), 5),), team="platform"),
        ),
        source="",
    )
    Schedule.objects.filter(name="red-primary").update(restricted=True)
    ann, rita = make_user("ann", "author", team="platform"), make_user("rita", "author", "red")
    url = live_server.url
    return {
        "ann": {"PM_URL": url, "PM_TOKEN": _token(ann)},
        "ann-read": {"PM_URL": url, "PM_TOKEN": _token(ann, "read")},
        "rita": {"PM_URL": url, "PM_TOKEN": _token(rita)},
    }


def _pm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`pm ARGS` with only the server's address and a token: nothing local to fall back on."""
    return run_pm(*args, env=env, without=LOCAL)


def _said(done: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return done.returncode, done.stdout, done.stderr


CASES = [
    ("who", "--schedule", "platform-primary", "--at", "2026-03-10T12:00", "-f", "json"),
    ("who", "--schedule", "platform-primary", "--at", "2026-01-05T18:30Z"),
    ("who", "--team", "platform", "--at", "2026-03-10T12:00", "-f", "json"),
    ("who", "--team", "platform", "--at", "2026-03-29T02:30"),  # skipped by the DST change
    # 420 days: two answers of the server, the shift across their seam joined again
    ("shifts", "--schedule", "platform-secondary", "--from", "2026-01-05", "--to", "2027-03-01"),
    (
        "shifts",
        "--schedule",
        "platform-primary",
        "-f",
        "json",
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01",
    ),
    ("gaps", "--schedule", "platform-secondary", "--from", "2026-01-01", "--days", "7"),
    ("gaps", "--from", "2026-02-01", "--days", "60"),
    # to the microsecond: the server answers to the millisecond, and no sliver of a gap shows
    ("gaps", "--schedule", "platform-primary", "--from", "2026-03-02T10:00:00.123456"),
    ("who", "--schedule", "platform-primry"),  # a typo: the same "did you mean"
]


def test_who_shifts_and_gaps_through_the_api_answer_as_the_files_do(
    server: dict[str, dict[str, str]],
) -> None:
    for args in CASES:
        remote = _pm("oncall", *args, env=server["ann"])
        local = run_pm("oncall", *args, "--file", str(EXAMPLE), without=LOCAL)
        assert local.returncode in (0, 1, 2), local.stderr
        assert _said(remote) == _said(local), args
    who = json.loads(_pm("oncall", *CASES[0], env=server["ann"]).stdout)
    assert who == {
        "schedule": "platform-primary",
        "at": "2026-03-10T12:00:00+01:00",  # in the schedule's zone, as --at was read
        "on_call": ["ben"],  # ben takes anna's days (an override)
    }
    # before the rotation's first hand-over (2026-01-05 09:00) nobody is missing: the server
    # says when it begins, and the command counts no gap before it, as on the files
    gaps = _pm("oncall", *CASES[6], env=server["ann"])
    assert _said(gaps) == (0, "no gaps in the next 7 days\n", "")
    typo = _pm("oncall", *CASES[-1], env=server["ann"])
    assert (typo.returncode, typo.stderr) == (
        2,
        "pm oncall: no schedule named 'platform-primry' — did you mean 'platform-primary'?\n",
    )


def test_a_calendar_feed_through_the_api_is_the_files_feed(
    server: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    args = ("shifts", "--schedule", "platform-primary", "--from", "2026-03-01", "--to")
    args += ("2026-05-01", "--who", "ben", "--alarm", "15", "-f", "ics")
    remote = _pm("oncall", *args, "-o", str(tmp_path / "ben.ics"), env=server["ann"])
    assert _said(remote) == (0, "", "")
    local = run_pm("oncall", *args, "--file", str(EXAMPLE), without=LOCAL)

    def events(text: str) -> list[str]:  # DTSTAMP is when the feed was written
        return [line for line in text.splitlines() if not line.startswith("DTSTAMP")]

    feed = (tmp_path / "ben.ics").read_text()
    assert feed.count("BEGIN:VEVENT") >= 3
    assert events(feed) == events(local.stdout)


def test_restricted_schedules_and_other_teams_objects_never_reach_the_laptop(
    server: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    from postmortems.oncall.spec import load_files

    hidden = _pm("oncall", "who", "--schedule", "red-primary", env=server["ann"])
    assert hidden.returncode == 2
    assert hidden.stderr.startswith("pm oncall: no schedule named 'red-primary' — ")
    assert hidden.stderr.count("red") == 1  # the hint names no hidden schedule
    team = _pm("oncall", "who", "--team", "red", env=server["ann"])
    assert _said(team) == (
        2,
        "",
        "pm oncall: no schedule of team 'red' — the teams are: platform\n",
    )
    member = _pm("oncall", "who", "--schedule", "red-primary", "-f", "json", env=server["rita"])
    assert json.loads(member.stdout)["on_call"] == ["rita"]

    out = tmp_path / "ann.yaml"
    assert _said(_pm("oncall", "export", "-o", str(out), env=server["ann"])) == (0, "", "")
    assert "red" not in out.read_text()
    assert _pm("oncall", "check", str(out), env={}).returncode == 0  # it reads back on its own
    mine, example = load_files([out]), load_files([EXAMPLE])
    assert mine.schedules == example.schedules
    assert [p.name for p in mine.policies] == ["ann-page", "platform-default"]
    assert mine.services == example.services
    exported = _pm("oncall", "export", env=server["rita"])
    theirs = load_files([_write(tmp_path / "rita.yaml", exported)])
    assert [s.name for s in theirs.schedules] == [
        "platform-primary",
        "platform-secondary",
        "red-primary",
    ]
    assert [p.name for p in theirs.policies] == ["red-page"]  # not another team's policies
    assert theirs.services == ()  # the platform's services page the platform's policy


def _write(path: Path, done: subprocess.CompletedProcess[str]) -> Path:
    assert done.returncode == 0, done.stderr
    path.write_text(done.stdout, encoding="utf-8")
    return path


def test_pages_open_list_and_acknowledge_as_the_tokens_user(
    server: dict[str, dict[str, str]],
) -> None:
    from django.utils import timezone

    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page, Policy

    ann = server["ann"]
    opened = _pm("page", "open", "--policy", "ann-page", "--summary", "db down", env=ann)
    assert opened.returncode == 0, opened.stderr
    mine = opened.stdout.split()[1]
    assert opened.stdout == f"page {mine} opened by ann; paged ann\n"
    assert Page.objects.get(pk=mine).opened_by.username == "ann"  # the token's user
    as_rita = ("page", "open", "--policy", "ann-page", "--summary", "x", "--as", "rita")
    assert _said(_pm(*as_rita, env=ann)) == (
        2,
        "",
        "pm: your token opens pages as ann, not as rita — leave out --as, or use a token of "
        "rita's\n",
    )
    other = _pm(
        "page", "open", "--policy", "platform-default", "--summary", "slow", "--as", "ann", env=ann
    )
    theirs = other.stdout.split()[1]
    assert other.stdout.startswith(f"page {theirs} opened by ann; paged ")
    assert Page.objects.count() == 2  # nothing opened as rita
    refused = _pm("page", "open", "--policy", "red-page", "--summary", "x", env=ann)
    assert (refused.returncode, refused.stdout) == (3, "")
    assert "no escalation policy 'red-page' that you may page" in refused.stderr
    red = paging.open_page(
        Policy.objects.get(name="red-page"), summary="red", incident_key="", now=timezone.now()
    )

    def listed(*args: str) -> list[str]:
        done = _pm("page", "list", *args, "--format", "json", env=ann)
        assert done.returncode == 0, done.stderr
        return [str(p["id"]) for p in json.loads(done.stdout)]

    assert listed() == [theirs, mine]  # newest first; never the red team's page
    assert listed("--mine") == [mine]
    text = _pm("page", "list", "--mine", env=ann).stdout
    assert text.startswith(f"{mine}\topen\t")
    assert text.endswith("\tann-page\tdb down\n")

    assert _said(_pm("page", "ack", mine, env=ann)) == (0, f"page {mine} acknowledged by ann\n", "")
    again = _pm("page", "ack", mine, env=ann)
    assert _said(again) == (1, "", f"page {mine} is already acknowledged\n")
    assert listed() == [theirs]  # acknowledged pages only with --all
    none = _pm("page", "list", "--mine", env=ann)  # said, not an empty screen
    assert _said(none) == (0, "", "pm: no pages to show\n")
    assert listed("--all") == [theirs, mine]
    hidden = _pm("page", "ack", str(red.pk), env=ann)
    assert (hidden.returncode, hidden.stderr.split(" — ")[0]) == (3, f"pm: no page {red.pk}")
    someone = _pm("page", "ack", theirs, "--as", "rita", env=ann)
    assert _said(someone) == (
        2,
        "",
        "pm: your token acknowledges as ann, not as rita — leave out --as, or use a token of "
        "rita's\n",
    )
    read_only = _pm("page", "ack", theirs, env=server["ann-read"])
    assert read_only.returncode == 3
    assert "this token may only read" in read_only.stderr
    red.refresh_from_db()
    assert red.state == "open"


@pytest.mark.parametrize(
    "args",
    [
        ("oncall", "who", "--team", "sre"),
        ("oncall", "export"),
        ("page", "list"),
        ("page", "ack", "1"),
        ("oncall", "apply", str(EXAMPLE), "--dry-run"),
    ],
)
def test_without_a_server_database_or_pm_url_it_says_how_to_set_them(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    done = run_pm(*args, env={"PM_DATA_DIR": str(tmp_path)}, without=LOCAL)
    assert done.returncode == 2
    first = done.stderr.splitlines()[0]
    assert f"no team server to ask: PM_URL is not set, and {tmp_path} holds no server database" in (
        first
    )
    assert "set PM_URL to the server's address" in first
    assert "PM_TOKEN to an API token from its API tokens page (/tokens/)" in first
    assert "secret key" not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_url_without_a_token_an_unreachable_server_and_tick(tmp_path: Path) -> None:
    url = {"PM_URL": "http://127.0.0.1:18529", "PM_DATA_DIR": str(tmp_path)}
    no_token = run_pm("oncall", "who", "--team", "sre", env=url, without=LOCAL)
    assert no_token.returncode == 2
    assert no_token.stderr.startswith(
        "pm oncall: http://127.0.0.1:18529 needs a token: give --token or set PM_TOKEN to an API "
        "token of that server — make one on the server's API tokens page (/tokens/)"
    )
    gone = run_pm("page", "list", env={**url, "PM_TOKEN": "pmt_x"}, without=LOCAL)
    assert gone.returncode == 3
    assert gone.stderr.startswith("pm: cannot reach http://127.0.0.1:18529: ")
    tick = run_pm("page", "tick", env={"PM_DATA_DIR": str(tmp_path)}, without=LOCAL)
    assert tick.returncode == 3
    assert tick.stderr.startswith(f"pm: no server database in {tmp_path}: `pm page tick` advances")


def test_the_export_leaves_out_what_would_name_a_hidden_schedule(
    server: dict[str, dict[str, str]],
) -> None:
    """Rows stored before the rule that only its own team's policies page a restricted
    schedule: a policy of no team paging it, and a service of no team paging red's policy."""
    import datetime as dt

    from django.test import Client

    from postmortems.oncall.spec import load_texts
    from postmortems.server.oncall.models import Policy, Service, Step

    legacy = Policy.objects.create(name="legacy-page", team="")
    Step.objects.create(
        policy=legacy,
        targets=[{"kind": "schedule", "name": "red-primary"}],
        delay=dt.timedelta(minutes=5),
    )
    Service.objects.create(name="ledger", policy="red-page", team="")
    Service.objects.create(name="wiki", policy="ann-page", team="")
    client = Client(headers={"Authorization": f"Bearer {server['ann']['PM_TOKEN']}"})
    answer = client.get("/api/oncall/export").json()
    assert "red" not in answer["text"]
    assert "legacy" not in answer["text"]
    config = load_texts([("export.yaml", answer["text"])])
    assert (answer["schedules"], answer["policies"], answer["services"]) == (2, 2, 3)
    assert sorted(s.name for s in config.services) == ["checkout-api", "payments-db", "wiki"]
    listed = client.get("/api/oncall/schedules").json()
    assert [s["name"] for s in listed] == ["platform-primary", "platform-secondary"]
    assert listed[0] == {
        "name": "platform-primary",
        "team": "platform",
        "timezone": "Europe/Berlin",
        "restricted": False,
        "managed_by": "examples/oncall/platform.yaml",  # from the working directory
    }
    rita = Client(headers={"Authorization": f"Bearer {server['rita']['PM_TOKEN']}"})
    seen = load_texts([("rita.yaml", rita.get("/api/oncall/export").json()["text"])])
    assert [p.name for p in seen.policies] == ["legacy-page", "red-page"]  # her team's schedule
    assert sorted(s.name for s in seen.services) == ["ledger"]
