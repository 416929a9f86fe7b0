"""The on-call model: frozen dataclasses, plain values, no clock.

Times of day, weekdays and layer starts are wall-clock values in the schedule's zone; overrides
and shifts are instants (aware datetimes). How wall time becomes an instant across DST changes
is decided in one place, :func:`resolve` (docs/oncall.md, "DST").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

UNITS = ("hours", "days", "weeks")
KINDS = ("replace", "add", "remove")
TARGET_KINDS = ("user", "schedule", "team")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class ShiftLength:
    """A layer's shift: ``count`` hours, days or weeks (``unit``)."""

    count: int
    unit: str
    # The length as a timedelta (of wall-clock time for days and weeks), worked out once.
    span: timedelta = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.unit not in UNITS or self.count < 1:
            raise ValueError(f"a shift is a positive number of {', '.join(UNITS)}: {self!r}")
        hours = self.count * {"hours": 1, "days": 24, "weeks": 7 * 24}[self.unit]
        object.__setattr__(self, "span", timedelta(hours=hours))

    def __str__(self) -> str:
        noun = self.unit if self.count != 1 else self.unit[:-1]
        return f"{self.count} {noun}"


@dataclass(frozen=True, slots=True)
class Restriction:
    """When a layer covers: these weekdays (0 = Monday) from ``start`` to ``end`` wall time.

    ``end <= start`` wraps past midnight into the next day (22:00–06:00 on Friday covers Friday
    night to Saturday 06:00); ``end == start`` is 24 hours from ``start``.
    """

    weekdays: tuple[int, ...]
    start: time
    end: time

    def covers(self, wall: datetime) -> bool:
        """Whether the wall-clock time ``wall`` (naive, in the schedule's zone) is inside."""
        now = wall.time()
        day = wall.weekday()
        if self.start < self.end:
            return day in self.weekdays and self.start <= now < self.end
        previous = (day - 1) % 7
        return (day in self.weekdays and now >= self.start) or (
            previous in self.weekdays and now < self.end
        )


@dataclass(frozen=True, slots=True)
class Layer:
    """A rotation of ``users``: one of them at a time, handing over every ``shift``.

    The rotation starts at ``start`` (a date: at ``handoff`` wall time on that day; a datetime:
    its date, at ``handoff``) with ``users[0]``; before that the layer covers nothing.
    """

    name: str
    users: tuple[str, ...]
    shift: ShiftLength
    handoff: time
    start: date | datetime
    restrictions: tuple[Restriction, ...] = ()
    # The first hand-over as naive wall time in the schedule's zone (worked out once: a layer is
    # evaluated at many instants).
    anchor: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        day = self.start.date() if isinstance(self.start, datetime) else self.start
        object.__setattr__(self, "anchor", datetime.combine(day, self.handoff))

    def covers(self, wall: datetime) -> bool:
        """Whether the restrictions (if any) let the layer cover wall time ``wall``."""
        return not self.restrictions or any(r.covers(wall) for r in self.restrictions)


@dataclass(frozen=True, slots=True)
class Override:
    """A change to who is on call from ``start`` to ``end`` (aware datetimes).

    - ``replace``: ``user`` takes the place of ``replaces`` while that person is on call, or of
      everyone (and fills a gap) when ``replaces`` is None;
    - ``add``: ``user`` is on call too;
    - ``remove``: ``user`` is not on call (a gap if no one else is).

    An accepted swap between two people is a pair of replace overrides (:func:`swap`).
    """

    start: datetime
    end: datetime
    user: str
    replaces: str | None = None
    kind: str = "replace"

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("an override's start and end are aware datetimes")
        if self.end <= self.start:
            raise ValueError("an override ends after it starts")
        if self.kind not in KINDS or (self.replaces is not None and self.kind != "replace"):
            raise ValueError(
                f"an override is one of {', '.join(KINDS)}; replaces goes with replace"
            )

    def active(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True, slots=True)
class Schedule:
    """Ordered layers (the last is the highest and wins where it covers) and overrides."""

    name: str
    timezone: str
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = ()
    team: str = ""
    # True: shown only to its team's members; None: not said (a file applied to the server
    # keeps the stored flag; a new schedule is not restricted); False: made not restricted.
    restricted: bool | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Shift:
    """A stretch of the final timeline with the same people on call.

    ``layer`` names the layer that put them there, None when overrides changed it ("" for a
    person's stretch joined over several layers: :func:`postmortems.oncall.ical.stretches`).
    """

    start: datetime
    end: datetime
    users: tuple[str, ...]
    layer: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """Whom an escalation step pages: a ``user``, the people on call on a ``schedule``, or a
    ``team``'s members."""

    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class Step:
    """Page ``targets``, then wait ``delay`` before the next step."""

    targets: tuple[Target, ...]
    delay: timedelta


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """Steps paged in order; after the last one, all of them again ``repeat`` more times."""

    name: str
    steps: tuple[Step, ...]
    repeat: int = 0
    team: str = ""


@dataclass(frozen=True, slots=True)
class Service:
    """A service a team runs: an alert about it pages ``policy`` (an escalation policy's name),
    unless the routing rule that routed the alert names a policy of its own."""

    name: str
    policy: str
    team: str = ""


def service_key(name: str) -> str:
    """A service's key in :attr:`Config.sources` (services have names of their own: a service
    and a schedule may both be called ``checkout``)."""
    return f"service:{name}"


@dataclass(frozen=True, slots=True)
class Config:
    """Everything one set of YAML files declares; ``sources`` maps an object's name to its file
    (names are unique across schedules and policies; a service is there as
    :func:`service_key`); ``aliases``, a file's name to the other names it may have been applied
    under before (its absolute path: :func:`postmortems.oncall.spec.file_aliases`)."""

    schedules: tuple[Schedule, ...] = ()
    policies: tuple[EscalationPolicy, ...] = ()
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    services: tuple[Service, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def schedule(self, name: str) -> Schedule | None:
        return next((s for s in self.schedules if s.name == name), None)

    def policy(self, name: str) -> EscalationPolicy | None:
        return next((p for p in self.policies if p.name == name), None)

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)


def resolve(wall: datetime, zone: tzinfo, *, fold: int = 0) -> datetime:
    """The instant (UTC) of wall time ``wall`` in ``zone``: PEP 495 with ``fold=0`` by default.

    A wall time that happens twice (the hour after a fall-back) is its first occurrence; one that
    never happens (skipped by a spring-forward) is moved forward by the length of the gap
    (02:30 on a Berlin spring-forward day is 03:30 CEST). ``fold=1`` gives the second occurrence.
    """
    return wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)


def local(at: datetime, zone: tzinfo) -> datetime:
    """The naive wall time of instant ``at`` in ``zone``."""
    return at.astimezone(zone).replace(tzinfo=None)


def swap(mine: Shift, mine_user: str, theirs: Shift, their_user: str) -> tuple[Override, Override]:
    """An accepted swap request as the pair of overrides that records it.

    ``mine_user`` gives ``mine`` to ``their_user`` and takes ``theirs`` in return.
    """
    return (
        Override(mine.start, mine.end, user=their_user, replaces=mine_user),
        Override(theirs.start, theirs.end, user=mine_user, replaces=their_user),
    )
