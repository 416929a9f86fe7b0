"""/api/oncall/schedules/{name}/overrides: a schedule's overrides not yet over, made and removed
from a script or a chat bot ("sam covers dana tomorrow 09:00–17:00") as on the schedule's page.

The same form reads the body (:class:`OverrideForm`, in the schedule's zone) and the same
service makes and removes it (``services.add_override``, ``removal.remove_override``), so the
rights, the checks and the refusals are the page's, said as JSON: 404 for a schedule the caller
may not see (like a missing one), 403 for a role that may not change it, 422 for what the page
would refuse beside its fields (with ``errors``: ``field`` and ``msg``), 409 for removing one of
the schedule's file or one over.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from postmortems.server.accounts.access import Access, signed_in
from postmortems.server.api import schemas as s
from postmortems.server.api.oncall import reader
from postmortems.server.oncall import removal, services
from postmortems.server.oncall.forms import OverrideForm
from postmortems.server.oncall.models import Override, Schedule
from postmortems.server.oncall.visibility import schedule_or_404

router = Router(tags=["on-call"])

TIMES = (
    "give start and end as ISO 8601 instants with their offset (2026-03-02T09:00+01:00, or in "
    "UTC with Z), or as wall times in the schedule's zone (2026-03-02 09:00; in the hour the "
    "clocks go back, with the zone's abbreviation: 2026-10-25 01:30 GMT)"
)
WHEN = Field(max_length=64, pattern=s.NO_NUL, description=TIMES[0].upper() + TIMES[1:] + ".")


class OverrideIn(s.Body):
    user: str = Field(
        max_length=150,
        pattern=s.NO_NUL,
        description="Who is put on call (with `remove`: taken off); a user name of this server.",
    )
    kind: Literal["replace", "add", "remove"] = Field(
        default="replace",
        description="`replace`: in the place of `replaces`, or of whoever is on call; `add`: "
        "on call as well; `remove`: taken off.",
    )
    replaces: str = Field(
        default="",
        max_length=150,
        pattern=s.NO_NUL,
        description="With `replace`: whom (they must be on call at some time of the period); "
        "empty: whoever is on call.",
    )
    start: str = WHEN
    end: str = WHEN
    note: str = Field(default="", max_length=200, pattern=s.NO_NUL)


class OverrideOut(Schema):
    id: int
    user: str
    kind: str
    replaces: str = Field(description="Whom it replaces; empty: whoever is on call.")
    start: dt.datetime
    end: dt.datetime
    note: str
    made_by: str = Field(
        description="Who made it here (the page, the API, a swap accepted); empty: one of the "
        "schedule's file, made in the admin, or made before this was kept."
    )
    from_file: bool = Field(
        description="One of the schedule's file (its `managed_by`): removed in that file."
    )
    swap: int | None = Field(
        description="The accepted swap it is a half of (removing it cancels the swap, while a "
        "half is not over: its halves to come go, one under way ends now); null: made on its own "
        "(removed: to come it goes, under way it ends now)."
    )


def _out(row: Override) -> dict[str, Any]:
    fields = ("id", "user", "kind", "replaces", "start", "end", "note", "made_by", "from_file")
    return {**{name: getattr(row, name) for name in fields}, "swap": row.swap_id}


@router.get("/schedules/{name}/overrides", response={200: list[OverrideOut], **s.ERRORS})
def list_overrides(request: HttpRequest, name: str) -> Any:
    """The schedule's overrides not yet over (under way and to come), in the order they apply:
    by start; at the same start, the file's first, then in the order they were made."""
    row = schedule_or_404(reader(request), name)
    found = row.overrides.filter(end__gt=timezone.now()).order_by(*Override.ORDER)
    return [_out(o) for o in found]


@router.post("/schedules/{name}/overrides", response={201: OverrideOut, **s.ERRORS})
def make_override(request: HttpRequest, name: str, body: OverrideIn) -> Any:
    """Make an override, as the schedule's page does: the author role in the schedule's team
    (a schedule kept in a file too: kept beside the file's overrides). 422 says what the page
    would say beside its fields: a time that is none (or the clocks skip or repeat), an end
    not after the start, more than 366 days, no account of that name, someone who may not see
    a restricted schedule, the same override made already, or one that would change nothing
    (it replaces, or takes off, someone not on call then; it puts someone in their own place, or
    where they are on call the whole time already)."""
    access = reader(request)
    row = schedule_or_404(access, name)
    _may_change(access, row)
    with timezone.override(ZoneInfo(row.timezone)):  # times without an offset: the zone's
        form = OverrideForm(body.model_dump())
        valid = form.is_valid()
    if not valid:
        return Status(422, _form_refused(form))
    by = signed_in(request).get_username()
    try:
        made = services.add_override(access, row, form.cleaned_data, made_by=by)
    except services.OncallError as exc:
        errors = [{"field": exc.field, "msg": exc.said}] if exc.field else []
        return Status(422, {"detail": exc.message, "hint": exc.hint or "", "errors": errors})
    return Status(201, _out(made))


class RemovedOut(Schema):
    swap: int | None = Field(description="The swap cancelled; null: an override of its own.")
    removed: list[OverrideOut] = Field(description="The overrides to come, removed.")
    ended: list[OverrideOut] = Field(
        description="The overrides under way, ended now (their new `end`), kept as history."
    )
    detail: str = Field(description="What happened, as the schedule's page says it.")


@router.delete(
    "/schedules/{name}/overrides/{override_id}",
    response={200: RemovedOut, 204: None, 409: s.Error, **s.ERRORS},
)
def remove_override(request: HttpRequest, name: str, override_id: int) -> Any:
    """Remove an override made here (the page's Remove button), by the rule of time: one to
    come is removed (204); one under way ends now, kept as history of who was on call (200,
    ``ended``); one over stays (409). A half of an accepted swap not yet over cancels the swap,
    as on the page: 200 with what became of its halves, the swap reads cancelled by the token's
    user, and its other people are told. An author of the schedule's team may; a half of a
    swap, either person of the swap too (else 403). 409 too for one of the schedule's file,
    which is removed in that file, and for a swap cancelled meanwhile."""
    access = reader(request)
    row = schedule_or_404(access, name)
    found = row.overrides.select_related("schedule", "swap").filter(pk=override_id).first()
    if found is None:
        raise Http404(f"no override {override_id} on schedule {row.name}")
    try:
        by = signed_in(request).get_username()
        done = removal.remove_override(access, found, by=by, now=timezone.now())
    except removal.NotAllowed as exc:
        raise PermissionDenied(exc.said) from None
    except services.OncallError as exc:
        return Status(409, {"detail": exc.message, "hint": exc.hint or ""})
    if done.swap is None and not done.ended:
        return Status(204, None)
    halves = {"removed": [_out(o) for o in done.removed], "ended": [_out(o) for o in done.ended]}
    swap = done.swap.pk if done.swap is not None else None
    return Status(200, {"swap": swap, **halves, "detail": removal.said(found, done)})


def _may_change(access: Access, row: Schedule) -> None:
    """The page's rule (``services.check_may_change``), as a 403."""
    try:
        services.check_may_change(access, row)
    except services.OncallError as exc:
        raise PermissionDenied(exc.said) from None


def _form_refused(form: OverrideForm) -> dict[str, Any]:
    """The form's errors as the API's error: each ``field`` (empty: the override as a whole)
    with its ``msg``, all of them in ``detail``."""
    errors = [
        {"field": "" if field == "__all__" else field, "msg": str(msg)}
        for field, messages in form.errors.items()
        for msg in messages
    ]
    detail = "; ".join(f"{e['field']}: {e['msg']}" if e["field"] else e["msg"] for e in errors)
    times = {"start", "end"} & set(form.errors)
    return {"detail": detail, "hint": TIMES if times else "", "errors": errors}
