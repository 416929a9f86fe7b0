"""The incident as plain frozen dataclasses: events, milestones, the incident itself.

Nothing here touches a database or Django: the incidents app stores these values and
:mod:`postmortems.incident.lifecycle` moves them along. Every timestamp is aware; an incident names
its own IANA zone, in which its timeline and its postmortem draft are written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from postmortems import servicenames
from postmortems.document.model import Severity
from postmortems.errors import PostmortemsError

# What an event records. The order is the order of events stated at the same instant.
EVENT_KINDS: tuple[str, ...] = (
    "alert-fired",  # an alert started firing (its `startsAt`)
    "page",  # someone was paged
    "acknowledgement",  # a page or the incident was acknowledged
    "escalation",  # another team or person was pulled in
    "status-change",  # the incident moved to another status (detail: from, to)
    "role-change",  # someone took a role (detail: role, person)
    "handover",  # a role passed from one person to another (detail: role, person, from)
    "note",  # a person wrote something down
    "chat-message",  # a message from the incident channel (Slack import)
    "deploy",  # a deployment or a change
    "misleading-path",  # a path that turned out to be wrong
    "key-moment",  # a moment worth a line in the postmortem's timeline
    "milestone-edit",  # a milestone set by hand (detail: milestone, value, why)
    "alert-resolved",  # an alert stopped firing (its `endsAt`)
    "severity-change",  # the severity was raised or lowered (detail: from, to)
    "details-change",  # the title, services or team changed (detail: field, from, to)
    "postmortem-drafted",  # the postmortem was written from the record (detail: postmortem)
)
_KIND_ORDER = {kind: i for i, kind in enumerate(EVENT_KINDS)}

# Milestones, in the order they normally happen.
MILESTONES = ("started", "detected", "acknowledged", "escalated", "mitigated", "resolved")
MILESTONE_MEANING: dict[str, str] = {
    "started": "impact began (users or systems were first affected)",
    "detected": "someone or something noticed (the first alert, or the incident was declared)",
    "acknowledged": "a responder took it on (the first acknowledgement)",
    "escalated": "more help was pulled in (the first escalation)",
    "mitigated": "users stopped being affected (status monitoring, else the resolution)",
    "resolved": "the incident was resolved (the last move to resolved that stuck)",
}

# SEV1 is the worst, as in a postmortem's front matter.
SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)

# Roles held during an incident (one person each at a time).
ROLES: tuple[str, ...] = ("commander", "scribe", "communications")


class IncidentError(PostmortemsError):
    """An incident, event or status move that cannot be: says what is wrong and how to fix it."""


def service_names(typed: Iterable[str]) -> list[str]:
    """The services as an incident keeps them: service names (:mod:`postmortems.servicenames`;
    ``Checkout API`` is ``checkout-api``), each once, sorted, blanks left out. One that is no
    service name is refused, all of them said at once."""
    kept, refused = servicenames.checked(list(typed))
    if refused:
        raise IncidentError("; ".join(refused), hint=f"a service name is {servicenames.FORM}")
    return kept


def renamed_services(typed: Iterable[str]) -> list[tuple[str, str]]:
    """(as typed, as kept) for each service :func:`service_names` writes otherwise."""
    pairs = {(t.strip(), servicenames.normal(t)) for t in typed if t.strip()}
    return sorted((t, n) for t, n in pairs if t != n and servicenames.is_name(n))


def _check_aware(value: dt.datetime, what: str) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise IncidentError(
            f"{what} must be a date-time with a timezone, got {_shown(value)}",
            hint="add its offset or Z (e.g. 2026-03-01T14:05:00+01:00)",
        )


def _shown(value: object) -> str:
    """A value as its sender wrote it: ISO 8601 for a time, not Python's repr."""
    return value.isoformat() if isinstance(value, dt.date) else repr(value)


def _utc(value: dt.datetime, what: str) -> dt.datetime:
    """``value`` as UTC. Times are kept in UTC because Python compares and subtracts two times
    of the same zone by their wall clocks: across a DST change that is off by the shift, and
    in the repeated hour two different instants compare equal."""
    _check_aware(value, what)
    return value.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the incident's timeline record; ``at`` is kept in UTC.

    ``detail`` holds the structured part of some kinds as ``(key, value)`` pairs — use
    :func:`status_change`, :func:`role_change`, :func:`handover` and :func:`milestone_edit` to
    build those events.
    """

    at: dt.datetime  # aware
    kind: str  # one of EVENT_KINDS
    text: str
    author: str = ""  # person or source ("alertmanager/prod")
    link: str = ""
    external_id: str = ""  # de-duplication key, e.g. "am:<fingerprint>:<startsAt>:firing"
    key_moment: bool = False
    misleading: bool = False
    detail: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", _utc(self.at, "an event's time"))
        if self.kind not in _KIND_ORDER:
            raise IncidentError(
                f"unknown event kind {self.kind!r}",
                hint=f"use one of: {', '.join(EVENT_KINDS)}",
            )

    def get(self, key: str, default: str = "") -> str:
        """The value of ``key`` in :attr:`detail`."""
        return next((v for k, v in self.detail if k == key), default)

    @property
    def sort_key(self) -> tuple[dt.datetime, int, str, str, str, str]:
        """Time first; at the same instant the kind's order, then the text: a total order, so
        the same events give the same timeline whatever order they arrived in."""
        return (
            self.at,
            _KIND_ORDER[self.kind],
            self.text,
            self.external_id,
            self.author,
            self.link,
        )


def in_order(events: Iterable[Event]) -> list[Event]:
    """The events sorted by :attr:`Event.sort_key`."""
    return sorted(events, key=lambda e: e.sort_key)


def status_change(
    at: dt.datetime, old: str, new: str, *, author: str = "", text: str = "", via: str = ""
) -> Event:
    """The event of a status move (:func:`lifecycle.check_transition` it first); ``via``, for
    the declaration: how the incident was opened (one of :data:`DECLARED_VIA`)."""
    said = text or status_change_text(old, new)
    detail = (("from", old), ("to", new), *((("via", via),) if via else ()))
    return Event(at, "status-change", said, author=author, detail=detail)


# How an incident was opened (the declaration's ``via``), as its postmortem's timeline says it.
DECLARED_VIA: dict[str, str] = {
    "web": "on the incidents page",
    "inbox": "from the alert inbox",
    "api": "through the API",
    "alert": "when its alert came in",  # opened by an integration's routing
}


def status_change_text(old: str, new: str) -> str:
    """What a status change says when nobody wrote anything with it."""
    return f"Status changed from {old} to {new}." if old else f"Declared as {new}."


def postmortem_drafted(at: dt.datetime, key: str, *, author: str) -> Event:
    """The server's entry that ``author`` wrote the postmortem ``key`` from the record. Its text
    names no key (a postmortem restricted later is not named to the incident's readers): a page
    adds it, linked, for a reader who may see the postmortem."""
    said = f"{author or 'Someone'} drafted the postmortem from the timeline."
    return Event(at, "postmortem-drafted", said, author=author, detail=(("postmortem", key),))


def severity_change(
    at: dt.datetime,
    old: str,
    new: str,
    *,
    author: str = "",
    why: str = "",
    names: Collection[str] = (),
) -> Event:
    """The severity moved from ``old`` to ``new`` (both of :data:`SEVERITIES`); ``names``: the
    people a reason may start with (:func:`reason`)."""
    for value in (old, new):
        if value not in SEVERITIES:
            raise IncidentError(
                f"unknown severity {value!r}", hint=f"use one of: {', '.join(SEVERITIES)}"
            )
    said = severity_change_text(old, new) + (f" {reason(why, names)}" if why.strip() else "")
    return Event(at, "severity-change", said, author=author, detail=(("from", old), ("to", new)))


def severity_change_text(old: str, new: str) -> str:
    """What a severity change says before its reason (both of :data:`SEVERITIES`)."""
    # SEV1 is the most severe: a smaller number is a raise.
    verb = "raised" if SEVERITIES.index(new) < SEVERITIES.index(old) else "lowered"
    return f"Severity {verb} from {old} to {new}."


def reason(why: str, names: Collection[str] = ()) -> str:
    """A reason typed with a change, as the sentence it is after the change's own: its first
    letter a capital (``… to SEV2. Only 12% of searches fail``), unless its first word is not a
    plain word: one of ``names`` (the people of the incident, an account: ``sam is on it``),
    written with capitals inside it (``iOS``, ``eBay``) or with a digit, a hyphen, a dot, a
    slash or an underscore (``eu-west``, ``db01``, ``api.example.com``, ``max_connections``): a
    name, kept as typed."""
    text = why.strip()
    first = first_word(text)
    if first in names or any(c.isupper() for c in first[1:]) or _NAME_MARK.search(first):
        return text
    return text[:1].upper() + text[1:]


def first_word(text: str) -> str:
    """The first word of a reason, without the punctuation after it (``sam,`` is ``sam``)."""
    return text.split(None, 1)[0].rstrip(",;:.!?)…") if text.strip() else ""


# What makes a reason's first word a name (a host, a setting, a domain, a path, a region)
# rather than a word: a digit, an underscore, a slash, a dot inside it, or a cloud region's
# compass point after a hyphen ("customer-facing" and "follow-up" are words).
_NAME_MARK = re.compile(
    r"[\d_/]|\w\.\w|^[a-z]{2,}-(?:north|south|east|west|central)(?:east|west)?\b"
)


# What a details change may be about, and how its sentence names it.
DETAILS: dict[str, str] = {"title": "Title", "services": "Services", "team": "Team"}


def details_change(at: dt.datetime, what: str, old: str, new: str, *, author: str = "") -> Event:
    """The incident's title, services or team (``what``, one of :data:`DETAILS`) changed from
    ``old`` to ``new`` (services as a comma-separated list; empty: none)."""
    if what not in DETAILS:
        raise IncidentError(
            f"unknown incident detail {what!r}", hint=f"use one of: {', '.join(DETAILS)}"
        )
    said = f"{DETAILS[what]} changed from {_quoted(what, old)} to {_quoted(what, new)}."
    detail = (("field", what), ("from", old), ("to", new))
    return Event(at, "details-change", said, author=author, detail=detail)


def _quoted(what: str, value: str) -> str:
    if not value:
        return "none"
    return f"“{value}”" if what == "title" else value


def role_change(at: dt.datetime, role: str, person: str, *, author: str = "") -> Event:
    """``person`` takes ``role`` (an empty person: nobody holds it any more); the words say who
    gave it when that is someone else (``author``)."""
    _check_role(role)
    if not person:
        said = f"Nobody is {role} any more."
    elif author and author != person:
        said = f"{author} gave {role} to {person}."
    else:
        said = f"{person} is {role}."
    detail = (("role", role), ("person", person))
    return Event(at, "role-change", said, author=author, detail=detail)


def handover(at: dt.datetime, role: str, old: str, new: str, *, author: str = "") -> Event:
    """``role`` passes from ``old`` to ``new``, said by who did it (``author``, else ``old``):
    ``old`` handed it over, ``new`` took it from ``old``, or a third person gave it."""
    _check_role(role)
    by = author or old
    if by == old:
        said = f"{old} handed {role} over to {new}."
    elif by == new:
        said = f"{new} took {role} from {old}."
    else:
        said = f"{by} gave {role} to {new} (was {old})."
    detail = (("role", role), ("person", new), ("from", old))
    return Event(at, "handover", said, author=by, detail=detail)


def milestone_edit(
    at: dt.datetime, milestone: str, value: dt.datetime | None, *, author: str, why: str
) -> Event:
    """A milestone set (or, with ``value`` None, given back to the automatic rule) by hand.

    ``at`` is when the edit was made; ``value`` the time it sets. Who and why are required:
    every hand edit is on the record.
    """
    if milestone not in MILESTONES:
        raise IncidentError(
            f"unknown milestone {milestone!r}", hint=f"use one of: {', '.join(MILESTONES)}"
        )
    if value is not None:
        _check_aware(value, f"the {milestone} milestone")
    if not author.strip() or not why.strip():
        raise IncidentError(
            f"editing the {milestone} milestone needs who and why",
            hint="give the author and a short reason (e.g. 'graphs show errors from 03:52')",
        )
    shown = value.isoformat(timespec="minutes") if value else "automatic"
    return Event(
        at,
        "milestone-edit",
        f"{milestone.capitalize()} set to {shown}: {why.strip()}",
        author=author,
        detail=(
            ("milestone", milestone),
            ("value", value.isoformat() if value else ""),
            ("why", why.strip()),
        ),
    )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise IncidentError(f"unknown role {role!r}", hint=f"use one of: {', '.join(ROLES)}")


# The milestones that cannot come before another: impact begins first; a page is acknowledged
# after the incident was noticed; it is resolved after it was mitigated. Detection may come after
# the mitigation or the resolution (an outage found once it was over).
ORDER: tuple[tuple[str, str], ...] = (
    *(("started", later) for later in MILESTONES[1:]),
    ("detected", "acknowledged"),
    ("mitigated", "resolved"),
)


@dataclass(frozen=True, slots=True)
class Milestones:
    """The incident's milestone times, kept in UTC (None: not reached, or not known)."""

    started: dt.datetime | None = None
    detected: dt.datetime | None = None
    acknowledged: dt.datetime | None = None
    escalated: dt.datetime | None = None
    mitigated: dt.datetime | None = None
    resolved: dt.datetime | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                object.__setattr__(self, f.name, _utc(value, f"the {f.name} milestone"))

    def get(self, name: str) -> dt.datetime | None:
        if name not in MILESTONES:
            raise IncidentError(
                f"unknown milestone {name!r}", hint=f"use one of: {', '.join(MILESTONES)}"
            )
        value: dt.datetime | None = getattr(self, name)
        return value

    def items(self) -> list[tuple[str, dt.datetime | None]]:
        return [(name, getattr(self, name)) for name in MILESTONES]

    def known(self) -> dict[str, dt.datetime]:
        """The milestones that have a time."""
        return {name: value for name, value in self.items() if value is not None}

    def replace(self, **values: dt.datetime | None) -> Milestones:
        return replace(self, **values)

    def out_of_order(self) -> list[str]:
        """Pairs that contradict each other (``detected is before started``)."""
        return [f"{second} is before {first}" for first, second in self._contradictions()]

    def conflict_of(self, name: str) -> tuple[str, str] | None:
        """(``"before"`` or ``"after"``, the other milestone) when ``name`` contradicts one of
        :data:`ORDER` (it comes before one it follows, or after one that follows it)."""
        for first, second in self._contradictions():
            if name == second:
                return "before", first
            if name == first:
                return "after", second
        return None

    def _contradictions(self) -> list[tuple[str, str]]:
        out = []
        for first, second in ORDER:
            a, b = getattr(self, first), getattr(self, second)
            if a is not None and b is not None and b < a:
                out.append((first, second))
        return out

    def to_json(self) -> dict[str, str | None]:
        return {name: v.isoformat() if v else None for name, v in self.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Milestones:
        """Read back :meth:`to_json` (unknown keys are an error: they would be lost)."""
        unknown = sorted(set(data) - set(MILESTONES))
        if unknown:
            raise IncidentError(
                f"unknown milestone {unknown[0]!r}", hint=f"use one of: {', '.join(MILESTONES)}"
            )
        values: dict[str, dt.datetime | None] = {}
        for name in MILESTONES:
            raw = data.get(name)
            if raw in (None, ""):
                values[name] = None
                continue
            try:
                values[name] = dt.datetime.fromisoformat(str(raw))
            except ValueError:
                raise IncidentError(
                    f"the {name} milestone is not a date-time: {raw!r}",
                    hint="write it in ISO 8601 with an offset, e.g. 2026-03-01T14:05:00+01:00",
                ) from None
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident as the postmortem draft and the metrics see it."""

    key: str  # "INC-2026-0042"
    title: str
    severity: str  # one of SEVERITIES
    status: str  # one of lifecycle.STATUSES
    timezone: str  # IANA name, the incident's zone
    milestones: Milestones = field(default_factory=Milestones)
    events: tuple[Event, ...] = ()
    team: str = ""
    services: tuple[str, ...] = ()
    restricted: bool = False
    roles: tuple[tuple[str, str], ...] = ()  # (role, person) currently held

    def __post_init__(self) -> None:
        from postmortems.incident.lifecycle import check_status  # lifecycle imports this module

        if self.severity not in SEVERITIES:
            raise IncidentError(
                f"unknown severity {self.severity!r}",
                hint=f"use one of: {', '.join(SEVERITIES)} (SEV1 is the worst)",
            )
        check_status(self.status)
        zone_info(self.timezone)
        for role, _person in self.roles:
            _check_role(role)

    @property
    def tzinfo(self) -> dt.tzinfo:
        return zone_info(self.timezone)

    @property
    def timeline(self) -> list[Event]:
        """The events in time order (see :attr:`Event.sort_key`)."""
        return in_order(self.events)


def zone_info(name: str) -> dt.tzinfo:
    """The IANA zone ``name``; an unknown name raises :class:`IncidentError`."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        if not name or ("/" not in name and name != "UTC"):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise IncidentError(
            f"unknown timezone {name!r}",
            hint="give an IANA name such as Europe/Berlin, America/Los_Angeles or UTC",
        ) from None


def wall_clock(value: dt.datetime, zone: str) -> str:
    """``2026-03-01 14:05:09 CET``: ``value`` on the clock of the IANA ``zone``, to the second
    (in UTC when the zone is unknown or the instant has no local date)."""
    try:
        return value.astimezone(zone_info(zone)).strftime("%Y-%m-%d %H:%M:%S %Z")
    except (IncidentError, OverflowError):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
