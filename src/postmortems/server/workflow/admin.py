"""Admin: the workflow's rows as Django's plain change lists, each with its columns and filters."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model

from postmortems.server.workflow.models import (
    ActionItem,
    Comment,
    Delivery,
    Event,
    NotARepeat,
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
}

for model, options in CHANGE_LISTS.items():
    admin.site.register(model, admin.ModelAdmin, **options)
