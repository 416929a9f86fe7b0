"""docs/incidents.md states the tables as the code declares them (a test fails when it drifts)."""

from __future__ import annotations

import re
from pathlib import Path

from postmortems.incident.lifecycle import STATUSES, TRANSITIONS
from postmortems.incident.metrics import METRICS
from postmortems.incident.model import EVENT_KINDS, MILESTONES, ROLES, SEVERITIES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "incidents.md").read_text(encoding="utf-8")


def rows() -> dict[str, list[str]]:
    """Table rows whose first cell is a `code` value: that value → the other cells."""
    out: dict[str, list[str]] = {}
    for line in DOC.splitlines():
        m = re.match(r"^\| `([^`]+)` \|(.*)\|$", line)
        if m:
            out.setdefault(m[1], []).append(m[2])
    return out


def cells(text: str) -> list[str]:
    return [c.strip() for c in text.split("|")]


def test_every_status_and_move_is_documented() -> None:
    table = rows()
    assert all(status in table for status in STATUSES)
    moves: dict[str, tuple[set[str], str]] = {}
    for name, found in rows().items():
        for row in found:
            parts = cells(row)
            if len(parts) == 2 and parts[1].startswith("`"):
                sources = re.findall(r"`([^`]+)`", parts[0])
                moves[name] = (set(sources), parts[1].strip("`"))
    by_name: dict[str, tuple[set[str], str]] = {}
    for t in TRANSITIONS:
        sources, _ = by_name.get(t.name, (set(), t.target))
        by_name[t.name] = (sources | {t.source}, t.target)
    assert moves == by_name


def test_every_event_kind_milestone_role_and_severity_is_documented() -> None:
    table = rows()
    assert all(kind in table for kind in EVENT_KINDS)
    assert all(f"| `{m}` |" in DOC for m in MILESTONES)
    assert all(f"`{role}`" in DOC for role in ROLES)
    assert all(f"`{sev}`" in DOC for sev in SEVERITIES)


def test_every_metric_is_documented_with_its_milestones_and_definition() -> None:
    for metric in METRICS:
        line = next(row for row in DOC.splitlines() if row.startswith(f"| `{metric.name}` |"))
        parts = cells(line.strip("|"))
        assert parts[1:3] == [f"`{metric.start_milestone}`", f"`{metric.end_milestone}`"]
        assert metric.definition.split(";")[0].rstrip(".") in parts[3]


def test_the_other_helpers_sections_have_their_place() -> None:
    for title in (
        "The incident model",
        "Response metrics",
        "The postmortem draft",
        "Importing Slack",
    ):
        assert f"## {title}\n" in DOC
    assert "<!-- integrations: see the incidents app -->" in DOC
