# mypy: disable-error-code="type-arg"
from __future__ import annotations

from django.contrib import admin

from postmortems.server.incidents.models import (
    Alert,
    Dismissal,
    Event,
    Incident,
    IngestError,
    Integration,
    RoleAssignment,
    RoutingRule,
)


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "team", "auth", "restricted", "active")
    exclude = ("secret_digest", "signing_key")  # secrets are made by `pm admin create-integration`
    # ... and so is the way senders prove who they are: one added or changed here would have
    # no secret for it.
    readonly_fields = ("auth",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = (
        "integration",
        "position",
        "matchers",
        "action",
        "team",
        "service",
        "severity",
        "policy",
        "page",
    )


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "severity", "status", "team", "restricted")
    list_filter = ("status", "severity", "team")


admin.site.register(Event)
admin.site.register(RoleAssignment)
admin.site.register(Alert)
admin.site.register(Dismissal)
admin.site.register(IngestError)
