"""Admin: the workflow's rows as Django's plain change lists, each with its columns and filters.
Each row belongs to a postmortem: a staff user who is not a superuser sees the rows of the
postmortems the site shows them, and changes those of the postmortems they may write
(``accounts.adminscope``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.adminscope import TeamScoped, row_of
from postmortems.server.library.admin import writes
from postmortems.server.library.queries import visible
from postmortems.server.workflow.models import (
    ActionItem,
    Comment,
    Delivery,
    Event,
    NotARepeat,
    Recurrence,
    ReviewRequest,
)

# The options of each change list (``admin.site.register`` makes the ModelAdmin from them).
CHANGE_LISTS: dict[type[Model], dict[str, tuple[str, ...]]] = {
    Event: {
        "list_display": ("postmortem", "transition", "from_state", "to_state", "actor", "created"),
        "list_filter": ("to_state",),
    },
    ReviewRequest: {
        "list_display": ("postmortem", "reviewer", "state", "verdict", "staff", "created"),
        "list_filter": ("state", "verdict", "staff"),
    },
    Comment: {"list_display": ("postmortem", "author", "section", "line", "resolved", "created")},
    ActionItem: {
        "list_display": ("text", "postmortem", "owner", "due", "status", "kind", "priority"),
        "list_filter": ("status", "kind", "priority"),
        "search_fields": ("text", "owner"),
    },
    Delivery: {"list_display": ("key", "kind", "ok", "created"), "list_filter": ("kind", "ok")},
    NotARepeat: {"list_display": ("postmortem", "earlier", "actor", "created")},
    Recurrence: {"list_display": ("postmortem", "earlier", "actor", "created")},
}


class OfPostmortem(TeamScoped):
    """A row of a postmortem (a review, a comment, an item…), seen and changed with it; a
    delivery of no postmortem (a digest) is the superusers'."""

    def visible(self, access: Access) -> QuerySet[Any]:
        rows: QuerySet[Any] = self.model._default_manager.all()
        found = rows.filter(postmortem__in=visible(access))
        if self.model in (NotARepeat, Recurrence):  # it names the earlier postmortem too
            found = found.filter(earlier__in=visible(access))
        return found

    def changes(self, access: Access, obj: Any) -> bool:
        return writes(access, row_of(obj, "postmortem"))


for model, options in CHANGE_LISTS.items():
    admin.site.register(model, OfPostmortem, **options)
