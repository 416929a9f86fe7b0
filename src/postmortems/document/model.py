"""The postmortem model: plain frozen dataclasses, no parsing logic.

Source positions (``line``, ``span``) are kept for messages but never take part in equality, so a
document parsed from its canonical rewrite compares equal to the original.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from typing import Any

from postmortems.document.zones import Zone


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
    NOTES = "notes"  # a hand-off, meeting notes, a weekly report: no one incident told


@dataclass(frozen=True, slots=True)
class Span:
    """1-based inclusive source line range."""

    start: int
    end: int


_NO_SPAN = Span(0, 0)


@dataclass(frozen=True, slots=True)
class WallTime:
    """A wall-clock time as a document states it, with what is known about its date and zone."""

    time: dt.time
    date: dt.date | None = None
    zone: Zone | None = None
    date_inferred: bool = False

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


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One timeline entry: its text and the time (or range) it states."""

    text: str
    when: WallTime | None = None
    until: WallTime | None = None  # end of a range ("14:00-14:30 - …")
    zone_stated: bool = False  # the zone is written on the entry, not inherited
    raw: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One follow-up task: what, whether it is done, who owns it, when it is due."""

    text: str
    done: bool = False
    owner: str | None = None
    due: dt.date | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Section:
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


@dataclass(frozen=True, slots=True)
class Facts:
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


@dataclass(frozen=True, slots=True)
class Meta:
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


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the parser noticed and worked around (bad front-matter value, unknown zone…)."""

    message: str
    line: int = 0
    column: int = 0
    hint: str = ""


_NO_META = Meta()
_NO_FACTS = Facts()


# A date that opens a title: "2023-09-27 / Expired …", "2024-01-19 Certbot failure …".
_TITLE_DAY = re.compile(r"[ \t]*([0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9T:])")


@dataclass(frozen=True, slots=True)
class Document:
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

    @property
    def is_postmortem(self) -> bool:
        return self.kind is DocKind.POSTMORTEM

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind is kind), None)

    @property
    def zone(self) -> Zone | None:
        """The document's timezone: front matter first, then what the text states."""
        return self.meta.timezone or self.facts.zone

    @property
    def unknown_zone(self) -> str | None:
        """The front matter's ``timezone`` as written when it names no zone anyone knows (PM115)
        and the text gives none either: the times are then in a zone nobody can place, not UTC."""
        if self.zone is not None:
            return None
        written = dict(self.meta.extra).get("timezone")
        return str(written) if written is not None else None

    @property
    def day(self) -> dt.date | None:
        """The day the incident began: the front matter's start, else what the text states,
        else a date that opens the title ("2023-09-27 / Expired SSL certificate …")."""
        if self.meta.started is not None:
            return self.meta.started.date()
        if self.facts.start is not None and self.facts.start.date is not None:
            return self.facts.start.date
        found = _TITLE_DAY.match(self.meta.title or self.title or "")
        try:
            return dt.date.fromisoformat(found.group(1)) if found else None
        except ValueError:  # 2023-02-30
            return None
