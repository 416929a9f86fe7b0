"""``pm new``: a postmortem skeleton per profile, with short guidance comments.

The front matter keys come from the field table; the sections from the profile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from postmortems.document.frontmatter import format_datetime

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

<!-- Who was affected, how many, for how long. -->

## Root Causes

## Trigger

## Resolution

## Detection

## Action Items

- [ ] … (owner: @someone, due: {due})

## Lessons Learned

### What went well

### What went wrong

### Where we got lucky

## Timeline

- {detect} - …
"""

_MINIMAL = """\
## Summary

## Timeline

- {detect} - …

## Root Cause

## Action Items

- [ ] …
"""

_BODIES = {"classic": _CLASSIC, "google-sre": _GOOGLE_SRE, "minimal": _MINIMAL}


def _yaml_text(value: str) -> str:
    from postmortems.document.frontmatter import _text

    return _text(value)


def render(
    profile: str = "classic", answers: Answers | None = None, *, today: dt.date | None = None
) -> str:
    """The skeleton text for ``profile``."""
    a = answers or Answers()
    day = today or dt.date.today()
    started = a.started or dt.datetime.combine(day, dt.time(0, 0))
    resolved = a.resolved or started + dt.timedelta(hours=1)
    head = [
        "---",
        f"title: {_yaml_text(a.title)}",
        "status: draft",
        f"severity: {a.severity}",
        "services: []",
        "tags: []",
        f"timezone: {a.timezone}",
        f"started: {format_datetime(started)}",
        f"resolved: {format_datetime(resolved)}",
        "impact: {users_affected_pct: 0}",
        "authors: []",
        "reviewers: []",
        "---",
        "",
        "",
    ]
    body = _BODIES[profile].format(
        start_text=started.strftime("%H:%M"),
        end_text=resolved.strftime("%H:%M"),
        tz=a.timezone,
        detect=started.strftime("%H:%M"),
        resolve=resolved.strftime("%H:%M"),
        due=(day + dt.timedelta(days=14)).isoformat(),
    )
    return "\n".join(head) + body
