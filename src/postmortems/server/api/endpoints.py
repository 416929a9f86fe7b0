"""/api/postmortems: list, get, create, update with version check, delete, revisions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from postmortems.document.model import Severity
from postmortems.document.model import Status as DocStatus
from postmortems.document.zones import zone_from_text
from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.api import schemas as s
from postmortems.server.library import derive, queries, store
from postmortems.server.library.models import Postmortem, Revision

router = Router(tags=["postmortems"])
ERRORS = s.ERRORS


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic alone would also take ``0`` as 1970-01-01."""
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    if not isinstance(value, str | dt.date):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


MAX_OFFSET = 1_000_000_000  # far past any library; a larger one overflowed the databases' integers


# The values a filter takes (any case): one it does not is a 422, not an empty list.
CHOICES: dict[str, tuple[str, ...]] = {
    "status": tuple(st.value for st in DocStatus),
    "severity": tuple(sev.value for sev in Severity),
    "sort": tuple(queries.SORTS),
}


class ListQuery(Schema):
    status: str = Field(default="", json_schema_extra={"enum": ["", *CHOICES["status"]]})
    severity: str = Field(default="", json_schema_extra={"enum": ["", *CHOICES["severity"]]})
    service: str = Field(default="", pattern=s.NO_NUL)
    tag: str = Field(default="", pattern=s.NO_NUL)
    team: str = Field(default="", pattern=s.NO_NUL)
    since: IsoDate | None = None
    until: IsoDate | None = None
    q: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    sort: str = Field(default="newest", json_schema_extra={"enum": list(CHOICES["sort"])})
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)

    @field_validator("status", "severity", "sort")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        return known_choice(value, str(info.field_name))


def known_choice(value: str, name: str) -> str:
    """``value`` as one of the choices of filter ``name`` (any case), or empty; else refused."""
    choices = CHOICES[name]
    found = next((c for c in choices if c.lower() == value.lower()), None)
    if value and found is None:
        raise ValueError(f"give one of {', '.join(choices)}")
    return found or value


def _labels(pm: Postmortem) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {
        k: [] for k in ("services", "tags", "teams", "authors", "reviewers")
    }
    for kind, values in pm.label_values.items():
        out.setdefault(kind, []).extend(values)
    return out


def _utc(value: Any) -> Any:
    """An instant in UTC, as a read from the database gives it (a save's own row still holds
    the document's zone: ``+01:00`` there, ``Z`` on the next read)."""
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value


def _summary(pm: Postmortem) -> dict[str, Any]:
    fields = ("key", "title", "version", "status", "severity", "restricted", "incident_date")
    return {
        **{f: getattr(pm, f) for f in fields},
        "started": _utc(pm.started),
        "updated": _utc(pm.updated),
        "labels": _labels(pm),
    }


summary_of = _summary  # the search router lists postmortems the same way


# What a read answers: every column but the rendered page and the section titles (the largest).
SUMMARY_COLUMNS: tuple[str, ...] = ("key", "title", "version", "status", "severity")
SUMMARY_COLUMNS += ("restricted", "incident_date", "started", "updated", "label_values")
FULL_EXTRA: tuple[str, ...] = ("text", "timezone", "detected", "mitigated", "resolved")
FULL_EXTRA += ("users_affected_pct", "cause_category", "duration_minutes")


def _full(pm: Postmortem) -> dict[str, Any]:
    known = bool(pm.timezone) and zone_from_text(pm.timezone) is not None
    return {
        **_summary(pm),
        **{f: _utc(getattr(pm, f)) for f in FULL_EXTRA},
        "timezone_known": known,
    }


def _need(request: HttpRequest, action: Action) -> None:
    if not access_of(request.user).may(action):
        raise PermissionDenied(f"your role cannot {action.name.lower()} postmortems")


def _get(
    request: HttpRequest, key: str, action: Action = Action.READ, columns: tuple[str, ...] = ()
) -> Postmortem:
    """``columns``: load only these (the rendered page and the section titles are the largest
    columns, and a read does not answer them)."""
    _need(request, action)
    pm = queries.get_visible(access_of(request.user), key, columns)
    if pm is None:
        raise Http404(key)
    if not access_of(request.user).can(action, pm):
        raise PermissionDenied(f"your role in this postmortem's teams cannot {action.name.lower()}")
    return pm


QUERY_FILTERS = ("status", "severity", "service", "tag", "team", "since", "until")


def filters_of(query: Any, **more: Any) -> queries.Filters:
    """The library's filters an API query names (the list's and the search's are the same)."""
    return queries.Filters(**{name: getattr(query, name) for name in QUERY_FILTERS}, **more)


@router.get("", response={200: s.Page, **ERRORS}, summary="List and filter postmortems")
def list_postmortems(request: HttpRequest, query: Query[ListQuery]) -> Any:
    _need(request, Action.READ)
    filters = filters_of(query, q=query.q[:200], sort=query.sort)
    qs = queries.list_postmortems(access_of(request.user), filters)
    limit, offset = query.limit, query.offset
    rows = qs.defer("text", "rendered_html", "sections")[offset : offset + limit]
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": [_summary(pm) for pm in rows],
    }


@router.get("/{key}", response={200: s.PostmortemOut, **ERRORS}, summary="Get a postmortem")
def get_postmortem(request: HttpRequest, key: str) -> Any:
    return _full(_get(request, key, columns=SUMMARY_COLUMNS + FULL_EXTRA))


@router.post("", response={201: s.PostmortemOut, 409: s.Error, **ERRORS}, summary="Create")
def create_postmortem(request: HttpRequest, body: s.CreateIn) -> Any:
    _need(request, Action.WRITE)
    try:
        key = derive.slug_key(body.key) if body.key else ""
        saved = store.save(  # without a base version: a new postmortem
            body.text,
            request.user,
            key=key,
            exact=True,
            message=body.message,
            source_name=body.source_name,
            postmortems_only=True,
        )
    except store.DuplicateKey as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, _full(saved.postmortem))


@router.put(
    "/{key}",
    response={200: s.PostmortemOut, 409: s.Conflict, **ERRORS},
    summary="Update, refused when base_version is not the current version",
)
def update_postmortem(request: HttpRequest, key: str, body: s.UpdateIn) -> Any:
    pm = _get(request, key, Action.WRITE)
    try:
        saved = store.update(pm.key, body.text, request.user, body.base_version, body.message)
    except store.StaleVersion as exc:
        conflict = {
            "detail": str(exc),
            "current_version": exc.current.version,
            "current_text": exc.current.text,
        }
        return Status(409, conflict)
    return Status(200, _full(saved.postmortem))


@router.delete("/{key}", response={204: None, **ERRORS}, summary="Delete (admins)")
def delete_postmortem(request: HttpRequest, key: str) -> Any:
    store.delete(_get(request, key, Action.DELETE))  # as the page's Delete: the lists forget it
    return Status(204, None)


def _revision(rev: Revision, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": rev.number,
        "created": rev.created,
        "message": rev.message,
        "author": rev.author.get_username() if rev.author else None,
    }
    if full:
        out.update(text=rev.text, diff=rev.diff)
    return out


@router.get("/{key}/revisions", response={200: list[s.RevisionSummary], **ERRORS})
def list_revisions(request: HttpRequest, key: str) -> Any:
    pm = _get(request, key)
    revs = pm.revisions.select_related("author").defer("text", "diff")
    return [_revision(r, full=False) for r in revs]


@router.get("/{key}/revisions/{number}", response={200: s.RevisionOut, **ERRORS})
def get_revision(request: HttpRequest, key: str, number: int) -> Any:
    pm = _get(request, key)
    rev = pm.revisions.select_related("author").filter(number=number).first()
    if rev is None:
        raise Http404(number)
    return _revision(rev, full=True)
