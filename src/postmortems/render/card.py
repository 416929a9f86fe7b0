"""The executive card: what happened, how bad, how long, why — in ten seconds.

Times are shown in the document's timezone. Each one is a ``<time>`` element whose ``datetime``
is the instant (when the date and zone are known); the page's own inline script adds the reader's
local time as a tooltip, and without the script the tooltip shows UTC.
"""

from __future__ import annotations

import datetime as dt

from postmortems.document.model import Document, WallTime
from postmortems.render.escape import escape
from postmortems.render.summary import Summary, duration_text, pct_text, summarize


def _time(when: WallTime, *, show_date: bool) -> str:
    text = when.local_text() if show_date else when.time.strftime("%H:%M")
    aware = when.aware
    if aware is None:
        return f"<time>{escape(text)}</time>"
    utc = aware.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    iso = aware.isoformat(timespec="minutes")
    return f'<time datetime="{escape(iso)}" title="{escape(utc)}" data-local>{escape(text)}</time>'


def window_html(s: Summary) -> str:
    """``2024-02-12 04:00 – 06:30 PST`` with machine-readable instants."""
    if s.start is None and s.end is None:
        return '<span class="muted">not stated</span>'
    parts = [_time(s.start, show_date=True) if s.start else "?"]
    if s.end is not None:
        same_day = s.start is not None and s.start.date == s.end.date
        parts.append(_time(s.end, show_date=not same_day))
    zone = f' <abbr class="zone">{escape(s.zone)}</abbr>' if s.zone else ""
    return " – ".join(parts) + zone


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


def card_html(s: Summary) -> str:
    """The card for an already summarized document."""
    badges = severity_badge(s.severity) + status_badge(s.status)
    facts = [
        _fact("When", window_html(s), "wide"),
        _fact("Duration", escape(duration_text(s.duration_minutes))),
        _fact("Users affected", escape(pct_text(s.users_affected_pct))),
    ]
    if s.detect_minutes is not None:
        facts.append(_fact("Time to detect", escape(duration_text(s.detect_minutes))))
    if s.services:
        facts.append(_fact("Services", escape(", ".join(s.services))))
    if s.impact:
        facts.append(_fact("Impact", escape(s.impact), "wide"))
    cause = escape(s.root_cause) if s.root_cause else '<span class="muted">not stated</span>'
    facts.append(_fact("Root cause", cause, "wide cause"))
    return (
        '<header class="pm-card" id="summary-card">'
        f'<div class="badges">{badges}</div>'
        f"<h1>{escape(s.title)}</h1>"
        f'<dl class="facts">{"".join(facts)}</dl></header>'
    )


def executive_card(doc: Document) -> str:
    """The executive card as an HTML fragment."""
    return card_html(summarize(doc))
