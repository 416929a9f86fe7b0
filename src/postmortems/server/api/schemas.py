"""Request and response bodies of the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from postmortems.server.library.derive import KEY_CHARS, KEY_PATTERN


class Body(Schema):
    """A request body: a JSON object (ninja's Schema would otherwise read fields off any value as
    attributes: a bare string "AAA" gave a title "Aaa", from ``str.title``) with no key the
    schema does not name (a misspelt ``severty`` is refused, not silently left out)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return handler(data)


class Error(Schema):
    detail: str = Field(description="What went wrong and how to fix it.")
    hint: str = Field(default="", description="How to fix it, where the detail does not say.")
    errors: list[dict[str, Any]] = Field(default_factory=list)


# Every error answer has the same JSON shape; each operation documents all of them.
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 413, 422, 503), Error)
NO_NUL = r"^[^\x00]*$"  # no string field takes a NUL character (PostgreSQL cannot store one)
# White space spelled out: `\s` is not the same class in the engines that read these patterns
# (Python's and pydantic's count U+0085 and U+001C, a client's ECMAScript engine does not; it
# counts U+FEFF), so a value one of them took for valid the other refused.
SPACE = r"\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
SOME_TEXT = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"  # not only spaces, no NUL
# Nothing, or an http(s) address: a link shown on a page is never `javascript:` or `data:`; no
# control character or space in it (as weburl.is_web_url).
WEB_LINK = rf"^(?:[Hh][Tt][Tt][Pp][Ss]?://[^\x00-\x20\x7f{SPACE}]+)?$"


# An instant the API takes: a day inside each end of Python's calendar, so that showing it in any
# time zone (offsets under a day) stays a date.
EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
LATEST = dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1)


def in_utc(value: dt.datetime) -> dt.datetime:
    """An instant with an offset, in UTC: an offset PostgreSQL cannot store (beyond ±15:59) is
    read as the same instant, not a 500. A time without an offset is left as it is."""
    if value.tzinfo is None:
        return value
    try:
        moved = value.astimezone(dt.UTC)
    except OverflowError:
        moved = None
    if moved is None or not EARLIEST <= moved <= LATEST:
        raise ValueError("give an instant between 0001-01-02 and 9999-12-30 (UTC)")
    return moved


# The schema says it too, a day inside each end (an offset moves a date by less than a day):
# a client's generator then never sends an instant the check refuses.
_INSIDE_THE_CALENDAR = WithJsonSchema(
    {"type": "string", "format": "date-time", "pattern": r"^(?!0001-01-0[12]|9999-12-3[01])"}
)
Instant = Annotated[AwareDatetime, AfterValidator(in_utc), _INSIDE_THE_CALENDAR]  # with offset
When = Annotated[dt.datetime, AfterValidator(in_utc), _INSIDE_THE_CALENDAR]


class Labels(Schema):
    services: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)
    reviewers: list[str] = Field(default_factory=list)


class PostmortemSummary(Schema):
    key: str
    title: str
    version: int
    status: str
    severity: str
    restricted: bool
    incident_date: dt.date | None
    started: dt.datetime | None
    updated: dt.datetime
    labels: Labels


class PostmortemOut(PostmortemSummary):
    text: str
    timezone: str
    timezone_known: bool = Field(
        description="Whether `timezone` names a zone: false when the text names one nobody "
        "knows (then its times are no instants: `started` and the others are null)."
    )
    duration_minutes: int | None = Field(
        description="How long the outage lasted, as the postmortem's card reads it; null when "
        "it cannot be told (an end before the start)."
    )
    detected: dt.datetime | None
    mitigated: dt.datetime | None
    resolved: dt.datetime | None
    users_affected_pct: float | None
    cause_category: str


class IncidentHead(Schema):
    """What every answer about an incident says of it (a list's row, a search hit, the
    incident itself)."""

    key: str
    title: str
    severity: str
    status: str
    team: str
    services: list[str]
    restricted: bool


class ActionItemOut(Schema):
    id: int
    text: str
    owner: str
    due: dt.date | None
    status: str = Field(description="open, in-progress, done or wont-do.")
    kind: str
    priority: str
    overdue: bool = Field(description="Open or in progress, and due before today.")
    tracker_url: str
    reason: str = Field(description="Why it won't be done (an item that is wont-do).")


class Page(Schema):
    count: int
    limit: int
    offset: int
    items: list[PostmortemSummary]


class CreateIn(Body):
    text: str = Field(
        max_length=500_000, pattern=SOME_TEXT, description="The Markdown document (not empty)."
    )
    key: str = Field(
        default="",
        max_length=KEY_CHARS,
        pattern=KEY_PATTERN,
        description="Id if the front matter has none: letters, digits, '.', '_' and '-', "
        "beginning and ending with a letter or a digit.",
    )
    message: str = Field(
        default="",
        max_length=200,
        pattern=NO_NUL,
        description="The change note of revision 1 (default: 'created').",
    )
    source_name: str = Field(
        default="",
        max_length=255,
        pattern=NO_NUL,
        description="The file's path in the folder it comes from (`pm push`): `pm import` "
        "of the folder then revises it, and `pm export` writes it there.",
    )


class UpdateIn(Body):
    text: str = Field(max_length=500_000, pattern=SOME_TEXT)
    base_version: int = Field(ge=0, description="The version the edit started from.")
    message: str = Field(default="", max_length=200, pattern=NO_NUL)


class Conflict(Schema):
    detail: str
    current_version: int
    current_text: str


class RevisionSummary(Schema):
    number: int
    author: str | None
    created: dt.datetime
    message: str


class RevisionOut(RevisionSummary):
    text: str
    diff: str


class LintIn(Body):
    text: str = Field(max_length=500_000, pattern=NO_NUL)
    name: str = Field(default="posted.md", max_length=255, pattern=NO_NUL)


class FindingOut(Schema):
    code: str
    severity: str
    line: int
    column: int
    message: str
    fix: str


class LintOut(Schema):
    findings: list[FindingOut]
    lint_available: bool


class TokenIn(Body):
    name: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    scope: Literal["read", "write"] = Field(
        default="write", description="read: GET only (and POST /api/lint, which stores nothing)."
    )
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3650, description="Days until it stops working; empty: never."
    )


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created: dt.datetime
    last_used: dt.datetime | None
    scope: str
    expires: dt.datetime | None


class NewToken(TokenOut):
    token: str = Field(description="Shown once; send as `Authorization: Bearer <token>`.")


class Me(Schema):
    username: str
    role: str
    teams: list[str]
