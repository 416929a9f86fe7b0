"""When each postmortem was first published, read from the history (``PM_PUBLISHED_AT``: the
library's feed asks, since the library does not import the workflow)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Min

from postmortems.document.model import Status
from postmortems.server.workflow.models import Event


def first_published(ids: Iterable[int]) -> dict[int, dt.datetime]:
    """The first move into "published" of each postmortem of ``ids`` that has one: the review
    workflow's, or a status changed to it in the Markdown. One never published on this server
    (imported as published) is left out: the caller chooses what stands for it."""
    rows = (
        Event.objects.filter(postmortem_id__in=list(ids), to_state=Status.PUBLISHED.value)
        .exclude(from_state=Status.PUBLISHED.value)  # a row of the history that moves nothing
        .values("postmortem_id")
        .annotate(first=Min("created"))
        .order_by()
    )
    return {row["postmortem_id"]: row["first"] for row in rows}
