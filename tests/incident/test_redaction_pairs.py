"""What a redaction looks for in a postmortem drafted from the incident, and what it writes
instead (postmortems.incident.timeline.redaction_pairs)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from postmortems.incident.model import Event
from postmortems.incident.timeline import redaction_pairs

BERLIN = ZoneInfo("Europe/Berlin")
AT = dt.datetime(2026, 3, 1, 13, 5, 30, tzinfo=dt.UTC)  # 14:05 CET
MARKER = "Redacted by sam at 2026-03-01 15:00 CET: a password"


def _pairs(kind: str, text: str, author: str = "ann") -> dict[str, str]:
    event = Event(AT, kind, text, author=author)
    return dict(redaction_pairs(event, [(text, AT)], MARKER, BERLIN))


@pytest.mark.parametrize(
    ("kind", "author", "old", "new"),
    [
        (
            "note",
            "ann",
            "14:05 CET - Logged in with pw hunter2.",
            f"14:05 CET - {MARKER}.",
        ),
        (
            "note",
            "ann",
            "2026-03-01 14:05 CET - Misleading path: Logged in with pw hunter2.",
            f"2026-03-01 14:05 CET - Misleading path: {MARKER}.",
        ),
        (
            "chat-message",
            "Alice Doe",
            "14:05 CET - Alice Doe in chat: Logged in with pw hunter2.",
            f"14:05 CET - Alice Doe in chat: {MARKER}.",
        ),
    ],
)
def test_the_draft_s_lines_for_it_are_replaced_with_their_time(
    kind: str, author: str, old: str, new: str
) -> None:
    assert _pairs(kind, "Logged in with pw hunter2", author)[old] == new


def test_a_long_text_is_looked_for_alone_too_and_the_longest_comes_first() -> None:
    text = "Logged in to the replica with pw hunter2 and restarted it"
    pairs = redaction_pairs(Event(AT, "note", text), [(text, AT)], MARKER, BERLIN)
    found = dict(pairs)
    assert found[text] == MARKER
    assert found[text + "."] == MARKER + "."  # its sentence, as the draft writes it
    lengths = [len(old) for old, _ in pairs]
    assert lengths == sorted(lengths, reverse=True)


def test_a_short_text_is_looked_for_only_in_its_own_line() -> None:
    found = _pairs("note", "Restarted.")
    assert "Restarted." not in found
    assert all(old.startswith(("14:05 CET - ", "2026-03-01 14:05 CET - ")) for old in found)


def test_each_earlier_version_is_looked_for_at_its_own_time() -> None:
    earlier = AT - dt.timedelta(minutes=20)
    event = Event(AT, "note", "token abc")
    pairs = dict(
        redaction_pairs(event, [("token abc", AT), ("token abd", earlier)], MARKER, BERLIN)
    )
    assert pairs["13:45 CET - token abd."] == f"13:45 CET - {MARKER}."
