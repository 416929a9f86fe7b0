"""Response metrics: named spans between milestones; median and nearest-rank p90."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.incident.metrics import (
    METRIC_BY_NAME,
    METRICS,
    response_times,
    summarize,
    summarize_incidents,
)
from postmortems.incident.model import MILESTONES, Milestones

UTC = dt.UTC
T0 = dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def test_each_metric_spans_the_two_milestones_the_docs_name() -> None:
    spans = {m.name: (m.start_milestone, m.end_milestone) for m in METRICS}
    assert spans == {
        "time_to_detect": ("started", "detected"),
        "time_to_acknowledge": ("detected", "acknowledged"),
        "time_to_mitigate": ("started", "mitigated"),
        "time_to_resolve": ("started", "resolved"),
    }
    assert all(m.start_milestone in MILESTONES and m.end_milestone in MILESTONES for m in METRICS)
    assert "MTTR" in METRIC_BY_NAME["time_to_resolve"].definition


def test_response_times_of_one_incident() -> None:
    m = Milestones(
        started=T0,
        detected=T0 + minutes(7),
        acknowledged=T0 + minutes(9),
        mitigated=T0 + minutes(40),
        resolved=T0 + minutes(95),
    )
    assert response_times(m) == {
        "time_to_detect": minutes(7),
        "time_to_acknowledge": minutes(2),
        "time_to_mitigate": minutes(40),
        "time_to_resolve": minutes(95),
    }


def test_unknown_or_contradicting_milestones_give_no_time() -> None:
    m = Milestones(started=T0, detected=T0 - minutes(5), resolved=T0 + minutes(30))
    times = response_times(m)
    assert times["time_to_detect"] is None  # detected before started: fix by hand
    assert times["time_to_acknowledge"] is None  # never acknowledged
    assert times["time_to_resolve"] == minutes(30)


def test_a_start_known_only_as_the_detection_measures_no_time_to_detect() -> None:
    """An alert opened the incident: its start is both the start and the detection, and a 0
    would pull every median down as if it had been measured."""
    times = response_times(Milestones(started=T0, detected=T0, resolved=T0 + minutes(30)))
    assert times["time_to_detect"] is None
    assert times["time_to_resolve"] == minutes(30)  # the start still counts for the rest


def test_times_across_zones_are_instants() -> None:
    la = dt.timezone(dt.timedelta(hours=-8))
    m = Milestones(started=T0, detected=(T0 + minutes(3)).astimezone(la))
    assert response_times(m)["time_to_detect"] == minutes(3)


def test_summary_of_nothing_is_empty() -> None:
    s = summarize([])
    assert (s.count, s.median, s.p90) == (0, None, None)
    assert s.to_json() == {"count": 0, "median_seconds": None, "p90_seconds": None}


def test_median_and_p90_of_known_values() -> None:
    values = [minutes(n) for n in (50, 10, 30, 20, 40, 60, 70, 80, 90, 1000)]
    s = summarize(values)
    assert s.median == minutes(55)  # mean of the two middle values, 50 and 60
    assert s.p90 == minutes(90)  # ceil(0.9 × 10) = 9th smallest; the outlier does not count
    assert summarize([minutes(5)]).p90 == minutes(5)
    assert summarize([minutes(1), minutes(3), minutes(2)]).median == minutes(2)


def plain_p90(values: list[dt.timedelta]) -> dt.timedelta:
    """Nearest rank the plain way: the smallest value with at least 90% of values ≤ it."""
    ordered = sorted(values)
    for value in ordered:
        if sum(1 for v in ordered if v <= value) * 10 >= 9 * len(ordered):
            return value
    raise AssertionError("unreachable")


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60))
def test_p90_is_the_nearest_rank_of_a_sorted_list(seconds: list[int]) -> None:
    values = [dt.timedelta(seconds=s) for s in seconds]
    s = summarize(values)
    assert s.p90 == plain_p90(values)
    assert s.p90 == sorted(values)[math.ceil(0.9 * len(values)) - 1]
    assert s.p90 in values
    ordered = sorted(values)
    below = sum(1 for v in values if v <= s.median)  # type: ignore[operator]
    assert below * 2 >= len(values)
    assert ordered[0] <= s.median <= ordered[-1]  # type: ignore[operator]


def test_summaries_per_metric_over_incidents() -> None:
    incidents = [
        Milestones(started=T0, detected=T0 + minutes(n), resolved=T0 + minutes(10 * n))
        for n in (1, 2, 3, 4)
    ] + [Milestones(started=T0)]  # still open: counts nowhere
    out = summarize_incidents(incidents)
    assert out["time_to_detect"].count == 4
    assert out["time_to_detect"].median == minutes(2.5)
    assert out["time_to_resolve"].p90 == minutes(40)
    assert out["time_to_acknowledge"].count == 0
