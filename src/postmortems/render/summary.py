"""The facts an executive reads first, gathered from the front matter, the summary and the
timeline (front matter wins). Plain values: the card, the site index and the stats page all use
them, and the build caches them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from postmortems.document.model import Document, SectionKind, WallTime
from postmortems.document.moments import Moment
from postmortems.document.outage import outage_window
from postmortems.document.rootcause import section_cause
from postmortems.document.titles import display_title
from postmortems.document.zones import minutes_apart
from postmortems.render.axis import place
from postmortems.render.markdown import drop_comments, plain
from postmortems.render.marks import marked
from postmortems.render.memo import per_document

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s")
_IMPACT_WORDS = re.compile(r"user|customer|impact|affect|unavailable|down|slow|error", re.I)
# A measure of the impact: "12% of search requests", "about 3,000 customers". A number is read
# up to 25 characters: read to its end from each digit, a flood of "1," was quadratic.
_IMPACT_FIGURE = re.compile(
    r"\d\s?%|\bpercent\b|\b\d[\d,.]{0,24}\s?(?:[kKmM]\s)?(?:users|customers|requests|accounts|"
    r"orders|merchants|clients|people|calls|transactions|payments|sessions)\b",
    re.I,
)


_SENTENCE_STOP = re.compile(r"[.!?](?:\s|$)")


@dataclass(frozen=True)
class Summary:
    title: str
    severity: str | None
    status: str | None
    start: WallTime | None
    end: WallTime | None
    zone: str | None  # its label when the incident began
    duration_minutes: int | None
    users_affected_pct: float | None
    impact: str | None
    root_cause: str | None
    services: tuple[str, ...]
    tags: tuple[str, ...]
    cause_category: str | None
    detect_minutes: int | None  # from the start of the outage to its detection
    # Facts shown above that the text does not state plainly ("start", "end",
    # "duration_minutes", "timezone"): the card and the diagram show them as "≈".
    inferred: frozenset[str] = frozenset()
    incidents: int = 1  # a roundup of several: the facts above are its first incident's
    end_zone: str | None = None  # the label when it ended, when the clocks changed in between
    reviewers: tuple[str, ...] = ()  # who reviewed it (front matter `reviewers:`)
    incident: str | None = None  # the key of the incident it tells (front matter `incident:`)
    # How the end reads against the start: on the day after it (a time read across midnight,
    # docs/format.md), or before it (a contradiction PM115 reports: no duration then).
    end_next_day: bool = False
    end_before_start: bool = False
    zone_unknown: str | None = None  # the front matter's zone nobody knows, as written

    @property
    def date(self) -> dt.date | None:
        return self.start.date if self.start else None


def _first_sentence(text: str, limit: int = 220) -> str:
    lines = [line for line in drop_comments(text).splitlines() if line.strip()]
    head = next((i for i, line in enumerate(lines) if i and _HEADING.match(line)), len(lines))
    lines = lines[:head]  # up to a heading: what follows one is another part
    if lines and _ITEM.match(lines[0]):  # a list: its first item is the first sentence
        end = next((i for i, line in enumerate(lines) if i and _ITEM.match(line)), len(lines))
        lines = [_ITEM.sub("", lines[0]), *lines[1:end]]
    flat = " ".join(plain(line) for line in lines)
    first = _SENTENCE.split(flat, maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _impact(doc: Document) -> str | None:
    section = doc.section(SectionKind.IMPACT)
    if section and section.body.strip():
        return _first_sentence(section.body)
    summary = doc.section(SectionKind.SUMMARY)
    if summary is None:
        return None
    body = drop_comments(summary.body)
    flat = " ".join(plain(line) for line in body.splitlines() if line.strip())
    said = [sentence for sentence in _SENTENCE.split(flat) if _IMPACT_WORDS.search(sentence)]
    # The one that measures it, before one that only says something was affected (as the
    # sentence an incident's draft opens with: "From 10:02 to 10:40 UTC, search was affected").
    measured = [sentence for sentence in said if _IMPACT_FIGURE.search(sentence)]
    return _first_sentence((measured or said)[0]) if said else None


def _detect_minutes(doc: Document) -> int | None:
    """From the start of the outage to its detection, when the document measures it: not when
    the detection is the start (an alert's start is then the only start anyone knows, as the
    response metrics say: 0 would read as measured), nor when it comes before the start."""
    started, detected = doc.meta.started, doc.meta.detected
    if started and detected:
        minutes = minutes_apart(started, detected, doc.zone)
        return minutes if minutes is not None and minutes > 0 else None
    axis = place(doc)
    if axis.window is None:
        return None
    found = marked(doc, axis.placed).get(Moment.DETECTED)
    at = axis.placed[found].at if found is not None else None
    if at is None or at <= axis.window[0]:
        return None  # detected as it began (or before: not this outage's detection)
    return at - axis.window[0]


def _complete(cause: str, doc: Document) -> str:
    """The root cause up to the end of its sentence, when the text wraps it over lines (and
    not past a heading: what follows one is another part)."""
    lines = cause.splitlines()
    head = next((i for i, line in enumerate(lines) if i and _HEADING.match(line)), len(lines))
    flat = " ".join(plain("\n".join(lines[:head])).split())
    if flat.endswith((".", "!", "?")) or not doc.source:
        return flat
    text = " ".join(doc.source.split())
    at = text.find(flat)
    if at < 0:
        return flat
    rest = text[at + len(flat) :]
    end = _SENTENCE_STOP.search(rest)
    if end is None or end.start() >= 300:
        return flat
    gap = " " if rest[:1].isspace() else ""
    return flat + gap + plain(rest[: end.end()].rstrip())


@per_document
def summarize(doc: Document) -> Summary:
    """What the executive card shows."""
    meta, facts = doc.meta, doc.facts
    window = outage_window(doc)
    start, end, duration, inferred = (
        window.start,
        window.end,
        window.duration_minutes,
        window.inferred,
    )
    pct = (
        meta.users_affected_pct if meta.users_affected_pct is not None else facts.users_affected_pct
    )
    zone = doc.zone
    began = zone.label_at(start.date, start.time) if zone and start else None
    ended = zone.label_at(end.date, end.time) if zone and end and end.date and began else began
    cause = _complete(facts.root_cause, doc) if facts.root_cause else section_cause(doc)
    return Summary(
        title=plain(display_title(doc)),
        severity=meta.severity.value if meta.severity else None,
        status=meta.status.value if meta.status else None,
        start=start,
        end=end,
        zone=began or (zone.label if zone else None),
        duration_minutes=duration,
        users_affected_pct=pct,
        impact=_impact(doc),
        root_cause=_first_sentence(cause, 240) if cause else None,
        services=tuple(meta.services or ()),
        tags=tuple(meta.tags or ()),
        cause_category=meta.cause_category.value if meta.cause_category else None,
        detect_minutes=_detect_minutes(doc),
        inferred=inferred,
        incidents=max(1, doc.incidents),
        end_zone=ended if ended != began else None,
        reviewers=tuple(meta.reviewers or ()),
        incident=_incident_key(doc),
        end_next_day=window.end_next_day,
        end_before_start=window.end_before_start,
        zone_unknown=window.zone_unknown,
    )


def _incident_key(doc: Document) -> str | None:
    """The front matter's ``incident:`` (an incident's draft writes its key there), when it is
    one short line of text."""
    value = dict(doc.meta.extra).get("incident")
    text = str(value).strip() if isinstance(value, str | int) else ""
    return text if text and len(text) <= 100 and "\n" not in text else None


# Why a fact is shown as inferred, for the reader who hovers over the "≈".
WHY_INFERRED = {
    "start": "inferred: the text does not say plainly when it began; read from the timeline",
    "end": "inferred: the text does not say plainly when it ended; taken from the timeline's "
    "last entry",
    "duration_minutes": "inferred: worked out from a start or end that is itself inferred",
    "timezone": "inferred: the document names no timezone for these times",
}
DATE_CARRIED = "; its date is not written with it but comes from elsewhere in the document"
WHY_DATE_INFERRED = "inferred: the text does not write the day with the start"


def why_inferred(name: str, when: WallTime | None = None) -> str:
    """The reason shown for an inferred fact (``when``: the start or end, to tell an inferred
    date from an inferred time)."""
    why = WHY_INFERRED.get(name, "inferred: the text does not state it plainly")
    if when is not None and when.date_inferred and name in ("start", "end"):
        return why + DATE_CARRIED
    return why


def duration_text(minutes: int | None) -> str:
    """``2 h 30 min``; ``—`` when unknown (or negative: an end before the start)."""
    if minutes is None or minutes < 0:
        return "—"
    d, rest = divmod(minutes, 1440)
    h, m = divmod(rest, 60)
    parts = [f"{d} d" if d else "", f"{h} h" if h else "", f"{m} min" if m else ""]
    return " ".join(p for p in parts if p) or "0 min"


def pct_text(pct: float | None) -> str:
    if pct is None:
        return "—"
    return f"{pct:g}%"
