# mypy: disable-error-code="type-arg"
"""Admin pages for operators. A staff user who is not a superuser sees the incidents, alerts and
integrations the site shows them (``rights``), and changes those their role there may change
(``accounts.adminscope``): an incident and its entries as on its page, an alert as in the alert
inbox, an integration (how alerts are read and routed) with the admin role in its team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.adminscope import TeamScoped, row_of
from postmortems.server.accounts.roles import Role
from postmortems.server.incidents import listeners, models, rights, services
from postmortems.server.incidents.forms import service_name


def _runs(access: Access, integration: models.Integration | None) -> bool:
    """The admin role in the integration's team (in any team, for one of no team)."""
    if integration is None:
        return False
    teams = frozenset({integration.team}) if integration.team else frozenset()
    return access.role_in(teams) >= Role.ADMIN


@admin.register(models.Integration)
class IntegrationAdmin(TeamScoped):
    list_display = ("name", "kind", "team", "auth", "restricted", "active")
    exclude = ("secret_digest", "signing_key")  # secrets are made by `pm admin create-integration`
    # ... and so is the way senders prove who they are: one added or changed here would have
    # no secret for it.
    readonly_fields = ("auth",)

    def visible(self, access: Access) -> QuerySet[Any]:
        return rights.integrations(access)

    def changes(self, access: Access, obj: Any) -> bool:
        return _runs(access, obj)


class OfIntegration(TeamScoped):
    """A routing rule or an ingest error: seen and changed with its integration."""

    def visible(self, access: Access) -> QuerySet[Any]:
        rows: QuerySet[Any] = self.model._default_manager.all()
        return rows.filter(integration__in=rights.integrations(access))

    def changes(self, access: Access, obj: Any) -> bool:
        return _runs(access, row_of(obj, "integration"))


class RoutingRuleForm(forms.ModelForm):
    """A rule names an escalation policy that exists, or none (the service's): said beside
    the policy, by the on-call app (``listeners.policy_refusal``)."""

    viewer: Access | None = None  # set per request (``for_viewer``)

    class Meta:
        model = models.RoutingRule
        fields = "__all__"

    def clean_service(self) -> str:
        return service_name(str(self.cleaned_data.get("service") or ""))

    def clean_policy(self) -> str:
        name = str(self.cleaned_data.get("policy") or "").strip()
        if name == self.initial.get("policy", ""):  # kept as it is, even one not yours
            return name
        said = listeners.policy_refusal(name, self.viewer)
        if said:
            raise forms.ValidationError(said)
        return name


@admin.register(models.RoutingRule)
class RoutingRuleAdmin(OfIntegration):
    form = RoutingRuleForm
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


@admin.register(models.IngestError)
class IngestErrorAdmin(OfIntegration):
    pass


@admin.register(models.Incident)
class IncidentAdmin(TeamScoped):
    list_display = ("key", "title", "severity", "status", "team", "restricted")
    list_filter = ("status", "severity", "team")
    # the record of the declaration (and no select of every alert of the server)
    readonly_fields = ("declared_from",)

    def visible(self, access: Access) -> QuerySet[Any]:
        return rights.visible(access)

    def changes(self, access: Access, obj: Any) -> bool:
        return rights.changes(access, obj)


class OfIncident(TeamScoped):
    """An entry of an incident's timeline or a role held in it: seen and changed with it."""

    def visible(self, access: Access) -> QuerySet[Any]:
        rows: QuerySet[Any] = self.model._default_manager.all()
        return rows.filter(incident__in=rights.visible(access))

    def changes(self, access: Access, obj: Any) -> bool:
        incident = row_of(obj, "incident")
        return incident is not None and rights.changes(access, incident)


@admin.register(models.Event)
class EventAdmin(OfIncident):
    """An entry is the record: read here. Its text and time are corrected, or it is redacted,
    on the incident's page (or the API), which keep the earlier versions and who changed them;
    only its marks (key moment, misleading path) change here too."""

    readonly_fields = tuple(
        f.name
        for f in models.Event._meta.fields
        if f.name not in {"id", "key_moment", "misleading"}
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an entry is written by what happened, on the incident's page or the API

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A superuser's (with its incident, or a test entry): it leaves no trace, where a
        redaction on the incident's page keeps who, when and why."""
        return bool(getattr(request.user, "is_superuser", False)) and super().has_delete_permission(
            request, obj
        )

    def save_model(self, request: HttpRequest, obj: models.Event, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.refresh(obj.incident)  # an open incident's page redraws with the marks


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(OfIncident):
    pass


@admin.register(models.Alert)
class AlertAdmin(TeamScoped):
    def visible(self, access: Access) -> QuerySet[Any]:
        return rights.alerts(access)

    def changes(self, access: Access, obj: Any) -> bool:
        return rights.handles(access, obj)


@admin.register(models.Dismissal)
class DismissalAdmin(TeamScoped):
    def visible(self, access: Access) -> QuerySet[Any]:
        return models.Dismissal.objects.filter(alert__in=rights.alerts(access))

    def changes(self, access: Access, obj: Any) -> bool:
        alert = row_of(obj, "alert")
        return alert is not None and rights.handles(access, alert)
