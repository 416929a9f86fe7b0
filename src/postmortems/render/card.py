"""The executive card: what happened, how bad, how long, why — in ten seconds.

Times are shown in the document's timezone. Each one is a ``<time>`` element whose ``datetime``
is the instant (when the date and zone are known); the page's own inline script adds the reader's
local time as a tooltip, and without the script the tooltip shows UTC.
"""

from __future__ import annotations

import datetime as dt

from postmortems.document.model import Document, WallTime
from postmortems.render import incidentkey
from postmortems.render.escape import escape
from postmortems.render.summary import (
    Summary,
    duration_text,
    pct_text,
    summarize,
    why_inferred,
)


def _time(when: WallTime, *, show_date: bool, next_day: bool = False) -> str:
    text = when.local_text() if show_date else when.time.strftime("%H:%M")
    text += " next day" if next_day else ""
    aware = when.aware
    if aware is None:
        return f"<time>{escape(text)}</time>"
    utc = aware.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    iso = aware.isoformat(timespec="minutes")
    return f'<time datetime="{escape(iso)}" title="{escape(utc)}" data-local>{escape(text)}</time>'


def inferred_html(name: str, html: str, why: str) -> str:
    """``html`` marked as inferred: "≈" before it and the reason on hover."""
    return (
        f'<span class="inferred" data-inferred="{escape(name)}" title="{escape(why)}">'
        f'<span class="approx" aria-label="about">≈</span>\u202f{html}</span>'
    )


def _moment(
    s: Summary, name: str, when: WallTime, *, show_date: bool, next_day: bool = False
) -> str:
    html = _time(when, show_date=show_date, next_day=next_day)
    return inferred_html(name, html, why_inferred(name, when)) if name in s.inferred else html


def window_html(s: Summary) -> str:
    """``2024-02-12 04:00 – 06:30 PST`` with machine-readable instants; an inferred end or
    start reads ``≈ 06:30``, an end after midnight ``01:10 next day``, an end before the start
    says so (as PM115 does), and times in a zone nobody knows say that rather than a zone."""
    if s.start is None and s.end is None:
        return '<span class="muted">not stated</span>'
    parts = [_moment(s, "start", s.start, show_date=True) if s.start else "?"]
    if s.end_zone and s.zone:  # the clocks changed in between: "01:30 CET – 04:00 CEST"
        parts[0] += " " + _zone(s, s.zone)
    if s.end is not None:
        same_day = s.start is not None and s.start.date == s.end.date
        next_day = s.end_next_day and not s.end_before_start
        shown = (same_day or next_day) and not s.end_before_start  # a contradiction: both days
        parts.append(_moment(s, "end", s.end, show_date=not shown, next_day=next_day))
    last = s.end_zone or s.zone
    return " – ".join(parts) + (" " + _zone(s, last) if last else "") + _window_note(s)


def _window_note(s: Summary) -> str:
    notes = []
    if s.end_before_start:
        notes.append('<strong class="contradiction">the end is before the start</strong>')
    if s.zone_unknown:
        notes.append(
            f'<span class="zone-unknown">zone unknown: “{escape(s.zone_unknown)}” is no time '
            "zone, so these times are not placed (not UTC)</span>"
        )
    return "".join(f" <br>{note}" for note in notes)


def _zone(s: Summary, label: str) -> str:
    zone = f'<abbr class="zone">{escape(label)}</abbr>'
    if "timezone" in s.inferred:
        zone = inferred_html("timezone", zone, why_inferred("timezone"))
    return zone


def duration_html(s: Summary) -> str:
    if s.end_before_start:
        return '— <span class="muted">(end before start)</span>'
    text = escape(duration_text(s.duration_minutes))
    if s.duration_minutes is None or "duration_minutes" not in s.inferred:
        return text
    return inferred_html("duration_minutes", text, why_inferred("duration_minutes"))


def incidents_html(s: Summary) -> str:
    """A note for a document that reports several incidents: the card tells the first."""
    if s.incidents <= 1:
        return ""
    return (
        f'<p class="pm-incidents" data-incidents="{s.incidents}">First of {s.incidents} '
        "incidents in this document: the facts below are the first one's.</p>"
    )


# The card's facts a reader may find marked "≈", in the card's order, by their names there.
INFERRED_NAMES = {
    "start": "Start",
    "end": "End",
    "duration_minutes": "Duration",
    "timezone": "Timezone",
}


def inferred_note(s: Summary) -> str:
    """One line under the facts saying what "≈" means, when the card shows one, which opens on
    how each was inferred (a phone has no hover to show the marks' tooltips)."""
    if not s.inferred:
        return ""
    moments = {"start": s.start, "end": s.end}
    reasons = "".join(
        f"<li><b>{label}</b>: "
        f"{escape(why_inferred(name, moments.get(name)).removeprefix('inferred: '))}</li>"
        for name, label in INFERRED_NAMES.items()
        if name in s.inferred
    )
    return (
        '<details class="pm-inferred-note"><summary><span class="approx">≈</span> the text does '
        "not state this plainly: it is inferred. How?</summary>"
        f"<ul>{reasons}</ul></details>"
    )


def severity_badge(severity: str | None) -> str:
    if not severity:
        return ""
    cls = escape(severity.lower())
    return f'<span class="badge sev sev-{cls}">{escape(severity)}</span>'


def status_badge(status: str | None) -> str:
    if not status:
        return ""
    cls = escape(status)
    return f'<span class="badge status-badge st-{cls}">{escape(status.replace("-", " "))}</span>'


def _fact(name: str, value: str, cls: str = "") -> str:
    return f'<div class="fact {cls}"><dt>{name}</dt><dd>{value}</dd></div>'


# The statuses of a postmortem whose `reviewers:` reviewed it (a draft's are only asked).
REVIEWED = frozenset({"approved", "published"})


def card_html(s: Summary) -> str:
    """The card for an already summarized document."""
    badges = severity_badge(s.severity) + status_badge(s.status)
    facts = [
        _fact("When", window_html(s), "wide"),
        _fact("Duration", duration_html(s)),
        _fact("Users affected", escape(pct_text(s.users_affected_pct))),
    ]
    if s.detect_minutes is not None:
        facts.append(_fact("Time to detect", escape(duration_text(s.detect_minutes))))
    if s.services:
        facts.append(_fact("Services", escape(", ".join(s.services))))
    impact = escape(s.impact) if s.impact else ""
    cause = escape(s.root_cause) if s.root_cause else '<span class="muted">not stated</span>'
    if s.incident:  # its key marked where the card says it, else named in a fact of its own
        impact, in_impact = incidentkey.mark_in(impact, s.incident)
        cause, in_cause = incidentkey.mark_in(cause, s.incident)
        if not (in_impact or in_cause):
            facts.append(_fact("Incident", incidentkey.mark(s.incident), "incident"))
    if impact:
        facts.append(_fact("Impact", impact, "wide"))
    facts.append(_fact("Root cause", cause, "wide cause"))
    if s.reviewers and s.status in REVIEWED:
        facts.append(_fact("Reviewed by", escape(", ".join(s.reviewers)), "reviewers"))
    return (
        '<header class="pm-card" id="summary-card">'
        f'<div class="badges">{badges}</div>'
        f"<h1>{escape(s.title)}</h1>{incidents_html(s)}"
        f'<dl class="facts">{"".join(facts)}</dl>{inferred_note(s)}</header>'
    )


def executive_card(doc: Document) -> str:
    """The executive card as an HTML fragment."""
    return card_html(summarize(doc))
