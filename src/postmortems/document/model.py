"""The postmortem model: plain frozen dataclasses, no parsing logic.

Source positions (``line``, ``span``) are kept for messages but never take part in equality, so a
document parsed from its canonical rewrite compares equal to the original.

The classes are records (:mod:`postmortems.record`): dataclasses without generated methods, so
that creating them costs no compile time at start-up.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from postmortems.document.zones import Zone
from postmortems.record import Record, set_field


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
        set_field(self, "start", start)
        set_field(self, "end", end)


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
        set_field(self, "time", time)
        set_field(self, "date", date)
        set_field(self, "zone", zone)
        set_field(self, "date_inferred", date_inferred)

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
        set_field(self, "text", text)
        set_field(self, "when", when)
        set_field(self, "until", until)
        set_field(self, "zone_stated", zone_stated)
        set_field(self, "raw", raw)
        set_field(self, "line", line)


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
        set_field(self, "text", text)
        set_field(self, "done", done)
        set_field(self, "owner", owner)
        set_field(self, "due", due)
        set_field(self, "line", line)


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
        set_field(self, "kind", kind)
        set_field(self, "title", title)
        set_field(self, "body", body)
        set_field(self, "level", level)
        set_field(self, "subkinds", subkinds)
        set_field(self, "span", span)


@dataclass(init=False, repr=False, eq=False)
class Facts(Record):
    """What the summary states (or what the timeline implies when the summary is silent)."""

    start: WallTime | None = None
    end: WallTime | None = None
    duration_minutes: int | None = None
    zone: Zone | None = None
    users_affected_pct: float | None = None
    root_cause: str | None = None
    # Names of the facts above that the text does not state plainly (an end taken from the last
    # timeline entry, a date carried over from a heading): shown as such ("≈"), never asserted.
    inferred: frozenset[str] = field(default=frozenset(), compare=False)

    def __init__(
        self,
        start: WallTime | None = None,
        end: WallTime | None = None,
        duration_minutes: int | None = None,
        zone: Zone | None = None,
        users_affected_pct: float | None = None,
        root_cause: str | None = None,
        inferred: frozenset[str] = frozenset(),
    ) -> None:
        set_field(self, "start", start)
        set_field(self, "end", end)
        set_field(self, "duration_minutes", duration_minutes)
        set_field(self, "zone", zone)
        set_field(self, "users_affected_pct", users_affected_pct)
        set_field(self, "root_cause", root_cause)
        set_field(self, "inferred", inferred)


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
        set_field(self, "title", title)
        set_field(self, "id", id)
        set_field(self, "status", status)
        set_field(self, "severity", severity)
        set_field(self, "services", services)
        set_field(self, "tags", tags)
        set_field(self, "teams", teams)
        set_field(self, "restricted", restricted)
        set_field(self, "timezone", timezone)
        set_field(self, "started", started)
        set_field(self, "detected", detected)
        set_field(self, "mitigated", mitigated)
        set_field(self, "resolved", resolved)
        set_field(self, "users_affected_pct", users_affected_pct)
        set_field(self, "cause_category", cause_category)
        set_field(self, "authors", authors)
        set_field(self, "reviewers", reviewers)
        set_field(self, "extra", extra)


@dataclass(init=False, repr=False, eq=False)
class Problem(Record):
    """Something the parser noticed and worked around (bad front-matter value, unknown zone…)."""

    message: str
    line: int = 0
    column: int = 0
    hint: str = ""

    def __init__(self, message: str, line: int = 0, column: int = 0, hint: str = "") -> None:
        set_field(self, "message", message)
        set_field(self, "line", line)
        set_field(self, "column", column)
        set_field(self, "hint", hint)


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
    # How many incidents the document reports (a monthly roundup holds several); the facts,
    # timeline and card describe the first one.
    incidents: int = field(default=1, compare=False)

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
        incidents: int = 1,
    ) -> None:
        set_field(self, "meta", meta)
        set_field(self, "title", title)
        set_field(self, "preamble", preamble)
        set_field(self, "sections", sections)
        set_field(self, "timeline", timeline)
        set_field(self, "action_items", action_items)
        set_field(self, "facts", facts)
        set_field(self, "kind", kind)
        set_field(self, "kind_reason", kind_reason)
        set_field(self, "path", path)
        set_field(self, "source", source)
        set_field(self, "problems", problems)
        set_field(self, "incidents", incidents)

    @property
    def is_postmortem(self) -> bool:
        return self.kind is DocKind.POSTMORTEM

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind is kind), None)

    @property
    def zone(self) -> Zone | None:
        """The document's timezone: front matter first, then what the text states."""
        return self.meta.timezone or self.facts.zone
