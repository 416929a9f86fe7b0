# mypy: disable-error-code="type-arg"
"""Admin: objects applied from YAML are read-only here too (change them in their file; an
override made on the server beside a file's schedule is not the file's, and is changed here); a
schedule and a policy saved here keep the rule on restricted schedules (``restricted``), and a
step pages only schedules that exist (``targets``): a schedule a step pages is neither renamed
nor deleted here. Refusals name another team's objects only to someone who may see them (the
signed-in user's access). A staff user who is not a superuser sees only what the site shows
them, and changes only what their role there may change (``accounts.adminscope``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from postmortems.oncall import model
from postmortems.oncall.spec import shown_file
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.accounts.adminscope import (
    OwnRows,
    TeamScoped,
    for_viewer,
    limited,
    row_of,
)
from postmortems.server.incidents.forms import service_name
from postmortems.server.oncall import convert, policyuse, restricted, services, targets
from postmortems.server.oncall.forms import iana_zone
from postmortems.server.oncall.layerrows import LayerRowForm
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
from postmortems.server.oncall.visibility import (
    HIDDEN_ON_CALL,
    HIDDEN_SCHEDULE,
    hidden_notifications,
    may_edit,
    names_for,
    target_names,
    visible_pages,
    visible_policies,
    visible_schedules,
    visible_services,
)


def _managed_by(obj: Any) -> str:
    """The schedules-as-code file ``obj`` comes from ("" when it was made on the site)."""
    if isinstance(obj, Override):  # the file's own, or one made here beside it
        return obj.schedule.managed_by if obj.from_file else ""
    if getattr(obj, "managed_by", ""):
        return str(obj.managed_by)
    owner = getattr(obj, "schedule", None) or getattr(obj, "policy", None)
    return str(getattr(owner, "managed_by", ""))


@admin.display(description="managed by")
def managed_file(obj: Any) -> str:
    """The list's column: the file as everyone is shown it (never an absolute path)."""
    return str(obj.file_shown)


def managed_said(obj: Any, todo: str) -> str:
    """``policy 'primary' is managed by oncall.yaml — remove it from that file and run pm oncall
    apply``: why the admin does not change ``obj``, and where it is changed instead."""
    name = getattr(obj, "name", "") or str(obj)
    return (
        f"{obj._meta.verbose_name} {name!r} is managed by {shown_file(_managed_by(obj))} — {todo} "
        "and run pm oncall apply"
    )


def delete_unless_managed(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
    """Django's "delete selected", refused with the reason when a selected row comes from a
    schedules-as-code file (not Django's "your account doesn't have permission")."""
    said = [managed_said(o, "remove it from that file") for o in queryset if _managed_by(o)]
    if said:
        modeladmin.message_user(request, "Nothing deleted: " + "; ".join(said), messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


class ManagedAdmin(TeamScoped):
    """Rows from a schedules-as-code file are read-only: the change page says so and where to
    change them; their delete page and "delete selected" refuse with that reason."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        managed = obj is not None and bool(_managed_by(obj))
        return not managed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        managed = obj is not None and bool(_managed_by(obj))
        return not managed and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        found = actions.get("delete_selected")
        if found is not None:
            _, name, description = found
            actions["delete_selected"] = (delete_unless_managed, name, description)
        return actions

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if obj is not None and _managed_by(obj):  # the page shows it read-only: say why
            said = capfirst(managed_said(obj, "change it in that file"))
            self.message_user(request, said, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))  # None: not one the user may see
        if obj is not None and _managed_by(obj):
            raise PermissionDenied(managed_said(obj, "remove it from that file"))
        return super().delete_view(request, object_id, extra_context)


class OfTeam:
    """A row with its own ``team``: changed by the authors of that team."""

    def changes(self, access: Access, obj: Any) -> bool:
        return may_edit(access, obj.team)


class OfSchedule:
    """A row of a schedule (an override, a swap, a hand-over): seen with its schedule, changed
    by the authors of its team."""

    def visible(self, access: Access) -> QuerySet[Any]:
        rows: QuerySet[Any] = self.model._default_manager.all()  # type: ignore[attr-defined]
        return rows.filter(schedule__in=visible_schedules(access))

    def changes(self, access: Access, obj: Any) -> bool:
        schedule = row_of(obj, "schedule")
        return schedule is not None and may_edit(access, schedule.team)


def _outside_said(names: Iterable[str], schedule: Schedule) -> str:
    """Why ``names`` may not be on call on ``schedule`` ('' when they may), as the schedule's
    forms say it (``services.check_may_see``)."""
    try:
        services.check_may_see(names, schedule)
    except services.OncallError as exc:
        return str(exc)
    return ""


class LayerFormSet(BaseInlineFormSet):
    """A restricted schedule's layers name members of its team only (the schedule as it is
    about to be saved: made restricted in the same save, too)."""

    def clean(self) -> None:
        super().clean()
        schedule = self.instance
        stored = Schedule.objects.filter(pk=schedule.pk).values_list("restricted", "team").first()
        # made restricted or moved in this save: every layer; else the layers changed now (one
        # from before someone left the team does not block every other change)
        every = stored != (schedule.restricted, schedule.team)
        kept = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and (every or not f.instance.pk or "users" in f.changed_data)
        ]
        users = [u for d in kept if not d.get("DELETE") for u in d.get("users") or []]
        said = _outside_said(users, schedule)
        if said:
            raise forms.ValidationError(said)


class LayerInline(admin.TabularInline):
    model = Layer
    form = LayerRowForm
    formset = LayerFormSet
    extra = 0


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
        before = self.instance.name if self.instance.pk else ""  # as stored, until saved
        if before and data.get("name") and data["name"] != before:
            for said in targets.still_paged(
                [before],
                viewer=self.viewer,
                how=f"renamed to {data['name']!r}",
                fix="change that step first (a step names the schedule it pages), or keep the name",
            ):
                self.add_error("name", said)
        changing = {"restricted", "team"} & set(self.changed_data)  # made restricted, or moved
        if data.get("restricted") and self.instance.pk and changing:
            self._check_overrides(data.get("team") or "", data.get("name") or "")
        if data.get("name"):
            saved = (bool(data.get("restricted")), data.get("team") or "")
            found = restricted.refusals(schedules={data["name"]: saved}, viewer=self.viewer)
            problems = restricted.texts(found)
            if problems:
                raise forms.ValidationError(problems)
        return data

    def _check_overrides(self, team: str, name: str) -> None:
        """Made restricted (or moved), its overrides to come name members of its team only
        (its layers: :class:`LayerFormSet`)."""
        users = self.instance.overrides.exclude(kind="remove").filter(end__gt=timezone.now())
        outside = services.outsiders(users.values_list("user", flat=True), team)
        if outside:
            self.add_error(
                "restricted",
                f"{', '.join(outside)} may not see schedule {name} once restricted to team "
                f"{team}: end or delete their overrides first",
            )


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
class ScheduleAdmin(OfTeam, ManagedAdmin):
    form = ScheduleForm
    list_display = ("name", "team", "timezone", "restricted", managed_file)
    inlines = (LayerInline,)

    def visible(self, access: Access) -> QuerySet[Any]:
        return visible_schedules(access)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """A schedule a step pages (by its name) is not deleted: the step would page nobody.
        The delete page and the "delete selected" action say which step, to whom may see it."""
        deleted, counts, needed, protected = super().get_deleted_objects(objs, request)
        paged = targets.still_paged([o.name for o in objs], viewer=access_of(request.user))
        return deleted, counts, needed, [*protected, *paged]


class OverrideForm(forms.ModelForm):
    """Someone put on call on a restricted schedule is of its team."""

    class Meta:
        model = Override
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        schedule, user = data.get("schedule"), data.get("user")
        # a new override, another person, schedule or kind, or a later end: checked; one from
        # before someone left the team may still be shortened or ended
        stored = self.instance
        later = bool(stored.pk and data.get("end") and stored.end and data["end"] > stored.end)
        moved = not stored.pk or later or {"schedule", "user", "kind"} & set(self.changed_data)
        if schedule is not None and user and data.get("kind") != "remove" and moved:
            said = _outside_said([user], schedule)
            if said:
                self.add_error("user", said)
        return data


@admin.register(Override)
class OverrideAdmin(OfSchedule, ManagedAdmin):
    form = OverrideForm
    list_display = ("schedule", "user", "kind", "replaces", "start", "end", "from_file")


class PolicyForm(forms.ModelForm):
    """Renamed, a policy that services or routing rules page (by its name) would be paged by
    none of them: said beside the name. Moved to another team, the only policy of its team
    would leave the team's alerts paging nobody: said beside the team."""

    viewer: Access | None = None  # set per request (``for_viewer``)

    class Meta:
        model = Policy
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        before = self.instance.name if self.instance.pk else ""  # as stored, until saved
        if before and data.get("name") and data["name"] != before:
            change = policyuse.Change(
                [before], how=f"renamed to {data['name']!r}", renamed=True, keep="keep its name"
            )
            for said in policyuse.still_used(change, viewer=self.viewer):
                self.add_error("name", said)
        team = data.get("team") or ""
        if before and "team" in data and team != self.instance.team:
            moved = policyuse.Change([before], how=policyuse.moved_to(team), moved=True)
            for said in policyuse.still_used(moved, viewer=self.viewer):
                self.add_error("team", said)
        return data


@admin.register(Policy)
class PolicyAdmin(OfTeam, ManagedAdmin):
    form = PolicyForm
    list_display = ("name", "team", "repeat", managed_file)
    inlines = (StepInline,)

    def visible(self, access: Access) -> QuerySet[Any]:
        return visible_policies(access)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """A policy that something still pages is not deleted (``policyuse``): the delete page
        and the "delete selected" action say what, to whom may see it, and how to fix it."""
        deleted, counts, needed, protected = super().get_deleted_objects(objs, request)
        change = policyuse.Change([o.name for o in objs])
        used = policyuse.still_used(change, viewer=access_of(request.user))
        return deleted, counts, needed, [*protected, *used]


class ServiceForm(forms.ModelForm):
    """A service pages a policy that exists (by its name): said beside the policy."""

    viewer: Access | None = None  # set per request (``for_viewer``)

    class Meta:
        model = Service
        fields = "__all__"

    def clean_name(self) -> str:
        return service_name(str(self.cleaned_data.get("name") or ""))

    def clean_policy(self) -> str:
        name = str(self.cleaned_data["policy"]).strip()
        if name == self.initial.get("policy", ""):  # kept as it is, even one not yours
            return name
        said = policyuse.unknown(name, viewer=self.viewer, what="an alert about the service")
        if said:
            raise forms.ValidationError(said)
        return name


@admin.register(Service)
class ServiceAdmin(OfTeam, ManagedAdmin):
    form = ServiceForm
    list_display = ("name", "team", "policy", managed_file)

    def visible(self, access: Access) -> QuerySet[Any]:
        return visible_services(access)


@admin.register(SwapRequest)
class SwapAdmin(OfSchedule, TeamScoped):
    list_display = ("schedule", "requester", "responder", "state", "created")


@admin.register(Handover)
class HandoverAdmin(OfSchedule, TeamScoped):
    list_display = ("schedule", "at", "author")


def _policy_team(page: Page | None) -> str:
    policy = page.policy if page is not None else None
    return policy.team if policy is not None else ""


@admin.register(Page)
class PageAdmin(TeamScoped):
    list_display = ("id", "summary", "policy_name", "incident_key", "state", "opened")
    list_filter = ("state",)

    def visible(self, access: Access) -> QuerySet[Any]:
        return visible_pages(access)

    def changes(self, access: Access, obj: Any) -> bool:
        return may_edit(access, _policy_team(obj))

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        """Who acknowledged a page, and the restricted schedule a page by hand went to, are
        left out for a staff user they are hidden from on the site (another team's restricted
        schedule and its on-call)."""
        left_out = tuple(super().get_exclude(request, obj) or ())
        me = limited(request)
        if obj is None or me is None:
            return left_out or None
        acknowledged = obj.acknowledged_by is not None
        if acknowledged and names_for(me, [obj]).acknowledged(obj) == HIDDEN_ON_CALL:
            left_out = (*left_out, "acknowledged_by")
        if HIDDEN_SCHEDULE in target_names(me, obj):
            left_out = (*left_out, "targets")
        return left_out or None


@admin.register(Notification)
class NotificationAdmin(TeamScoped):
    list_display = ("page", "user", "channel", "step", "round", "ok", "created")
    # Kept as it was paged: whom, why and through which schedule.
    readonly_fields = ("user", "reason", "schedule", "schedule_team", "schedule_restricted")

    def visible(self, access: Access) -> QuerySet[Any]:
        """The notifications of the pages ``access`` sees, but for those the site names
        :data:`HIDDEN_ON_CALL` to them (sent through another team's restricted schedule)."""
        rows = Notification.objects.filter(page__in=visible_pages(access))
        return rows.exclude(pk__in=hidden_notifications(access, rows).values("pk"))

    def changes(self, access: Access, obj: Any) -> bool:
        page = row_of(obj, "page")
        return page is not None and may_edit(access, _policy_team(page))


@admin.register(FeedToken)
class FeedTokenAdmin(OwnRows):
    owner = "owner"
    list_display = ("hint", "owner", "schedule", "person", "created", "revoked")
    readonly_fields = ("digest",)
