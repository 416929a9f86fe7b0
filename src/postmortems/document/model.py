"""The postmortem model: plain frozen dataclasses, no parsing logic.

Source positions (``line``, ``span``) are kept for messages but never take part in equality, so a
document parsed from its canonical rewrite compares equal to the original.

The classes are dataclasses (``dataclasses.fields``, ``replace`` and the JSON export work on them)
declared ``@dataclass(init=False, repr=False, eq=False)`` over :class:`Record`, with a written
``__init__``: :class:`Record` gives them what ``frozen=True`` and the default ``eq`` and ``repr``
generate. Generating those methods compiles code for every class on every start, about 0.5 ms a
class, and a `pm lint FILE` process creates some 20 of them. ``tests/lint/test_records.py``
checks each record against the dataclass ``@dataclass(frozen=True)`` would make of it.
"""

from __future__ import annotations

import datetime as dt
import enum
import reprlib
from dataclasses import FrozenInstanceError, dataclass, field, fields
from typing import Any

from postmortems.document.zones import Zone


class _Fields:
    """The field names a record's generic methods use (computed once a class)."""

    __slots__ = ("compare", "hash", "repr")

    def __init__(self, cls: type) -> None:
        found = fields(cls)
        self.compare = tuple(f.name for f in found if f.compare)
        self.hash = tuple(f.name for f in found if (f.compare if f.hash is None else f.hash))
        self.repr = tuple(f.name for f in found if f.repr)


def _fields_of(cls: type) -> _Fields:
    spec = cls.__dict__.get("__record_fields__")
    if spec is None:
        spec = _Fields(cls)
        type.__setattr__(cls, "__record_fields__", spec)
    return spec


class MutableRecord:
    """``__eq__`` and ``__repr__`` as ``@dataclass`` generates them (defining ``__eq__`` makes
    a mutable record unhashable, as with ``@dataclass``). Subclasses: ``@dataclass(init=False,
    repr=False, eq=False)`` and an ``__init__`` that sets every field."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = _fields_of(self.__class__).compare
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        names = _fields_of(self.__class__).repr
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{self.__class__.__qualname__}({inner})"


class Record(MutableRecord):
    """A frozen record: assigning or deleting a field raises ``FrozenInstanceError``, and it
    hashes its compared fields, as ``@dataclass(frozen=True)`` does. ``__init__`` sets fields
    with :func:`_set` (``object.__setattr__``)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in _fields_of(self.__class__).hash))


_set = object.__setattr__


class Severity(enum.StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"


class Status(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    CHANGES_REQUESTED = "changes-requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    NOT_REQUIRED = "not-required"


class CauseCategory(enum.StrEnum):
    """Failure sources named by the classic format, plus the usual operational ones."""

    BUG = "bug"
    TRAFFIC_SPIKE = "traffic-spike"
    SECURITY_ISSUE = "security-issue"
    HARDWARE_FAILURE = "hardware-failure"
    NATURAL_DISASTER = "natural-disaster"
    HUMAN_ERROR = "human-error"
    DEPENDENCY = "dependency"
    CONFIG = "config"
    CAPACITY = "capacity"
    OTHER = "other"


class SectionKind(enum.StrEnum):
    """What a section is about; ``OTHER`` for sections the format does not name."""

    SUMMARY = "summary"
    IMPACT = "impact"
    TIMELINE = "timeline"
    ROOT_CAUSE = "root_cause"
    RESOLUTION = "resolution"
    ROOT_CAUSE_AND_RESOLUTION = "root_cause_and_resolution"
    MEASURES = "corrective_measures"
    DETECTION = "detection"
    TRIGGER = "trigger"
    LESSONS = "lessons"
    OTHER = "other"


class DocKind(enum.StrEnum):
    """Whether a file is a postmortem, and if not, what it is instead."""

    POSTMORTEM = "postmortem"
    LINK_ONLY = "link-only"
    PLACEHOLDER = "placeholder"
    ASSIGNMENT = "assignment"
    GUIDE = "guide"
    TEMPLATE = "template"
    INDEX = "index"


@dataclass(init=False, repr=False, eq=False)
class Span(Record):
    """1-based inclusive source line range."""

    start: int
    end: int

    def __init__(self, start: int, end: int) -> None:
        _set(self, "start", start)
        _set(self, "end", end)


_NO_SPAN = Span(0, 0)


@dataclass(init=False, repr=False, eq=False)
class WallTime(Record):
    """A wall-clock time as a document states it, with what is known about its date and zone."""

    time: dt.time
    date: dt.date | None = None
    zone: Zone | None = None
    date_inferred: bool = False

    def __init__(
        self,
        time: dt.time,
        date: dt.date | None = None,
        zone: Zone | None = None,
        date_inferred: bool = False,
    ) -> None:
        _set(self, "time", time)
        _set(self, "date", date)
        _set(self, "zone", zone)
        _set(self, "date_inferred", date_inferred)

    @property
    def aware(self) -> dt.datetime | None:
        """The instant, when both the date and the zone are known."""
        if self.date is None or self.zone is None:
            return None
        return dt.datetime.combine(self.date, self.time, tzinfo=self.zone.tzinfo(self.date))

    def local_text(self) -> str:
        """``YYYY-MM-DD HH:MM`` when the date is known, else ``HH:MM`` (extraction contract)."""
        hhmm = self.time.strftime("%H:%M")
        return f"{self.date.isoformat()} {hhmm}" if self.date else hhmm


@dataclass(init=False, repr=False, eq=False)
class TimelineEntry(Record):
    """One timeline entry: its text and the time (or range) it states."""

    text: str
    when: WallTime | None = None
    until: WallTime | None = None  # end of a range ("14:00-14:30 - …")
    zone_stated: bool = False  # the zone is written on the entry, not inherited
    raw: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def __init__(
        self,
        text: str,
        when: WallTime | None = None,
        until: WallTime | None = None,
        zone_stated: bool = False,
        raw: str = "",
        line: int = 0,
    ) -> None:
        _set(self, "text", text)
        _set(self, "when", when)
        _set(self, "until", until)
        _set(self, "zone_stated", zone_stated)
        _set(self, "raw", raw)
        _set(self, "line", line)


@dataclass(init=False, repr=False, eq=False)
class ActionItem(Record):
    """One follow-up task: what, whether it is done, who owns it, when it is due."""

    text: str
    done: bool = False
    owner: str | None = None
    due: dt.date | None = None
    line: int = field(default=0, compare=False)

    def __init__(
        self,
        text: str,
        done: bool = False,
        owner: str | None = None,
        due: dt.date | None = None,
        line: int = 0,
    ) -> None:
        _set(self, "text", text)
        _set(self, "done", done)
        _set(self, "owner", owner)
        _set(self, "due", due)
        _set(self, "line", line)


@dataclass(init=False, repr=False, eq=False)
class Section(Record):
    """One part of the document.

    ``body`` is the Markdown of the section with the modelled parts (timeline entries of a
    timeline section, task items of a measures section) taken out.
    """

    kind: SectionKind
    title: str
    body: str = ""
    # Heading level in the source (label and bold lines count as 2). Presentation only: the
    # canonical form writes every section at level 2 (1 stays 1), so it takes no part in equality.
    level: int = field(default=2, compare=False)
    subkinds: tuple[SectionKind, ...] = ()  # kinds of parts marked inside it ("Root Cause:")
    span: Span = field(default=_NO_SPAN, compare=False)

    def __init__(
        self,
        kind: SectionKind,
        title: str,
        body: str = "",
        level: int = 2,
        subkinds: tuple[SectionKind, ...] = (),
        span: Span = _NO_SPAN,
    ) -> None:
        _set(self, "kind", kind)
        _set(self, "title", title)
        _set(self, "body", body)
        _set(self, "level", level)
        _set(self, "subkinds", subkinds)
        _set(self, "span", span)


@dataclass(init=False, repr=False, eq=False)
class Facts(Record):
    """What the summary states (or what the timeline implies when the summary is silent)."""

    start: WallTime | None = None
    end: WallTime | None = None
    duration_minutes: int | None = None
    zone: Zone | None = None
    users_affected_pct: float | None = None
    root_cause: str | None = None

    def __init__(
        self,
        start: WallTime | None = None,
        end: WallTime | None = None,
        duration_minutes: int | None = None,
        zone: Zone | None = None,
        users_affected_pct: float | None = None,
        root_cause: str | None = None,
    ) -> None:
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "duration_minutes", duration_minutes)
        _set(self, "zone", zone)
        _set(self, "users_affected_pct", users_affected_pct)
        _set(self, "root_cause", root_cause)


@dataclass(init=False, repr=False, eq=False)
class Meta(Record):
    """Front matter. Fields are declared once in :mod:`postmortems.document.fields`."""

    title: str | None = None
    id: str | None = None
    status: Status | None = None
    severity: Severity | None = None
    services: tuple[str, ...] | None = None  # None: absent; (): written empty
    tags: tuple[str, ...] | None = None  # None: absent; (): written empty
    teams: tuple[str, ...] | None = None  # None: absent; (): written empty
    restricted: bool | None = None
    timezone: Zone | None = None
    started: dt.datetime | None = None
    detected: dt.datetime | None = None
    mitigated: dt.datetime | None = None
    resolved: dt.datetime | None = None
    users_affected_pct: float | None = None
    cause_category: CauseCategory | None = None
    authors: tuple[str, ...] | None = None  # None: absent; (): written empty
    reviewers: tuple[str, ...] | None = None  # None: absent; (): written empty
    extra: tuple[tuple[str, Any], ...] = ()  # unknown keys, kept in order so nothing is lost

    def __init__(
        self,
        title: str | None = None,
        id: str | None = None,
        status: Status | None = None,
        severity: Severity | None = None,
        services: tuple[str, ...] | None = None,
        tags: tuple[str, ...] | None = None,
        teams: tuple[str, ...] | None = None,
        restricted: bool | None = None,
        timezone: Zone | None = None,
        started: dt.datetime | None = None,
        detected: dt.datetime | None = None,
        mitigated: dt.datetime | None = None,
        resolved: dt.datetime | None = None,
        users_affected_pct: float | None = None,
        cause_category: CauseCategory | None = None,
        authors: tuple[str, ...] | None = None,
        reviewers: tuple[str, ...] | None = None,
        extra: tuple[tuple[str, Any], ...] = (),
    ) -> None:
        _set(self, "title", title)
        _set(self, "id", id)
        _set(self, "status", status)
        _set(self, "severity", severity)
        _set(self, "services", services)
        _set(self, "tags", tags)
        _set(self, "teams", teams)
        _set(self, "restricted", restricted)
        _set(self, "timezone", timezone)
        _set(self, "started", started)
        _set(self, "detected", detected)
        _set(self, "mitigated", mitigated)
        _set(self, "resolved", resolved)
        _set(self, "users_affected_pct", users_affected_pct)
        _set(self, "cause_category", cause_category)
        _set(self, "authors", authors)
        _set(self, "reviewers", reviewers)
        _set(self, "extra", extra)


@dataclass(init=False, repr=False, eq=False)
class Problem(Record):
    """Something the parser noticed and worked around (bad front-matter value, unknown zone…)."""

    message: str
    line: int = 0
    column: int = 0
    hint: str = ""

    def __init__(self, message: str, line: int = 0, column: int = 0, hint: str = "") -> None:
        _set(self, "message", message)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "hint", hint)


_NO_META = Meta()
_NO_FACTS = Facts()


@dataclass(init=False, repr=False, eq=False)
class Document(Record):
    """A parsed postmortem (or a file that turned out not to be one: ``kind``)."""

    meta: Meta = _NO_META
    title: str | None = None
    preamble: str = ""
    sections: tuple[Section, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    facts: Facts = _NO_FACTS
    kind: DocKind = DocKind.POSTMORTEM
    kind_reason: str = ""
    path: str | None = field(default=None, compare=False)
    source: str = field(default="", compare=False, repr=False)
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    def __init__(
        self,
        meta: Meta = _NO_META,
        title: str | None = None,
        preamble: str = "",
        sections: tuple[Section, ...] = (),
        timeline: tuple[TimelineEntry, ...] = (),
        action_items: tuple[ActionItem, ...] = (),
        facts: Facts = _NO_FACTS,
        kind: DocKind = DocKind.POSTMORTEM,
        kind_reason: str = "",
        path: str | None = None,
        source: str = "",
        problems: tuple[Problem, ...] = (),
    ) -> None:
        _set(self, "meta", meta)
        _set(self, "title", title)
        _set(self, "preamble", preamble)
        _set(self, "sections", sections)
        _set(self, "timeline", timeline)
        _set(self, "action_items", action_items)
        _set(self, "facts", facts)
        _set(self, "kind", kind)
        _set(self, "kind_reason", kind_reason)
        _set(self, "path", path)
        _set(self, "source", source)
        _set(self, "problems", problems)

    @property
    def is_postmortem(self) -> bool:
        return self.kind is DocKind.POSTMORTEM

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind is kind), None)

    @property
    def zone(self) -> Zone | None:
        """The document's timezone: front matter first, then what the text states."""
        return self.meta.timezone or self.facts.zone
