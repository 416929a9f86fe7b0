# mypy: disable-error-code="type-arg"
"""Admin: objects applied from YAML are read-only here too (change them in their file); a
schedule and a policy saved here keep the rule on restricted schedules (``restricted``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from postmortems.oncall import model
from postmortems.server.oncall import convert, restricted
from postmortems.server.oncall.forms import iana_zone
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


class ScheduleForm(forms.ModelForm):
    """Made restricted, or moved to another team, a schedule must not be paged by a policy of
    another team."""

    class Meta:
        model = Schedule
        fields = "__all__"  # the admin shows every field, as it did without this form

    def clean_timezone(self) -> str:
        return iana_zone(self.cleaned_data["timezone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name"):
            saved = (bool(data.get("restricted")), data.get("team") or "")
            problems = restricted.paging_problems(schedules={data["name"]: saved})
            if problems:
                raise forms.ValidationError(problems)
        return data


TARGETS_HELP = 'a list of {"kind": "user", "schedule" or "team", "name": "…"}'


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = "__all__"

    def clean_targets(self) -> list[dict[str, str]]:
        """Targets paging reads (a malformed one would stop every page of the policy)."""
        targets = self.cleaned_data["targets"]
        good = isinstance(targets, list) and all(
            isinstance(t, dict)
            and set(t) == {"kind", "name"}
            and t["kind"] in model.TARGET_KINDS
            and isinstance(t["name"], str)
            and t["name"].strip()
            for t in targets
        )
        if not good:
            raise forms.ValidationError(f"give {TARGETS_HELP}")
        return list(targets)


class StepFormSet(BaseInlineFormSet):
    """The policy's steps as they will be saved, with its team: none may page a schedule
    restricted to another team."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data]
        kept = sorted(
            (d for d in kept if not d.get("DELETE")), key=lambda d: d.get("position") or 0
        )
        steps = tuple(
            model.Step(tuple(convert.target_of(t) for t in d["targets"]), d["delay"]) for d in kept
        )
        policy = model.EscalationPolicy(self.instance.name, steps, team=self.instance.team)
        problems = restricted.paging_problems([policy])
        if problems:
            raise forms.ValidationError(problems)


class StepInline(admin.TabularInline):
    model = Step
    form = StepForm
    formset = StepFormSet
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(ManagedAdmin):
    form = ScheduleForm
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
