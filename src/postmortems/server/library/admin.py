# mypy: disable-error-code="type-arg"
"""Django admin pages for operators. A staff user who is not a superuser sees the postmortems
(and their revisions) the site shows them and changes those their role may write; drafts are
each person's own (``accounts.adminscope``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.adminscope import OwnRows, TeamScoped, row_of
from postmortems.server.accounts.roles import Action
from postmortems.server.library.models import Draft, Label, Postmortem, Revision
from postmortems.server.library.queries import visible


def writes(access: Access, pm: Postmortem | None) -> bool:
    """The role to write ``pm`` (the site's rule); no postmortem: nothing to change."""
    return pm is not None and access.can(Action.WRITE, pm)


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0


@admin.register(Postmortem)
class PostmortemAdmin(TeamScoped):
    list_display = ("key", "title", "severity", "status", "restricted", "incident_date", "version")
    list_filter = ("status", "severity", "restricted")
    search_fields = ("key", "title")
    readonly_fields = ("version", "created", "updated", "created_by")
    inlines = (LabelInline,)

    def visible(self, access: Access) -> QuerySet[Any]:
        return visible(access)

    def changes(self, access: Access, obj: Any) -> bool:
        # Unsaved (added here), it names no team yet: the role anywhere, as on the site.
        return writes(access, obj) if obj.pk else access.role >= Action.WRITE.needs


@admin.register(Revision)
class RevisionAdmin(TeamScoped):
    list_display = ("postmortem", "number", "author", "created", "message")
    readonly_fields = ("postmortem", "number", "author", "created", "text", "diff")
    search_fields = ("postmortem__key",)

    def visible(self, access: Access) -> QuerySet[Any]:
        return Revision.objects.filter(postmortem__in=visible(access))

    def changes(self, access: Access, obj: Any) -> bool:
        return writes(access, row_of(obj, "postmortem"))


@admin.register(Draft)
class DraftAdmin(OwnRows):
    list_display = ("postmortem", "user", "updated")
