"""`pm oncall` on files through the real CLI: who, shifts (text, JSON, ics), gaps, check,
export; bad input gets file:line or a message with a fix, a non-zero exit and no traceback."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from postmortems.cli import cli
from postmortems.oncall.spec import load_files

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oncall" / "platform.yaml"
FILE = ("--file", str(EXAMPLE))


def pm(*args: str) -> Result:
    return CliRunner().invoke(cli, ["oncall", *args])


def test_who_as_json() -> None:
    result = pm(
        "who", "--schedule", "platform-primary", "--at", "2026-03-10T12:00", "-f", "json", *FILE
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "schedule": "platform-primary",
        "at": "2026-03-10T12:00:00+01:00",  # naive --at: the schedule's zone
        "on_call": ["ben"],
    }


def test_who_with_an_offset_and_as_text() -> None:
    # 2026-01-05 18:30 UTC is 19:30 in Berlin: Los Angeles' first week, diego.
    result = pm("who", "--schedule", "platform-primary", "--at", "2026-01-05T18:30Z", *FILE)
    assert (result.exit_code, result.stdout) == (0, "diego\n")


def test_shifts_as_text_json_and_ics_agree() -> None:
    args = (
        "shifts",
        "--schedule",
        "platform-secondary",
        "--from",
        "2026-01-05T09:00",
        "--to",
        "2026-01-06T09:00",
        *FILE,
    )
    text = pm(*args)
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines() == [
        "2026-01-05 09:00 CET → 2026-01-05 17:00 CET  hana  (business-hours)",
        "2026-01-05 17:00 CET → 2026-01-06 09:00 CET  frank  (managers)",
    ]
    rows = json.loads(pm(*args, "-f", "json").stdout)
    assert [(r["users"], r["layer"]) for r in rows] == [
        (["hana"], "business-hours"),
        (["frank"], "managers"),
    ]
    ics = CliRunner().invoke(cli, ["oncall", *args, "-f", "ics", "--who", "frank", "--alarm", "15"])
    events = list(Calendar.from_ical(ics.stdout_bytes).walk("VEVENT"))
    assert [e["DTSTART"].dt for e in events] == [datetime(2026, 1, 5, 16, tzinfo=UTC)]
    assert events[0].walk("VALARM")[0]["TRIGGER"].dt == -timedelta(minutes=15)


def test_shifts_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "primary.ics"
    result = pm(
        "shifts",
        "--schedule",
        "platform-primary",
        "--from",
        "2026-01-01",
        "--to",
        "2027-01-01",
        "-f",
        "ics",
        "-o",
        str(out),
        *FILE,
    )
    assert result.exit_code == 0, result.output
    assert len(list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))) > 700


OFFICE_ONLY = """\
schedules:
  - name: office
    timezone: Europe/Berlin
    layers:
      - name: days
        users: [ana]
        shift: 1 week
        handoff: "09:00"
        start: 2026-01-05
        restrictions:
          - {days: mon-fri, from: "09:00", to: "17:00"}
"""


def test_gaps_are_reported_with_status_1(tmp_path: Path) -> None:
    office = tmp_path / "office.yaml"
    office.write_text(OFFICE_ONLY, encoding="utf-8")
    result = pm("gaps", "--from", "2026-01-05", "--days", "2", "--file", str(office))
    assert result.exit_code == 1
    assert result.stdout == (
        "office: no one on call 2026-01-05 17:00 CET → 2026-01-06 09:00 CET (16.0 h)\n"
        "office: no one on call 2026-01-06 17:00 CET → 2026-01-07 00:00 CET (7.0 h)\n"
    )
    result = pm("gaps", "--from", "2026-02-01", "--days", "60", *FILE)
    assert (result.exit_code, result.stdout) == (0, "no gaps in the next 60 days\n")


def test_gaps_up_to_a_date_and_a_range_said_wrong(tmp_path: Path) -> None:
    office = tmp_path / "office.yaml"
    office.write_text(OFFICE_ONLY, encoding="utf-8")
    result = pm("gaps", "--from", "2026-01-05", "--to", "2026-01-06T12:00", "--file", str(office))
    assert (result.exit_code, result.stdout) == (
        1,
        "office: no one on call 2026-01-05 17:00 CET → 2026-01-06 09:00 CET (16.0 h)\n",
    )
    quiet = pm("gaps", "--from", "2026-02-02T09:00", "--to", "2026-02-02T12:00", *FILE)
    assert (quiet.exit_code, quiet.stdout) == (0, "no gaps until 2026-02-02T12:00\n")
    both = pm("gaps", "--from", "2026-01-05", "--to", "2026-01-06", "--days", "2", *FILE)
    assert both.exit_code == 2
    assert "give --to or --days, not both" in both.output
    backwards = pm("gaps", "--from", "2026-01-06", "--to", "2026-01-05", *FILE)
    assert backwards.exit_code == 2
    assert "--to '2026-01-05' is not after the range's start" in backwards.output
    assert "Traceback" not in both.output + backwards.output


def test_the_days_before_a_rotation_begins_are_no_gap() -> None:
    # Both schedules of the example start on Monday 5 Jan: the days before are no alarm.
    result = pm("gaps", "--from", "2026-01-01", "--days", "7", *FILE)
    assert (result.exit_code, result.stdout) == (0, "no gaps in the next 7 days\n")


def test_check_and_export(tmp_path: Path) -> None:
    result = pm("check", str(EXAMPLE))
    assert (result.exit_code, result.stdout) == (
        0,
        "ok: 2 schedules, 1 escalation policy, 2 services in 1 file\n",
    )
    out = tmp_path / "exported.yaml"
    assert pm("export", "-o", str(out), *FILE).exit_code == 0
    assert load_files([out]) == load_files([EXAMPLE])


def test_check_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (
        EXAMPLE.read_text()
        .replace("shift: 1 day", "shift: daily")
        .replace("delay: 15m", "delay: later")
    )
    bad.write_text(text)
    result = pm("check", str(bad), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    shift_line = text.splitlines().index("        shift: daily") + 1
    delay_line = text.splitlines().index("        delay: later") + 1
    assert lines[0].startswith(f"{bad}:{shift_line}:16: shift: 'daily' is not valid — ")
    assert lines[1].startswith(f"{bad}:{delay_line}:16: delay: 'later' is not valid — ")
    assert lines[2] == f"{tmp_path / 'missing.yaml'}:1:1: no such file — check the path"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("who", "--schedule", "platform-primry"),
            "no schedule named 'platform-primry' — did you mean 'platform-primary'?",
        ),
        (
            ("who", "--schedule", "platform-primary", "--at", "tomorrow"),
            "--at 'tomorrow' is not an ISO date or time",
        ),
        (
            (
                "shifts",
                "--schedule",
                "platform-primary",
                "--from",
                "2026-02-01",
                "--to",
                "2026-01-01",
            ),
            "--to is not after --from",
        ),
    ],
)
def test_bad_options_get_a_message_and_status_2(args: tuple[str, ...], message: str) -> None:
    result = pm(*args, *FILE)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"pm oncall: {message}")
    assert "Traceback" not in result.output


def test_who_for_a_team_lists_each_of_its_schedules() -> None:
    # Tuesday 10 March 2026, noon in Berlin: ben (anna's override) on the primary; on the
    # secondary, business day 64 since 5 January: 64 % 3 = 1, ivan.
    result = pm("who", "--team", "platform", "--at", "2026-03-10T12:00+01:00", "-f", "json", *FILE)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "team": "platform",
        "at": "2026-03-10T11:00:00+00:00",
        "on_call": ["ben", "ivan"],
        "schedules": {"platform-primary": ["ben"], "platform-secondary": ["ivan"]},
    }
    assert pm("who", "--team", "nobody", *FILE).exit_code == 2
    assert pm("who", *FILE).exit_code == 2  # neither --schedule nor --team


def test_check_refuses_an_override_listed_twice(tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    override = "      - user: ben\n        replaces: anna\n"
    start = text.index(override)
    end = text.index("\n\n", start)
    twice = text[:end] + "\n" + text[start:end] + text[end:]
    bad = tmp_path / "twice.yaml"
    bad.write_text(twice)
    for command in ("check", "apply"):
        args = ("--data-dir", str(tmp_path / "data")) if command == "apply" else ()
        result = pm(command, str(bad), *args)
        assert result.exit_code == 1, result.output
        copy = twice.splitlines().index(override.splitlines()[0], text[:start].count("\n") + 1)
        assert result.stderr.startswith(
            f"{bad}:{copy + 1}:9: the same override is listed twice in schedule "
            "'platform-primary' (also at line "
        )
        assert "ben replaces anna, 2026-03-09 07:00 – 2026-03-11 19:00 — remove one of them" in (
            result.stderr
        )
        assert "Traceback" not in result.output
    assert not (tmp_path / "data").exists()
