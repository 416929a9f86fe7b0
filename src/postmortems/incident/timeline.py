"""The timeline a postmortem draft tells, from the incident's record.

Which events make a line (the changes shortly before the impact, the detection, pages, the
first acknowledgement, escalations, misleading paths, key moments, the mitigation and the
resolution), the sentence each line says, and how times are written: ``HH:MM TZ`` in the
incident's zone, with an abbreviation the postmortem parser reads as that very offset, to the
minute.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from postmortems.document.zones import ABBREVIATIONS, offset_label
from postmortems.incident.lifecycle import ENDED, MONITORING, RESOLVED, milestones_from_events
from postmortems.incident.model import (
    DECLARED_VIA,
    SEVERITIES,
    Event,
    Incident,
    Milestones,
    reason,
    severity_change_text,
    status_change_text,
)

WORDS_PER_ENTRY = 30  # a timeline entry is one or two short sentences (PM305 allows 50 words)
# Where the linter ends a sentence (PM305 allows two per entry).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
SENTENCES_PER_ENTRY = 2


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


# How the lines of a text written on several (a note, a chat message) join on a timeline entry's
# one line: a Markdown bullet's text is one paragraph, where a line break would read as a space.
LINE_JOIN = " / "


def sentence(text: str, limit: int = WORDS_PER_ENTRY) -> str:
    """One or two short sentences from ``text``: one line (its lines joined by
    :data:`LINE_JOIN`), at most ``limit`` words, ending with a full stop. An http(s) address
    is written as a Markdown autolink (``<https://…>``), which renders as a link; any other
    ``<`` is written ``&lt;``: a chat message's ``<b>`` or ``<!--`` is text to show, not HTML
    to interpret (nor a comment that would hide the rest)."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    flat = LINE_JOIN.join(line for line in lines if line)
    parts = _SENTENCE_END.split(flat, maxsplit=SENTENCES_PER_ENTRY)
    words = " ".join(parts[:SENTENCES_PER_ENTRY]).split()
    if len(words) > limit or len(parts) > SENTENCES_PER_ENTRY:  # cut: said with "…"
        words = [*" ".join(words[:limit]).rstrip(".,;:!?").split(), "…"]
    flat = " ".join(_shown_word(word) for word in words)
    if flat and flat[-1] not in ".!?…":
        flat += "."
    return flat


# Punctuation around an address that is not part of it ("(see https://x/a)." ends with "a").
_BEFORE_ADDRESS, _AFTER_ADDRESS = "(", ".,;:!?)"


def _shown_word(word: str) -> str:
    """A word of a timeline entry as Markdown: an http(s) address (with or without the
    autolink's brackets) as an autolink, else with ``<`` written ``&lt;``."""
    core = word.lstrip(_BEFORE_ADDRESS)
    lead = word[: len(word) - len(core)]
    bare = core.rstrip(_AFTER_ADDRESS)
    tail = core[len(bare) :]
    if bare.startswith("<") and bare.endswith(">"):
        bare = bare[1:-1]
    if _is_address(bare):
        return f"{lead}<{bare}>{tail}"
    return word.replace("<", "&lt;")


def _is_address(text: str) -> bool:
    """An http(s) address a Markdown autolink can hold (no ``<``, ``>`` or control character)."""
    scheme = text.split("://", 1)[0].lower()
    rest = text[len(scheme) + 3 :]
    return (
        scheme in ("http", "https")
        and "://" in text
        and bool(rest)
        and not any(c in "<>" or ord(c) < 32 or ord(c) == 127 for c in text)
    )


def milestones_of(incident: Incident) -> Milestones:
    """The incident's milestones, else (none set) those its events imply."""
    if incident.milestones.known():
        return incident.milestones
    return milestones_from_events(incident.events)


# A change recorded shortly before the impact is the likeliest trigger: the draft tells the
# changes from this long before the start of impact (the detection, when the start is not known)
# up to the detection, the last few of them.
CHANGE_WINDOW = dt.timedelta(hours=1)
CHANGES_TOLD = 5


def changes_before(events: Sequence[Event], m: Milestones) -> list[Event]:
    """The changes (``deploy`` entries) recorded from :data:`CHANGE_WINDOW` before the impact
    began up to its detection, the last :data:`CHANGES_TOLD`: the candidates for the trigger,
    which the google-sre draft's *Trigger* lists and every draft's timeline opens with."""
    began, until = m.started or m.detected, m.detected or m.started
    if began is None or until is None:
        return []
    since = began - CHANGE_WINDOW
    found = [e for e in events if e.kind == "deploy" and since <= e.at <= until]
    return found[-CHANGES_TOLD:]


def _by(event: Event) -> str:
    return f" ({event.author})" if event.author else ""


def _role(
    event: Event,
    m: Milestones,
    detecting: Event | None,
    cleared: Event | None = None,
    firsts: Sequence[Event] = (),
    alerts: Sequence[Event] = (),
    changes: Sequence[Event] = (),
) -> str | None:
    """Why ``event`` is on the draft's timeline, as the label its line starts with (None: not).

    ``cleared``: the last alert to stop firing, when alerts fired (impact may have ended then);
    ``firsts``: the first acknowledgement of each page (one paged later acknowledges too);
    ``alerts``: the firings of other alerts than the detecting one (:func:`later_alerts`);
    ``changes``: the changes shortly before the impact (:func:`changes_before`).
    """
    if event is detecting:
        return "detected"
    if event.kind == "status-change" and (role := _status_role(event, m)) is not None:
        return role
    if event is cleared or event.kind in ("role-change", "handover") or event in alerts:
        return "said"  # its own words say what happened ("Alert resolved: …", "ann took …")
    if event.misleading or event.kind == "misleading-path":
        return "misleading"
    if event.kind == "status-change" and not event.get("from"):
        return "declared"  # how the incident was opened, after what detected it
    if event in changes:
        return "change"  # a candidate for the trigger
    if event.kind == "page" and event.get("repeat"):
        return "again"  # the same person paged once more: nobody acknowledged
    if event.kind == "page" and event.at == m.escalated:
        return "escalation"  # a later page, pulling in more people
    if event.kind in ("escalation", "page"):
        return event.kind
    if event.kind == "acknowledgement" and event in firsts:
        return "acknowledgement"
    if event.key_moment or event.kind in ("key-moment", "severity-change"):
        return "key"
    return None


def _status_role(event: Event, m: Milestones) -> str | None:
    """A status change is a line when it is a milestone, or a fix that did not hold."""
    came, to = event.get("from"), event.get("to")
    if event.at == m.resolved and to == RESOLVED:
        return "resolved"
    if event.at == m.mitigated:
        return "mitigated"
    if to == RESOLVED:
        return "resolved-early"  # a later move reopened it: one of the facts a postmortem keeps
    if came in (RESOLVED, MONITORING) and to not in ENDED:
        return "reopened"
    if to == "identified":
        return "identified"
    return None


def said(event: Event, names: Collection[str] = ()) -> str:
    """The event's own words: for a status change, what was written with it (``Status changed
    from identified to monitoring. Rolled back v2.31.`` says "Rolled back v2.31."), empty when
    it says only that it happened; a reason typed after a change's own sentence starts with a
    capital (``Severity raised from SEV3 to SEV2. Only 12% …``, recorded before it did too),
    unless it starts with a name (one of ``names``, the incident's :func:`people`)."""
    came, to = event.get("from"), event.get("to")
    if event.kind == "status-change":
        default = status_change_text(came, to)
        if event.text.startswith(default):
            why = event.text[len(default) :].strip()
            return sentence(reason(why, names)) if why else ""
    if event.kind == "severity-change" and came in SEVERITIES and to in SEVERITIES:
        default = severity_change_text(came, to)
        if event.text.startswith(default + " "):
            return sentence(f"{default} {reason(event.text[len(default) :], names)}")
    return sentence(event.text)


def people(incident: Incident) -> frozenset[str]:
    """Who the incident's record names as a person: the authors of its entries, who held or
    was given a role; a reason that starts with one keeps it as typed (``sam is on it``)."""
    named = {e.author for e in incident.events}
    named |= {e.get(key) for e in incident.events for key in ("person", "from")}
    named |= {person for _role, person in incident.roles}
    return frozenset(named - {""})


# "sre-default: step 1 of 2, round 1 of 2 (schedule sre-primary)": where in its policy a page
# came, which the on-call pages show; a postmortem's reader wants who was paged, and through what.
_POLICY_STEP = re.compile(r": step \d+ of \d+(?:, round \d+ of \d+)?(?= \(|\.?$)")
_PAGED_USER = re.compile(
    r"^(?P<lead>(?:\S+ )?\w+(?: to)? (?P<who>\S+) — .*?) \(user (?P=who)\)(?=\.?$| — “)"
)


def _paging_words(text: str) -> str:
    """A page's line without the policy's step and round, and without naming its person twice:
    ``Paged marcus — paged by sam: step 1 of 1, round 1 of 2 (user marcus).`` is ``Paged marcus
    — paged by sam.``, and ``priya paged marcus — sre-default: step 1 of 2 (user marcus).`` (a
    policy a person paged) is ``priya paged marcus — sre-default.``"""
    text = _POLICY_STEP.sub("", text)
    return _PAGED_USER.sub(r"\g<lead>", text)


def later_alerts(events: Sequence[Event], detecting: Event | None) -> list[Event]:
    """The firings the draft tells besides the detection (``Alert fired: …``, at the time each
    fired): every alert that joined, or fired again, so that no alert is seen to end that was
    never seen to start. An alert saying what one told before (the same check on another
    instance) is not told twice."""
    told = {_alert_words(detecting)} if detecting is not None else set()
    out = []
    for event in events:
        words = _alert_words(event)
        if event.kind == "alert-fired" and event is not detecting and words not in told:
            told.add(words)
            out.append(event)
    return out


def _alert_words(event: Event) -> str:
    """What an alert's firing says without how it came (routed or attached)."""
    for lead in ALERT_LEADS:  # "Alert fired again" stays: a firing after it resolved is told
        if event.text.startswith(f"{lead}: "):
            return event.text[len(lead) + 2 :]
    return event.text


def _firsts(events: Sequence[Event]) -> list[Event]:
    """The first acknowledgement of each page (the on-call app records one per page, its
    author "on-call"), and of each person who recorded one by hand."""
    seen: set[str] = set()
    out = []
    for event in events:
        who = f"page {event.get('page')}" if event.get("page") else event.author
        if event.kind == "acknowledgement" and who not in seen:
            seen.add(who)
            out.append(event)
    return out


def _line(event: Event, role: str, names: Collection[str] = ()) -> str:
    text = said(event, names) or _own_words(event, role)
    if role in ("page", "escalation"):
        text = _paging_words(text)
        if event.get("by") and text[:1].isalpha():  # "priya paged the … schedule: sam is …"
            return text if role == "page" else f"Escalated: {text}"
        # "Escalated: marcus — paged by sam.", whether a later page or the policy's next step
        text = without_lead(text, "Paged" if event.kind == "page" else "Escalated to")
    if role == "again":
        return f"Paged again: {repeat_words(text)}"
    if role == "detected":
        return detection_line(event, text)
    if role == "declared":
        return declaration_line(event, text)
    if role == "reopened":
        reopened = f"Reopened ({event.get('from')} → {event.get('to')})"
        return f"{reopened}: {text}" if text else f"{reopened}."
    labels = {
        "resolved": "Resolved",
        "resolved-early": "Resolved, but it did not hold",
        "identified": "Cause identified",
        "mitigated": "Mitigated",
        "misleading": "Misleading path",
        "escalation": "Escalated",
        "page": "Paged",
        "acknowledgement": "Acknowledged",
        "change": "Change",
    }
    if role in labels:
        text = without_lead(text, labels[role])
        return f"{labels[role]}: {text}" if text else f"{labels[role]}."
    if event.kind == "chat-message" and event.author:
        return f"{event.author} in chat: {text}"
    # A line must not open with what reads as a time: it would be taken for the entry's stamp.
    return text if text[:1].isalpha() else f"Note: {text}"


def repeat_words(text: str) -> str:
    """Who a repeat page reached, and why, from the on-call app's words before its reason
    (``paged priya again (round 2 of 2, no acknowledgement) — …`` is ``priya (round 2 of 2, no
    acknowledgement).``)."""
    head = without_lead(text.split(" — ", 1)[0].rstrip("."), "Paged")
    return sentence(head.replace(" again (", " (", 1))


def _own_words(event: Event, role: str) -> str:
    """What a line marked by people says of an event that carries no words of its own (a status
    change nobody wrote a reason with): what it records, ``declared as triage``, so that a
    misleading path or a key moment says which step it was."""
    if role not in ("misleading", "key"):
        return ""  # a milestone's label ("Mitigated.", "Resolved.") says what happened
    words = sentence(event.text)
    return words[:1].lower() + words[1:] if role == "misleading" else words


def without_lead(text: str, lead: str) -> str:
    """``text`` without the words the line's label already says (``Paged: paged sam`` is
    ``Paged: sam``; ``Alert fired: …`` after "Detected by an alert")."""
    rest = text[len(lead) :]
    if text[: len(lead)].lower() != lead.lower() or rest[:1].isalnum():
        return text
    return rest.lstrip(" :")


# How an alert's firing opens on the live timeline: routed to the incident, or attached to it
# by a person from the alert inbox. The draft says "Detected by an alert" for either.
ALERT_LEADS = ("Alert fired", "Alert attached")
# ... and the same firing back after it resolved, or after its incident ended (the ingest's):
# the detection says only that an alert detected it
_FIRING_LEADS = ("Alert fired again", *ALERT_LEADS)


def detection_line(event: Event, text: str) -> str:
    """Which alert detected it, or who noticed."""
    if event.kind == "alert-fired":
        for lead in _FIRING_LEADS:
            text = without_lead(text, lead)
        return f"Detected by an alert{_by(event)}: {text or 'it fired.'}"
    if event.kind == "page":
        return f"Detected when paged: {text}" if text else "Detected when paged."
    who = event.author or "a responder"
    said = f": {text}" if text else "."
    # "opened": "declared the incident" reads as an escalation (a war room) to the parser.
    return f"Detected: {who} noticed it and opened the incident{said}"


def declaration_line(event: Event, text: str = "") -> str:
    """Who opened the incident and how (its ``via``, :data:`DECLARED_VIA`), when something
    else detected it: ``Declared by demo from the alert inbox.`` An opening recorded before
    the ``via`` was kept names its author: an integration's (``alertmanager/prod``: a username
    has no slash) opened it automatically."""
    how, who = event.get("via"), event.author
    if how == "alert" or (not how and "/" in who):
        line = f"Opened automatically by {who or 'an integration'} {DECLARED_VIA['alert']}"
    else:
        where = DECLARED_VIA.get(how, "")
        line = f"Declared by {who or 'someone'}{' ' + where if where else ''}"
    return f"{line}: {text}" if text else f"{line}."


def detecting_event(events: Sequence[Event], m: Milestones) -> Event | None:
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
    """The draft's timeline: the changes shortly before the impact, the start of impact, the
    detection, pages, acknowledgement, escalations, misleading paths, key moments, mitigation
    and resolution, in time order.

    A milestone no event records (set by hand, or its event is missing) gets a line of its own,
    with who set it and why.
    """
    zone, m, events = incident.tzinfo, milestones_of(incident), incident.timeline
    detecting = detecting_event(events, m)
    cleared = next((e for e in reversed(events) if e.kind == "alert-resolved"), None)
    firsts, alerts, named = _firsts(events), later_alerts(events, detecting), people(incident)
    changes = changes_before(events, m)
    out: list[tuple[dt.datetime, int, Entry]] = []
    recorded = set()
    for i, event in enumerate(events):
        role = _role(event, m, detecting, cleared, firsts, alerts, changes)
        if role is not None:
            recorded.add(role)
            # at the same instant, the detection comes first, then the declaration (before the
            # pages it made), and the resolution last
            rank = {"detected": -1, "declared": -1, "resolved": len(events)}.get(role, i)
            entry = Entry(minute(event.at, zone), _line(event, role, named))
            out.append((event.at, rank, entry))
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


def timeline_lines(entries: Sequence[Entry], start: dt.datetime | None) -> list[str]:
    """``- HH:MM TZ - text`` bullets; when the entries are not all on the start's day, a date
    line (``2026-03-01``) above each day's first entry, as the parser reads multi-day
    timelines.

    Every entry carries its date instead (``- 2026-10-25 02:45 CET - …``) when the clock goes
    back between two entries (the hour repeated when daylight saving ends: 02:46 CEST, then
    02:45 CET), or when a multi-day timeline changes offset: a reader would otherwise carry a
    date over from the entry before and judge the order by the clock alone, and the parser
    takes a change of offset after a date line for a change of zone that moved the day.
    """
    walls = [e.at.replace(tzinfo=None) for e in entries]
    days = {e.at.date() for e in entries}
    dated = bool(entries) and days != {start.date() if start else entries[0].at.date()}
    shifts = len({zone_label(e.at) for e in entries}) > 1
    if any(later < earlier for earlier, later in itertools.pairwise(walls)) or (dated and shifts):
        return [f"- {stamp(e.at, with_date=True)} - {e.text}" for e in entries]
    lines: list[str] = []
    day = None
    for entry in entries:
        if dated and entry.at.date() != day:
            day = entry.at.date()
            lines += ["", day.isoformat(), ""] if lines else [day.isoformat(), ""]
        lines.append(f"- {stamp(entry.at)} - {entry.text}")
    return lines


# A text shorter than this is looked for only in the line the draft wrote for it: alone it could
# be other words of the postmortem ("Restarted.").
MIN_COPIED = 16


def redaction_pairs(
    event: Event, versions: Sequence[tuple[str, dt.datetime]], marker: str, zone: dt.tzinfo
) -> list[tuple[str, str]]:
    """What a postmortem drafted from the incident may hold of a note or chat message whose
    ``versions`` (text, time) are being redacted, each with what takes its place (the same
    with ``marker`` for its text), longest first: the timeline line the draft writes for it as a
    key moment and as a misleading path (with its time, with and without the date), then the
    text itself and its sentence when they are long enough not to be other words."""
    pairs: dict[str, str] = {}
    for text, at in versions:
        was, gone = replace(event, text=text, at=at), replace(event, text=marker, at=at)
        local = minute(at, zone)
        for role in ("key", "misleading"):
            for dated in (False, True):
                when = stamp(local, with_date=dated)
                pairs[f"{when} - {_line(was, role)}"] = f"{when} - {_line(gone, role)}"
        for old, new in ((text.strip(), marker), (sentence(text), sentence(marker))):
            if len(old) >= MIN_COPIED:
                pairs.setdefault(old, new)
    return sorted(((o, n) for o, n in pairs.items() if o != n), key=lambda p: -len(p[0]))
