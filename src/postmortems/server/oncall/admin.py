# mypy: disable-error-code="type-arg"
"""Admin: objects applied from YAML are read-only here too (change them in their file)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from postmortems.server.oncall.models import (
    FeedToken,
    Handover,
    Layer,
    Notification,
    Override,
    Page,
    Policy,
    Schedule,
    Service,
    Step,
    SwapRequest,
)


def _managed(obj: Any) -> bool:
    if getattr(obj, "managed_by", ""):
        return True
    owner = getattr(obj, "schedule", None) or getattr(obj, "policy", None)
    return bool(getattr(owner, "managed_by", ""))


class ManagedAdmin(admin.ModelAdmin):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and _managed(obj)) and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and _managed(obj)) and super().has_delete_permission(request)


class LayerInline(admin.TabularInline):
    model = Layer
    extra = 0


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(ManagedAdmin):
    list_display = ("name", "team", "timezone", "restricted", "managed_by")
    inlines = (LayerInline,)


@admin.register(Override)
class OverrideAdmin(ManagedAdmin):
    list_display = ("schedule", "user", "kind", "replaces", "start", "end")


@admin.register(Policy)
class PolicyAdmin(ManagedAdmin):
    list_display = ("name", "team", "repeat", "managed_by")
    inlines = (StepInline,)


@admin.register(Service)
class ServiceAdmin(ManagedAdmin):
    list_display = ("name", "team", "policy", "managed_by")


@admin.register(SwapRequest)
class SwapAdmin(admin.ModelAdmin):
    list_display = ("schedule", "requester", "responder", "state", "created")


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("id", "summary", "policy_name", "incident_key", "state", "opened")
    list_filter = ("state",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("page", "user", "channel", "step", "round", "ok", "created")


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("schedule", "at", "author")


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ("hint", "owner", "schedule", "person", "created", "revoked")
    readonly_fields = ("digest",)
