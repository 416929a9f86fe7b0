"""/api/incidents: list, show (with the timeline), declare, change the details, note, status,
resolve, events, the postmortem, and response metrics per team, service or severity (median and
p90)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from postmortems import servicenames
from postmortems.incident import lifecycle, metrics
from postmortems.incident import model as m
from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.api import schemas as s
from postmortems.server.api.entryalerts import (
    DeclaredFromOut,
    EntryAlertOut,
    declared_from,
    entry_alerts,
)
from postmortems.server.api.items import Refused
from postmortems.server.incidents import details, drafting, entries, rights, services, textsearch
from postmortems.server.incidents.models import (
    Event,
    EventVersion,
    Incident,
    RoleAssignment,
    missing_team,
)
from postmortems.server.library.wallfield import FIRST_DAY, LAST_DAY

router = Router(tags=["incidents"])
ERRORS = s.ERRORS
Text = Field(pattern=s.NO_NUL)


class EarlierVersionOut(Schema):
    text: str
    at: dt.datetime = Field(description="The entry's time in this version.")
    by: str = Field(description="Who wrote this version.")
    written: dt.datetime


class EditedOut(Schema):
    at: dt.datetime
    by: str
    versions: list[EarlierVersionOut] = Field(description="Earlier versions, newest first.")


class RedactedOut(Schema):
    at: dt.datetime
    by: str
    reason: str


class IncidentEventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    text: str
    author: str
    link: str
    external_id: str
    key_moment: bool
    misleading: bool
    posted_by: str = Field(
        default="", description="Who posted it, when not the author it names (else empty)."
    )
    edited: EditedOut | None = Field(
        default=None, description="A note or chat message corrected: who, when, what it said."
    )
    redacted: RedactedOut | None = Field(
        default=None, description="Redacted: its text is the marker; who, when and why."
    )
    alert: EntryAlertOut | None = Field(
        default=None,
        description="The alert an alert-fired or alert-resolved entry records, when the caller"
        " may see it (else null).",
    )


class IncidentSummary(s.IncidentHead):
    timezone: str
    created: dt.datetime
    postmortem: str | None


class IncidentOut(IncidentSummary):
    milestones: dict[str, dt.datetime | None]
    metrics: dict[str, float | None] = Field(description="Seconds per response metric.")
    roles: list[dict[str, Any]]
    duplicate_of: str | None
    declared_from: DeclaredFromOut | None = Field(
        description="The inbox's alert a person declared it from, when the caller may see it;"
        " null for an incident declared by hand, through the API or opened by routing, one"
        " whose alert was deleted, and one declared from an alert the caller may not see."
    )
    timeline: list[IncidentEventOut]


def _one_of(values: tuple[str, ...]) -> dict[str, Any]:
    """The schema's ``enum`` for a filter that takes one of ``values`` or nothing."""
    return {"enum": ["", *values]}


class IncidentListQuery(Schema):
    status: str = Field(
        default="",
        description="A status, or open: every status not ended.",
        json_schema_extra=_one_of((rights.OPEN, *lifecycle.STATUSES)),
    )
    team: str = Field(default="", pattern=s.NO_NUL)
    severity: str = Field(default="", json_schema_extra=_one_of(m.SEVERITIES))
    q: str = Field(
        default="",
        max_length=200,
        pattern=s.NO_NUL,
        description=(
            "Words (8 at most, quotes for a phrase), each in the title, services or timeline "
            "(full-text, stemmed), or the key; newest first, the key's incident first."
        ),
        # What the validator below takes, said in the schema (8 words at most, no NUL).
        json_schema_extra={"pattern": rights.WORDS_SCHEMA_PATTERN},
    )
    since: dt.date | None = Field(
        default=None,
        description="The first day (YYYY-MM-DD, UTC) an incident started in (opened, when its "
        "start is not known).",
    )
    to: dt.date | None = Field(default=None, description="The last day (included), as since.")
    sort: str = Field(
        default="",
        description="newest first (nothing), severity: the worst first (newest first within "
        "one), or oldest: oldest first.",
        json_schema_extra=_one_of(tuple(textsearch.ORDERS)[1:]),
    )
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=100_000, description="How many to skip (paging).")

    @field_validator("since", "to", mode="before")
    @classmethod
    def _written_as_a_day(cls, value: Any) -> Any:
        # A day as the schema says it (YYYY-MM-DD), not a number read as seconds since 1970.
        if isinstance(value, str) and value and not _is_day(value):
            raise ValueError(f"not a day: {value[:20]!r}: write it as YYYY-MM-DD")
        return value

    @field_validator("since", "to")
    @classmethod
    def _in_calendar(cls, day: dt.date | None) -> dt.date | None:
        # Any day the schema takes; one outside the days a form takes holds the same incidents
        # as the nearest of those (none is older than 1900), and keeps a period's arithmetic
        # within the calendar.
        return None if day is None else min(max(day, FIRST_DAY), LAST_DAY)

    @field_validator("sort")
    @classmethod
    def _sort(cls, value: str) -> str:
        if value not in textsearch.ORDERS:
            raise ValueError(f"unknown sort {value!r}: one of {', '.join(textsearch.ORDERS)}")
        return value

    @model_validator(mode="after")
    def _period(self) -> IncidentListQuery:
        if self.since and self.to and self.to < self.since:
            raise ValueError(f"to ({self.to}) is before since ({self.since}): swap them")
        return self

    @field_validator("q")
    @classmethod
    def _words(cls, q: str) -> str:
        rights.search_words(q)  # a ValueError: 422, saying how many words it takes
        return q

    @field_validator("status", "severity")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        known = (rights.OPEN, *lifecycle.STATUSES) if info.field_name == "status" else m.SEVERITIES
        if value and value not in known:  # as the page does: a filter is never dropped
            raise ValueError(f"unknown {info.field_name} {value!r}: one of {', '.join(known)}")
        return value


def _known_zone(name: str) -> bool:
    try:
        m.zone_info(name)
    except m.IncidentError:
        return False
    return True


# The zones an incident accepts (IANA area/location names and UTC), as the schema's enum.
ZONES: list[Any] = sorted(z for z in available_timezones() if _known_zone(z))
SeverityName = Literal["SEV1", "SEV2", "SEV3", "SEV4"]
StatusName = Literal[
    "triage",
    "investigating",
    "identified",
    "monitoring",
    "resolved",
    "closed",
    "cancelled",
    "duplicate",
]


def _service_name(typed: str) -> str:
    """A service as typed, as its service name (``Checkout API`` is ``checkout-api``); one that is
    none is refused (422) saying the form a name takes."""
    said = servicenames.problem(typed)
    if said:
        raise ValueError(f"{said}: a service name is {servicenames.FORM}")
    return servicenames.normal(typed)


def _is_day(text: str) -> bool:
    """Whether ``text`` is a day written YYYY-MM-DD."""
    try:
        return len(text) == 10 and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


ServiceName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=servicenames.LONGEST,
        pattern=s.NO_NUL,
        description=f"A service name: {servicenames.FORM}; `Checkout API` is kept as "
        "`checkout-api` (trimmed, lower-cased, spaces as -).",
    ),
    AfterValidator(_service_name),
]


class IncidentDeclareIn(s.Body):
    # A restricted incident is seen by its team only: it names one (docs/incidents.md).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"restricted": {"const": True}}, "required": ["restricted"]},
            "then": {"properties": {"team": {"minLength": 1}}, "required": ["team"]},
        }
    )

    title: str = Field(max_length=300, pattern=s.SOME_TEXT)
    severity: SeverityName = "SEV3"
    team: str = Field(default="", max_length=64, pattern=s.NO_NUL)
    services: list[ServiceName] = Field(default_factory=list, max_length=50)
    restricted: StrictBool = False
    timezone: str = Field(
        default="UTC",
        max_length=64,
        pattern=s.NO_NUL,
        description="An IANA timezone name.",
        json_schema_extra={"enum": ZONES},
    )
    page: StrictBool = Field(
        default=True,
        description=(
            "Page the escalation policy of each service, where the caller could page it by hand"
            " (the author role in the policy's team; docs/oncall.md)."
        ),
    )


class IncidentNoteIn(s.Body):
    text: str = Field(max_length=20_000, pattern=s.SOME_TEXT)


class IncidentStatusIn(s.Body):
    status: StatusName
    why: str = Field(default="", max_length=500, pattern=s.NO_NUL)
    duplicate_of: str = Field(default="", max_length=20, pattern=s.NO_NUL)


class IncidentSeverityIn(s.Body):
    severity: SeverityName
    why: str = Field(default="", max_length=500, pattern=s.NO_NUL)


class IncidentResolveIn(s.Body):
    why: str = Field(default="", max_length=500, pattern=s.NO_NUL)


class IncidentEventIn(s.Body):
    at: s.When
    kind: Literal["chat-message", "note", "deploy", "page", "acknowledgement", "escalation"]
    text: str = Field(min_length=1, max_length=20_000, pattern=s.NO_NUL)
    author: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    link: str = Field(
        default="", max_length=2000, pattern=s.WEB_LINK, description="An http(s) address, or none."
    )
    external_id: str = Field(default="", max_length=600, pattern=s.NO_NUL)


class IncidentEventsIn(s.Body):
    events: list[IncidentEventIn] = Field(max_length=20_000)


class IncidentEventsOut(Schema):
    added: int
    skipped: int


# The formats a draft is written in (postmortems.incident.draft.PROFILES), for the POST's body
# and the GET's query alike.
Profile = Literal["classic", "google-sre", "minimal"]


class IncidentPostmortemIn(s.Body):
    profile: Profile | None = Field(
        default=None, description="The format; empty: the one the incident's team chose."
    )
    key_moments: list[int] | None = Field(
        default=None,
        description="Ids of the notes to mark key moments, so that they join the postmortem's "
        "timeline (GET …/postmortem lists the notes the draft would leave out); left out: the "
        "notes written on the incident, not chat messages, as its page ticks them; []: none.",
    )


class PostmortemQuery(Schema):
    profile: Profile | None = Field(
        default=None,
        description="The format of `draft`; left out: the one the incident's team chose.",
    )


class IncidentPostmortemOut(Schema):
    incident: str
    postmortem: str
    text: str


class IncidentMetricsOut(Schema):
    by: str
    groups: dict[str, dict[str, dict[str, float | int | None]]] = Field(
        description="group → metric → {count, median_seconds, p90_seconds}"
    )
    definitions: dict[str, str]


def _summary(i: Incident, shown: dict[str, str | None]) -> dict[str, Any]:
    """``shown``: the keys of its postmortem and of what it duplicates the reader may see."""
    fields = ("key", "title", "severity", "status", "team", "restricted", "timezone", "created")
    return {
        **{f: getattr(i, f) for f in fields},
        "services": list(i.services),
        "postmortem": shown["postmortem"],
    }


def _event(e: Event, versions: list[EventVersion] | None = None) -> dict[str, Any]:
    """An entry; ``versions``: its earlier versions (read here when not given)."""
    fields = ("id", "at", "kind", "text", "author", "link", "external_id", "key_moment")
    out = {**{f: getattr(e, f) for f in fields}, "misleading": e.misleading}
    out["posted_by"] = e.posted_by
    if e.redacted_at is not None:
        out["redacted"] = {"at": e.redacted_at, "by": e.redacted_by, "reason": e.redaction_reason}
    elif e.edited_at is not None:
        earlier = list(e.versions.all()) if versions is None else versions
        out["edited"] = {
            "at": e.edited_at,
            "by": e.edited_by,
            "versions": [
                {"text": v.text, "at": v.at, "by": v.by, "written": v.written}
                for v in reversed(earlier)
            ],
        }
    return out


def _timeline(request: HttpRequest, i: Incident) -> list[dict[str, Any]]:
    """The timeline, with the earlier versions of its edited entries in one query and the
    alerts of its alert entries the caller may see in another."""
    earlier: dict[int, list[EventVersion]] = defaultdict(list)
    for version in EventVersion.objects.filter(event__incident=i):
        earlier[version.event_id].append(version)
    rows = list(i.events.select_related("user"))
    alerts = entry_alerts(access_of(request.user), (e.alert_id for e in rows))
    return [
        {**_event(e, earlier.get(e.pk, [])), "alert": alerts.get(e.alert_id or 0)} for e in rows
    ]


def _full(request: HttpRequest, i: Incident) -> dict[str, Any]:
    times = metrics.response_times(i.milestones())
    roles = RoleAssignment.objects.filter(incident=i)
    shown = rights.shown_links(access_of(request.user), [i])[i.pk]
    return {
        **_summary(i, shown),
        "milestones": i.milestone_values(),
        "metrics": {k: v.total_seconds() if v is not None else None for k, v in times.items()},
        "roles": [
            {"role": r.role, "person": r.person, "since": r.since, "until": r.until} for r in roles
        ],
        "duplicate_of": shown["duplicate_of"],
        "declared_from": declared_from(access_of(request.user), i),
        "timeline": _timeline(request, i),
    }


def _need(request: HttpRequest, action: Action) -> None:
    if not access_of(request.user).may(action):
        raise PermissionDenied(f"your role cannot {action.name.lower()} incidents")


def _get(request: HttpRequest, key: str, *, change: bool = False) -> Incident:
    _need(request, Action.WRITE if change else Action.READ)
    return rights.get(access_of(request.user), key, change=change)


@router.get("", response={200: list[IncidentSummary], **ERRORS}, summary="List incidents")
def list_incidents(request: HttpRequest, query: Query[IncidentListQuery]) -> Any:
    _need(request, Action.READ)
    filters = query.dict(exclude={"limit", "offset"})
    found = textsearch.listed(access_of(request.user), **filters)
    rows = list(found[query.offset : query.offset + query.limit])
    shown = rights.shown_links(access_of(request.user), rows)
    return [_summary(i, shown[i.pk]) for i in rows]


@router.get("/metrics", response={200: IncidentMetricsOut, **ERRORS}, summary="Response metrics")
def response_metrics(
    request: HttpRequest, by: Literal["team", "service", "severity"] = "team"
) -> Any:
    """Median and nearest-rank 90th percentile of each response metric, per group, over the
    incidents the caller may see (restricted ones of other teams are not counted)."""
    _need(request, Action.READ)
    groups: dict[str, list[m.Milestones]] = defaultdict(list)
    for i in rights.visible(access_of(request.user)):
        stones = i.milestones()
        names = list(i.services) if by == "service" else [getattr(i, by)]
        for name in names or [""]:
            groups[name].append(stones)
    out = {
        name: {k: v.to_json() for k, v in metrics.summarize_incidents(rows).items()}
        for name, rows in sorted(groups.items())
    }
    definitions = {x.name: x.definition for x in metrics.METRICS}
    return {"by": by, "groups": out, "definitions": definitions}


@router.get("/{key}", response={200: IncidentOut, **ERRORS}, summary="Show an incident")
def show_incident(request: HttpRequest, key: str) -> Any:
    return _full(request, _get(request, key))


@router.post("", response={201: IncidentOut, **ERRORS}, summary="Declare an incident")
def declare(request: HttpRequest, body: IncidentDeclareIn) -> Any:
    _need(request, Action.WRITE)
    # a team the server lacks is said by the declare (422), not as a role the caller lacks
    known = not missing_team(body.team.strip())
    if known and not rights.may_declare(access_of(request.user), body.team):
        raise PermissionDenied(f"you need the author role in team {body.team} to declare")
    options = body.model_dump(exclude={"title"})  # the body's other fields are declare's options
    incident = services.declare(body.title, request.user, now=timezone.now(), via="api", **options)
    return Status(201, _full(request, incident))


class IncidentDetailsIn(s.Body):
    title: str | None = Field(
        default=None,
        max_length=300,
        pattern=s.SOME_TEXT,
        description="The new title; left out: as it is.",
    )
    services: list[ServiceName] | None = Field(
        default=None,
        max_length=50,
        description="Every service it affects (the list replaces the old one); left out: as is.",
    )
    team: str | None = Field(
        default=None,
        max_length=64,
        pattern=s.NO_NUL,
        description=(
            "The new team: one of the server's teams, one you may declare incidents for; left"
            " out: as it is."
        ),
    )


@router.patch(
    "/{key}",
    response={200: IncidentOut, 409: s.Error, **ERRORS},
    summary="Change the title, services or team",
)
def change_details(request: HttpRequest, key: str, body: IncidentDetailsIn) -> Any:
    """Each detail that changes is a ``details-change`` entry on the timeline (from, to, who);
    the same values again change nothing. 422 for a team the server does not have (the hint
    lists those the caller may choose); 403 for a team the caller may not declare incidents
    for; 409 for a restricted incident left without a team that exists (its restriction stays
    as it is)."""
    incident = _get(request, key, change=True)
    if body.team is not None:
        unknown = details.unknown_team(access_of(request.user), incident, body.team)
        if unknown:
            raise Refused(422, unknown.message, hint=unknown.hint or "", field="team")
        said = details.team_refusal(access_of(request.user), incident, body.team)
        if said:
            raise PermissionDenied(said)
    try:
        details.change_details(
            incident,
            request.user,
            timezone.now(),
            title=body.title,
            services_named=body.services,
            team=body.team,
        )
    except m.IncidentError as exc:
        return Status(409, {"detail": str(exc)})
    return _full(request, incident)


@router.post("/{key}/notes", response={201: IncidentEventOut, **ERRORS}, summary="Add a note")
def add_note(request: HttpRequest, key: str, body: IncidentNoteIn) -> Any:
    incident = _get(request, key, change=True)
    return Status(201, _event(services.note(incident, body.text, request.user, timezone.now())))


class IncidentEntryEditIn(s.Body):
    text: str | None = Field(
        default=None,
        max_length=20_000,
        pattern=s.SOME_TEXT,
        description="The corrected text; left out: as it is.",
    )
    at: s.Instant | None = Field(
        default=None, description="The corrected time; left out: as it is."
    )


class IncidentEntryRedactIn(s.Body):
    reason: str = Field(
        max_length=500,
        pattern=s.SOME_TEXT,
        description="Why (not the secret itself: the reason is kept and shown).",
    )


@router.patch(
    "/{key}/events/{event_id}",
    response={200: IncidentEventOut, 409: s.Error, **ERRORS},
    summary="Correct a note or chat message (its text, its time)",
)
def edit_entry(request: HttpRequest, key: str, event_id: int, body: IncidentEntryEditIn) -> Any:
    """The entry's earlier version is kept (``edited.versions``). Its author, the incident's
    commander or an admin of its team (403 for others); 409 for an entry that is not a note or
    chat message a person posted, or one redacted; 422 for nothing to change or a time
    before the incident began (its start, else when it was opened) or in the future."""
    incident = _get(request, key, change=True)
    if body.text is None and body.at is None:
        return Status(422, {"detail": "nothing to change: give text or at"})
    try:
        row = entries.edit(
            incident, event_id, request.user, timezone.now(), text=body.text, at=body.at
        )
    except m.IncidentError as exc:
        return Status(422 if isinstance(exc, entries.TimeRefused) else 409, {"detail": str(exc)})
    return _event(row)


@router.post(
    "/{key}/events/{event_id}/redact",
    response={200: IncidentEventOut, 409: s.Error, **ERRORS},
    summary="Redact a note or chat message for good",
)
def redact_entry(request: HttpRequest, key: str, event_id: int, body: IncidentEntryRedactIn) -> Any:
    """Its text becomes "Redacted by NAME at TIME: REASON"; its earlier versions are deleted and
    its words taken out of the incident's postmortem. The incident's commander or an admin of
    its team (403 for others); 409 for an entry that is not a note or chat message a person
    posted, or one redacted already."""
    incident = _get(request, key, change=True)
    try:
        row, _ = entries.redact(incident, event_id, body.reason, request.user, timezone.now())
    except m.IncidentError as exc:
        return Status(409, {"detail": str(exc)})
    return _event(row)


def _changed(request: HttpRequest, key: str, change: Callable[[Incident], object]) -> Any:
    """The incident after ``change``; 409 with why when the change cannot be made."""
    incident = _get(request, key, change=True)
    try:
        change(incident)
    except m.IncidentError as exc:
        return Status(409, {"detail": str(exc)})
    return _full(request, incident)


def _move(request: HttpRequest, key: str, status: str, why: str, duplicate_of: str = "") -> Any:
    """Change the incident's status; 409 when the status table has no such move."""

    def move(incident: Incident) -> None:
        other = None
        if duplicate_of:  # not a 404: it would read as if the incident moved did not exist
            other = (
                rights.visible(access_of(request.user))
                .filter(key=duplicate_of.strip().upper())
                .first()
            )
            if other is None:
                raise m.IncidentError(
                    f"no incident {duplicate_of} to be a duplicate of", hint="check its key"
                )
        services.change_status(
            incident, status, request.user, timezone.now(), why=why, duplicate_of=other
        )

    return _changed(request, key, move)


@router.post(
    "/{key}/status",
    response={200: IncidentOut, 409: s.Error, **ERRORS},
    summary="Change status (409: the status table has no such move from the current one)",
)
def change_status(request: HttpRequest, key: str, body: IncidentStatusIn) -> Any:
    return _move(request, key, body.status, body.why, body.duplicate_of)


@router.post(
    "/{key}/severity",
    response={200: IncidentOut, 409: s.Error, **ERRORS},
    summary="Raise or lower the severity (409: it is that severity already)",
)
def change_severity(request: HttpRequest, key: str, body: IncidentSeverityIn) -> Any:
    return _changed(
        request,
        key,
        lambda incident: services.change_severity(
            incident, body.severity, request.user, timezone.now(), why=body.why
        ),
    )


@router.post(
    "/{key}/resolve",
    response={200: IncidentOut, 409: s.Error, **ERRORS},
    summary="Resolve (409 when it cannot be resolved from its status)",
)
def resolve(request: HttpRequest, key: str, body: IncidentResolveIn) -> Any:
    return _move(request, key, lifecycle.RESOLVED, body.why)


@router.post(
    "/{key}/events", response={200: IncidentEventsOut, 409: s.Error, **ERRORS}, summary="Add events"
)
def add_events(request: HttpRequest, key: str, body: IncidentEventsIn) -> Any:
    """Events from elsewhere (a chat export): those whose ``external_id`` is already on the
    timeline are skipped, so sending the same batch again adds nothing. 409 for an event in the
    future, or a response (an acknowledgement, an escalation, a page) before the detection."""
    incident = _get(request, key, change=True)
    events = [m.Event(e.at, e.kind, e.text, e.author, e.link, e.external_id) for e in body.events]
    # The ids known are read under the incident's lock: the same batch sent twice at once (a
    # retry) is written once, the other skipped (SQLite's write lock is taken at BEGIN).
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).exists()
        known = services.known_ids(incident, (e.external_id for e in body.events))
        refused = _out_of_time(incident, body.events, known)
        if refused:
            return Status(409, {"detail": refused})
        added = services.record(incident, events, request.user, timezone.now(), known=known)
    return {"added": len(added), "skipped": len(events) - len(added)}


# Responses: their milestones come after the detection (a page may come first: it detects).
_RESPONSES = ("acknowledgement", "escalation")


def _out_of_time(incident: Incident, events: list[IncidentEventIn], known: set[str]) -> str:
    """Why one of ``events`` cannot be on the timeline ('' when all can): the milestones read
    them, and a hand edit refuses the same times. One already recorded (its external id in
    ``known``) is skipped, not read."""
    latest = timezone.now() + services.CLOCK_SKEW
    for n, e in enumerate(events, 1):
        if e.at.tzinfo is None or (e.external_id and e.external_id in known):
            continue  # refused when recorded, with the time as sent; or skipped
        if e.at > latest:
            return f"event {n} ({e.kind}) is at {e.at:%Y-%m-%d %H:%M} UTC, in the future"
        if e.at.year < 1900:  # as the milestone form: it would move them to the year 1
            return f"event {n} ({e.kind}) is in the year {e.at.year}: give its real time"
        if e.kind in _RESPONSES and incident.detected is not None and e.at < incident.detected:
            return (
                f"event {n} ({e.kind}) at {e.at:%Y-%m-%d %H:%M} UTC is before the incident was "
                f"detected ({incident.detected:%Y-%m-%d %H:%M} UTC): correct its time"
            )
    return ""


@router.post(
    "/{key}/postmortem",
    response={201: IncidentPostmortemOut, 409: s.Error, **ERRORS},
    summary="Write the postmortem from the incident",
)
def write_postmortem(request: HttpRequest, key: str, body: IncidentPostmortemIn) -> Any:
    incident = _get(request, key, change=True)
    if incident.postmortem is not None:
        return Status(
            409,
            {
                "detail": f"{incident.key} already has its postmortem {incident.postmortem.key}: "
                f"GET /api/incidents/{incident.key}/postmortem (pm incident postmortem "
                f"{incident.key} --offer) gives what the record would change in it, as a diff"
            },
        )
    notes = drafting.unmarked_notes(incident)
    marks = drafting.ticked(notes) if body.key_moments is None else body.key_moments
    if unknown := sorted(set(marks) - {n.pk for n in notes}):
        raise Refused(
            422,
            f"{unknown[0]} is not the id of a note of {incident.key} that the draft leaves out",
            hint=f"GET /api/incidents/{incident.key}/postmortem lists them, as notes",
            field="key_moments",
        )
    now = timezone.now()
    pm = drafting.write_postmortem(incident, request.user, now, body.profile, marks)
    return Status(201, {"incident": incident.key, "postmortem": pm.key, "text": pm.text})


class KeptPartOut(Schema):
    part: str = Field(
        description="The drafted part (summary, resolution, impact, detection…) or front-matter "
        "field (severity, services, started…)"
    )
    text: str = Field(
        description="The part or field as people edited it (empty: taken out), kept: not in "
        "the diff."
    )
    record: str = Field(description="What the incident's record writes for it now.")


class UnmarkedNoteOut(Schema):
    id: int
    at: dt.datetime
    kind: str = Field(description="note (written on the incident) or chat (from a channel)")
    author: str
    text: str
    ticked: bool = Field(description="Marked a key moment when the POST names none.")


class IncidentPostmortemOffer(Schema):
    incident: str
    postmortem: str | None
    diff: str = Field(
        description="Unified diff of what the incident would change; never applied. It changes "
        "only lines still as drafted: a line people edited or added is kept."
    )
    kept: list[KeptPartOut] = Field(
        default=[],
        description="Drafted paragraphs and front-matter fields people edited, left as they "
        "wrote them though the record changed, with the record's version now.",
    )
    draft: str = Field(
        description="While no postmortem exists: the draft a POST with the same profile writes."
    )
    notes: list[UnmarkedNoteOut] = Field(
        default=[],
        description="While no postmortem exists: what people typed on the timeline that is "
        "not marked a key moment or a misleading path, oldest first.",
    )


@router.get(
    "/{key}/postmortem", response={200: IncidentPostmortemOffer, **ERRORS}, summary="Draft or diff"
)
def offered(request: HttpRequest, key: str, query: Query[PostmortemQuery]) -> Any:
    incident = _get(request, key, change=True)
    pm = incident.postmortem
    if pm is not None and not access_of(request.user).sees(pm):
        raise PermissionDenied(f"the postmortem of {incident.key} is restricted to other teams")
    offer = drafting.offered(incident)
    notes = drafting.unmarked_notes(incident) if pm is None else []
    marks = drafting.ticked(notes)
    return {
        "incident": incident.key,
        "postmortem": pm.key if pm else None,
        "diff": offer.diff,
        "kept": [{"part": k.name, "text": k.text, "record": k.record} for k in offer.kept],
        "draft": "" if pm else _draft(incident, request.user, marks, query.profile),
        "notes": [_unmarked_note(n, n.pk in marks) for n in notes],
    }


def _draft(incident: Incident, user: Any, marks: list[int], profile: str | None) -> str:
    """The draft a POST with this ``profile`` and no key_moments would write."""
    chosen = drafting.profile_for(incident, profile)
    return drafting.draft_text(incident, user, chosen, marked=marks)


def _unmarked_note(note: Event, ticked: bool) -> dict[str, Any]:
    return {
        "id": note.pk,
        "at": note.at,
        "kind": "note" if note.kind == "note" else "chat",
        "author": note.author or note.posted_by,  # as written, else who typed it
        "text": note.text,
        "ticked": ticked,
    }
