"""The timeline diagram: inline SVG made from the timeline, no script, no external anything.

Layout: a time ruler on the left, proportional to time, with the outage window shaded and a
dashed line at each midnight; one row per entry on the right, evenly spaced so that 30 or 300
entries stay readable, joined to its moment on the ruler by a leader line. Milestones (detected,
escalated, mitigated, resolved) get a coloured marker and a label; misleading paths a hollow
dashed marker. Colours come from CSS classes so the page's light and dark themes apply.
"""

from __future__ import annotations

from postmortems.document.model import Document
from postmortems.document.moments import MILESTONES, Moment, milestones, read_timeline
from postmortems.document.summarytimes import minutes_between
from postmortems.render.axis import DAY, Axis, Placed, day_of, label, place
from postmortems.render.escape import escape
from postmortems.render.markdown import plain
from postmortems.render.summary import summarize, why_inferred

WIDTH = 760
ROW = 30  # px per entry row
TOP = 56  # room for the legend
RULER_X = 92
ROW_X = 150
TEXT_X = 166
MAX_CHARS = 72
LEAD_UP = 60  # minutes before a window whose entries still belong to its incident
DAY_LABEL_PX = 18  # least room between two day labels on the ruler
MIN_SPAN = 10  # minutes
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, DAY, 2 * DAY, 7 * DAY)

LEGEND = (
    (Moment.DETECTED, "Detected"),
    (Moment.ESCALATED, "Escalated"),
    (Moment.MITIGATED, "Mitigated"),
    (Moment.RESOLVED, "Resolved"),
    (Moment.MISLEADING, "Misleading path"),
)


def _a(value: object) -> str:
    if type(value) in (int, float):  # most attributes are coordinates: nothing to escape
        return str(value)
    return escape(str(value), quote=True)


def _shorten(text: str, limit: int = MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    d, h = divmod(h, 24)
    parts = [f"{d}d" if d else "", f"{h}h" if h else "", f"{m}m" if m or not (d or h) else ""]
    return " ".join(p for p in parts if p)


class _Scale:
    """Minutes to heights: the span (at least ``MIN_SPAN`` minutes, so a short incident fills
    the ruler instead of a corner of an hour) with a twentieth of it, a minute at least, on
    each side."""

    def __init__(self, lo: int, hi: int, top: float, bottom: float) -> None:
        hi = max(hi, lo + MIN_SPAN)
        pad = max(1, (hi - lo) // 20)
        self.lo, self.hi = lo - pad, hi + pad
        self.top, self.bottom = top, bottom

    def y(self, minutes: int) -> float:
        return self.top + (minutes - self.lo) / (self.hi - self.lo) * (self.bottom - self.top)

    def ticks(self) -> list[int]:
        room = (self.bottom - self.top) / 36  # at most one label every 36 px
        step = next((s for s in TICK_STEPS if (self.hi - self.lo) / s <= room), TICK_STEPS[-1])
        first = (self.lo + step - 1) // step * step
        return list(range(first, self.hi + 1, step))


def _ruler(axis: Axis, scale: _Scale, inferred: frozenset[str]) -> list[str]:
    out = [
        f'<line class="tl-axis" x1="{RULER_X}" y1="{scale.top:.1f}" x2="{RULER_X}" '
        f'y2="{scale.bottom:.1f}"/>'
    ]
    if axis.window:
        out += _outage(axis.window, scale, inferred)
    days = _days(scale)
    midnights = [scale.y(m) for m in days]
    for t in scale.ticks():
        y = scale.y(t)
        if any(abs(y - m) < 18 for m in midnights):
            continue  # the day label takes that place
        out.append(
            f'<line class="tl-tick" x1="{RULER_X - 5}" y1="{y:.1f}" x2="{RULER_X + 5}" '
            f'y2="{y:.1f}"/><text class="tl-time" x="{RULER_X - 20}" y="{y + 4:.1f}" '
            f'text-anchor="end">{label(t)}</text>'
        )
    style = "%d %b"  # "22 Oct": a weekday too would not fit left of the ruler
    for midnight in days:
        y = scale.y(midnight)
        day = day_of(midnight)
        name = day.strftime(style) if day else f"day {midnight // DAY + 1}"
        out.append(
            f'<line class="tl-midnight" x1="8" y1="{y:.1f}" x2="{RULER_X + 18}" y2="{y:.1f}"/>'
            f'<text class="tl-day" x="{RULER_X - 20}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_a(name)}</text>"
        )
    return out


def _days(scale: _Scale) -> list[int]:
    """The midnights to mark: every one, or every second, seventh… day when a long incident
    would otherwise stack their labels on top of each other."""
    first = (scale.lo // DAY + 1) * DAY
    count = max(0, (scale.hi - first) // DAY + 1)
    per_day = (scale.y(first + DAY) - scale.y(first)) if count else 0.0
    step = next((n for n in (1, 2, 7, 14, 28) if per_day * n >= DAY_LABEL_PX), 28)
    return list(range(first, scale.hi + 1, step * DAY))


def _outage(window: tuple[int, int], scale: _Scale, inferred: frozenset[str]) -> list[str]:
    """The shaded outage window; an inferred start or end is dashed and marked "≈" beside it,
    with the reason on hover."""
    lo, hi = window
    a, b = scale.y(lo), scale.y(hi)
    approx = {"start": "≈" if "start" in inferred else "", "end": "≈" if "end" in inferred else ""}
    cls = "tl-outage tl-inferred" if approx["start"] or approx["end"] else "tl-outage"
    out = [
        f'<rect class="{cls}" x="{RULER_X - 14}" y="{a:.1f}" width="28" '
        f'height="{max(b - a, 2):.1f}" rx="4"><title>Outage: {approx["start"]}{label(lo)}'
        f"–{approx['end']}{label(hi)} ({_duration(hi - lo)})</title></rect>"
    ]
    for name, y in (("start", a), ("end", b)):
        if approx[name]:
            out.append(
                f'<text class="tl-note" data-inferred="{name}" x="{RULER_X + 17}" '
                f'y="{y + 4:.1f}">≈<title>{name.capitalize()} of the outage '
                f"{_a(why_inferred(name))}</title></text>"
            )
    return out


def _marker(mark: Moment, x: float, y: float) -> str:
    if mark in MILESTONES:
        return (
            f'<path class="tl-m tl-{mark.value}" d="M{x} {y - 7}L{x + 7} {y}L{x} {y + 7}'
            f'L{x - 7} {y}Z"/>'
        )
    if mark is Moment.MISLEADING:
        return f'<circle class="tl-m tl-misleading" cx="{x}" cy="{y}" r="5.5"/>'
    return f'<circle class="tl-m tl-action" cx="{x}" cy="{y}" r="4"/>'


def _row(p: Placed, y: float, mark: Moment, milestone: bool, scale: _Scale) -> list[str]:
    text = (plain(p.entry.text) or p.entry.text).replace("**", "").strip()  # unpaired bold
    when = label(p.at) if p.at is not None else "—"
    shown = mark if milestone or mark is Moment.MISLEADING else Moment.ACTION
    out = [f'<g class="tl-row tl-row-{shown.value}" data-mark="{shown.value}">']
    out.append(f"<title>{_a(when)} — {_a(text)}</title>")
    if p.at is not None:
        ty = scale.y(p.at)
        out.append(
            f'<path class="tl-leader" d="M{RULER_X} {ty:.1f}C{RULER_X + 30} {ty:.1f} '
            f'{ROW_X - 30} {y:.1f} {ROW_X - 8} {y:.1f}"/>'
        )
        if p.until is not None:
            out.append(
                f'<line class="tl-range" x1="{RULER_X}" y1="{ty:.1f}" x2="{RULER_X}" '
                f'y2="{scale.y(p.until):.1f}"/>'
            )
        out.append(f'<circle class="tl-dot" cx="{RULER_X}" cy="{ty:.1f}" r="2.5"/>')
    out.append(_marker(shown, ROW_X, y))
    tag = ""
    if shown is not Moment.ACTION:
        name = "Misleading" if shown is Moment.MISLEADING else shown.value.capitalize()
        tag = f'<tspan class="tl-tag tl-tag-{shown.value}">{name} · </tspan>'
        text = _shorten(text, MAX_CHARS - len(name) - 3)
    else:
        text = _shorten(text)
    out.append(
        f'<text class="tl-label" x="{TEXT_X}" y="{y + 4:.1f}"><tspan class="tl-when">'
        f"{_a(when)}</tspan>  {tag}{_a(text)}</text>"
    )
    out.append("</g>")
    return out


def _legend(inferred: bool) -> list[str]:
    out = ['<g class="tl-legend">']
    x: float = 8
    out.append(
        f'<rect class="tl-outage" x="{x}" y="12" width="14" height="14" rx="3"/>'
        f'<text class="tl-key" x="{x + 20}" y="24">Outage window</text>'
    )
    x += 128
    for mark, name in LEGEND:
        out.append(_marker(mark, x + 7, 19))
        out.append(f'<text class="tl-key" x="{x + 18}" y="24">{name}</text>')
        x += 22 + len(name) * 7.4
    if inferred:
        out.append(
            f'<text class="tl-key" x="{x}" y="24"><tspan class="approx">≈</tspan> inferred</text>'
        )
    out.append("</g>")
    return out


def timeline_svg(doc: Document) -> str:
    """The diagram as an inline ``<svg>`` element, or ``""`` when the timeline is empty."""
    axis = place(doc)
    if not axis.placed:
        return ""
    rows = len(axis.placed)
    height = TOP + rows * ROW + 16
    span = axis.span or (0, 60)
    scale = _Scale(*span, TOP, TOP + rows * ROW)
    summary = summarize(doc)
    counted = _first_incident(axis, summary.incidents)
    marks = {m: counted[i] for m, i in milestones([p.entry for p in counted]).items()}
    by_index = {p.index: m for m, p in marks.items()}
    title = "Timeline of the incident"
    if summary.incidents > 1:
        title = f"Timeline of the first of {summary.incidents} incidents in this document"
    window_inferred = summary.inferred & {"start", "end"} if axis.window else frozenset()
    # Between instants when both ends have a date and a zone (across a change of the clocks the
    # axis's wall-clock minutes are an hour off); else the axis's own span, as its times read.
    s, e = summary.start, summary.end
    minutes = None
    if s is not None and e is not None and s.aware is not None and e.aware is not None:
        minutes = minutes_between(s, e)
    desc = _describe(axis, marks, window_inferred, minutes)
    parts = [
        f'<svg class="pm-timeline" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="tl-title tl-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="tl-title">{title}</title><desc id="tl-desc">{_a(desc)}</desc>',
        *_legend(bool(window_inferred)),
    ]
    if axis.span is not None:
        parts += _ruler(axis, scale, window_inferred)
    else:  # no entry has a time: a plain sequence, no time axis to draw
        parts.append(
            f'<line class="tl-axis" x1="{ROW_X}" y1="{TOP + ROW / 2}" x2="{ROW_X}" '
            f'y2="{TOP + (rows - 0.5) * ROW}"/>'
        )
    read_all = read_timeline([p.entry.text for p in axis.placed])
    for n, p in enumerate(axis.placed):
        mark = by_index.get(p.index) or read_all[n]
        parts += _row(p, TOP + n * ROW + ROW / 2, mark, p.index in by_index, scale)
    parts.append("</svg>")
    return "".join(parts)


def _first_incident(axis: Axis, incidents: int) -> tuple[Placed, ...]:
    """The entries whose moments count for the milestones: for a document reporting several
    incidents, the timed ones of the first one's window (its facts are the first's) and of the
    hour before it."""
    if incidents <= 1 or axis.window is None:
        return axis.placed
    start, end = axis.window
    return tuple(p for p in axis.placed if p.at is not None and start - LEAD_UP <= p.at <= end)


def _describe(
    axis: Axis, marks: dict[Moment, Placed], inferred: frozenset[str], minutes: int | None
) -> str:
    """``minutes``: the card's duration, counted between instants (the axis counts wall-clock
    minutes, an hour off across a change of the clocks)."""
    bits = [f"{len(axis.placed)} events"]
    if axis.window:
        a, b = axis.window
        start = ("about " if "start" in inferred else "") + label(a)
        end = ("about " if "end" in inferred else "") + label(b)
        bits.append(
            f"outage from {start} to {end} ({_duration(b - a if minutes is None else minutes)})"
        )
    for mark in MILESTONES:
        if mark in marks:
            p = marks[mark]
            when = label(p.at) if p.at is not None else "an unstated time"
            bits.append(f"{mark.value} at {when}")
    return "; ".join(bits) + "."
