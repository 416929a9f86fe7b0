"""/api/search: full-text search over the postmortems the caller may read;
/api/search/incidents: the same words over the incidents (a list of its own, so the postmortems'
answer keeps its shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field, ValidationInfo, field_validator

from postmortems.incident.model import SEVERITIES
from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.api import schemas as s
from postmortems.server.api.endpoints import CHOICES, IsoDate, filters_of, known_choice, summary_of
from postmortems.server.incidents import rights, textsearch
from postmortems.server.library import fulltext

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = Field(min_length=1, max_length=200, pattern=s.SOME_TEXT, description="The words.")
    status: str = Field(default="", json_schema_extra={"enum": ["", *CHOICES["status"]]})
    severity: str = Field(default="", json_schema_extra={"enum": ["", *CHOICES["severity"]]})
    service: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    tag: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    team: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    since: IsoDate | None = None
    until: IsoDate | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=100_000)

    @field_validator("status", "severity")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:  # as /api/postmortems: a 422
        return known_choice(value, str(info.field_name))


class SearchHit(s.PostmortemSummary):
    score: float = Field(description="Relevance; higher is better (comparable within one search).")
    snippet: str = Field(description="HTML: the text escaped, the matched words in <mark>.")
    snippet_from: Literal["text", "title", "comment"] = Field(
        description="Where the snippet is from: the postmortem's text, its title, or a review "
        "comment (found and shown only to a role that may read the comments)."
    )
    snippet_author: str | None = Field(
        description="Who wrote the review comment the snippet is from (null otherwise, or when "
        "the comment's account is gone)."
    )


class SearchPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[SearchHit]
    suggestion: str | None = Field(
        default=None,
        description="When the first page finds nothing because of a mistyped word: the words "
        "to search instead (from the titles, text, services and tags of the postmortems the "
        "caller may read; they find something with the same filters). Else null.",
    )


@router.get("", response={200: SearchPage, **s.ERRORS}, summary="Search whole postmortems")
def search(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Postmortems matching every word (quotes: a phrase), best first, with snippets."""
    me = access_of(request.user)
    if not me.may(Action.READ):
        raise PermissionDenied("your role cannot read postmortems")
    filters = filters_of(query)
    found = fulltext.search(me, filters, query.q, limit=query.limit, offset=query.offset)
    results = [
        {
            **summary_of(h.postmortem),
            "score": h.score,
            "snippet": str(h.snippet),
            "snippet_from": h.source or "text",
            "snippet_author": h.author or None,
        }
        for h in found.hits
    ]
    nothing = not found.count and not query.offset
    suggestion = fulltext.did_you_mean(me, filters, query.q) if nothing else None
    page = {"count": found.count, "limit": query.limit, "offset": query.offset}
    return {**page, "results": results, "suggestion": suggestion}


class IncidentSearchQuery(Schema):
    q: str = Field(
        min_length=1,
        max_length=200,
        description="The words.",
        json_schema_extra={"pattern": rights.WORDS_SCHEMA_PATTERN},
    )
    severity: str = Field(default="", json_schema_extra={"enum": ["", *SEVERITIES]})
    team: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    service: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    since: IsoDate | None = Field(default=None, description="Started (or opened) on or after.")
    until: IsoDate | None = Field(default=None, description="Started (or opened) on or before.")
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=100_000)

    @field_validator("q")
    @classmethod
    def _words(cls, q: str) -> str:
        rights.search_words(q)  # as GET /api/incidents?q=: 8 words at most, and a word
        return q

    @field_validator("severity")
    @classmethod
    def _known(cls, value: str) -> str:
        if value and value not in SEVERITIES:  # a filter is never dropped
            raise ValueError(f"unknown severity {value!r}: one of {', '.join(SEVERITIES)}")
        return value


class IncidentHit(s.IncidentHead):
    started: dt.datetime | None
    created: dt.datetime
    title_match: bool = Field(description="Every phrase of the words is in the title.")
    snippet: str = Field(
        description="HTML: the timeline entry holding the most of the words, escaped, the "
        "matched words in <mark>; empty when only the title or services hold them."
    )
    snippet_kind: str | None = Field(description="The kind of that entry (note, alert-fired…).")
    snippet_at: dt.datetime | None = Field(description="The time of that entry.")


class IncidentSearchPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[IncidentHit]


@router.get(
    "/incidents", response={200: IncidentSearchPage, **s.ERRORS}, summary="Search incidents"
)
def search_incidents(request: HttpRequest, query: Query[IncidentSearchQuery]) -> Any:
    """Incidents the caller may see whose key is the words, or whose title, services or
    timeline hold every word (quotes: a phrase); the key first, then the title's matches, then
    newer first. ``/api/search`` keeps to postmortems."""
    me = access_of(request.user)
    if not me.may(Action.READ):
        raise PermissionDenied("your role cannot read incidents")
    found = textsearch.search(me, query.q, query, limit=query.limit, offset=query.offset)
    results = [_incident_hit(h) for h in found.hits]
    return {"count": found.count, "limit": query.limit, "offset": query.offset, "results": results}


def _incident_hit(hit: textsearch.Hit) -> dict[str, Any]:
    i = hit.incident
    fields = ("key", "title", "severity", "status", "team", "restricted", "started", "created")
    return {
        **{f: getattr(i, f) for f in fields},
        "services": list(i.services),
        "title_match": hit.in_title,
        "snippet": str(hit.snippet),
        "snippet_kind": hit.kind or None,
        "snippet_at": hit.at,
    }
