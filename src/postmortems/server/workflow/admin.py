# mypy: disable-error-code="type-arg"
from __future__ import annotations

from django.contrib import admin

from postmortems.server.workflow.models import ActionItem, Comment, Delivery, Event, ReviewRequest


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("postmortem", "transition", "from_state", "to_state", "actor", "created")
    list_filter = ("to_state",)


@admin.register(ReviewRequest)
class ReviewRequestAdmin(admin.ModelAdmin):
    list_display = ("postmortem", "reviewer", "state", "verdict", "staff", "created")
    list_filter = ("state", "verdict", "staff")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("postmortem", "author", "section", "line", "resolved", "created")


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("text", "postmortem", "owner", "due", "status", "kind", "priority")
    list_filter = ("status", "kind", "priority")
    search_fields = ("text", "owner")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "ok", "created")
    list_filter = ("kind", "ok")
