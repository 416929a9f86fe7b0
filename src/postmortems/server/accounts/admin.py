# mypy: disable-error-code="type-arg"
"""Django admin pages for operators. A staff user who is not a superuser sees only their own API
tokens (as on ``/tokens/``), the teams they are in, and changes the members of those they run
(never the admin role: a superuser's to give)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.adminscope import OwnRows, TeamScoped, row_of
from postmortems.server.accounts.models import ApiToken, Membership, Team


class MembershipInline(admin.TabularInline):
    """A team's members on its page: changed there by a superuser only (a staff user changes
    them on the memberships' own page, within the teams they run, as on ``/teams/``)."""

    model = Membership
    extra = 1

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) and super().has_delete_permission(request, obj)


@admin.register(Team)
class TeamAdmin(TeamScoped):
    list_display = ("slug", "name")
    search_fields = ("slug", "name")
    inlines = (MembershipInline,)
    refused = "only the team's admins change it"

    def visible(self, access: Access) -> QuerySet[Any]:
        return Team.objects.filter(slug__in=access.teams)

    def changes(self, access: Access, obj: Any) -> bool:
        return access.runs(obj.slug)


@admin.register(Membership)
class MembershipAdmin(TeamScoped):
    """The rules of the teams page (``accounts.views.team_member``): a team's admins change its
    members; the admin role is a superuser's to give or take, since a role in any team also
    counts for what belongs to no team."""

    list_display = ("user", "team", "role")
    list_filter = ("role", "team")
    refused = "only the team's admins change its members, and only a superuser the admin role"

    def visible(self, access: Access) -> QuerySet[Any]:
        return Membership.objects.filter(team__slug__in=access.teams)

    def changes(self, access: Access, obj: Any) -> bool:
        team = row_of(obj, "team")
        return team is not None and access.runs(team.slug) and obj.role != "admin"


@admin.register(ApiToken)
class ApiTokenAdmin(OwnRows):
    list_display = ("name", "user", "hint", "created", "last_used")
    readonly_fields = ("digest", "hint", "created", "last_used")


def _for_superusers(model: type) -> None:
    """Re-register ``model``'s admin (another app's) for superusers alone. Its rows know no
    team: a task's arguments hold a restricted postmortem's title and its reviewers' e-mail, a
    login attempt an address, and a user's page the superuser checkbox."""
    registered = type(admin.site._registry[model])

    class ForSuperusers(registered):  # type: ignore[valid-type,misc]
        def has_module_permission(self, request: HttpRequest) -> bool:
            return bool(request.user.is_superuser)

        def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return bool(request.user.is_superuser)

        def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
            return bool(request.user.is_superuser) and super().has_add_permission(request, *args)

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return bool(request.user.is_superuser) and super().has_change_permission(request, obj)

        def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return bool(request.user.is_superuser) and super().has_delete_permission(request, obj)

    admin.site.unregister(model)
    admin.site.register(model, ForSuperusers)


# Django's own apps and the task queue's and login throttling's come before ours in
# INSTALLED_APPS, so their admins are registered by now (tests/server/test_admin_scope.py checks
# that every model's admin is either team-scoped or for superusers).
OURS = ("accounts", "library", "workflow", "incidents", "oncall", "insights")
for _model in [m for m in admin.site._registry if m._meta.app_label not in OURS]:
    _for_superusers(_model)
