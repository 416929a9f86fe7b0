"""The incident pages' forms: each post is read through one of these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings

from postmortems import servicenames
from postmortems.incident.draft import PROFILES
from postmortems.incident.lifecycle import MONITORING, RESOLVED, STATUSES
from postmortems.incident.model import (
    MILESTONES,
    ROLES,
    SEVERITIES,
    IncidentError,
    renamed_services,
    service_names,
    zone_info,
)
from postmortems.server.incidents import listeners, rights, textsearch
from postmortems.server.incidents.models import team_problem
from postmortems.server.library.forms import check_period, day_field
from postmortems.server.library.wallfield import when


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class ListForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "any"), (rights.OPEN, "open"), *_choices(STATUSES)]
    )
    team = forms.CharField(required=False, max_length=64)
    severity = forms.ChoiceField(required=False, choices=[("", "any"), *_choices(SEVERITIES)])
    q = forms.CharField(required=False, max_length=200, label="Search")
    since = day_field("Since")
    to = day_field("To")
    sort = forms.ChoiceField(required=False, choices=[("", "newest first"), *textsearch.SORTS])

    def clean_q(self) -> str:
        q: str = self.cleaned_data["q"]
        try:
            rights.search_words(q)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return q

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data, "since", "to")
        return data


def service_name(typed: str) -> str:
    """One service typed in a form's field, as its service name (``Checkout API`` is
    ``checkout-api``; '' stays ''); one that is none is refused beside the field."""
    if not typed.strip():
        return ""
    said = servicenames.problem(typed)
    if said:
        raise forms.ValidationError(f"{said}: a service name is {servicenames.FORM}")
    return servicenames.normal(typed)


class ServicesField(forms.Form):
    """The services typed comma-separated, as service names (``Checkout API`` is
    ``checkout-api``, :func:`postmortems.incident.model.service_names`); one that is no service
    name is said beside the field, the text kept as typed."""

    services = forms.CharField(
        required=False, max_length=2000, label="Services", help_text="Comma-separated."
    )

    def _typed(self) -> list[str]:
        raw = str(self.cleaned_data.get("services") or "")
        return [s.strip() for s in raw.split(",") if s.strip()]

    def clean_services(self) -> str:
        raw: str = self.cleaned_data["services"]
        try:
            service_names(raw.split(","))
        except IncidentError as exc:
            raise forms.ValidationError(f"{exc.message}: {exc.hint}") from None
        return raw

    def service_list(self) -> list[str]:
        return service_names(self._typed())

    def renamed(self) -> str:
        """What the page says of the names written otherwise than typed ('' for none)."""
        pairs = renamed_services(self._typed())
        said = ", ".join(f"“{typed}” as {name}" for typed, name in pairs)
        return f"Services are kept as service names: {said}." if said else ""


class DeclareForm(ServicesField):
    title = forms.CharField(max_length=300)
    severity = forms.ChoiceField(choices=_choices(SEVERITIES), initial="SEV3")
    team = forms.CharField(required=False, max_length=64)
    restricted = forms.BooleanField(required=False)
    timezone = forms.CharField(max_length=64, initial="UTC")
    page = forms.BooleanField(required=False, initial=True)

    def clean_timezone(self) -> str:
        zone: str = self.cleaned_data["timezone"]
        try:
            zone_info(zone)
        except IncidentError as exc:
            raise forms.ValidationError(str(exc)) from None
        return zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problem = team_problem(bool(data.get("restricted")), str(data.get("team") or ""))
        if problem and "team" not in self.errors:
            self.add_error("team", problem)
        return data

    def declared(self) -> dict[str, Any]:
        """What :func:`services.declare` takes from the form (all but the user and the time)."""
        data = self.cleaned_data
        names = ("title", "severity", "team", "restricted", "timezone", "page")
        return {**{name: data[name] for name in names}, "services": self.service_list()}


def starting_zone(teams: Iterable[str]) -> str:
    """The zone the declare form starts from for someone who may declare for ``teams``: their
    team's (the zone its on-call schedules use, :func:`listeners.team_zones`), or the one all
    their teams share; else the server's (``TIME_ZONE``, UTC)."""
    wanted = list(teams)
    zones = listeners.team_zones(wanted)
    found = {zones.get(team, "") for team in wanted}
    shared = found.pop() if len(found) == 1 else ""
    return shared or str(settings.TIME_ZONE)


class DetailsForm(ServicesField):
    """An incident's title, services (comma-separated) and team, changed on its page."""

    title = forms.CharField(max_length=300, label="Title")
    team = forms.CharField(required=False, max_length=64, label="Team")


class InboxForm(forms.Form):
    """The alert inbox's list; ``dismissed``: the alert just dismissed, offered back (Undo)."""

    dismissed = forms.IntegerField(required=False, min_value=1, label="Dismissed alert")


class AttachForm(forms.Form):
    incident = forms.CharField(max_length=20, label="Open incident")
    # Where to go once attached: the incident (from the alert's page) or back to the inbox.
    then = forms.ChoiceField(required=False, choices=[("", "incident"), ("inbox", "inbox")])


class DismissForm(forms.Form):
    why = forms.CharField(required=False, max_length=200, label="Why")


class UndoForm(forms.Form):
    """Undo a dismissal; ``then``: back to the dismissed list it was pressed in, else the inbox."""

    then = forms.ChoiceField(required=False, choices=[("", "inbox"), ("dismissed", "dismissed")])


class NoteForm(forms.Form):
    text = forms.CharField(max_length=20_000, label="Note")


class EditEntryForm(forms.Form):
    """A note or chat message corrected: its text and its time (a wall time in the incident's
    zone, read as the milestone form's; seconds may be given)."""

    text = forms.CharField(max_length=20_000, label="Text")
    at = when(False, label="Time", help_text="Empty: as it was.")


class RedactForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why")


class StatusForm(forms.Form):
    """A move along the status table: the page's status form (``duplicate_of``: a post from
    before the duplicate form, still read)."""

    status = forms.ChoiceField(choices=_choices(STATUSES))
    why = forms.CharField(required=False, max_length=500)
    duplicate_of = forms.CharField(required=False, max_length=20)


class HeadStatusForm(forms.Form):
    """The head of an open incident's page: Mitigated (to monitoring) or Resolve, with a note;
    any other move is the status form's, said beside it."""

    status = forms.ChoiceField(choices=_choices((MONITORING, RESOLVED)))
    why = forms.CharField(required=False, max_length=500)


class DuplicateForm(forms.Form):
    """The incident marked as a duplicate of another one (its key), the page's own action."""

    duplicate_of = forms.CharField(max_length=20, label="Duplicate of")
    why = forms.CharField(required=False, max_length=500)


class SeverityForm(forms.Form):
    severity = forms.ChoiceField(choices=_choices(SEVERITIES))
    why = forms.CharField(required=False, max_length=500)


class MilestoneForm(forms.Form):
    milestone = forms.ChoiceField(choices=_choices(MILESTONES))
    # A wall time in the incident's zone (the page says which): the view reads the form in that
    # zone; one its clocks skip, or repeat without its abbreviation, is refused saying what to
    # write (``library.wallfield``, as the on-call forms).
    value = when(False, label="Time", help_text="Empty: back to automatic.")
    why = forms.CharField(max_length=500)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=_choices(ROLES))
    # Empty: the person posting takes the role; else the user name of whom it is given to.
    person = forms.RegexField(
        regex=r"^[\w.@+-]*$",
        required=False,
        max_length=150,
        label="Person",
        error_messages={"invalid": "give a user name: letters, digits and . @ + - _ only"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Hidden ``held_<role>`` fields: who held each role when the page was drawn."""
        super().__init__(*args, **kwargs)
        for name in ROLES:
            self.fields[f"held_{name}"] = forms.CharField(
                required=False, max_length=150, strip=False, widget=forms.HiddenInput
            )

    def clean(self) -> dict[str, Any]:
        """``held``: who held the chosen role as the page showed it ('' for nobody), None when
        the post does not say (a script's): a role that changed hands meanwhile is refused."""
        data = super().clean() or {}
        name = f"held_{data.get('role')}"
        data["held"] = data.get(name, "") if name in self.data else None
        return data


class FlagForm(forms.Form):
    event = forms.IntegerField(min_value=1)
    mark = forms.ChoiceField(choices=[("key_moment", "key moment"), ("misleading", "misleading")])
    on = forms.BooleanField(required=False)


MAX_SLACK_EXPORT = 50 * 1024 * 1024  # bytes; an incident channel's export is far smaller


class SlackImportForm(forms.Form):
    """A Slack export (.zip) and, once its channels are known, the incident's channel."""

    export = forms.FileField(label="Slack export (.zip)")
    channel = forms.CharField(required=False, max_length=200, label="Channel")

    def clean_export(self) -> object:
        upload = self.cleaned_data["export"]
        if upload.size > MAX_SLACK_EXPORT:
            raise forms.ValidationError(
                f"the file is {upload.size:,} bytes; at most {MAX_SLACK_EXPORT:,} are taken: "
                "export only the incident's channel and days (Slack: Export data → date range)"
            )
        return upload


class DraftForm(forms.Form):
    """The format of the drafted postmortem (none, or one we do not know: the team's), and the
    notes ticked to join its timeline as key moments (``notes``: the ids that may be)."""

    profile = forms.ChoiceField(
        required=False, choices=[("", "the team's"), *_choices(tuple(PROFILES))]
    )
    key_moment = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args: Any, notes: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["key_moment"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(n, n) for n in notes]
