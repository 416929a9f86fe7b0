# mypy: disable-error-code="type-arg"
"""Django admin pages for operators. A staff user who is not a superuser sees only their own API
tokens (as on ``/tokens/``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.adminscope import TeamScoped
from postmortems.server.accounts.models import ApiToken, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("slug", "name")
    search_fields = ("slug", "name")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "role")
    list_filter = ("role", "team")


@admin.register(ApiToken)
class ApiTokenAdmin(TeamScoped):
    list_display = ("name", "user", "hint", "created", "last_used")
    readonly_fields = ("digest", "hint", "created", "last_used")

    def visible(self, access: Access) -> QuerySet[Any]:
        if access.user_id is None:
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user_id=access.user_id)

    def changes(self, access: Access, obj: Any) -> bool:
        return bool(obj.user_id == access.user_id)
