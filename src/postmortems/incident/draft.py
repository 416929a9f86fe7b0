"""The postmortem draft written from an incident.

The draft follows the team's profile (``classic`` by default: the shape ``pm new`` writes):
front matter from the incident; a summary stating start, end, duration and timezone from the
milestones; the timeline of ``HH:MM TZ - sentence`` bullets (:mod:`postmortems.incident.timeline`);
how it was detected, mitigated and resolved as the record says; and the root cause and the
corrective measures left to people, with the template's guidance. Times are the incident's zone,
to the minute.

The generated parts of the body sit between ``<!-- generated:NAME … -->`` and
``<!-- end generated:NAME -->`` comments (invisible once rendered), the opening one listing a
fingerprint of each line as drafted (:mod:`postmortems.document.drafted`): the later changes of
the incident are offered from those (:mod:`postmortems.incident.update`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from postmortems.document import drafted
from postmortems.document.frontmatter import dump
from postmortems.document.model import Meta, Severity, Status
from postmortems.document.zones import zone_from_text
from postmortems.incident.frontfields import with_note
from postmortems.incident.metrics import response_times
from postmortems.incident.model import Incident, IncidentError
from postmortems.incident.timeline import (
    changes_before,
    detecting_event,
    detection_line,
    duration_text,
    elapsed,
    milestones_of,
    minute,
    people,
    said,
    sentence,
    stamp,
    timeline_entries,
    timeline_lines,
)

SUMMARY_GUIDANCE = (
    "<!-- For executives: what users saw, the % of users affected and the root cause, "
    "in one paragraph. -->"
)
TIMELINE_GUIDANCE = (
    "<!-- Generated from the incident's record: add what it missed (what was investigated, "
    "what the team assumed), one or two short sentences per entry. -->"
)
RESOLUTION_GUIDANCE = "<!-- What stopped the impact, and what fixed it for good. -->"
ROOT_CAUSE_GUIDANCE = (
    "<!-- In detail: what caused it (the chain of causes, not a culprit), and how it was fixed. -->"
)
MEASURES_GUIDANCE = (
    "<!-- What can be improved broadly, then a specific TODO list (a verb and a thing each):\n"
    "- [ ] Add monitoring on … (owner: @someone, due: YYYY-MM-DD) -->"
)
IMPACT_GUIDANCE = (
    "<!-- Who was affected, how many (% of users), for how long, and what they saw. -->"
)
CAUSES_GUIDANCE = "<!-- Why it happened: the chain of causes, not a culprit. -->"
TRIGGER_GUIDANCE = "<!-- What set it off (a deploy, a traffic spike, an expired certificate…). -->"
DETECTION_GUIDANCE = (
    "<!-- How it was noticed: which alert, or which customer, and how long it took. -->"
)
ACTIONS_GUIDANCE = (
    "<!-- One task per line: a verb and a thing, an owner and a due date:\n"
    "- [ ] … (owner: @someone, due: YYYY-MM-DD) -->"
)
LESSONS_GUIDANCE = "<!-- What went well, what went wrong, where we got lucky: a few lines each. -->"


def _subject(incident: Incident) -> str:
    names = list(incident.services)
    if not names:
        return "the service was"
    if len(names) == 1:
        return f"{names[0]} was"
    return f"{', '.join(names[:-1])} and {names[-1]} were"


def summary_sentence(incident: Incident) -> str:
    """Start, end, duration and timezone, from the milestones."""
    zone, m = incident.tzinfo, milestones_of(incident)
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


def resolution_text(incident: Incident) -> str:
    """How it was mitigated and resolved, from the status changes that record it. Mitigated and
    resolved in the same minute is one moment, said once ("Mitigated and resolved at 06:30")."""
    zone, m = incident.tzinfo, milestones_of(incident)
    began = m.started or m.detected
    first_day = minute(began, zone).date() if began else None
    moments: list[tuple[str, dt.datetime | None, tuple[dt.datetime | None, ...]]] = [
        ("Mitigated", m.mitigated, (m.mitigated,)),
        ("Resolved", m.resolved, (m.resolved,)),
    ]
    if m.mitigated and m.resolved and minute(m.mitigated, zone) == minute(m.resolved, zone):
        moments = [("Mitigated and resolved", m.resolved, (m.mitigated, m.resolved))]
    lines: list[str] = []
    for label, value, times in moments:
        if value is None:
            continue
        words = _said_at(incident, times)
        text = f": {words}" if words else "."
        local = minute(value, zone)  # dated when not the first day: 00:30 reads as before 04:00
        lines.append(f"{label} at {stamp(local, with_date=local.date() != first_day)}{text}")
    if not lines:
        return "Not resolved when this draft was written."
    return " ".join(lines)


def _said_at(incident: Incident, times: Sequence[dt.datetime | None]) -> str:
    """What the status changes at ``times`` say (each once): how the record says it was done."""
    found: list[str] = []
    for value in times:
        event = next(
            (e for e in incident.timeline if e.kind == "status-change" and e.at == value), None
        )
        words = said(event, people(incident)) if event else ""
        if words and words not in found:
            found.append(words)
    return " ".join(found)


def front_matter(incident: Incident, *, author: str = "") -> Meta:
    """The draft's front matter: the incident's facts, status draft, and its key (``incident``)."""
    zone, m = incident.tzinfo, milestones_of(incident)

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


def impact_text(incident: Incident) -> str:
    """Which services, for how long, from the milestones."""
    zone, m = incident.tzinfo, milestones_of(incident)
    if m.started is None or m.resolved is None:
        return "How long the impact lasted is not known yet."
    start, end = minute(m.started, zone), minute(m.resolved, zone)
    services = list(incident.services)
    on = f" on {', '.join(services)}" if services else ""
    return f"The impact{on} lasted {duration_text(elapsed(start, end))}."


def detection_text(incident: Incident) -> str:
    """Which alert, or who noticed, when, and how long detection and acknowledgement took."""
    zone, m = incident.tzinfo, milestones_of(incident)
    if m.detected is None:
        return "When and how it was detected is not on the record."
    event = detecting_event(incident.timeline, m)
    how = detection_line(event, said(event, people(incident))) if event else "Detected."
    out = [f"At {stamp(minute(m.detected, zone))}: {how}"]
    times = response_times(m)
    for name, words in (
        ("time_to_detect", "Time to detect (from the start of impact)"),
        ("time_to_acknowledge", "Time to acknowledge"),
    ):
        value = times[name]
        if value is not None:
            out.append(f"{words}: {duration_text(value)}.")
    return " ".join(out)


def trigger_text(incident: Incident) -> str:
    """The changes recorded shortly before the impact (deploys: :func:`changes_before`, the
    rule the timeline's first lines follow too), candidates for the trigger."""
    zone = incident.tzinfo
    deploys = changes_before(incident.timeline, milestones_of(incident))
    if not deploys:
        return "No deploy or change was recorded from an hour before the impact to its detection."
    listed = "; ".join(
        f"{sentence(e.text).removesuffix('.')} ({stamp(minute(e.at, zone))})" for e in deploys
    )
    return f"Changes recorded from an hour before the impact to its detection: {listed}."


@dataclass(frozen=True, slots=True)
class Part:
    """A section of the draft: its heading, the guidance for people, and what is generated."""

    title: str
    guidance: str
    generated: str = ""  # the name of the generated part under the guidance, if any


PROFILES: dict[str, tuple[Part, ...]] = {
    "classic": (
        Part("Issue Summary", SUMMARY_GUIDANCE, "summary"),
        Part("Timeline", TIMELINE_GUIDANCE, "timeline"),
        Part("Root Cause and Resolution", ROOT_CAUSE_GUIDANCE, "resolution"),
        Part("Corrective and Preventative Measures", MEASURES_GUIDANCE),
    ),
    "google-sre": (
        Part("Summary", SUMMARY_GUIDANCE, "summary"),
        Part("Impact", IMPACT_GUIDANCE, "impact"),
        Part("Root Causes", CAUSES_GUIDANCE),
        Part("Trigger", TRIGGER_GUIDANCE, "trigger"),
        Part("Resolution", RESOLUTION_GUIDANCE, "resolution"),
        Part("Detection", DETECTION_GUIDANCE, "detection"),
        Part("Action Items", ACTIONS_GUIDANCE),
        Part("Lessons Learned", LESSONS_GUIDANCE),
        Part("Timeline", TIMELINE_GUIDANCE, "timeline"),
    ),
    "minimal": (
        Part("Summary", SUMMARY_GUIDANCE, "summary"),
        Part("Timeline", TIMELINE_GUIDANCE, "timeline"),
        Part("Root Cause", CAUSES_GUIDANCE),
        Part("Resolution", RESOLUTION_GUIDANCE, "resolution"),
        Part("Action Items", ACTIONS_GUIDANCE),
    ),
}


def _timeline_part(incident: Incident) -> list[str]:
    m = milestones_of(incident)
    start = minute(m.started, incident.tzinfo) if m.started else None
    return timeline_lines(timeline_entries(incident), start)


GENERATED: dict[str, Callable[[Incident], list[str]]] = {
    "summary": lambda incident: [summary_sentence(incident)],
    "timeline": _timeline_part,
    "resolution": lambda incident: [resolution_text(incident)],
    "impact": lambda incident: [impact_text(incident)],
    "detection": lambda incident: [detection_text(incident)],
    "trigger": lambda incident: [trigger_text(incident)],
}


def _region(name: str, key: str, lines: Sequence[str]) -> list[str]:
    return [drafted.opening(name, key, lines), *lines, drafted.closing(name)]


def draft_postmortem(incident: Incident, *, author: str = "", profile: str = "classic") -> str:
    """The postmortem draft (Markdown with front matter) for ``incident``, in ``profile``
    (``classic``, ``google-sre`` or ``minimal``, as ``pm new`` and ``pm lint`` know them)."""
    if profile not in PROFILES:
        raise IncidentError(
            f"unknown postmortem profile {profile!r}", hint=f"use one of: {', '.join(PROFILES)}"
        )
    body: list[str] = []
    for part in PROFILES[profile]:
        body += [f"## {part.title}", "", part.guidance, ""]
        if part.generated:
            lines = GENERATED[part.generated](incident)
            body += [*_region(part.generated, incident.key, lines), ""]
    head = with_note(dump(front_matter(incident, author=author)), incident.key)
    return f"---\n{head}---\n\n" + "\n".join(body).rstrip("\n") + "\n"
