"""/api/insights: the insights page's figures as JSON, over what the caller may read."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.api import schemas as s
from postmortems.server.api.endpoints import IsoDate
from postmortems.server.insights import export, figures
from postmortems.server.insights.forms import EARLIEST

router = Router(tags=["insights"])


class InsightsQuery(Schema):
    team: str = Field(default="", max_length=64, pattern=s.NO_NUL, description="Empty: all.")
    since: IsoDate | None = Field(default=None, description="First incident date counted.")
    until: IsoDate | None = Field(default=None, description="Last incident date counted.")


class InsightsOut(Schema):
    schema_: str = Field(alias="schema")
    scope: dict[str, Any]
    totals: dict[str, int]
    postmortems_by_period: dict[str, dict[str, int]]
    incidents_by_period: dict[str, dict[str, int]]
    by_service: dict[str, dict[str, int]]
    postmortems_by_cause: dict[str, int]
    postmortems_by_factor: dict[str, int]
    response: dict[str, dict[str, dict[str, float | int | None]]]
    review: dict[str, dict[str, float | int | None]]
    action_items: dict[str, Any]
    repeats: dict[str, float | int | None]


@router.get(
    "",
    response={200: InsightsOut, **s.ERRORS},
    summary="Insights: counts, response times, review times, action items, repeats",
    by_alias=True,
)
def insights(request: HttpRequest, query: Query[InsightsQuery]) -> Any:
    """The figures of the insights page (docs/insights.md defines each): postmortems and
    incidents the caller may read (restricted ones of other teams are never counted), of one
    team or all, with an incident date in ``since``…``until`` (either side open when left out)."""
    me = access_of(request.user)
    if not me.may(Action.READ):
        raise PermissionDenied("your role cannot read postmortems")
    # Like the list's filters, a period is a filter: one before any record (nothing is dated
    # before 1970) or ending before it starts holds nothing, and is answered as such.
    since, until = (max(d, EARLIEST) if d else None for d in (query.since, query.until))
    scope = figures.Scope(team=query.team, since=since, until=until)
    return export.to_json(figures.compute(me, scope, timezone.now()))
