"""What an alert says beyond its summary reaches the server: Grafana's dashboard and panel links
beside the annotations, the generic form's annotations (description, runbook)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from postmortems.incident.payloads import PayloadError, parse

EXAMPLES = Path(__file__).parent / "examples"


def example(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{kind}.json").read_text())
    return data


def test_grafana_keeps_its_dashboard_and_panel_links_with_the_annotations() -> None:
    (alert,) = parse("grafana", json.dumps(example("grafana")).encode()).alerts
    notes = dict(alert.annotations)
    assert notes["dashboardURL"] == "https://grafana.example/d/abc"
    assert notes["panelURL"] == "https://grafana.example/d/abc?viewPanel=1"
    assert notes["summary"] == "p99 latency above 2 s"
    assert "silenceURL" not in notes  # what silences an alert is the sender's business


def test_an_annotation_of_the_rule_wins_over_grafanas_link() -> None:
    data = example("grafana")
    data["alerts"][0]["annotations"]["dashboardURL"] = "https://grafana.example/d/team-board"
    (alert,) = parse("grafana", json.dumps(data).encode()).alerts
    assert dict(alert.annotations)["dashboardURL"] == "https://grafana.example/d/team-board"


def test_alertmanager_takes_no_grafana_field() -> None:
    data = example("alertmanager")
    data["alerts"][0]["dashboardURL"] = "https://grafana.example/d/abc"
    alert = parse("alertmanager", json.dumps(data).encode()).alerts[0]
    assert "dashboardURL" not in dict(alert.annotations)


def test_the_generic_form_takes_annotations_beside_its_summary() -> None:
    data = example("generic")
    data["alerts"][0]["annotations"] = {
        "description": "p99 above 2 s on every checkout pod",
        "runbook_url": "https://wiki.example/runbooks/checkout-latency",
        "summary": "ignored: the alert's own summary wins",
    }
    (alert,) = parse("generic", json.dumps(data).encode()).alerts
    notes = dict(alert.annotations)
    assert notes["description"] == "p99 above 2 s on every checkout pod"
    assert notes["runbook_url"] == "https://wiki.example/runbooks/checkout-latency"
    assert notes["summary"] == data["alerts"][0]["summary"]
    assert alert.summary == data["alerts"][0]["summary"]


def test_the_generic_forms_annotations_are_strings() -> None:
    data = example("generic")
    data["alerts"][0]["annotations"] = {"runbook_url": 42}
    with pytest.raises(PayloadError) as found:
        parse("generic", json.dumps(data).encode())
    assert found.value.pointer == "/alerts/0/annotations/runbook_url"
