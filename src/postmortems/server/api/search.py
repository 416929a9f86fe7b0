"""/api/search: full-text search over the postmortems the caller may read."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.api import schemas as s
from postmortems.server.api.endpoints import IsoDate, filters_of, summary_of
from postmortems.server.library import fulltext

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = Field(min_length=1, max_length=200, pattern=s.NO_NUL, description="The words.")
    status: str = Field(default="", max_length=32, pattern=s.NO_NUL)
    severity: str = Field(default="", max_length=8, pattern=s.NO_NUL)
    service: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    tag: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    team: str = Field(default="", max_length=200, pattern=s.NO_NUL)
    since: IsoDate | None = None
    until: IsoDate | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=100_000)


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
    return {"count": found.count, "limit": query.limit, "offset": query.offset, "results": results}
