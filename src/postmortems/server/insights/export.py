"""The insights figures as JSON (the API and the page's JSON export give the same object) and as
CSV (that object flattened: one row per figure, its dotted path and its value)."""

from __future__ import annotations

import csv
import io
from typing import Any

from postmortems.server.insights.figures import Figures

SCHEMA = "postmortems.insights/1"


def to_json(fig: Figures) -> dict[str, Any]:
    """Counts say what they count in their names (``postmortems``, ``incidents``, items);
    durations are in seconds (count, median, nearest-rank 90th percentile)."""
    scope = fig.scope
    return {
        "schema": SCHEMA,
        "scope": {
            "team": scope.team,
            "since": scope.since.isoformat() if scope.since else None,
            "until": scope.until.isoformat() if scope.until else None,
            "unit": fig.unit,
        },
        "totals": {
            "postmortems": fig.postmortems,
            "postmortems_undated": fig.undated,
            "incidents": fig.incidents,
        },
        "postmortems_by_period": _per_period(fig.periods, fig.pm_by_period),
        "incidents_by_period": _per_period(fig.periods, fig.inc_by_period),
        "by_service": {
            name: {"postmortems": pms, "incidents": incs} for name, pms, incs in fig.by_service
        },
        "postmortems_by_cause": dict(fig.by_cause),
        "postmortems_by_factor": dict(fig.by_factor),
        "response": {
            kind: {name: summary.to_json() for name, summary in found.items()}
            for kind, found in fig.response.items()
        },
        "review": {
            step.name: {
                **step.summary.to_json(),
                "left_out_no_review_history": step.no_history,
                "left_out_incident_end_unknown": step.no_end,
            }
            for step in fig.steps
        },
        "action_items": _items(fig),
        "repeats": {
            "postmortems_checked": fig.repeats_checked,
            "postmortems_flagged": fig.repeats_flagged,
            "rate": fig.repeat_rate,
        },
    }


def _per_period(periods: list[str], series: dict[str, list[int]]) -> dict[str, dict[str, int]]:
    return {
        period: {(sev or "none"): values[i] for sev, values in series.items()}
        for i, period in enumerate(periods)
    }


def _items(fig: Figures) -> dict[str, Any]:
    items = fig.items
    return {
        "total": items.total,
        "done": items.done,
        "wont_do": items.wont_do,
        "open": items.open,
        "overdue": items.overdue,
        "completion_rate": items.completion_rate,
        "open_age": items.age.to_json(),
        "open_by_age": dict(items.by_age),
    }


def flatten(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """``{"a": {"b": 1}}`` → ``[("a.b", 1)]``; a None value stays (an empty cell)."""
    if isinstance(value, dict):
        return [row for key, inner in value.items() for row in flatten(inner, _join(path, key))]
    return [(path, value)]


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def to_csv(fig: Figures) -> str:
    """Two columns, ``figure`` and ``value``: the JSON object flattened, one row per figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["figure", "value"])
    for name, value in flatten(to_json(fig)):
        writer.writerow([_cell(name), "" if value is None else _cell(value)])
    return out.getvalue()


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) is
    kept as text by a leading apostrophe; a service name is text people wrote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
