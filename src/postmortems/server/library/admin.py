# mypy: disable-error-code="type-arg"
"""Django admin pages for operators."""

from __future__ import annotations

from django.contrib import admin

from postmortems.server.library.models import Draft, Label, Postmortem, Revision


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0


@admin.register(Postmortem)
class PostmortemAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "severity", "status", "restricted", "incident_date", "version")
    list_filter = ("status", "severity", "restricted")
    search_fields = ("key", "title")
    readonly_fields = ("version", "created", "updated", "created_by")
    inlines = (LabelInline,)


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("postmortem", "number", "author", "created", "message")
    readonly_fields = ("postmortem", "number", "author", "created", "text", "diff")
    search_fields = ("postmortem__key",)


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ("postmortem", "user", "updated")
