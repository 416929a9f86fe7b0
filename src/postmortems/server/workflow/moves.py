"""One move of the review workflow by name, as the review panel's buttons and the API make it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User

from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import services
from postmortems.server.workflow.models import Event, ReviewRequest

ASKS = frozenset({"request-review", "resubmit", "add-reviewers"})  # the moves that name reviewers


def make(
    pm: Postmortem,
    user: Any,
    name: str,
    *,
    note: str = "",
    reviewers: Iterable[User] = (),
    acknowledged: bool = False,
    read: int | None = None,
    now: dt.datetime,
) -> Event | list[ReviewRequest] | None:
    """Make the move ``name`` (a lifecycle transition, or ``add-reviewers``): asking reviewers,
    approving (None while more approvals are needed), requesting changes, or a plain
    transition. ``read``: the revision the mover read (an approval of a text changed since is
    refused). A move not allowed now raises :class:`WorkflowError` saying why."""
    if name in ASKS:
        return services.request_review(pm, user, list(reviewers), now=now)
    if name == "approve":
        return services.approve(pm, user, now=now, note=note, acknowledged=acknowledged, read=read)
    if name == "request-changes":
        return services.request_changes(pm, user, now=now, note=note)
    return services.transition(pm, user, name, now=now, note=note)
