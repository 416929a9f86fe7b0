"""/api/oncall: who is on call (schedule or team, now or at an instant), shifts over a range,
pages (open one on a policy, read, acknowledge), and applying on-call YAML (``pm oncall apply
--url``). Restricted schedules answer 404 outside their
team, like missing ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from postmortems.oncall.model import Config
from postmortems.oncall.spec import OncallSpecError, for_server, load_texts, shown_file
from postmortems.server.accounts.access import Access, access_of, signed_in
from postmortems.server.accounts.roles import Action, Role
from postmortems.server.api import schemas as s
from postmortems.server.oncall import paging, queries, store, unseen
from postmortems.server.oncall.handpaging import PagingRefused
from postmortems.server.oncall.models import Notification, Page, Policy
from postmortems.server.oncall.visibility import (
    Names,
    may_acknowledge,
    may_edit,
    names_for,
    page_or_404,
    paged_incident,
    schedule_or_404,
    schedule_states,
    target_names,
    visible_pages,
    visible_schedules,
)

router = Router(tags=["on-call"])
ERRORS = s.ERRORS
MAX_RANGE = dt.timedelta(days=400)


class At(Schema):
    at: s.Instant | None = Field(
        default=None, description="An ISO 8601 instant with its offset; default: now."
    )


class Range(Schema):
    start: s.Instant = Field(alias="from", description="ISO 8601 instant with offset.")
    end: s.Instant = Field(alias="to", description="ISO 8601 instant with offset.")


class OnCallOut(Schema):
    schedule: str
    at: dt.datetime
    on_call: list[str]


class TeamOut(Schema):
    team: str
    at: dt.datetime
    on_call: list[str]
    schedules: dict[str, list[str]]


class ShiftOut(Schema):
    start: dt.datetime
    end: dt.datetime
    users: list[str]
    layer: str | None


class ShiftsOut(Schema):
    schedule: str
    shifts: list[ShiftOut]
    begins: dt.datetime | None = Field(
        default=None,
        description="When the rotation begins (its first hand-over): no gap is counted before.",
    )


WHY_PAGED = (
    "Why, in your words ('need DB help on replica lag'): the notifications and the incident's "
    "timeline say it."
)


class PageIn(s.Body):
    policy: str = Field(max_length=100, pattern=s.NO_NUL)
    summary: str = Field(min_length=1, max_length=300, pattern=s.SOME_TEXT)
    incident: str = Field(default="", max_length=120, pattern=s.NO_NUL)
    message: str = Field(default="", max_length=300, pattern=s.NO_NUL, description=WHY_PAGED)


class FileIn(s.Body):
    path: str = Field(
        min_length=1,
        max_length=500,
        pattern=s.NO_NUL,
        description="The file's path (`./` and `a/../` are read away): its objects' `managed_by`; "
        "an absolute path, or one starting `../` or `~`, is stored as the file's name alone.",
    )
    text: str = Field(max_length=2_000_000, pattern=s.NO_NUL, description="The YAML.")
    aliases: list[Annotated[str, Field(min_length=1, max_length=500, pattern=s.NO_NUL)]] = Field(
        default_factory=list,
        max_length=4,
        description="Other names the file was applied under before (as typed, its absolute "
        "path): the objects stored under them are the file's.",
    )


class ApplyIn(s.Body):
    files: list[FileIn] = Field(min_length=1, max_length=100)
    dry_run: bool = Field(default=False, description="Compute the changes, apply nothing.")


class ApplyOut(Schema):
    dry_run: bool
    changes: list[str]
    warnings: list[str] = Field(
        default=[], description="People named who have no account here: pages reach nobody."
    )


class PageOut(Schema):
    id: int
    policy: str
    summary: str = Field(
        description="What it is about; 'Restricted incident INC-…' for a page of an incident "
        "you may not see (it reached you all the same: ask its commander for access)."
    )
    incident: str
    message: str = Field(
        default="",
        description="Why, in the words of whoever paged; '' for a page of an incident you may "
        "not see.",
    )
    state: str
    opened: dt.datetime
    opened_by: str | None = Field(
        description="Who opened it, by user name (an incident's Paging panel, the pages form, "
        "this API, `pm page open`); null when no person did (an alert's policy paged), and for "
        "a page of an incident you may not see."
    )
    step: int = Field(description="The step paged last, counted from 1.")
    round: int = Field(description="The round of the policy's steps, counted from 1.")
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    stopped: str = Field(
        default="", description="Why paging stopped before anyone acknowledged ('' : it did not)."
    )
    targets: list[str] = Field(
        default=[], description="A page by hand (policy 'by hand'): whom, as 'user alice'."
    )
    paged: list[str] = Field(
        description="Everyone the page has reached so far, by name; one reached only through a "
        "restricted schedule you may not see is 'the on-call of a restricted schedule'."
    )


def _described(
    access: Access,
    page: Page,
    names: Names,
    paged: list[str],
    states: Mapping[str, tuple[bool, str]],
    seen: unseen.Shown,
) -> dict[str, Any]:
    """``paged``: the people it reached; ``names``: whom the reader may see named;
    ``states``: the schedules (:func:`schedule_states`); ``seen``: the incidents the reader
    may not see (its summary is then ``Restricted incident INC-…``)."""
    return {
        "id": page.pk,
        "policy": page.policy_name,
        "summary": seen.summary(page),
        "incident": page.incident_key,
        "message": "" if seen.hides(page) else page.message,
        "state": page.state,
        "opened": page.opened,
        "opened_by": _opener(page, seen),
        "step": page.step + 1,
        "round": page.round + 1,
        "acknowledged_by": names.acknowledged(page) or None,
        "acknowledged_at": page.acknowledged_at,
        "stopped": page.stopped,
        "targets": target_names(access, page, states),
        "paged": sorted({names.of(page, user) for user in paged}),
    }


def _opener(page: Page, seen: unseen.Shown) -> str | None:
    """Who opened ``page``: None when no person did, or when the reader may not see its
    incident (who works on a restricted incident is part of what they may not see)."""
    if page.opened_by is None or seen.hides(page):
        return None
    return page.opened_by.get_username()


def _pages(access: Access, pages: list[Page]) -> list[dict[str, Any]]:
    """Many pages with the people each reached: a few queries in all."""
    reached: dict[int, list[str]] = {page.pk: [] for page in pages}
    rows = Notification.objects.filter(page__in=list(reached)).values_list("page_id", "user")
    for page_id, user in rows:
        reached[page_id].append(user)
    names = names_for(access, pages)
    states = schedule_states() if any(page.targets for page in pages) else {}
    seen = unseen.shown_for(access, pages)
    return [_described(access, page, names, reached[page.pk], states, seen) for page in pages]


def _page(access: Access, page: Page) -> dict[str, Any]:
    return _pages(access, [page])[0]


def _reader(request: HttpRequest) -> Any:
    access = access_of(request.user)
    if not access.may(Action.READ):
        raise PermissionDenied("your role cannot read on-call schedules")
    return access


reader = _reader  # the export checks the same


class ScheduleOut(Schema):
    name: str
    team: str
    timezone: str = Field(description="IANA zone: times given without an offset are in it.")
    restricted: bool
    managed_by: str = Field(
        description="The YAML file that holds it, as `pm oncall apply` named it (its path in "
        "the directory it was applied from; never an absolute path: one outside is its name); "
        "empty: made on the site."
    )


@router.get("/schedules", response={200: list[ScheduleOut], **ERRORS})
def list_schedules(request: HttpRequest) -> Any:
    """The schedules you may see, by name (a restricted one only in its own team)."""
    rows = visible_schedules(_reader(request)).order_by("name")
    found = list(rows.values("name", "team", "timezone", "restricted", "managed_by"))
    return [{**row, "managed_by": shown_file(row["managed_by"])} for row in found]


@router.get("/schedules/{name}/on-call", response={200: OnCallOut, **ERRORS})
def schedule_on_call(request: HttpRequest, name: str, q: Query[At]) -> Any:
    """Who is on call on a schedule now, or at ``at``."""
    row = schedule_or_404(_reader(request), name)
    at = q.at or timezone.now()
    return {"schedule": row.name, "at": at, "on_call": list(queries.on_call(row, at))}


@router.get("/teams/{team}/on-call", response={200: TeamOut, **ERRORS})
def team_on_call(request: HttpRequest, team: str, q: Query[At]) -> Any:
    """Who is on call for a team (on each of its schedules you can see) now, or at ``at``."""
    rows = visible_schedules(_reader(request))
    at = q.at or timezone.now()
    found = queries.team_on_call(rows, team, at)
    if not found:
        raise Http404("no schedule of this team")
    people = sorted({p for names in found.values() for p in names})
    schedules = {k: list(v) for k, v in found.items()}
    return {"team": team, "at": at, "on_call": people, "schedules": schedules}


@router.get("/schedules/{name}/shifts", response={200: ShiftsOut, **ERRORS})
def schedule_shifts(request: HttpRequest, name: str, q: Query[Range]) -> Any:
    """The final shifts (layers and overrides) between ``from`` and ``to`` (at most 400 days)."""
    row = schedule_or_404(_reader(request), name)
    if q.end <= q.start or q.end - q.start > MAX_RANGE:
        raise HttpError(422, "`to` must be after `from`, at most 400 days later")
    try:
        found = queries.shifts(row, q.start, q.end)
    except OverflowError:  # a rotation or a time zone around year 1 or 9999 leaves the calendar
        raise HttpError(
            422, "the dates asked for are too near the calendar's ends (years 1, 9999)"
        ) from None
    out = [
        {"start": x.start, "end": x.end, "users": list(x.users), "layer": x.layer} for x in found
    ]
    return {"schedule": row.name, "shifts": out, "begins": queries.begins(row, q.start, q.end)}


@router.post("/pages", response={201: PageOut, 409: s.Error, **ERRORS})
def open_page(request: HttpRequest, body: PageIn) -> Any:
    """Page a policy (its first step is paged at once). 409 when its incident has ended, is a
    duplicate, or is being paged by that policy already (its page escalates until
    acknowledged)."""
    access = _reader(request)
    policy = Policy.objects.filter(name=body.policy).first()
    if policy is None or (policy.team and not access.superuser and policy.team not in access.teams):
        # The same words for a policy that does not exist and one of a team the caller is not in.
        raise HttpError(404, f"no escalation policy {body.policy!r} that you may page")
    if not may_edit(access, policy.team):
        raise PermissionDenied(f"your role cannot page team {policy.team or '(none)'}")
    now = timezone.now()
    try:
        incident_key = paged_incident(access, body.incident, policy, now=now)  # else 422
    except PagingRefused as exc:
        return Status(409, {"detail": exc.message, "hint": exc.hint})
    message = " ".join(body.message.split())
    page = paging.open_page(
        policy,
        summary=body.summary,
        incident_key=incident_key,
        now=now,
        message=message,
        by=signed_in(request),
    )
    return Status(201, _page(access, page))


class PagesQuery(Schema):
    incident: str = Field(default="", max_length=120, pattern=s.NO_NUL, description="Its key.")
    state: Literal["", "open", "acknowledged", "exhausted", "resolved", "cancelled"] = ""
    mine: bool = Field(default=False, description="Only the pages that reached you.")


@router.get("/pages", response={200: list[PageOut], **ERRORS})
def list_pages(request: HttpRequest, query: Query[PagesQuery]) -> Any:
    """The newest 100 pages you may see, of one incident, in one state or that reached you when
    asked."""
    access = _reader(request)
    found = visible_pages(access).select_related("acknowledged_by", "opened_by")
    if query.incident:
        found = found.filter(incident_key=query.incident)
    if query.state:
        found = found.filter(state=query.state)
    if query.mine:
        mine = Notification.objects.filter(user=signed_in(request).get_username())
        found = found.filter(pk__in=mine.values("page_id"))
    return _pages(access, list(found.order_by("-opened", "-pk")[:100]))


@router.get("/pages/{page_id}", response={200: PageOut, **ERRORS})
def get_page(request: HttpRequest, page_id: int) -> Any:
    access = _reader(request)
    return _page(access, page_or_404(access, page_id))


@router.post("/pages/{page_id}/ack", response={200: PageOut, 409: s.Error, **ERRORS})
def acknowledge(request: HttpRequest, page_id: int) -> Any:
    """Acknowledge a page: its escalation stops. 403 unless the page reached you or you are an
    author of its policy's team; 409 when it was no longer open."""
    access = _reader(request)
    page = page_or_404(access, page_id)
    if not may_acknowledge(access, signed_in(request).get_username(), page):
        raise PermissionDenied(
            "only someone this page reached, or an author of its policy's team, may acknowledge it"
        )
    if not paging.acknowledge(page, signed_in(request), timezone.now()):
        return Status(409, {"detail": f"page {page.pk} is already {page.state}"})
    return _page(access, page)


MAX_PROBLEMS = 100  # listed in a refusal of on-call files; the count says how many in all


@router.post("/apply", response={200: ApplyOut, 409: s.Error, **ERRORS})
def apply_files(request: HttpRequest, body: ApplyIn) -> Any:
    """Apply on-call YAML files (schedules as code; what ``pm oncall apply --url`` sends).

    Nothing is applied unless all is valid: 409 lists every problem in the files (``errors``:
    path, line, column, message, hint) or every conflict with what is stored (``errors``:
    problem); 422 is a body that does not match the schema. A write token and the
    admin role in every team whose objects it changes are needed.
    """
    access = access_of(request.user)
    if access.role_in(frozenset()) < Role.ADMIN:  # before the files cost anything to read
        raise PermissionDenied("applying on-call files needs the admin role in a team")
    try:
        texts = [(f.path, f.text) for f in body.files]
        also = {f.path: f.aliases for f in body.files}
        # A policy may page a schedule made here (one the applier may see), not in the files.
        known = visible_schedules(access).values_list("name", flat=True)
        config = for_server(load_texts(texts, aliases=also, known=list(known)))
    except OncallSpecError as exc:
        problems = [
            {
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "message": p.message,
                "hint": p.hint,
            }
            for p in exc.problems[:MAX_PROBLEMS]
        ]
        detail = f"{exc.message}; nothing was applied"  # "2 problems in the on-call files"
        if len(exc.problems) > MAX_PROBLEMS:
            detail += f" (the first {MAX_PROBLEMS} are listed: fix them and apply again)"
        return Status(409, {"detail": detail, "errors": problems})
    short = sorted(t for t in store.teams_touched(config) if access.role_in(_teams(t)) < Role.ADMIN)
    if short:
        raise PermissionDenied(f"applying these files needs {_roles_needed(short, config, access)}")
    try:
        changes = store.apply_config(config, dry_run=body.dry_run, viewer=access)
    except store.StoreError as exc:
        lines = [{"problem": line} for line in exc.message.splitlines()]
        return Status(409, {"detail": str(exc), "errors": lines})
    return {"dry_run": body.dry_run, "changes": changes, "warnings": store.without_accounts(config)}


def _roles_needed(short: list[str], config: Config, access: Access) -> str:
    """The admin roles the applier lacks, in words that name a team only where the files or
    the applier's own roles name it: a team known only from a stored object (a restricted
    schedule whose name the file uses) is not told."""
    named = {x.team for x in config.schedules} | {x.team for x in config.policies}
    named |= {x.team for x in config.services}
    named |= {
        t.name for p in config.policies for st in p.steps for t in st.targets if t.kind == "team"
    }
    told = [t or "(no team)" for t in short if t in named or t in access.teams]
    said = f"team {told[0]}" if len(told) == 1 else f"teams {', '.join(told)}"
    if len(told) < len(short):
        other = "another team whose stored objects the files would change"
        said = f"{said} and in {other}" if told else other
    return f"the admin role in {said}; nothing was applied"


def _teams(team: str) -> frozenset[str]:
    return frozenset({team}) if team else frozenset()
