# mypy: disable-error-code="type-arg"
"""Django admin pages for operators. A staff user who is not a superuser sees the postmortems
(and their revisions) the site shows them and changes those their role may write; drafts are
each person's own (``accounts.adminscope``).

A postmortem is read here, not changed: its columns, labels, search index and rendered page are
what its text says, written by one save (``store.save``, the editor's and the API's); a column
changed here would say one thing and the text another (a postmortem made restricted here would
stay in the search's words as an open one). It is deleted here as on the site (``store.delete``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.adminscope import OwnRows, TeamScoped, row_of
from postmortems.server.accounts.roles import Action
from postmortems.server.library import store
from postmortems.server.library.models import Draft, Label, Postmortem, Revision
from postmortems.server.library.queries import visible


def writes(access: Access, pm: Postmortem | None) -> bool:
    """The role to write ``pm`` (the site's rule); no postmortem: nothing to change."""
    return pm is not None and access.can(Action.WRITE, pm)


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Postmortem)
class PostmortemAdmin(TeamScoped):
    list_display = ("key", "title", "severity", "status", "restricted", "incident_date", "version")
    list_filter = ("status", "severity", "restricted")
    search_fields = ("key", "title")
    inlines = (LabelInline,)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read here: the text is changed in the editor, which saves what it says

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `pm import`, the editor or the API: they parse what they store

    def delete_model(self, request: HttpRequest, obj: Postmortem) -> None:
        store.delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for pm in queryset:
            store.delete(pm)

    def visible(self, access: Access) -> QuerySet[Any]:
        return visible(access)

    def changes(self, access: Access, obj: Any) -> bool:
        return writes(access, obj)  # what deleting it asks


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
