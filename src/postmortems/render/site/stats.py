"""The stats page: incidents per month, duration and time-to-detect trends, causes by
category, severities — numbers computed from the build's records, charts drawn at build time."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence

from postmortems.render.charts import bars, hbars, lines
from postmortems.render.escape import escape
from postmortems.render.page import shell
from postmortems.render.site.layout import STYLESHEET, nav_html
from postmortems.render.site.records import Record
from postmortems.render.summary import duration_text


def _period(date: str, quarterly: bool) -> str:
    if not quarterly:
        return date[:7]
    return f"{date[:4]} Q{(int(date[5:7]) - 1) // 3 + 1}"


def _periods(records: Sequence[Record]) -> tuple[list[str], bool]:
    """Every month (or quarter, when the records span more than four years) from the first
    incident to the last, including the empty ones."""
    found = sorted({r.date[:7] for r in records if r.date})
    if not found:
        return [], False
    (y, m), (y2, m2) = (map(int, found[0].split("-")), map(int, found[-1].split("-")))
    quarterly = (y2 * 12 + m2) - (y * 12 + m) > 48
    out: list[str] = []
    while (y, m) <= (y2, m2):
        label = _period(f"{y:04d}-{m:02d}", quarterly)
        if not out or out[-1] != label:
            out.append(label)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out, quarterly


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _chart(title: str, svg: str, note: str = "") -> str:
    extra = f'<p class="muted">{escape(note)}</p>' if note else ""
    return f'<section class="chart"><h2>{escape(title)}</h2>{svg}{extra}</section>'


def stats_page(site_title: str, records: Sequence[Record]) -> str:
    pms = [r for r in records if r.ok]
    periods, quarterly = _periods(pms)
    unit = "quarter" if quarterly else "month"
    per: dict[str, list[Record]] = defaultdict(list)
    for r in pms:
        if r.date:
            per[_period(r.date, quarterly)].append(r)
    counts = [(p, float(len(per[p]))) for p in periods]
    dur = [_median([r.duration for r in per[p] if r.duration is not None]) for p in periods]
    ttd = [_median([r.detect for r in per[p] if r.detect is not None]) for p in periods]
    hours = [None if v is None else round(v / 60, 1) for v in dur]
    causes = Counter(r.cause for r in pms).most_common()
    sevs = sorted(Counter(r.severity or "unset" for r in pms).items())
    all_dur = [r.duration for r in pms if r.duration is not None]
    all_ttd = [r.detect for r in pms if r.detect is not None]
    mttr, mttd = _median(all_dur), _median(all_ttd)
    undated = sum(1 for r in pms if not r.date)
    figures = (
        '<dl class="facts pm-card stats-figures">'
        f'<div class="fact"><dt>Postmortems</dt><dd>{len(pms)}</dd></div>'
        f'<div class="fact"><dt>Median duration</dt><dd>'
        f"{duration_text(int(mttr) if mttr is not None else None)}</dd></div>"
        f'<div class="fact"><dt>Median time to detect</dt><dd>'
        f"{duration_text(int(mttd) if mttd is not None else None)}</dd></div>"
        f'<div class="fact"><dt>Without a date</dt><dd>{undated}</dd></div></dl>'
    )
    charts = [
        _chart(f"Incidents per {unit}", bars(f"Incidents per {unit}", counts)),
        _chart(
            f"Duration (median per {unit}, hours)",
            lines(f"Median duration per {unit} in hours", periods, [("duration", hours)]),
        ),
        _chart(
            f"Time to detect (median per {unit}, minutes)",
            lines(f"Median time to detect per {unit} in minutes", periods, [("detect", ttd)]),
        ),
        _chart("Causes by category", hbars("Causes", [(c, float(n)) for c, n in causes])),
        _chart("Severity", hbars("Postmortems by severity", [(s, float(n)) for s, n in sevs])),
    ]
    main = f'<h1>Stats</h1>{figures}<div class="grid2">{"".join(charts)}</div>'
    return shell(f"Stats — {site_title}", main, nav=nav_html(site_title), stylesheet=STYLESHEET)
