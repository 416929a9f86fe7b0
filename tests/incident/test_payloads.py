"""Parsing alert payloads: the documented examples, and precise errors for bad ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.incident.payloads import PayloadError, parse

EXAMPLES = Path(__file__).parent / "examples"


def example(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{kind}.json").read_text())
    return data


def body(data: Any) -> bytes:
    return json.dumps(data).encode()


def test_alertmanager_example() -> None:
    n = parse("alertmanager", body(example("alertmanager")))
    assert n.source == "alertmanager"
    assert n.group_key == '{}:{alertname="HighErrorRate"}'
    first, second = n.alerts
    assert first.status == "firing"
    assert first.ends_at is None
    assert first.starts_at == datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert first.label_map["instance"] == "web-1"
    assert first.summary == "5xx above 5% on web-1"
    assert first.link.startswith("http://prometheus.example")
    assert second.status == "resolved"
    assert second.ends_at == datetime(2026, 3, 1, 10, 4, tzinfo=UTC)
    assert first.external_id != second.external_id


def test_grafana_example() -> None:
    n = parse("grafana", body(example("grafana")))
    (alert,) = n.alerts
    assert alert.fingerprint == "57c6d9296de2ad39"
    assert alert.starts_at.utcoffset() == timedelta(hours=1)
    assert alert.label_map["severity"] == "page"
    assert alert.summary == "p99 latency above 2 s"


def test_generic_example() -> None:
    n = parse("generic", body(example("generic")))
    (alert,) = n.alerts
    assert n.group_key == "checkout-latency"
    assert alert.fingerprint == "checkout-p99"
    assert alert.summary == "p99 above 2 s"
    assert alert.link == "https://grafana.example/d/abc"


def test_generic_without_group_groups_by_id() -> None:
    data = example("generic")
    del data["group"]
    assert parse("generic", body(data)).group_key == "generic:checkout-p99"


def test_missing_fingerprint_is_derived_from_labels() -> None:
    data = example("alertmanager")
    for alert in data["alerts"]:
        del alert["fingerprint"]
    a, b = parse("alertmanager", body(data)).alerts
    again = parse("alertmanager", body(data)).alerts[0]
    assert a.fingerprint == again.fingerprint
    assert a.fingerprint != b.fingerprint


def error(kind: str, raw: bytes) -> PayloadError:
    with pytest.raises(PayloadError) as caught:
        parse(kind, raw)
    return caught.value


def test_truncated_json_says_it_is_cut_short() -> None:
    raw = body(example("alertmanager"))
    exc = error("alertmanager", raw[: len(raw) // 2])
    assert exc.pointer == "/"
    assert "not valid JSON" in exc.problem
    assert exc.hint
    assert "cut short" in exc.hint


def test_wrong_version_names_the_field_and_the_fix() -> None:
    data = example("alertmanager")
    data["version"] = "3"
    exc = error("alertmanager", body(data))
    assert exc.pointer == "/version"
    assert "'3'" in exc.problem
    assert "'4'" in exc.problem
    # A Grafana payload on an Alertmanager hook is the same mistake.
    assert error("alertmanager", body(example("grafana"))).pointer == "/version"


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (lambda d: d["alerts"][1].update(status="gone"), "/alerts/1/status", "not a status"),
        (lambda d: d["alerts"][0].pop("startsAt"), "/alerts/0/startsAt", "missing"),
        (
            lambda d: d["alerts"][0].update(startsAt="2026-03-01T10:00:00"),
            "/alerts/0/startsAt",
            "no UTC offset",
        ),
        (lambda d: d["alerts"][0].update(startsAt="yesterday"), "/alerts/0/startsAt", "not a time"),
        (lambda d: d["alerts"][0]["labels"].update(x=3), "/alerts/0/labels/x", "expected a string"),
        (lambda d: d["alerts"][0].update(labels={}), "/alerts/0/labels", "missing or empty"),
        (lambda d: d.update(alerts=[]), "/alerts", "empty"),
        (lambda d: d.update(alerts={}), "/alerts", "not an array"),
        (lambda d: d.pop("groupKey"), "/groupKey", "missing"),
        (lambda d: d["alerts"].__setitem__(0, "x"), "/alerts/0", "expected an alert"),
    ],
)
def test_each_bad_field_is_pointed_at(change: Any, pointer: str, words: str) -> None:
    data = example("alertmanager")
    change(data)
    exc = error("alertmanager", body(data))
    assert exc.pointer == pointer
    assert words in exc.problem
    assert exc.hint


def test_label_names_are_escaped_in_pointers() -> None:
    data = example("alertmanager")
    data["alerts"][0]["labels"]["a/b"] = 1
    assert error("alertmanager", body(data)).pointer == "/alerts/0/labels/a~1b"


def test_generic_resolved_needs_an_end() -> None:
    data = example("generic")
    data["alerts"][0]["status"] = "resolved"
    assert error("generic", body(data)).pointer == "/alerts/0/ended_at"
    data["alerts"][0]["ended_at"] = "2026-03-01T10:30:00+02:00"
    (alert,) = parse("generic", body(data)).alerts
    assert alert.ends_at == datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.parametrize("raw", [b"", b"   ", b"\xff\xfe", b"[]", b"42", b"null", b"[" * 100_000])
def test_hostile_bodies_are_payload_errors(raw: bytes) -> None:
    for kind in ("alertmanager", "grafana", "generic"):
        exc = error(kind, raw)
        assert exc.pointer == "/"
        assert exc.hint


def test_too_many_alerts() -> None:
    data = example("generic")
    data["alerts"] = data["alerts"] * 1001
    assert "at most 1000" in (error("generic", body(data)).hint or "")


def test_nul_characters_are_refused_where_they_are() -> None:
    data = example("alertmanager")
    data["alerts"][0]["annotations"]["summary"] = "a\u0000b"
    assert error("alertmanager", body(data)).pointer == "/alerts/0/annotations/summary"
    data = example("alertmanager")
    data["alerts"][0]["labels"]["x\u0000"] = "b"
    assert error("alertmanager", body(data)).pointer == "/alerts/0/labels"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100)
@given(
    st.sampled_from(["alertmanager", "grafana", "generic"]),
    st.fixed_dictionaries(
        {},
        optional={
            "version": st.sampled_from(["4", "1", 4, None]),
            "groupKey": st.text(max_size=10) | json_values,
            "status": st.sampled_from(["firing", "resolved", "x"]),
            "group": st.text(max_size=10),
            "alerts": st.lists(json_values, max_size=3) | json_values,
        },
    ),
)
def test_any_json_is_a_notification_or_a_payload_error(kind: str, data: dict[str, Any]) -> None:
    try:
        note = parse(kind, body(data))
    except PayloadError as exc:
        refused: PayloadError | None = exc
    else:
        refused = None
        assert note.alerts
        assert all(a.starts_at.tzinfo is not None for a in note.alerts)
    if refused is not None:
        assert refused.pointer.startswith("/")
        assert refused.hint
