"""The on-call forms: every form post of the app is read through one of these.

Date-times are wall times in the schedule's zone: the views validate (and draw) these forms
inside ``timezone.override(schedule zone)``. A ``library.wallfield.WallTimeField`` shows its
time with the zone's abbreviation (``2026-10-25 01:30 GMT``) and reads it back to that
instant, so a shift starting in the hour a fall-back repeats can be asked for; a time a DST
change skips, or a repeated one without its abbreviation, is refused saying which to write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from postmortems.oncall.model import KINDS, UNITS, WEEKDAYS
from postmortems.server.library.forms import ZONES, NextForm, Suggested, day_field
from postmortems.server.library.wallfield import in_calendar, when
from postmortems.server.oncall.models import value_choices

_NAME_SEPARATOR = re.compile(r"[\s,]+")


def hour(required: bool = True, **kwargs: Any) -> forms.TimeField:
    widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    return forms.TimeField(required=required, widget=widget, **kwargs)


NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
USERNAME = re.compile(r"^[\w.@+-]+$")


def people(text: str) -> list[str]:
    """``"alice, bob"`` → ``["alice", "bob"]``; each must look like a username."""
    names = [n for n in _NAME_SEPARATOR.split(text.strip()) if n]
    bad = [n for n in names if not USERNAME.match(n)]
    if bad:
        raise forms.ValidationError(
            f"{', '.join(bad)} is not a username: use letters, digits and . @ + - _ only"
        )
    if not names:
        raise forms.ValidationError("name at least one person")
    return names


class LayerForm(forms.Form):
    """A rotation: a layer of people taking turns (optionally in business hours only)."""

    layer = forms.CharField(max_length=100, initial="primary", label="Layer name")
    users = forms.CharField(
        max_length=2000,
        label="People, in turn",
        help_text="Usernames in rotation order, comma-separated.",
    )
    shift_count = forms.IntegerField(min_value=1, max_value=1000, initial=1, label="Shift length")
    shift_unit = forms.ChoiceField(
        choices=[(u, u) for u in UNITS], initial="weeks", label="Shift length in"
    )
    handoff = hour(
        initial="09:00",
        label="Hand-over time",
        help_text="In the schedule's zone; day and week shifts keep it across DST changes.",
    )
    start = forms.DateField(
        label="First day",
        help_text="The first hand-over is on this day, to the first person listed.",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[in_calendar],
    )
    weekdays = forms.MultipleChoiceField(
        required=False,
        label="Only on these days",
        choices=[(str(i), d) for i, d in enumerate(WEEKDAYS)],
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every day.",
    )
    from_time = hour(False, label="Only from", help_text="Empty: all day.")
    to_time = hour(
        False, label="until", help_text="Not after its start: runs past midnight (22:00–06:00)."
    )

    def clean_users(self) -> list[str]:
        return people(self.cleaned_data["users"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours = [data.get("from_time"), data.get("to_time")]
        if data.get("weekdays") and None in hours:
            raise forms.ValidationError("give the hours (from and to) of the chosen weekdays")
        if None in hours and hours != [None, None]:  # hours alone: every day, from and to both
            raise forms.ValidationError("give both hours, from and to (or neither: all day)")
        return data


class LayerEditForm(LayerForm):
    """A layer changed on the schedule's page: the fields of a new one, filled in with it.
    ``seen``: the :meth:`fingerprint` of the change whose effect on who is on call now the
    page showed (a change that puts someone else on call is saved once seen as it is)."""

    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def fingerprint(self) -> str:
        """A digest of the change as cleaned: a change altered after it was shown differs."""
        data = sorted((k, v) for k, v in self.cleaned_data.items() if k != "seen")
        return hashlib.sha256(repr(data).encode()).hexdigest()[:32]

    def confirmed(self) -> bool:
        return (
            bool(self.cleaned_data.get("seen")) and self.cleaned_data["seen"] == self.fingerprint()
        )


class MoveForm(forms.Form):
    """A layer one place up the list (it wins over fewer) or down (it wins over more)."""

    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class ScheduleForm(LayerForm):
    """A new schedule made in the UI, with its first rotation. The zone suggests common zones
    and the team the person's own (:class:`Suggested`: any value may still be typed, and is
    checked); with one team, it is filled in."""

    field_order = ("name", "timezone", "team", "restricted", "layer", "users")

    name = forms.CharField(max_length=100, help_text="Lower case, digits, - and _.")
    timezone = forms.CharField(
        max_length=64,
        initial="UTC",
        widget=Suggested(options=ZONES),
        help_text="An IANA zone: hand-overs and the calendar are in it.",
    )
    team = forms.CharField(
        max_length=64,
        required=False,
        widget=Suggested(),
        help_text="One of your teams where you may make schedules; none: of no team.",
    )
    restricted = forms.BooleanField(required=False, help_text="Only the team sees it.")

    def __init__(self, *args: Any, teams: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["team"].widget
        assert isinstance(widget, Suggested)
        widget.options = tuple(teams)
        if len(teams) == 1:
            self.fields["team"].initial = teams[0]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not NAME.match(name):
            raise forms.ValidationError("use lower-case letters, digits, - and _ (e.g. primary)")
        return name

    def clean_timezone(self) -> str:
        return iana_zone(self.cleaned_data["timezone"])


def iana_zone(value: object) -> str:
    """A schedule's zone: an IANA name (every page of the schedule reads its times in it)."""
    name = str(value).strip()
    if name not in zoneinfo.available_timezones():
        raise forms.ValidationError(
            f"{name!r} is not an IANA time zone: use e.g. Europe/Berlin or UTC"
        )
    return name


# A year of cover (leave, a secondment); beyond, a typo in a year, or a change of the rotation.
MAX_OVERRIDE = dt.timedelta(days=366)


class OverrideForm(forms.Form):
    user = forms.CharField(max_length=150)
    kind = forms.ChoiceField(choices=value_choices(KINDS), initial="replace")
    replaces = forms.CharField(max_length=150, required=False)
    start = when()
    end = when()
    note = forms.CharField(max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError("the end must be after the start")
        if data.get("start") and data.get("end") and data["end"] - data["start"] > MAX_OVERRIDE:
            days = (data["end"] - data["start"]).days
            raise forms.ValidationError(
                f"an override lasts at most {MAX_OVERRIDE.days} days (this one: {days:,}): check "
                "the years; for a longer change, change the rotation's layers"
            )
        for field in ("user", "replaces"):
            if data.get(field) and not USERNAME.match(data[field]):
                self.add_error(field, "not a username")
        if data.get("replaces") and data.get("kind") not in (None, "replace"):
            self.add_error(
                "replaces",
                f"only a replace override replaces someone: leave it empty for {data['kind']}",
            )
        return data


MAX_SWAP = dt.timedelta(days=92)  # a quarter's shifts; the check reads every shift of it


def _period(data: dict[str, Any], start: str, end: str) -> None:
    """A swap's period (both ends given) ends after it starts, at most MAX_SWAP later."""
    if data.get(start) and data.get(end) and data[end] <= data[start]:
        raise forms.ValidationError("each period must end after it starts")
    if data.get(start) and data.get(end) and data[end] - data[start] > MAX_SWAP:
        raise forms.ValidationError(
            f"a swap trades shifts of at most {MAX_SWAP.days} days: for longer, ask for an override"
        )


class ShiftForm(forms.Form):
    """The shift I give: what a calendar's "Swap this shift" link fills in (its query string,
    read in the schedule's zone like a post)."""

    give_start = when(label="My shift from")
    give_end = when(label="to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _period(data, "give_start", "give_end")
        return data


class SwapForm(ShiftForm):
    """Ask ``responder`` to take my shift (give) and, optionally, take theirs (take)."""

    field_order = ("responder", "give_start", "give_end", "take_start", "take_end", "note")

    responder = forms.CharField(max_length=150, label="Ask (username)")
    take_start = when(False, label="Their shift I take, from (optional)")
    take_end = when(False, label="to")
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the override form beside it on the schedule's page has a `note` too.
        kwargs.setdefault("auto_id", "swap_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _period(data, "take_start", "take_end")
        if bool(data.get("take_start")) != bool(data.get("take_end")):
            raise forms.ValidationError("give both ends of the shift you take, or neither")
        return data


class FeedForm(forms.Form):
    schedule = forms.CharField(max_length=100, required=False)


class AnswerForm(NextForm):
    """A swap's answer; ``next``: where to go back to (the inbox), else the schedule's page."""

    accept = forms.TypedChoiceField(
        choices=[("1", "accept"), ("0", "decline")], coerce=lambda v: v == "1"
    )


class PageForm(forms.Form):
    summary = forms.CharField(max_length=300)
    incident = forms.CharField(max_length=120, required=False)


TARGET_KINDS = ("policy", "schedule", "user")


MESSAGE_LENGTH = 300  # Page.message


class PageSomeoneForm(forms.Form):
    """The incident's *Page someone*: ``kind:name`` of one choice of its list, and why
    (``message``, optional)."""

    target = forms.CharField(
        max_length=300, error_messages={"required": "choose whom to page from the list"}
    )
    message = forms.CharField(
        required=False,
        max_length=MESSAGE_LENGTH,
        error_messages={
            "max_length": "The message is at most %(limit_value)d characters (it has "
            "%(show_value)d): say why in fewer words, and the rest on the timeline as a note"
        },
    )

    def clean_target(self) -> tuple[str, str]:
        kind, _, name = self.cleaned_data["target"].partition(":")
        if kind not in TARGET_KINDS or not name.strip():
            raise forms.ValidationError(
                "choose whom to page from the list: a person, a schedule or a policy"
            )
        return kind, name.strip()


class HandoverForm(forms.Form):
    note = forms.CharField(max_length=5000)


class WorkloadForm(forms.Form):
    since = day_field()
    to = day_field()
    zone = forms.CharField(required=False, max_length=64, initial="UTC")

    def clean_zone(self) -> str:
        name = str(self.cleaned_data.get("zone") or "UTC").strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(f"{name!r} is not an IANA time zone: use e.g. UTC")
        return name

    def clean(self) -> dict[str, Any]:
        """The period, its missing ends filled in (``to``: tomorrow in the zone; ``since``: 30
        days before ``to``), at most 400 days long whichever ends were given."""
        data = super().clean() or {}
        zone = zoneinfo.ZoneInfo(data.get("zone") or "UTC")
        to = data.get("to") or timezone.now().astimezone(zone).date() + dt.timedelta(days=1)
        since = data.get("since") or to - dt.timedelta(days=30)
        if not since < to <= since + dt.timedelta(days=400):
            raise forms.ValidationError("To must be a later day than Since, at most 400 days later")
        data["since"], data["to"] = since, to
        return data
