"""`pm oncall override list|add|remove` from a laptop: a real server (live_server) and the CLI
in its own process with only PM_URL and PM_TOKEN; what the server makes, refuses and hides is
said on the terminal, never as a traceback."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from oncall_fixtures import apply, rotation
from tests.server.conftest import run_pm

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shifts_to_come")]

LOCAL = ("PM_DATA_DIR", "DATABASE_URL", "PM_SECRET_KEY", "PM_URL", "PM_TOKEN")
# The Berlin rotation: alice on Monday 2 March 2026 from 09:00, bob Tuesday, carol Wednesday.
COVER = ("--schedule", "primary", "--user", "dave", "--replaces", "bob")


def _token(user: Any, scope: str = "write") -> str:
    from postmortems.server.accounts.models import ApiToken

    return ApiToken.issue(user, "laptop", scope=scope)[1]


@pytest.fixture
def server(live_server: Any, make_user: Any) -> dict[str, dict[str, str]]:
    """Schedule primary of team sre and red-primary of team red (restricted); the environments
    of sam (author of sre), vic (viewer of sre), sam's read token and rita (author of red)."""
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary", zone="Europe/Berlin"), rotation("red-primary", team="red"), source="")
    Schedule.objects.filter(name="red-primary").update(restricted=True)
    for name in ("alice", "bob", "carol", "dave"):
        make_user(name, "viewer")
    sam, vic = make_user("sam", "author"), make_user("vic", "viewer")
    rita = make_user("rita", "author", team="red")
    url = live_server.url
    return {
        "sam": {"PM_URL": url, "PM_TOKEN": _token(sam)},
        "sam-read": {"PM_URL": url, "PM_TOKEN": _token(sam, "read")},
        "vic": {"PM_URL": url, "PM_TOKEN": _token(vic)},
        "rita": {"PM_URL": url, "PM_TOKEN": _token(rita)},
    }


def _pm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_pm("oncall", "override", *args, env=env, without=LOCAL)


def _on_call(at: str, env: dict[str, str]) -> str:
    return run_pm("oncall", "who", "--schedule", "primary", "--at", at, env=env).stdout


def test_an_override_is_added_listed_and_removed(server: dict[str, dict[str, str]]) -> None:
    sam = server["sam"]
    assert _pm("list", "--schedule", "primary", env=sam).stdout == (
        "no overrides on primary from now on\n"
    )
    made = _pm("add", *COVER, "--from", "2026-03-03 09:00", "--to", "17:00", "--note", "dentist",
               env=sam)  # fmt: skip
    assert made.returncode == 0, made.stderr
    # --to 17:00 is on the day of --from; both in the schedule's zone (CET), by sam's token
    said = "2026-03-03 09:00 CET → 2026-03-03 17:00 CET  dave replaces bob  by sam  (dentist)"
    assert made.stdout.startswith("made override ")
    assert made.stdout.endswith(f"  {said}\n")
    assert _on_call("2026-03-03T12:00", sam) == "dave\n"
    assert _on_call("2026-03-03T17:30", sam) == "bob\n"
    listed = _pm("list", "--schedule", "primary", env=sam)
    number = made.stdout.split()[2]
    assert listed.stdout == f"{number}  {said}\n"
    rows = json.loads(_pm("list", "--schedule", "primary", "-f", "json", env=sam).stdout)
    assert [(r["id"], r["start"], r["made_by"]) for r in rows] == [
        (int(number), "2026-03-03T08:00:00Z", "sam")
    ]
    gone = _pm("remove", number, "--schedule", "primary", env=sam)
    assert (gone.returncode, gone.stdout) == (0, f"removed override {number} from primary\n")
    assert _on_call("2026-03-03T12:00", sam) == "bob\n"
    again = _pm("remove", number, "--schedule", "primary", env=sam)
    assert (again.returncode, again.stderr) == (
        3,
        f"pm oncall: cannot remove override {number}: the server answered 404: no override "
        f"{number} on schedule primary\n",
    )


def test_removing_a_half_of_a_swap_cancels_the_swap_and_says_so(
    server: dict[str, dict[str, str]],
) -> None:
    """As the page's button: the swap's halves go together, and the terminal says which."""
    import datetime as dt

    from django.contrib.auth.models import User

    from postmortems.server.accounts.access import access_of
    from postmortems.server.oncall import services
    from postmortems.server.oncall.models import Override, Schedule, SwapRequest

    schedule, now = Schedule.objects.get(name="primary"), dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    berlin = dt.timezone(dt.timedelta(hours=1))
    trade = {"responder": "bob", "give_start": dt.datetime(2026, 3, 2, 9, tzinfo=berlin)}
    trade |= {"give_end": trade["give_start"] + dt.timedelta(days=1)}
    trade |= {"take_start": trade["give_end"], "take_end": trade["give_end"] + dt.timedelta(days=1)}
    alice = access_of(User.objects.get(username="alice"))
    swap = services.ask_swap(alice, schedule, "alice", trade, now=now)
    services.answer_swap(swap, "bob", accept=True, now=now)
    first, second = Override.objects.order_by("start")
    gone = _pm("remove", str(second.pk), "--schedule", "primary", env=server["sam"])
    assert gone.returncode == 0, gone.stderr
    assert gone.stdout == (
        f"override {second.pk} was a half of swap {swap.pk}, now cancelled:\n"
        f"  removed: {first.pk}  2026-03-02 09:00 CET → 2026-03-03 09:00 CET  bob replaces alice"
        f"  by bob  (swap {swap.pk}: alice ↔ bob)\n"
        f"  removed: {second.pk}  2026-03-03 09:00 CET → 2026-03-04 09:00 CET  alice replaces bob"
        f"  by bob  (swap {swap.pk}: alice ↔ bob)\n"
    )
    assert not Override.objects.exists()
    assert SwapRequest.objects.values_list("state", "cancelled_by").get() == ("cancelled", "sam")


def test_a_refusal_is_said_with_its_field_and_no_traceback(
    server: dict[str, dict[str, str]],
) -> None:
    sam = server["sam"]
    typo = _pm("add", *COVER, "--from", "2026-03-03 9 o'clock", "--to", "17:00", env=sam)
    assert (typo.returncode, typo.stdout) == (3, "")
    assert typo.stderr.startswith("pm oncall: ")
    said = "cannot add it: the server answered 422: start: Enter a valid date/time. — give "
    assert typo.stderr.startswith(f"pm oncall: {said}")
    assert "(2026-03-02 09:00;" in typo.stderr  # the hint says how to write one
    nobody = _pm("add", *COVER[:3], "dnaa", "--from", "2026-03-03 09:00", "--to", "10:00", env=sam)
    assert nobody.returncode == 3
    assert "answered 422: user: no account dnaa: " in nobody.stderr
    idle = _pm("add", *COVER, "--from", "2026-03-04 10:00", "--to", "11:00", env=sam)
    assert idle.returncode == 3
    assert "answered 422: replaces: bob is not on call on primary from 2026-03-04 10:00" in (
        idle.stderr
    )
    assert "— this override would change nothing" in idle.stderr
    for done in (typo, nobody, idle):
        assert "Traceback" not in done.stderr
        assert len(done.stderr.splitlines()) == 1
        assert done.stderr.count(" — ") == 1  # what is wrong, then how to fix it: once each
    assert _pm("list", "--schedule", "primary", env=sam).stdout.startswith("no overrides")


def test_a_role_or_token_that_may_not_change_it_gets_403(
    server: dict[str, dict[str, str]],
) -> None:
    times = ("--from", "2026-03-03 09:00", "--to", "17:00")
    for who, said in [
        ("vic", "your role cannot change schedules of team sre"),
        ("sam-read", "this token may only read"),
    ]:
        done = _pm("add", *COVER, *times, env=server[who])
        assert done.returncode == 3, who
        assert done.stderr.startswith(f"pm oncall: cannot add it: the server answered 403: {said}")
        assert server[who]["PM_TOKEN"] not in done.stderr + done.stdout
    # vic may read the list all the same
    assert _pm("list", "--schedule", "primary", env=server["vic"]).returncode == 0


def test_a_schedule_hidden_or_missing_is_no_schedule(server: dict[str, dict[str, str]]) -> None:
    for name in ("red-primary", "primray"):
        done = _pm("list", "--schedule", name, env=server["sam"])
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr.startswith(f"pm oncall: no schedule named '{name}' — ")
    assert "did you mean 'primary'?" in done.stderr
    assert _pm("list", "--schedule", "red-primary", env=server["rita"]).returncode == 0


def test_no_server_or_an_unreachable_one_is_said_plainly(
    server: dict[str, dict[str, str]],
) -> None:
    none = _pm("list", "--schedule", "primary", env={})
    assert none.returncode == 2
    assert none.stderr.startswith("pm oncall: no team server to ask: PM_URL is not set — ")
    no_token = _pm("list", "--schedule", "primary", env={"PM_URL": server["sam"]["PM_URL"]})
    assert no_token.returncode == 2
    assert "needs a token" in no_token.stderr
    closed = {"PM_URL": "http://127.0.0.1:9", "PM_TOKEN": server["sam"]["PM_TOKEN"]}
    down = _pm("list", "--schedule", "primary", env=closed)
    assert down.returncode == 3
    assert down.stderr.startswith("pm oncall: cannot reach http://127.0.0.1:9: ")
    assert "Traceback" not in down.stderr
    assert closed["PM_TOKEN"] not in down.stderr


def test_an_override_under_way_is_ended_now_and_said_so(
    server: dict[str, dict[str, str]],
) -> None:
    """The server's clock is Sunday 1 March 12:00 UTC (13:00 CET): dave, added from 11:00 to
    15:00 CET, is ended now, and kept; once over, it cannot be removed."""
    import datetime as dt

    from postmortems.server.oncall.models import Override, Schedule

    start = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)
    row = Override.objects.create(
        schedule=Schedule.objects.get(name="primary"),
        user="dave",
        kind="add",
        start=start,
        end=start + dt.timedelta(hours=4),
    )
    done = _pm("remove", str(row.pk), "--schedule", "primary", env=server["sam"])
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"override {row.pk} was under way: ended now, kept as history\n"
        f"  ended now: {row.pk}  2026-03-01 11:00 CET → 2026-03-01 13:00 CET  dave on call as "
        "well\n"
    )
    row.refresh_from_db()
    assert row.end == dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    again = _pm("remove", str(row.pk), "--schedule", "primary", env=server["sam"])
    assert again.returncode == 3
    assert again.stderr.startswith(
        f"pm oncall: cannot remove override {row.pk}: the server answered 409: this override is "
        "over (dave is added, Sun 01 Mar 2026 11:00 – Sun 01 Mar 2026 13:00 (Europe/Berlin))"
    )


def test_an_override_that_changes_nothing_is_refused(server: dict[str, dict[str, str]]) -> None:
    same = ("--schedule", "primary", "--user", "bob", "--replaces", "bob")
    refused = _pm("add", *same, "--from", "2026-03-03 10:00", "--to", "12:00", env=server["sam"])
    assert (refused.returncode, refused.stdout) == (3, "")
    assert refused.stderr.startswith(
        "pm oncall: cannot add it: the server answered 422: replaces: bob would replace bob: "
        "this override changes nothing — put someone else on call"
    )
    listed = _pm("list", "--schedule", "primary", env=server["sam"])
    assert listed.stdout == "no overrides on primary from now on\n"
