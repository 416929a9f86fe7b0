"""Small SVG charts drawn on the server side: vertical bars, stacked bars, horizontal bars, a
line. Each has a title and a text description for screen readers; colours come from the page's
CSS classes (theme variables), so a chart follows the light and dark themes and prints. The
static site's stats page and the team server's insights page both draw with these."""

from __future__ import annotations

import math
from collections.abc import Sequence

from postmortems.render.escape import escape

W, H = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 40


def _frame(title: str, desc: str, body: str, height: int = H) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" '
        f'aria-label="{escape(title)}: {escape(desc)}"><title>{escape(title)}</title>'
        f"<desc>{escape(desc)}</desc>{body}</svg>"
    )


def _nice_max(value: float, whole: bool = False) -> float:
    """The smallest "round" number of four grid steps (1, 2, 2.5 or 5 times a power of ten)
    that is at least ``value``; with ``whole`` (counts), steps of whole numbers only, so the
    grid never reads "0.25 incidents"."""
    if value <= 0:
        return 4.0
    unit = max(value / 4, 1.0) if whole else value / 4
    power = 10 ** math.floor(math.log10(unit))
    steps = (m * power for m in (1, 2, 2.5, 5, 10))
    step = next(s for s in steps if s >= unit and (not whole or float(s).is_integer()))
    return float(step * 4)


def _counts(values: Sequence[float]) -> bool:
    return all(float(v).is_integer() for v in values)


def _grid(top: float, fmt: str = "{:g}") -> str:
    out = []
    for i in range(5):
        v = top * i / 4
        y = H - BOTTOM - (H - TOP - BOTTOM) * i / 4
        out.append(
            f'<line class="c-grid" x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}"/>'
            f'<text class="c-label" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{fmt.format(v)}</text>"
        )
    return "".join(out)


LABEL_CHAR_PX = 7.2  # the width of a character of a 12 px label, a little generously


def _anchor(label: str, x: float) -> str:
    """How a label under ``x`` stays inside the chart: centred, or ending (starting) at ``x``
    when half of it would cross the right (left) edge, as a line's last point's does."""
    half = len(label) * LABEL_CHAR_PX / 2
    if x + half > W:
        return "end"
    return "start" if x - half < 0 else "middle"


def _xlabels(labels: Sequence[str], xs: Sequence[float]) -> str:
    every = max(1, math.ceil(len(labels) / 7))  # a label is about 60 px wide
    return "".join(
        f'<text class="c-label" x="{x:.1f}" y="{H - BOTTOM + 16}" '
        f'text-anchor="{_anchor(label, x)}">{escape(label)}</text>'
        for i, (label, x) in enumerate(zip(labels, xs, strict=True))
        if i % every == 0
    )


def bars(title: str, items: Sequence[tuple[str, float]]) -> str:
    """Vertical bars (e.g. incidents per month)."""
    if not items:
        return _frame(title, "no data", "")
    top = _nice_max(max(v for _, v in items), whole=_counts([v for _, v in items]))
    inner = W - LEFT - RIGHT
    step = inner / len(items)
    width = max(2.0, step * 0.72)
    out, xs = [_grid(top)], []
    for i, (label, value) in enumerate(items):
        x = LEFT + step * i + (step - width) / 2
        h = (H - TOP - BOTTOM) * value / top
        xs.append(x + width / 2)
        out.append(
            f'<rect class="c-bar" x="{x:.1f}" y="{H - BOTTOM - h:.1f}" width="{width:.1f}" '
            f'height="{h:.1f}" rx="2"><title>{escape(label)}: {value:g}</title></rect>'
        )
    out.append(_xlabels([label for label, _ in items], xs))
    desc = ", ".join(f"{label}: {value:g}" for label, value in items[-24:])
    return _frame(title, desc, "".join(out))


def _fit(label: str, chars: int) -> str:
    """``label`` cut to ``chars`` characters (an ellipsis marks the cut)."""
    return label if len(label) <= chars else label[: chars - 1] + "…"


def stacked(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]]
) -> str:
    """Vertical bars split by series (e.g. incidents per month by severity), with a legend
    under the axis; ``series`` is (name, CSS class of its fill, one value per label)."""
    totals = [sum(vs[i] for _, _, vs in series) for i in range(len(labels))]
    if not labels or not any(totals):
        return _frame(title, "no data", "")
    top = _nice_max(max(totals), whole=_counts(totals))
    step = (W - LEFT - RIGHT) / len(labels)
    width = max(2.0, step * 0.72)
    out, xs = [_grid(top)], []
    for i, label in enumerate(labels):
        x, base = LEFT + step * i + (step - width) / 2, float(H - BOTTOM)
        xs.append(x + width / 2)
        for name, cls, values in series:
            h = (H - TOP - BOTTOM) * values[i] / top
            if h > 0:
                base -= h
                out.append(
                    f'<rect class="{cls}" x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" '
                    f'height="{h:.1f}"><title>{escape(label)}, {escape(name)}: '
                    f"{values[i]:g}</title></rect>"
                )
    out.append(_xlabels(labels, xs))
    for n, (name, cls, _) in enumerate(series):  # the legend: 90 px a series
        x = LEFT + 90 * n
        out.append(
            f'<rect class="{cls}" x="{x}" y="{H + 2}" width="12" height="12"/>'
            f'<text class="c-label" x="{x + 17}" y="{H + 12}">{escape(_fit(name, 10))}</text>'
        )
    desc = ", ".join(
        f"{label}: {total:g} ("
        + ", ".join(f"{name} {vs[i]:g}" for name, _, vs in series if vs[i])
        + ")"
        for i, (label, total) in enumerate(zip(labels, totals, strict=True))
        if total
    )
    return _frame(title, desc, "".join(out), H + 22)


def hbars(title: str, items: Sequence[tuple[str, float]]) -> str:
    """Horizontal bars with labels (e.g. causes by category); the label column is as wide as
    the longest label up to 24 characters ("Expired certificate" whole), and a longer label is
    cut (the full one is in its tooltip and the description)."""
    if not items:
        return _frame(title, "no data", "")
    row = 26
    height = TOP + row * len(items) + 10
    top = max(v for _, v in items) or 1
    chars = min(max(17, *(len(label) for label, _ in items)), 24)
    label_w = 8 * chars + 14
    out = []
    for i, (label, value) in enumerate(items):
        y = TOP + i * row
        w = (W - label_w - 60) * value / top
        out.append(
            f'<text class="c-label" x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_fit(label, chars))}</text>"
            f'<rect class="c-bar" x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="16" '
            f'rx="2"/><text class="c-value" x="{label_w + w + 6:.1f}" y="{y + 16}">'
            f"{value:g}</text>"
        )
    desc = ", ".join(f"{label}: {value:g}" for label, value in items)
    return _frame(title, desc, "".join(out), height)


def lines(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> str:
    """One or two lines over the same x labels (e.g. median duration per month)."""
    values = sorted(v for _, vs in series for v in vs if v is not None)
    if not labels or not values:
        return _frame(title, "no data", "")
    # One three-week incident must not flatten every other point: the axis stops at three
    # times the upper quartile and taller points are drawn at the top, marked by a triangle.
    cap = max(values[(len(values) * 3) // 4] * 3, values[0]) or values[-1]
    top = _nice_max(min(values[-1], cap))
    inner = W - LEFT - RIGHT
    step = inner / max(1, len(labels) - 1) if len(labels) > 1 else 0
    xs = [LEFT + step * i if len(labels) > 1 else LEFT + inner / 2 for i in range(len(labels))]
    out = [_grid(top)]
    for n, (name, vs) in enumerate(series):
        pts = [
            (x, H - BOTTOM - (H - TOP - BOTTOM) * min(v, top) / top)
            for x, v in zip(xs, vs, strict=True)
            if v is not None
        ]
        out += [
            f'<path class="c-dot" d="M{x - 5:.1f} {TOP + 4}L{x + 5:.1f} {TOP + 4}L{x:.1f} {TOP - 4}'
            f'Z"><title>{escape(label)}: {v:g}</title></path>'
            for x, v, label in zip(xs, vs, labels, strict=True)
            if v is not None and v > top
        ]
        cls = "c-line" if n == 0 else "c-line2"
        path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts)
        out.append(f'<path class="{cls}" d="{path}"><title>{escape(name)}</title></path>')
        if n == 0:
            out += [f'<circle class="c-dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>' for x, y in pts]
    out.append(_xlabels(labels, xs))
    desc = "; ".join(
        f"{name}: "
        + ", ".join(f"{lab} {v:g}" for lab, v in zip(labels, vs, strict=True) if v is not None)
        for name, vs in series
    )
    return _frame(title, desc, "".join(out))
