"""Response metrics: each one the time between two milestones, named for what it measures.

"MTTR" means four different things in the wild — mean time to *repair*, *recover*, *respond* and
*resolve* — and means hide skewed durations. Here every metric is a named span between two
milestones, and groups of incidents are summarised by their median and 90th percentile. What
others call MTTR is, here, ``time_to_resolve``: from the start of impact to the resolution.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from postmortems.incident.model import Milestones


@dataclass(frozen=True, slots=True)
class Metric:
    name: str  # the key in JSON and in `response_times`
    label: str  # what a page shows
    start_milestone: str
    end_milestone: str
    definition: str  # one sentence, shown in docs and as a tooltip


METRICS: tuple[Metric, ...] = (
    Metric(
        "time_to_detect",
        "Time to detect",
        "started",
        "detected",
        "From the start of impact to the moment someone or something noticed; unknown when "
        "both are the same instant (an alert's start is then the only start anyone knows).",
    ),
    Metric(
        "time_to_acknowledge",
        "Time to acknowledge",
        "detected",
        "acknowledged",
        "From detection to the first acknowledgement by a responder.",
    ),
    Metric(
        "time_to_mitigate",
        "Time to mitigate",
        "started",
        "mitigated",
        "From the start of impact to the moment users stopped being affected.",
    ),
    Metric(
        "time_to_resolve",
        "Time to resolve",
        "started",
        "resolved",
        "From the start of impact to the resolution; what is often called MTTR (the R is "
        "resolve, measured from impact, not from detection).",
    ),
)
METRIC_BY_NAME = {m.name: m for m in METRICS}


def span(metric: Metric, milestones: Milestones) -> dt.timedelta | None:
    """The metric for one incident: None when either milestone is unknown, when the end is
    before the start (a contradiction to fix by hand, not a negative time), or when impact is
    only known to have started when it was detected."""
    start = milestones.get(metric.start_milestone)
    end = milestones.get(metric.end_milestone)
    if start is None or end is None or end < start:
        return None
    if start == end and metric.start_milestone == "started" and metric.end_milestone == "detected":
        return None  # an alert opened it: its start is both, and 0 would say it was measured
    return end - start


def response_times(m: Milestones) -> dict[str, dt.timedelta | None]:
    """Every metric of one incident, by name, in :data:`METRICS` order."""
    return {metric.name: span(metric, m) for metric in METRICS}


@dataclass(frozen=True, slots=True)
class Summary:
    """A group of durations: how many, the median, the 90th percentile (None when empty).

    The median is the middle value (the mean of the two middle values for an even count); the
    90th percentile is the nearest-rank one: the smallest value that at least 90% of the values
    are less than or equal to (the ``ceil(0.9 × n)``-th smallest), always one of the values.
    """

    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None

    def to_json(self) -> dict[str, int | float | None]:
        """Seconds, for the API."""

        def seconds(value: dt.timedelta | None) -> float | None:
            return None if value is None else value.total_seconds()

        return {
            "count": self.count,
            "median_seconds": seconds(self.median),
            "p90_seconds": seconds(self.p90),
        }


def nearest_rank(values: Sequence[dt.timedelta], percent: float) -> dt.timedelta:
    """The nearest-rank percentile of non-empty ``values`` (0 < percent ≤ 100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[dt.timedelta]) -> dt.timedelta:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def summarize(values: Sequence[dt.timedelta]) -> Summary:
    """Count, median and nearest-rank 90th percentile of ``values``."""
    if not values:
        return Summary(0, None, None)
    return Summary(len(values), median(values), nearest_rank(values, 90))


def summarize_incidents(milestones: Iterable[Milestones]) -> dict[str, Summary]:
    """Each metric summarised over a group of incidents (those where it is known)."""
    spans: dict[str, list[dt.timedelta]] = {m.name: [] for m in METRICS}
    for one in milestones:
        for name, value in response_times(one).items():
            if value is not None:
                spans[name].append(value)
    return {name: summarize(values) for name, values in spans.items()}
