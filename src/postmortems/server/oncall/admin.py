# mypy: disable-error-code="type-arg"
"""Admin: objects applied from YAML are read-only here too (change them in their file); a
schedule and a policy saved here keep the rule on restricted schedules (``restricted``), and a
step pages only schedules that exist (``targets``). Refusals name another team's objects only to
someone who may see them (the signed-in user's access)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from postmortems.oncall import model
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.oncall import convert, restricted, targets
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


def for_viewer(cls: type[Any], request: HttpRequest) -> type[Any]:
    """``cls`` (a form or formset class the admin made for this request) knowing who saves."""
    return type(cls.__name__, (cls,), {"viewer": access_of(request.user)})


class ScheduleForm(forms.ModelForm):
    """Made restricted, or moved to another team, a schedule must not be paged by a policy of
    another team."""

    viewer: Access | None = None  # set per request (``for_viewer``)

    class Meta:
        model = Schedule
        fields = "__all__"  # the admin shows every field, as it did without this form

    def clean_timezone(self) -> str:
        return iana_zone(self.cleaned_data["timezone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name"):
            saved = (bool(data.get("restricted")), data.get("team") or "")
            problems = restricted.paging_problems(
                schedules={data["name"]: saved}, viewer=self.viewer
            )
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
    """The policy's steps as they will be saved, with its team: each schedule a step pages
    exists, and none is restricted to another team (each said beside that step's targets, in
    the words ``pm oncall apply`` uses)."""

    viewer: Access | None = None  # set per request (``for_viewer``)

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        kept.sort(key=lambda f: f.cleaned_data.get("position") or 0)
        steps = [
            model.Step(
                tuple(convert.target_of(t) for t in f.cleaned_data["targets"]),
                f.cleaned_data["delay"],
            )
            for f in kept
        ]
        policy = model.EscalationPolicy(self.instance.name, tuple(steps), team=self.instance.team)
        said = targets.refusals(policy, viewer=self.viewer)
        said += [(r.step, r.text) for r in restricted.refusals([policy], viewer=self.viewer)]
        for number, text in said:  # beside the step's targets, missing or not theirs alike
            kept[number - 1].add_error("targets", text)


class StepInline(admin.TabularInline):
    model = Step
    form = StepForm
    formset = StepFormSet
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        return for_viewer(super().get_formset(request, obj, **kwargs), request)


@admin.register(Schedule)
class ScheduleAdmin(ManagedAdmin):
    form = ScheduleForm
    list_display = ("name", "team", "timezone", "restricted", "managed_by")
    inlines = (LayerInline,)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        return for_viewer(super().get_form(request, obj, change, **kwargs), request)


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
