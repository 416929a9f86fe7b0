"""The postmortem draft written from an incident, and later changes offered as a diff.

The draft is a classic-profile postmortem (the shape ``pm new`` writes): front matter from the
incident, an issue summary stating start, end, duration and timezone from the milestones, a
timeline of ``HH:MM TZ - sentence`` bullets (detection, pages, escalations, misleading paths, key
moments, mitigation, resolution), and the root cause and corrective measures left to people with
the template's guidance. Times are the incident's zone, to the minute (seconds are dropped).

The generated parts of the body sit between ``<!-- generated:NAME … -->`` and
``<!-- end generated:NAME -->`` comments (invisible once rendered). :func:`draft_update` proposes
new versions of exactly those parts, and of the incident's front-matter fields, as a unified
diff; it never applies it. Delete a part's markers to keep it out of future updates.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from postmortems.document.frontmatter import dump, split
from postmortems.document.model import Meta, Severity, Status
from postmortems.document.zones import ABBREVIATIONS, offset_label, zone_from_text
from postmortems.incident.lifecycle import milestones_from_events
from postmortems.incident.model import Event, Incident, Milestones, status_change_text

SUMMARY_GUIDANCE = (
    "<!-- For executives: what users saw, the % of users affected and the root cause, "
    "in one paragraph. -->"
)
TIMELINE_GUIDANCE = (
    "<!-- Generated from the incident's record: add what it missed (what was investigated, "
    "what the team assumed), one or two short sentences per entry. -->"
)
ROOT_CAUSE_GUIDANCE = (
    "<!-- In detail: what caused it (the chain of causes, not a culprit), and how it was fixed. -->"
)
MEASURES_GUIDANCE = (
    "<!-- What can be improved broadly, then a specific TODO list (a verb and a thing each):\n"
    "- [ ] Add monitoring on … (owner: @someone, due: YYYY-MM-DD) -->"
)
WORDS_PER_ENTRY = 30  # a timeline entry is one or two short sentences (PM305 allows 50 words)
_MARKER = re.compile(
    r"^<!-- generated:(?P<name>[a-z]+)\b[^\n]*-->\n(?P<body>.*?)^<!-- end generated:(?P=name) -->$",
    re.MULTILINE | re.DOTALL,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_COMMENT = re.compile(r"<!--|-->")
# Front-matter keys that follow the incident (the title and status are the postmortem's own).
UPDATED_KEYS = (
    "severity",
    "services",
    "teams",
    "restricted",
    "timezone",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "incident",
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One generated timeline line: local time (to the minute) and its sentence."""

    at: dt.datetime  # in the incident's zone, seconds dropped
    text: str


def minute(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """``value`` in ``zone``, floored to the minute."""
    return value.astimezone(zone).replace(second=0, microsecond=0)


def zone_label(local: dt.datetime) -> str:
    """What a reader writes after a time in this zone: the abbreviation when the parser reads it
    as this very offset (``CEST``, ``PDT``), else the offset (``UTC+10:30``, ``UTC-3``)."""
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    name = local.tzname() or ""
    if name.isalpha() and ABBREVIATIONS.get(name.upper()) == minutes and "_" not in name:
        return name.upper()
    return "UTC" if minutes == 0 else offset_label(minutes)


def stamp(local: dt.datetime, *, with_date: bool = False) -> str:
    """``14:05 CET`` (``2026-03-01 14:05 CET`` with the date)."""
    text = f"{local:%H:%M} {zone_label(local)}"
    return f"{local:%Y-%m-%d} {text}" if with_date else text


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The time between two instants (not wall clocks: a DST change in between counts)."""
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)


def duration_text(delta: dt.timedelta) -> str:
    """``55 minutes``, ``2 hours 5 minutes``, ``1 day 3 hours``."""
    total = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words) or "0 minutes"


def sentence(text: str, limit: int = WORDS_PER_ENTRY) -> str:
    """One short sentence from ``text``: one line, its first sentence, at most ``limit`` words,
    no HTML comment markers, ending with a full stop."""
    flat = " ".join(_COMMENT.sub(" ", text).split())
    flat = _SENTENCE_END.split(flat, maxsplit=1)[0]
    words = flat.split()
    if len(words) > limit:
        flat = " ".join(words[:limit]).rstrip(".,;:!?") + " …"
    if flat and flat[-1] not in ".!?…":
        flat += "."
    return flat


def _milestones(incident: Incident) -> Milestones:
    if incident.milestones.set():
        return incident.milestones
    return milestones_from_events(incident.events)


def _by(event: Event) -> str:
    return f" ({event.author})" if event.author else ""


def _role(event: Event, m: Milestones, detecting: Event | None) -> str | None:
    """Why ``event`` is on the draft's timeline, as the label its line starts with (None: not)."""
    if event is detecting:
        return "detected"
    if event.kind == "status-change" and event.at == m.resolved and event.get("to") == "resolved":
        return "resolved"
    if event.kind == "status-change" and event.at == m.mitigated:
        return "mitigated"
    if event.misleading or event.kind == "misleading-path":
        return "misleading"
    if event.kind in ("escalation", "page"):
        return event.kind
    if event.kind == "acknowledgement" and event.at == m.acknowledged:
        return "acknowledgement"
    if event.key_moment or event.kind == "key-moment":
        return "key"
    return None


def _said(event: Event) -> str:
    """The event's own words: empty for a status change that says only that it happened."""
    default = status_change_text(event.get("from"), event.get("to"))
    if event.kind == "status-change" and event.text == default:
        return ""
    return sentence(event.text)


def _line(event: Event, role: str) -> str:
    text = _said(event)
    if role == "detected":
        return _detection_line(event, text)
    labels = {
        "resolved": "Resolved",
        "mitigated": "Mitigated",
        "misleading": "Misleading path",
        "escalation": "Escalated",
        "page": "Paged",
        "acknowledgement": "Acknowledged",
    }
    if role in labels:
        return f"{labels[role]}: {text}" if text else f"{labels[role]}."
    if event.kind == "chat-message" and event.author:
        return f"{event.author} in chat: {text}"
    # A line must not open with what reads as a time: it would be taken for the entry's stamp.
    return text if text[:1].isalpha() else f"Note: {text}"


def _detection_line(event: Event, text: str) -> str:
    """Which alert detected it, or who noticed."""
    if event.kind == "alert-fired":
        return f"Detected by an alert{_by(event)}: {text or 'it fired.'}"
    if event.kind == "page":
        return f"Detected when paged: {text}" if text else "Detected when paged."
    who = event.author or "a responder"
    said = f": {text}" if text else "."
    return f"Detected: {who} noticed and declared the incident{said}"


def _detecting(events: Sequence[Event], m: Milestones) -> Event | None:
    """The event that detected the incident: an alert at the detected time, else a declaration
    or page then."""
    if m.detected is None:
        return None
    at_detection = [e for e in events if e.at == m.detected]
    for kind in ("alert-fired", "status-change", "page"):
        found = next((e for e in at_detection if e.kind == kind), None)
        if found is not None:
            return found
    return None


def _hand_note(events: Sequence[Event], name: str) -> str:
    edits = [e for e in events if e.kind == "milestone-edit" and e.get("milestone") == name]
    if not edits:
        return ""
    last = edits[-1]
    return f" (set by {last.author}: {sentence(last.get('why'))[:-1]})"


def timeline_entries(incident: Incident) -> list[Entry]:
    """The draft's timeline: the start of impact, the detection, pages, acknowledgement,
    escalations, misleading paths, key moments, mitigation and resolution, in time order.

    A milestone no event records (set by hand, or its event is missing) gets a line of its own,
    with who set it and why.
    """
    zone, m, events = incident.tzinfo, _milestones(incident), incident.timeline
    detecting = _detecting(events, m)
    out: list[tuple[dt.datetime, int, Entry]] = []
    recorded = set()
    for i, event in enumerate(events):
        role = _role(event, m, detecting)
        if role is not None:
            recorded.add(role)
            # at the same instant, the detection comes first and the resolution last
            rank = {"detected": -1, "resolved": len(events)}.get(role, i)
            out.append((event.at, rank, Entry(minute(event.at, zone), _line(event, role))))
    for name, label in _SYNTHETIC.items():
        value = m.get(name)
        if value is None or name in recorded:
            continue
        if name == "mitigated" and value == m.resolved and "resolved" in recorded:
            continue  # mitigated by the resolution: the resolved line says it
        if name == "started" and m.detected and minute(value, zone) == minute(m.detected, zone):
            continue  # impact began when it was noticed: the detection line says it
        note = _hand_note(events, name)
        rank = {"started": -2, "detected": -1, "resolved": len(events) + 1}.get(name, -1)
        out.append((value, rank, Entry(minute(value, zone), f"{label}{note}.")))
    out.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in out]


_SYNTHETIC = {
    "started": "Impact began",
    "detected": "Detected",
    "mitigated": "Mitigated",
    "resolved": "Resolved",
}


def _subject(incident: Incident) -> str:
    names = list(incident.services)
    if not names:
        return "the service was"
    if len(names) == 1:
        return f"{names[0]} was"
    return f"{', '.join(names[:-1])} and {names[-1]} were"


def summary_sentence(incident: Incident) -> str:
    """Start, end, duration and timezone, from the milestones."""
    zone, m = incident.tzinfo, _milestones(incident)
    where = f"(incident {incident.key}, {incident.severity})"
    if m.started is None:
        return f"The start of the impact is not known yet {where}."
    start = minute(m.started, zone)
    if m.resolved is None:
        return (
            f"From {stamp(start, with_date=True)}, {_subject(incident)} affected {where}; "
            "the incident was not resolved when this draft was written."
        )
    end = minute(m.resolved, zone)
    return (
        f"From {stamp(start, with_date=True)} to {stamp(end, with_date=True)} "
        f"({duration_text(elapsed(start, end))}), {_subject(incident)} affected {where}."
    )


def timeline_lines(entries: Sequence[Entry], start: dt.datetime | None) -> list[str]:
    """``- HH:MM TZ - text`` bullets; when the entries are not all on the start's day, a date
    line (``2026-03-01``) above each day's first entry, as the parser reads multi-day
    timelines."""
    days = {e.at.date() for e in entries}
    dated = bool(entries) and days != {start.date() if start else entries[0].at.date()}
    lines: list[str] = []
    day = None
    for entry in entries:
        if dated and entry.at.date() != day:
            day = entry.at.date()
            lines += ["", day.isoformat(), ""] if lines else [day.isoformat(), ""]
        lines.append(f"- {stamp(entry.at)} - {entry.text}")
    return lines


def resolution_text(incident: Incident) -> str:
    """How it was mitigated and resolved, from the status changes that record it."""
    zone, m = incident.tzinfo, _milestones(incident)
    said = []
    for name, label in (("mitigated", "Mitigated"), ("resolved", "Resolved")):
        value = m.get(name)
        if value is None or (name == "mitigated" and value == m.resolved):
            continue
        event = next(
            (e for e in incident.timeline if e.kind == "status-change" and e.at == value), None
        )
        words = _said(event) if event else ""
        text = f": {words}" if words else "."
        said.append(f"{label} at {stamp(minute(value, zone))}{text}")
    if not said:
        return "Not resolved when this draft was written."
    return " ".join(said)


def front_matter(incident: Incident, *, author: str = "") -> Meta:
    """The draft's front matter: the incident's facts, status draft, and its key (``incident``)."""
    zone, m = incident.tzinfo, _milestones(incident)

    def local(value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else minute(value, zone)

    return Meta(
        title=incident.title,
        status=Status.DRAFT,
        severity=Severity(incident.severity),
        services=tuple(incident.services),
        teams=(incident.team,) if incident.team else (),
        restricted=incident.restricted,
        timezone=zone_from_text(incident.timezone),
        started=local(m.started),
        detected=local(m.detected),
        mitigated=local(m.mitigated),
        resolved=local(m.resolved),
        authors=(author,) if author else None,
        extra=(("incident", incident.key),),
    )


def _region(name: str, key: str, lines: Sequence[str]) -> list[str]:
    return [f"<!-- generated:{name} from {key} -->", *lines, f"<!-- end generated:{name} -->"]


def draft_postmortem(incident: Incident, *, author: str = "") -> str:
    """The postmortem draft (Markdown with front matter) for ``incident``."""
    key = incident.key
    m = _milestones(incident)
    start = minute(m.started, incident.tzinfo) if m.started else None
    entries = timeline_entries(incident)
    body = [
        "## Issue Summary",
        "",
        SUMMARY_GUIDANCE,
        "",
        *_region("summary", key, [summary_sentence(incident)]),
        "",
        "## Timeline",
        "",
        TIMELINE_GUIDANCE,
        "",
        *_region("timeline", key, timeline_lines(entries, start)),
        "",
        "## Root Cause and Resolution",
        "",
        ROOT_CAUSE_GUIDANCE,
        "",
        *_region("resolution", key, [resolution_text(incident)]),
        "",
        "## Corrective and Preventative Measures",
        "",
        MEASURES_GUIDANCE,
    ]
    head = dump(front_matter(incident, author=author))
    return f"---\n{head}---\n\n" + "\n".join(body) + "\n"


def _regions(text: str) -> dict[str, str]:
    return {m["name"]: m["body"] for m in _MARKER.finditer(text)}


def _replace_regions(text: str, new: dict[str, str]) -> str:
    """``text`` with each generated part still marked in it replaced by its new version."""

    def swap(m: re.Match[str]) -> str:
        body = new.get(m["name"])
        if body is None:
            return m[0]
        return m[0][: m.start("body") - m.start()] + body + m[0][m.end("body") - m.start() :]

    return _MARKER.sub(swap, text)


_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w.-]*)\s*:")


def _field_lines(yaml_text: str) -> list[tuple[str | None, list[str]]]:
    """Top-level front-matter entries as (key, its lines); comments and blanks have no key."""
    out: list[tuple[str | None, list[str]]] = []
    for line in yaml_text.splitlines(keepends=True):
        m = _KEY_LINE.match(line)
        if m:
            out.append((m["key"], [line]))
        elif line[:1] in (" ", "\t", "-") and out and out[-1][0] is not None:
            out[-1][1].append(line)  # the continuation of a block value
        else:
            out.append((None, [line]))
    return out


def _update_front_matter(yaml_text: str, wanted: dict[str, str]) -> str:
    """The incident's fields set to ``wanted`` (key → line); others kept as written."""
    entries = _field_lines(yaml_text)
    seen = set()
    out = []
    for key, lines in entries:
        if key in UPDATED_KEYS:
            seen.add(key)
            if key in wanted:
                out.append(wanted[key])
            continue
        out.extend(lines)
    out.extend(line for key, line in wanted.items() if key not in seen)
    return "".join(out)


def draft_update(current_text: str, incident: Incident) -> str:
    """A unified diff from ``current_text`` to it with the incident's current facts: the marked
    generated parts regenerated and the incident's front-matter fields (``UPDATED_KEYS``; not
    the title or status) updated. Empty when nothing changed. Never applied here: it is offered.
    """
    current = current_text.replace("\r\n", "\n")
    fresh = draft_postmortem(incident)
    proposed = _replace_regions(current, _regions(fresh))
    fresh_yaml, _, _ = split(fresh)
    wanted = {key: lines[0] for key, lines in _field_lines(fresh_yaml or "") if key in UPDATED_KEYS}
    yaml_text, body, _ = split(proposed)
    if yaml_text is None:
        proposed = f"---\n{fresh_yaml}---\n\n{proposed}"
    else:
        head = proposed[: len(proposed) - len(body)]
        start = head.index(yaml_text)
        updated = _update_front_matter(yaml_text, wanted)
        proposed = head[:start] + updated + head[start + len(yaml_text) :] + body
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        proposed.splitlines(keepends=True),
        fromfile="postmortem",
        tofile=f"postmortem updated from {incident.key}",
    )
    return "".join(diff)
