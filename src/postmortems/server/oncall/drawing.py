"""The schedule calendar as server-side SVG: one block per week, a row per layer and the final
rotation below them, gaps (no one on call) in red — those already over muted, as history — and
today's column shaded, with a line at the present moment.

Positions are real elapsed time from the week's first local midnight, so a week with a DST change
is 167 or 169 hours wide in the same 7 columns; day lines sit at the local midnights.

A name longer than its bar is cut with a visible ``…`` (``labelfit``); its tip, drawn last so
nothing covers it, shows it whole while the pointer or the keyboard's focus is on the bar
(``oncall.css``), and names the bar whole for a screen reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.html import escape

from postmortems.oncall import walltime
from postmortems.server.oncall import labelfit

DAY_W = 100  # SVG units per day
WEEK_W = 7 * DAY_W
LABEL_W = 90  # the row names on the left
PAD = 3  # between a bar's edge and its label
ROW_H = 26
HEAD_H = 18


@dataclass(frozen=True, slots=True)
class Segment:
    start: dt.datetime
    end: dt.datetime
    label: str  # the people, or "" for a gap
    href: str = ""  # a shift of the reader's: where to ask for a swap of it
    past: bool = False  # a gap already over: history, not an alarm
    who: str = ""  # whose colour it has, when the label says more ("ann for bob"): the label's


@dataclass(frozen=True, slots=True)
class Drawn:
    """A segment drawn: its bar in its row, and the tip drawn over the week (or "")."""

    bar: str
    tip: str = ""
    focused: bool = False  # the tip takes the keyboard's focus


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    segments: tuple[Segment, ...]
    final: bool = False


def palette(rows: Sequence[Row], people: Sequence[str] = ()) -> dict[str, str]:
    """A light colour for each person (or people on call together) of a calendar: the same
    name is the same colour in every row and week. ``people`` (the rotation's, in any order)
    come first, alphabetically, then anyone else drawn; each next name turns the hue by the
    golden angle, so the first few never look alike (a hash of the name gave two of five people
    one colour), and the rotation's people keep their colours whichever weeks are drawn."""
    drawn = {seg.who or seg.label for row in rows for seg in row.segments if seg.label}
    names = sorted(set(people)) + sorted(drawn - set(people))
    return {
        name: f"hsl({round(200 + i * GOLDEN_ANGLE) % 360} 65% 82%)" for i, name in enumerate(names)
    }


GOLDEN_ANGLE = 137.508  # degrees: successive hues as far from all the earlier ones as can be


def week_starts(first: dt.date, weeks: int, zone: ZoneInfo) -> list[dt.datetime]:
    """The local midnights that start each week (from the Monday on or before ``first``)."""
    monday = first - dt.timedelta(days=first.weekday())
    return [
        dt.datetime.combine(monday + dt.timedelta(weeks=i), dt.time(), zone) for i in range(weeks)
    ]


def _x(at: dt.datetime, start: dt.datetime, end: dt.datetime) -> float:
    span = (end - start).total_seconds()
    part = (min(max(at, start), end) - start).total_seconds()
    return LABEL_W + 7 * DAY_W * part / span


Box = tuple[float, float, int]  # a bar's left and right ends, and its top


def _place(box: Box) -> str:
    """The attributes that put a rectangle on ``box``, the height of a row's bar."""
    x0, x1, y = box
    return f'x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{ROW_H - 4}"'


def _rect(
    seg: Segment,
    y: int,
    span: tuple[dt.datetime, dt.datetime],
    zone: ZoneInfo,
    fills: dict[str, str],
) -> Drawn:
    """A segment of a row drawn in the week ``span``: a gap, or a shift."""
    start, end = span
    x0, x1 = _x(seg.start, start, end), _x(seg.end, start, end)
    if x1 - x0 <= 0:
        return Drawn("")
    when = f"{walltime.label(seg.start, zone)} – {walltime.label(seg.end, zone, '%a %H:%M')}"
    if seg.label:
        return _shift(seg, (x0, x1, y), escape(f"{seg.label}, {when}"), fills[seg.who or seg.label])
    if seg.past:
        title = escape(f"past gap (over): no one was on call, {when}")
        paint = 'class="gap past" fill="#e8ebef" stroke="#4a5563" stroke-dasharray="3 2"'
    else:
        title = escape(f"gap: no one on call, {when}")
        paint = 'class="gap" fill="#f8d0d0" stroke="#c0392b"'
    return Drawn(f"<rect {paint} {_place((x0, x1, y))}><title>{title}</title></rect>")


def _shift(seg: Segment, box: Box, title: str, fill: str) -> Drawn:
    """A shift's bar with as much of its label as it holds; when that is not all of it, the tip
    that shows it whole, drawn over the week after everything else."""
    x0, x1, y = box
    shown, cut = labelfit.fit(seg.label, x1 - x0 - 2 * PAD)
    # The text lets the pointer through to the bar, whose title names the shift on hover; a
    # cut one is left to the tip to name.
    hidden = ' aria-hidden="true"' if cut else ""
    text = (
        f'<text x="{x0 + PAD:.1f}" y="{y + 15}" font-size="11" pointer-events="none"{hidden}>'
        f"{escape(shown)}</text>"
        if shown
        else ""
    )
    outline = 'stroke="#1d2330" stroke-width="2"' if seg.href else 'stroke="#fff"'
    shift = (
        f'<g class="shift{" cut" if cut else ""}"><rect {_place(box)} fill="{fill}" {outline}>'
        f"<title>{title}</title></rect>{text}</g>"
    )
    if cut:
        tip = _tip(seg, box, fill, title, focused=bool(shown))
        return Drawn(shift, tip, focused=bool(shown or seg.href))
    return Drawn(_swap_link(seg, title, shift) if seg.href else shift)


def _swap_link(seg: Segment, named: str, inside: str) -> str:
    """A shift of the reader's, outlined, opens the swap form filled with it."""
    href = escape(seg.href)
    return f'<a class="mine" href="{href}" aria-label="Swap this shift: {named}">{inside}</a>'


def _tip(seg: Segment, box: Box, fill: str, named: str, *, focused: bool) -> str:
    """Over a bar whose label is cut, the label whole, shown while the pointer is on the bar or
    the keyboard's focus: a bar whose label shows a start and ``…`` (``focused``), or a swap
    link, takes the focus and is named by the whole label; one too short for any text only
    shows it to the pointer."""
    x0, _, y = box
    whole, _ = labelfit.fit(seg.label, WEEK_W - 2 * PAD)
    wide = labelfit.width(whole) + 2 * PAD
    left = max(LABEL_W, min(x0, LABEL_W + WEEK_W - wide))
    pop = (
        f'<g class="pop" visibility="hidden"><rect {_place((left, left + wide, y))} '
        f'fill="{fill}" stroke="#1d2330"/>'
        f'<text x="{left + PAD:.1f}" y="{y + 15}" font-size="11">{escape(whole)}</text></g>'
    )
    hit = f'<rect class="hit" {_place(box)} fill="transparent"/>'
    if seg.href:
        return _swap_link(seg, named, f'<g class="tip">{hit}{pop}</g>')
    if focused:
        return f'<g class="tip" tabindex="0" role="img" aria-label="{named}">{hit}{pop}</g>'
    return f'<g class="tip" aria-hidden="true">{hit}{pop}</g>'


def _days(
    start: dt.datetime, end: dt.datetime, zone: ZoneInfo, height: int, today: dt.date | None
) -> list[str]:
    out = []
    for i in range(8):
        day = dt.datetime.combine(start.date() + dt.timedelta(days=i), dt.time(), zone)
        x = _x(day, start, end)
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#bbb"/>')
        if i < 7 and day.date() == today:
            out.append(
                f'<text class="today-label" x="{x + 3:.1f}" y="13" font-size="11" '
                f'font-weight="bold">Today {day:%d %b}</text>'
            )
        elif i < 7:
            out.append(f'<text x="{x + 3:.1f}" y="13" font-size="11">{heading(day)}</text>')
    return out


def heading(day: dt.date) -> str:
    """A column's heading: ``Thu 31 Dec``, and where a year begins ``Fri 01 Jan 2027``, so a week
    across the new year says which of its days are in which year. (Today's column, whatever
    its day, says ``Today 01 Jan``: the reader knows this year.)"""
    year = f" {day.year}" if (day.month, day.day) == (1, 1) else ""
    return f"{day:%a %d %b}{year}"


def _today(
    start: dt.datetime, end: dt.datetime, zone: ZoneInfo, height: int, now: dt.datetime
) -> tuple[str, str]:
    """Today's column, shaded under everything, and a line at ``now`` over the rows: where
    the calendar is read from."""
    day = now.astimezone(zone).date()
    x0 = _x(dt.datetime.combine(day, dt.time(), zone), start, end)
    x1 = _x(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone), start, end)
    x = _x(now, start, end)
    said = escape(f"now: {walltime.label(now, zone, '%a %d %b %H:%M')}")
    return (
        f'<rect class="today" x="{x0:.1f}" y="0" width="{x1 - x0:.1f}" height="{height}" '
        f'fill="#dbeafe"><title>today</title></rect>',
        f'<line class="now" x1="{x:.1f}" y1="{HEAD_H}" x2="{x:.1f}" y2="{height}" '
        f'stroke="#1e40af" stroke-width="2"><title>{said}</title></line>',
    )


def week_svg(
    rows: Sequence[Row],
    start: dt.datetime,
    zone: ZoneInfo,
    now: dt.datetime | None = None,
    fills: dict[str, str] | None = None,
) -> str:
    """One week (from the local midnight ``start``) as an SVG element (escaped throughout);
    the week holding ``now`` marks today and the moment. Its colours are ``fills`` (else the
    :func:`palette` of ``rows``)."""
    fills = fills if fills is not None else palette(rows)
    end = dt.datetime.combine(start.date() + dt.timedelta(days=7), dt.time(), zone)
    height = HEAD_H + ROW_H * len(rows) + 4
    day = now.astimezone(zone).date() if now is not None and start <= now < end else None
    today, line = _today(start, end, zone, height, now) if now and day else ("", "")
    bars: list[str] = []
    tips: list[Drawn] = []
    for i, row in enumerate(rows):
        y = HEAD_H + i * ROW_H + 2
        bars.append(_row_name(row, y))
        drawn = [
            _rect(seg, y, (start, end), zone, fills) for seg in row.segments if seg.end > start
        ]
        bars += [d.bar for d in drawn]
        tips += [d for d in drawn if d.tip]
    # A week with links or bars that take the focus in it is a group a screen reader walks
    # into, not one image.
    linked = any(s.href and s.end > start and s.start < end for r in rows for s in r.segments)
    walked = linked or any(d.focused for d in tips)
    last = start.date() + dt.timedelta(days=6)
    across = f" to {last:%d %b %Y}" if last.year != start.year else ""  # the new year's week
    named = f"week of {start:%d %b %Y}{across}" + (f" (today: {day:%a %d %b})" if day else "")
    parts = [
        f'<svg class="oncall-week" viewBox="0 0 {LABEL_W + WEEK_W} {height}" '
        f'role="{"group" if walked else "img"}" '
        f'aria-label="{named}" xmlns="http://www.w3.org/2000/svg">',
        today,
        *_days(start, end, zone, height, day),
        *bars,
        line,
        *(d.tip for d in tips),  # over the moment's line and every bar
        "</svg>",
    ]
    return "".join(p for p in parts if p)


def _row_name(row: Row, y: int) -> str:
    name, cut = labelfit.fit(row.name, LABEL_W - 4)
    weight = ' font-weight="bold"' if row.final else ""
    title = f"<title>{escape(row.name)}</title>" if cut else ""
    return f'<text x="2" y="{y + 15}" font-size="11"{weight}>{title}{escape(name)}</text>'
