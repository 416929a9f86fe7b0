"""``pm new``: a postmortem skeleton per profile, with short guidance comments.

The front matter comes from the field table (every field, in order, its help as a comment);
the sections from the profile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from postmortems.document.fields import FIELDS, FieldSpec, FieldType
from postmortems.document.frontmatter import _text, format_datetime
from postmortems.document.zones import zone_from_text

PROFILES = ("classic", "google-sre", "minimal")


@dataclass(frozen=True)
class Answers:
    title: str = "Short title: what broke and how users saw it"
    started: dt.datetime | None = None
    resolved: dt.datetime | None = None
    timezone: str = "UTC"
    severity: str = "SEV3"


_CLASSIC = """\
## Issue Summary

<!-- For executives: start and end with timezone, duration, impact (service, what users saw,
% of users affected) and the root cause, in one paragraph. -->
From {start_text} to {end_text} {tz}, …

## Timeline

<!-- `- HH:MM - one or two short sentences`: detection, how it was detected, actions,
misleading paths, escalation, resolution. -->

- {detect} - Monitoring alert fired: …
- {resolve} - Service fully restored.

## Root Cause and Resolution

<!-- In detail: what caused it, and how it was fixed. -->

## Corrective and Preventative Measures

<!-- What can be improved broadly, then a specific TODO list (a verb and a thing each). -->

- [ ] Add monitoring on … (owner: @someone, due: {due})
"""

_GOOGLE_SRE = """\
## Summary

<!-- What happened, in two sentences. -->

## Impact

<!-- Who was affected, how many (% of users), for how long, and what they saw. -->

## Root Causes

<!-- Why it happened: the chain of causes, not a culprit. -->

## Trigger

<!-- What set it off (a deploy, a traffic spike, an expired certificate…). -->

## Resolution

<!-- What stopped the impact, and what fixed it for good. -->

## Detection

<!-- How it was noticed: which alert, or which customer, and how long it took. -->

## Action Items

<!-- One task per line: a verb and a thing, an owner and a due date. -->

- [ ] … (owner: @someone, due: {due})

## Lessons Learned

### What went well

### What went wrong

### Where we got lucky

## Timeline

<!-- `- HH:MM - what happened`, in the timezone of the front matter. -->

- {detect} - …
"""

_MINIMAL = """\
## Summary

<!-- What broke, for how long ({start_text}–{end_text} {tz}), who was affected, and why. -->

## Timeline

<!-- `- HH:MM - what happened`. -->

- {detect} - …

## Root Cause

<!-- Why it happened. -->

## Resolution

<!-- What fixed it, and when users stopped being affected. -->

## Action Items

<!-- What we will do so that it does not happen again: one task per line. -->

- [ ] …
"""

_BODIES = {"classic": _CLASSIC, "google-sre": _GOOGLE_SRE, "minimal": _MINIMAL}


def _value(spec: FieldSpec, a: Answers, started: dt.datetime, resolved: dt.datetime) -> str:
    """What the skeleton writes for one field: the answer when there is one, else a blank."""
    known = {
        "title": _text(a.title),
        "status": "draft",
        "severity": a.severity,
        "timezone": a.timezone,
        "started": format_datetime(started),
        "resolved": format_datetime(resolved),
        "restricted": "false",
    }
    if spec.name in known:
        return known[spec.name]
    if spec.type is FieldType.LIST:
        return "[]"
    if spec.nested:
        return f"{{{spec.name.split('.')[-1]}: }}"
    return ""


def _comment(spec: FieldSpec) -> str:
    if spec.choices:
        return f"{spec.help} One of: {', '.join(spec.choices)}."
    return spec.help


def front_matter(a: Answers, started: dt.datetime, resolved: dt.datetime) -> list[str]:
    """Every field of the table, in its order, with a comment saying what it is for."""
    rows = []
    for spec in FIELDS:
        key = spec.nested or spec.name
        rows.append((f"{key}: {_value(spec, a, started, resolved)}".rstrip(), _comment(spec)))
    width = max(len(row) for row, _ in rows) + 2
    return [f"{row:<{width}}# {comment}" for row, comment in rows]


def _as_said(zone: str, at: dt.datetime) -> str:
    """The zone as a summary says it: an IANA name's abbreviation at ``at`` when the reader
    knows it ("America/New_York" in November: "EST"), else the name as given."""
    try:
        abbreviation = at.replace(tzinfo=ZoneInfo(zone)).tzname() if "/" in zone else None
    except (ValueError, ZoneInfoNotFoundError):
        return zone
    if not abbreviation or not abbreviation[0].isalpha():  # "+04": the name says more
        return zone
    found = zone_from_text(abbreviation)
    if found is None or found.offset is None:
        return zone
    offset = at.replace(tzinfo=ZoneInfo(zone)).utcoffset()
    same = offset is not None and found.offset * 60 == int(offset.total_seconds())
    return abbreviation if same else zone


def render(
    profile: str = "classic", answers: Answers | None = None, *, today: dt.date | None = None
) -> str:
    """The skeleton text for ``profile``."""
    a = answers or Answers()
    day = today or dt.date.today()
    started = a.started or dt.datetime.combine(day, dt.time(0, 0))
    resolved = a.resolved or started + dt.timedelta(hours=1)
    head = ["---", *front_matter(a, started, resolved), "---", "", ""]
    body = _BODIES[profile].format(
        start_text=started.strftime("%H:%M"),
        end_text=resolved.strftime("%H:%M"),
        tz=_as_said(a.timezone, started),
        detect=started.strftime("%H:%M"),
        resolve=resolved.strftime("%H:%M"),
        due=(day + dt.timedelta(days=14)).isoformat(),
    )
    return "\n".join(head) + body
