"""The timeline diagram: inline SVG made from the timeline, no script, no external anything.

Layout: a time ruler on the left, proportional to time, with the outage window shaded and a
dashed line at each midnight; one row per entry on the right, in order, joined to its moment on
the ruler by a leader line, so that 30 or 300 entries stay readable. Each label is broken into
lines that fit (a row is as tall as its label), so the whole text shows. Milestones (detected,
escalated, mitigated, resolved) get a coloured marker and a label; misleading paths a hollow
dashed marker. Colours come from CSS classes so the page's light and dark themes apply.

A page holds the diagram drawn three times, for a phone, a width between and a desktop column
(:func:`timeline_diagram`); the stylesheet shows the one made for the width the page gives it,
scaled to fill that width (its text a little smaller or larger, never much).
"""

from __future__ import annotations

from dataclasses import dataclass

from postmortems.document.model import Document
from postmortems.document.moments import MILESTONES, Moment, read_timeline
from postmortems.document.summarytimes import minutes_between
from postmortems.render.axis import DAY, Axis, Placed, day_of, label, place
from postmortems.render.body import entry_id
from postmortems.render.escape import escape
from postmortems.render.markdown import plain
from postmortems.render.marks import marked
from postmortems.render.memo import per_document
from postmortems.render.summary import summarize, why_inferred
from postmortems.render.wrap import ELLIPSIS, text_width, wrap

ROW = 30  # px of a row of one line
LINE = 17  # px each further line of a label adds
LABEL_PX = 13  # the labels' font size (.tl-label in the stylesheet)
KEY_PX = 12  # the legend's font size (.tl-key)
MAX_LINES = 10  # a longer label ends with "…" (its whole text is in the row's tooltip)
LEAD_UP = 60  # minutes before a window whose entries still belong to its incident
DAY_LABEL_PX = 18  # least room between two day labels on the ruler
MIN_SPAN = 10  # minutes
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, DAY, 2 * DAY, 7 * DAY)


@dataclass(frozen=True)
class Layout:
    """One drawing of the diagram: its width and where the ruler, markers and labels go."""

    name: str  # the svg's class ``tl-<name>``
    width: int
    ruler_x: int
    row_x: int  # the markers
    text_x: int  # the labels
    ids: str = ""  # the suffix of the title's and description's ids (unique in a page)

    @property
    def text_width(self) -> float:
        return self.width - self.text_x - 4


WIDE = Layout("wide", 736, 92, 150, 166)  # a desktop's text column (46rem)
MEDIUM = Layout("medium", 500, 80, 130, 144, "-medium")  # a phone on its side, a small tablet
NARROW = Layout("narrow", 344, 70, 112, 126, "-narrow")  # a phone held upright (390 px)
LAYOUTS = (NARROW, MEDIUM, WIDE)  # the page's drawings, in the order the stylesheet expects
WIDTH = WIDE.width

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


def _ruler(axis: Axis, scale: _Scale, inferred: frozenset[str], x: int) -> list[str]:
    out = [
        f'<line class="tl-axis" x1="{x}" y1="{scale.top:.1f}" x2="{x}" y2="{scale.bottom:.1f}"/>'
    ]
    if axis.window:
        out += _outage(axis.window, scale, inferred, x)
    days = _days(scale)
    midnights = [scale.y(m) for m in days]
    for t in scale.ticks():
        y = scale.y(t)
        if any(abs(y - m) < 18 for m in midnights):
            continue  # the day label takes that place
        out.append(
            f'<line class="tl-tick" x1="{x - 5}" y1="{y:.1f}" x2="{x + 5}" y2="{y:.1f}"/>'
            f'<text class="tl-time" x="{x - 20}" y="{y + 4:.1f}" text-anchor="end">'
            f"{label(t)}</text>"
        )
    style = "%d %b"  # "22 Oct": a weekday too would not fit left of the ruler
    for midnight in days:
        y = scale.y(midnight)
        day = day_of(midnight)
        name = day.strftime(style) if day else f"day {midnight // DAY + 1}"
        out.append(
            f'<line class="tl-midnight" x1="4" y1="{y:.1f}" x2="{x + 18}" y2="{y:.1f}"/>'
            f'<text class="tl-day" x="{x - 20}" y="{y - 4:.1f}" text-anchor="end">'
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


def _outage(window: tuple[int, int], scale: _Scale, inferred: frozenset[str], x: int) -> list[str]:
    """The shaded outage window; an inferred start or end is dashed and marked "≈" beside it,
    with the reason on hover."""
    lo, hi = window
    a, b = scale.y(lo), scale.y(hi)
    approx = {"start": "≈" if "start" in inferred else "", "end": "≈" if "end" in inferred else ""}
    cls = "tl-outage tl-inferred" if approx["start"] or approx["end"] else "tl-outage"
    out = [
        f'<rect class="{cls}" x="{x - 14}" y="{a:.1f}" width="28" '
        f'height="{max(b - a, 2):.1f}" rx="4"><title>Outage: {approx["start"]}{label(lo)}'
        f"–{approx['end']}{label(hi)} ({_duration(hi - lo)})</title></rect>"
    ]
    for name, y in (("start", a), ("end", b)):
        if approx[name]:
            out.append(
                f'<text class="tl-note" data-inferred="{name}" x="{x + 17}" '
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


@dataclass(frozen=True)
class _Row:
    """An entry as the diagram shows it, whatever the layout."""

    placed: Placed
    mark: Moment  # ACTION for an entry that is neither a milestone nor misleading
    when: str
    text: str  # plain text, whole

    @property
    def tag(self) -> str:
        if self.mark is Moment.ACTION:
            return ""
        return "Misleading" if self.mark is Moment.MISLEADING else self.mark.value.capitalize()

    def lines(self, lay: Layout) -> list[str]:
        """The label broken to the layout's width, after the time and the tag on line one."""
        bold = f"{self.when} {self.tag + ' · ' if self.tag else ''}"
        first = text_width(bold, LABEL_PX, bold=True)
        slant = self.mark is Moment.MISLEADING
        return wrap(self.text, lay.text_width, LABEL_PX, first=first, lines=MAX_LINES, slant=slant)


def _row(row: _Row, y: float, lines: list[str], lay: Layout, scale: _Scale) -> list[str]:
    p, shown = row.placed, row.mark
    out = [f'<g class="tl-row tl-row-{shown.value}" data-mark="{shown.value}">']
    out.append(f"<title>{_a(row.when)} — {_a(row.text)}</title>")
    if p.at is not None:
        ty, x = scale.y(p.at), lay.ruler_x
        out.append(
            f'<path class="tl-leader" d="M{x} {ty:.1f}C{x + 30} {ty:.1f} '
            f'{lay.row_x - 30} {y:.1f} {lay.row_x - 8} {y:.1f}"/>'
        )
        if p.until is not None:
            out.append(
                f'<line class="tl-range" x1="{x}" y1="{ty:.1f}" x2="{x}" '
                f'y2="{scale.y(p.until):.1f}"/>'
            )
        out.append(f'<circle class="tl-dot" cx="{x}" cy="{ty:.1f}" r="2.5"/>')
    out.append(_marker(shown, lay.row_x, y))
    tag = ""
    if row.tag:
        tag = f'<tspan class="tl-tag tl-tag-{shown.value}">{row.tag} · </tspan>'
    more = "".join(f'<tspan x="{lay.text_x}" dy="{LINE}">{_a(line)}</tspan>' for line in lines[1:])
    text = (
        f'<text class="tl-label" x="{lay.text_x}" y="{y + 4:.1f}"><tspan class="tl-when">'
        f"{_a(row.when)}</tspan> {tag}{_a(lines[0])}{more}</text>"
    )
    if lines[-1].endswith(ELLIPSIS) and not row.text.endswith(ELLIPSIS):
        # Shortened: a tap or a click reaches the whole entry in the page's timeline list,
        # anywhere on the label (the rectangle takes the taps between its lines).
        hit = (
            f'<rect fill="transparent" x="{lay.text_x - 4}" y="{y - 10:.1f}" '
            f'width="{lay.text_width + 4:.0f}" height="{len(lines) * LINE + 4}"/>'
        )
        text = f'<a class="tl-more" href="#{entry_id(p.index)}">{hit}{text}</a>'
    out.append(text)
    out.append("</g>")
    return out


def _legend(inferred: bool, width: int) -> tuple[list[str], float]:
    """The key, its items wrapped to ``width``; and the height it takes."""
    items: list[tuple[Moment | None, str]] = [(None, "Outage window"), *LEGEND]
    out, x, y = ['<g class="tl-legend">'], 4.0, 19.0
    for mark, name in items:
        size = 18 + text_width(name, KEY_PX) + 14
        if x > 4 and x + size > width:
            x, y = 4.0, y + 22
        if mark is None:
            out.append(
                f'<rect class="tl-outage" x="{x}" y="{y - 7}" width="14" height="14" rx="3"/>'
            )
        else:
            out.append(_marker(mark, x + 7, y))
        out.append(f'<text class="tl-key" x="{x + 18}" y="{y + 5}">{name}</text>')
        x += size
    if inferred:
        if x + text_width("≈ inferred", KEY_PX) > width:
            x, y = 4.0, y + 22
        out.append(
            f'<text class="tl-key" x="{x}" y="{y + 5}"><tspan class="approx">≈</tspan> inferred'
            "</text>"
        )
    out.append("</g>")
    return out, y + 12


@dataclass(frozen=True)
class _Model:
    """What the diagram says, before it is drawn at a width."""

    axis: Axis
    rows: tuple[_Row, ...]
    title: str
    desc: str
    inferred: frozenset[str]  # "start" / "end" of the outage window


@per_document
def _model(doc: Document) -> _Model | None:
    axis = place(doc)
    if not axis.placed:
        return None
    summary = summarize(doc)
    counted = _first_incident(axis, summary.incidents)
    marks = {m: counted[i] for m, i in marked(doc, counted).items()}
    by_index = {p.index: m for m, p in marks.items()}
    title = "Timeline of the incident"
    if summary.incidents > 1:
        title = f"Timeline of the first of {summary.incidents} incidents in this document"
    inferred = summary.inferred & {"start", "end"} if axis.window else frozenset()
    # Between instants when both ends have a date and a zone (across a change of the clocks the
    # axis's wall-clock minutes are an hour off); else the axis's own span, as its times read.
    s, e = summary.start, summary.end
    minutes = None
    if s is not None and e is not None and s.aware is not None and e.aware is not None:
        minutes = minutes_between(s, e)
    read_all = read_timeline([p.entry.text for p in axis.placed])
    rows = []
    for n, p in enumerate(axis.placed):
        mark = by_index.get(p.index) or read_all[n]
        if p.index not in by_index and mark is not Moment.MISLEADING:
            mark = Moment.ACTION
        text = (plain(p.entry.text) or p.entry.text).replace("**", "").strip()  # unpaired bold
        rows.append(_Row(p, mark, label(p.at) if p.at is not None else "—", text))
    desc = _describe(axis, marks, inferred, minutes)
    return _Model(axis, tuple(rows), title, desc, inferred)


def timeline_svg(doc: Document, layout: Layout = WIDE) -> str:
    """The diagram as an inline ``<svg>`` element drawn at ``layout``'s width, or ``""`` when
    the timeline is empty."""
    model = _model(doc)
    if model is None:
        return ""
    lay = layout
    legend, top = _legend(bool(model.inferred), lay.width)
    top += 26
    wrapped = [row.lines(lay) for row in model.rows]
    ys: list[float] = []
    y = top
    for lines in wrapped:
        ys.append(y + ROW / 2)
        y += ROW + LINE * (len(lines) - 1)
    height = round(y + 16)
    parts = [
        f'<svg class="pm-timeline tl-{lay.name}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {lay.width} {height}" width="{lay.width}" height="{height}" '
        f'aria-labelledby="tl-title{lay.ids} tl-desc{lay.ids}" '
        'preserveAspectRatio="xMinYMin meet">',
        f'<title id="tl-title{lay.ids}">{model.title}</title>'
        f'<desc id="tl-desc{lay.ids}">{_a(model.desc)}</desc>',
        *legend,
    ]
    scale = _Scale(*(model.axis.span or (0, 60)), top, y)
    if model.axis.span is not None:
        parts += _ruler(model.axis, scale, model.inferred, lay.ruler_x)
    else:  # no entry has a time: a plain sequence, no time axis to draw
        parts.append(
            f'<line class="tl-axis" x1="{lay.row_x}" y1="{ys[0]}" x2="{lay.row_x}" y2="{ys[-1]}"/>'
        )
    for row, lines, row_y in zip(model.rows, wrapped, ys, strict=True):
        parts += _row(row, row_y, lines, lay, scale)
    parts.append("</svg>")
    return "".join(parts)


def standalone_svg(doc: Document) -> str:
    """The wide drawing as an ``.svg`` file of its own, its styles inside it (both themes), to
    put in a slide, a ticket or a Markdown image; ``""`` when the timeline is empty."""
    from postmortems.render.theme import diagram_css

    svg = timeline_svg(doc, WIDE)
    if not svg:
        return ""
    head, rest = svg.split(">", 1)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}><style>{diagram_css()}</style>{rest}\n'


def timeline_diagram(doc: Document) -> str:
    """The diagram for a page: drawn for a phone, a width between and a desktop column, in a
    box whose width picks the one shown (a container query in the stylesheet; no script);
    ``""`` when the timeline is empty."""
    if _model(doc) is None:
        return ""
    drawings = "".join(timeline_svg(doc, layout) for layout in LAYOUTS)
    return f'<div class="pm-diagram">{drawings}</div>'


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
