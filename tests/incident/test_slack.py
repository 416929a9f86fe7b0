"""Reading a Slack export: real zip files built in tmp_path."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from postmortems.incident.draft import draft_postmortem
from postmortems.incident.lifecycle import milestones_from_events
from postmortems.incident.model import Event, Incident, IncidentError, status_change
from postmortems.incident.slack import (
    channel_names,
    outside_note,
    read_slack_export,
    read_slack_window,
)

UTC = dt.UTC
CHANNELS = [
    {"id": "C01", "name": "inc-checkout", "created": 1772300000},
    {"id": "C02", "name": "general", "created": 1772300000},
]
USERS = [
    {"id": "U1", "name": "alice", "real_name": "Alice Doe", "profile": {"display_name": "ali"}},
    {"id": "U2", "name": "bob", "profile": {"real_name": "", "display_name": "Bobby"}},
    {"id": "U3", "name": "carol", "profile": {}},
]


def ts(hour: int, minute: int, day: int = 1, seq: int = 100) -> str:
    moment = dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)
    return f"{int(moment.timestamp())}.{seq:06d}"


def msg(user: str, text: str, stamp: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": stamp, **extra}


DAY1 = [
    msg("U1", "Checkout is throwing 502s, looking", ts(23, 50)),
    msg("U2", "I'm on it <@U1>, paging <!subteam^S1|@db-oncall>", ts(23, 55)),
    {
        "type": "message",
        "subtype": "channel_join",
        "user": "U3",
        "text": "joined",
        "ts": ts(23, 56),
    },
    msg("U3", "Graphs: <https://grafana.example/d/1|error rate> &amp; latency", ts(23, 58)),
]
DAY2 = [
    msg("U1", "Rolled back, errors gone", ts(0, 40, day=2), thread_ts=ts(23, 50)),
    msg("U1", "", ts(0, 45, day=2), files=[{"name": "graph.png"}]),
    msg("U2", "All clear", ts(3, 0, day=2)),
]


def export(tmp_path: Path, files: dict[str, Any], name: str = "export.zip") -> Path:
    """A zip with each value written as JSON (a str or bytes value as is)."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for member, value in files.items():
            if isinstance(value, bytes | str):
                z.writestr(member, value)
            else:
                z.writestr(member, json.dumps(value))
    return path


def good(tmp_path: Path) -> Path:
    return export(
        tmp_path,
        {
            "channels.json": CHANNELS,
            "users.json": USERS,
            "inc-checkout/2026-03-01.json": DAY1,
            "inc-checkout/2026-03-02.json": DAY2,
            "general/2026-03-01.json": [msg("U1", "lunch?", ts(23, 52))],
        },
    )


def test_messages_in_the_window_named_after_their_authors(tmp_path: Path) -> None:
    events = read_slack_export(
        good(tmp_path),
        "inc-checkout",
        start=dt.datetime(2026, 3, 1, 23, 50, tzinfo=UTC),
        end=dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
    )
    got = [(e.at.strftime("%d %H:%M"), e.author, e.text) for e in events]
    assert got == [
        ("01 23:50", "Alice Doe", "Checkout is throwing 502s, looking"),
        ("01 23:55", "Bobby", "I'm on it @Alice Doe, paging @db-oncall"),
        ("01 23:58", "carol", "Graphs: error rate (https://grafana.example/d/1) & latency"),
        ("02 00:40", "Alice Doe", "Rolled back, errors gone"),
        ("02 00:45", "Alice Doe", "(shared graph.png)"),
    ]  # the join is skipped; 03:00 is after the window; #general is another channel
    assert {e.kind for e in events} == {"chat-message"}
    assert events[0].external_id == f"slack:inc-checkout:{ts(23, 50)}"
    assert events[3].get("thread_ts") == ts(23, 50)  # a reply knows its thread
    assert events[0].get("thread_ts") == ""


def test_importing_twice_gives_the_same_ids(tmp_path: Path) -> None:
    path = good(tmp_path)
    one = read_slack_export(path, "#inc-checkout", start=None, end=None)
    two = read_slack_export(io.BytesIO(path.read_bytes()), "C01", start=None, end=None)
    assert [e.external_id for e in one] == [e.external_id for e in two]
    assert len({e.external_id for e in one}) == len(one) == 6


def test_the_window_is_aware_and_inclusive(tmp_path: Path) -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    events = read_slack_export(
        good(tmp_path),
        "inc-checkout",
        start=dt.datetime(2026, 3, 2, 0, 55, tzinfo=berlin),  # 23:55 UTC
        end=dt.datetime(2026, 3, 2, 0, 58, tzinfo=berlin),
    )
    assert [e.text[:9] for e in events] == ["I'm on it", "Graphs: e"]
    with pytest.raises(IncidentError, match="need a timezone"):
        read_slack_export(good(tmp_path), "inc-checkout", start=dt.datetime(2026, 3, 1), end=None)


def test_a_workspace_url_links_each_message(tmp_path: Path) -> None:
    events = read_slack_export(
        good(tmp_path),
        "inc-checkout",
        start=None,
        end=None,
        workspace_url="https://acme.slack.com/",
    )
    stamp = ts(23, 50).replace(".", "")
    assert events[0].link == f"https://acme.slack.com/archives/C01/p{stamp}"


def test_a_private_channel_is_found_in_groups_json(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        {
            "channels.json": CHANNELS,
            "groups.json": [{"id": "G9", "name": "sec-incident"}],
            "users.json": USERS,
            "sec-incident/2026-03-01.json": [msg("U1", "rotating keys", ts(10, 0))],
        },
    )
    events = read_slack_export(path, "sec-incident", start=None, end=None)
    assert [(e.author, e.text) for e in events] == [("Alice Doe", "rotating keys")]


def test_channel_names_lists_public_then_private_channels(tmp_path: Path) -> None:
    path = export(
        tmp_path, {"channels.json": CHANNELS, "groups.json": [{"id": "G9", "name": "sec"}]}
    )
    assert channel_names(path) == ["inc-checkout", "general", "sec"]
    with pytest.raises(IncidentError, match=r"no channels\.json"):
        channel_names(export(tmp_path, {"users.json": USERS}, name="partial.zip"))
    with pytest.raises(IncidentError, match="not a zip file"):
        channel_names(io.BytesIO(b"PK not really"))


def error_of(path: Path | io.BytesIO, channel: str = "inc-checkout") -> str:
    with pytest.raises(IncidentError) as info:
        read_slack_export(path, channel, start=None, end=None)
    return str(info.value)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_text("hello", encoding="utf-8")
    message = error_of(path)
    assert message.startswith("export.zip is not a zip file")
    assert "Import/Export data" in message
    assert "no such file" in error_of(tmp_path / "missing.zip")


def test_missing_channel_names_the_channels_there_are(tmp_path: Path) -> None:
    message = error_of(good(tmp_path), "inc-payments")
    assert message.startswith("export.zip/channels.json: no channel 'inc-payments'")
    assert "general, inc-checkout" in message


def test_a_zip_of_more_files_than_an_export_of_a_year_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing a file costs the reading of the zip's index even when it is empty: a zip of
    hundreds of thousands of empty files is refused before its channels are read."""
    from postmortems.incident import slack

    monkeypatch.setattr(slack, "MAX_MEMBERS", 5)
    files = {"channels.json": CHANNELS, "users.json": USERS, "inc-checkout/2026-03-01.json": DAY1}
    assert slack.channel_names(export(tmp_path, files))  # three files: read
    crowded = export(tmp_path, {**files, **{f"x/{n}.json": [] for n in range(3)}})
    message = error_of(crowded)
    assert message.startswith("export.zip holds 6 files, more than the 5 a Slack import reads")
    assert "shorter date range" in message


def test_missing_channels_json(tmp_path: Path) -> None:
    path = export(tmp_path, {"users.json": USERS, "inc-checkout/2026-03-01.json": DAY1})
    assert error_of(path).startswith("export.zip has no channels.json — this is not a whole")


def test_a_channel_without_its_folder(tmp_path: Path) -> None:
    path = export(tmp_path, {"channels.json": CHANNELS, "users.json": USERS})
    assert "no inc-checkout/YYYY-MM-DD.json files" in error_of(path)


def test_bad_json_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        {
            "channels.json": CHANNELS,
            "users.json": USERS,
            "inc-checkout/2026-03-01.json": '[\n  {"ts": "1.0",\n  "text" "x"}\n]',
        },
    )
    message = error_of(path)
    assert message.startswith("export.zip/inc-checkout/2026-03-01.json:3:10: not valid JSON")
    assert "fix or delete that file" in message


def test_wrong_shapes_and_encodings_name_the_file(tmp_path: Path) -> None:
    path = export(tmp_path, {"channels.json": {"name": "inc-checkout"}})
    assert error_of(path).startswith("export.zip/channels.json: expected a JSON list of objects")
    path = export(
        tmp_path,
        {"channels.json": CHANNELS, "users.json": b"\xff\xfe[]"},
        name="other.zip",
    )
    assert error_of(path).startswith("other.zip/users.json: not UTF-8 text")


def test_messages_without_a_timestamp_or_text_are_skipped(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        {
            "channels.json": CHANNELS,
            "inc-checkout/2026-03-01.json": [
                {"type": "message", "text": "no ts"},
                msg("U1", "", ts(10, 0)),
                msg(
                    "U9",
                    "from someone not in users.json",
                    ts(10, 1),
                    user_profile={"real_name": "Dan"},
                ),
                {
                    "type": "message",
                    "subtype": "bot_message",
                    "username": "alertbot",
                    "text": "FIRING",
                    "ts": ts(10, 2),
                },
            ],
        },
    )
    events = read_slack_export(path, "inc-checkout", start=None, end=None)
    assert [(e.author, e.text) for e in events] == [
        ("Dan", "from someone not in users.json"),
        ("alertbot", "FIRING"),
    ]


def test_a_chat_message_marked_as_a_key_moment_joins_the_draft(tmp_path: Path) -> None:
    start = dt.datetime(2026, 3, 1, 23, 45, tzinfo=UTC)
    end = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    chat = read_slack_export(good(tmp_path), "inc-checkout", start=start, end=end)
    chat[3] = replace(chat[3], key_moment=True)  # "Rolled back, errors gone", marked by people
    again = read_slack_export(good(tmp_path), "inc-checkout", start=start, end=end)
    known = {e.external_id for e in chat}
    assert [e for e in again if e.external_id not in known] == []  # a second import adds nothing
    events = [
        Event(start, "alert-fired", "HighErrorRate", author="alertmanager/prod"),
        *chat,
        status_change(end, "monitoring", "resolved"),
    ]
    incident = Incident(
        "INC-2026-0042",
        "Checkout errors",
        "SEV2",
        "resolved",
        "Europe/Berlin",
        milestones_from_events(events),
        tuple(events),
    )
    text = draft_postmortem(incident)
    assert "- 01:40 CET - Alice Doe in chat: Rolled back, errors gone." in text
    assert "looking" not in text  # the other messages are not key moments


def test_what_the_window_leaves_out_is_counted_and_said(tmp_path: Path) -> None:
    read = read_slack_window(
        good(tmp_path),
        "inc-checkout",
        start=dt.datetime(2026, 3, 1, 23, 55, tzinfo=UTC),
        end=dt.datetime(2026, 3, 2, 0, 40, tzinfo=UTC),
    )
    assert read.events[0].text == "I'm on it @Alice Doe, paging @db-oncall"
    assert (read.before, read.after, read.days_before, read.days_after) == (1, 2, 0, 0)
    said = outside_note(read, "2026-03-01 23:55", "2026-03-02 00:40")
    assert said == (
        "; outside the incident's window (2026-03-01 23:55 – 2026-03-02 00:40): "
        "1 message before its start, 2 messages after its end"
    )
    everything = read_slack_window(good(tmp_path), "inc-checkout", start=None, end=None)
    assert outside_note(everything, "", "") == ""


def test_days_far_from_the_window_are_not_read_but_said(tmp_path: Path) -> None:
    read = read_slack_window(
        good(tmp_path), "general", start=dt.datetime(2026, 3, 9, tzinfo=UTC), end=None
    )
    assert (read.events, read.before, read.days_before) == ([], 0, 1)
    assert outside_note(read, "2026-03-09 00:00", "").endswith(
        "(2026-03-09 00:00 – open): 1 day of messages before its start (days away: not read)"
    )
