"""The insights page's parts: the charts (server-side SVG from :mod:`postmortems.render.charts`,
shared with the static site) and the rows of the tables beside them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from postmortems.incident import metrics
from postmortems.render import charts
from postmortems.render.summary import duration_text
from postmortems.server.insights.figures import TOP, Figures

SEVERITY_CLASSES = {"SEV1": "c-sev1", "SEV2": "c-sev2", "SEV3": "c-sev3", "SEV4": "c-sev4"}


@dataclass(frozen=True)
class Chart:
    """An SVG chart and the table that says the same in text."""

    slug: str
    title: str
    svg: SafeString
    head: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    note: str = ""


YEAR = dt.timedelta(days=365.25)


def duration(value: dt.timedelta | None) -> str:
    """``4 d 3 h 12 min`` with each number bound to its unit by a no-break space: a narrow card
    or cell wraps between the pairs, never inside one. A year or more reads in years
    (``6.7 y``, not ``2458 d``): an item's age, where the hours no longer matter."""
    if value is not None and value >= YEAR:
        return f"{value / YEAR:.1f}\u00a0y"
    words = duration_text(None if value is None else int(value.total_seconds() // 60)).split()
    pairs = [" ".join(words[i : i + 2]) for i in range(0, len(words), 2)]
    return " ".join(p.replace(" ", "\u00a0") for p in pairs)


def _svg(markup: str) -> SafeString:
    return mark_safe(markup)  # the chart module escapes every text it draws


def _by_period(slug: str, title: str, fig: Figures, series: dict[str, list[int]]) -> Chart:
    drawn = [
        (sev or "none", SEVERITY_CLASSES.get(sev, "c-other"), [float(v) for v in values])
        for sev, values in series.items()
        if any(values)
    ]
    rows = [
        (period, *(series[sev][i] for sev in series), sum(v[i] for v in series.values()))
        for i, period in enumerate(fig.periods)
    ]
    head = (fig.unit.title(), *(sev or "none" for sev in series), "Total")
    return Chart(slug, title, _svg(charts.stacked(title, fig.periods, drawn)), head, rows)


def _ranked(slug: str, title: str, items: list[tuple[str, int]], what: str) -> Chart:
    svg = charts.hbars(title, [(name, float(n)) for name, n in items[:TOP]])
    note = f"The {TOP} most frequent; the export has all {len(items)}." if len(items) > TOP else ""
    return Chart(slug, title, _svg(svg), ("", what), list(items), note)


def chart_list(fig: Figures) -> list[Chart]:
    """Every chart of the page, in order."""
    unit = fig.unit
    services = _ranked(
        "services",
        "Postmortems by service",
        [(name, pms) for name, pms, _ in fig.by_service if pms],
        "Postmortems",
    )
    services = Chart(
        services.slug,
        services.title,
        services.svg,
        ("Service", "Postmortems", "Incidents"),
        list(fig.by_service),
        services.note,
    )
    ages = fig.items.by_age
    return [
        _by_period("pm-period", f"Postmortems per {unit}, by severity", fig, fig.pm_by_period),
        _by_period("inc-period", f"Incidents per {unit}, by severity", fig, fig.inc_by_period),
        services,
        _ranked("causes", "Postmortems by cause category", fig.by_cause, "Postmortems"),
        _ranked("factors", "Postmortems by contributing factor", fig.by_factor, "Postmortems"),
        Chart(
            "ages",
            "Open action items by age",
            _svg(charts.bars("Open action items by age", [(a, float(n)) for a, n in ages])),
            ("Age", "Open items"),
            list(ages),
        ),
    ]


def response_rows(fig: Figures) -> list[tuple[str, str, str, str, str, str, str, str]]:
    """(metric, definition, then count, median and p90 for incidents and for postmortems)."""
    out = []
    for metric in metrics.METRICS:
        inc = fig.response["incidents"][metric.name]
        pms = fig.response["postmortems"][metric.name]
        out.append(
            (
                metric.label,
                metric.definition,
                str(inc.count),
                duration(inc.median),
                duration(inc.p90),
                str(pms.count) if metric.name != "time_to_acknowledge" else "not recorded",
                duration(pms.median),
                duration(pms.p90),
            )
        )
    return out
