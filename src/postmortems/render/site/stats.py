"""The stats page: incidents per month, duration and time-to-detect trends, causes by
category, severities — numbers computed from the build's records, charts drawn at build time."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from html import escape

from postmortems.render.page import shell
from postmortems.render.site.charts import bars, hbars, lines
from postmortems.render.site.entry import Record
from postmortems.render.site.layout import nav_html
from postmortems.render.summary import duration_text


def _months(records: Sequence[Record]) -> list[str]:
    found = sorted({r.date[:7] for r in records if r.date})
    if not found:
        return []
    (y, m), (y2, m2) = (map(int, found[0].split("-")), map(int, found[-1].split("-")))
    out = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _chart(title: str, svg: str, note: str = "") -> str:
    extra = f'<p class="muted">{escape(note)}</p>' if note else ""
    return f'<section class="chart"><h2>{escape(title)}</h2>{svg}{extra}</section>'


def stats_page(site_title: str, records: Sequence[Record]) -> str:
    pms = [r for r in records if r.ok]
    months = _months(pms)
    per_month: dict[str, list[Record]] = defaultdict(list)
    for r in pms:
        if r.date:
            per_month[r.date[:7]].append(r)
    counts = [(m, float(len(per_month[m]))) for m in months]
    dur = [_median([r.duration for r in per_month[m] if r.duration is not None]) for m in months]
    ttd = [_median([r.detect for r in per_month[m] if r.detect is not None]) for m in months]
    causes = Counter(r.cause for r in pms).most_common()
    sevs = sorted(Counter(r.severity or "unset" for r in pms).items())
    all_dur = [r.duration for r in pms if r.duration is not None]
    all_ttd = [r.detect for r in pms if r.detect is not None]
    mttr, mttd = _median(all_dur), _median(all_ttd)
    undated = sum(1 for r in pms if not r.date)
    figures = (
        '<dl class="facts pm-card">'
        f'<div class="fact"><dt>Postmortems</dt><dd>{len(pms)}</dd></div>'
        f'<div class="fact"><dt>Median duration</dt><dd>'
        f"{duration_text(int(mttr) if mttr is not None else None)}</dd></div>"
        f'<div class="fact"><dt>Median time to detect</dt><dd>'
        f"{duration_text(int(mttd) if mttd is not None else None)}</dd></div>"
        f'<div class="fact"><dt>Without a date</dt><dd>{undated}</dd></div></dl>'
    )
    charts = [
        _chart("Incidents per month", bars("Incidents per month", counts)),
        _chart(
            "Duration and time to detect (median, minutes)",
            lines(
                "Median duration and time to detect per month",
                months,
                [("median duration", dur), ("median time to detect", ttd)],
            ),
            "Solid line: duration. Dashed line: time to detect.",
        ),
        _chart("Causes by category", hbars("Causes", [(c, float(n)) for c, n in causes])),
        _chart("Severity", hbars("Postmortems by severity", [(s, float(n)) for s, n in sevs])),
    ]
    main = f'<h1>Stats</h1>{figures}<div class="grid2">{"".join(charts)}</div>'
    return shell(f"Stats — {site_title}", main, nav=nav_html(site_title))
