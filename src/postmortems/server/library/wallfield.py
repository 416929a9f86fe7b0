"""The form field every date-time a person types goes through: a wall time in the current zone
(the on-call schedule's, the incident's), typed ``YYYY-MM-DD HH:MM`` and shown with the zone's
abbreviation (``2026-10-25 01:30 GMT``), read back to that one instant. A time a DST change
skips, or one its fall-back repeats written without its abbreviation, is refused saying what to
write (``oncall.walltime``). The forms using it are validated inside ``timezone.override``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from postmortems.oncall import walltime

# The days a form takes (a page, a layer's start, an override, a milestone): wide, and far enough
# from the calendar's ends (years 1 and 9999) that a period, a rotation and a time zone around
# them stay dates.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9000, 12, 31)

INVALID = "Enter a valid date/time."  # Django's words for a date-time field


def in_calendar(value: dt.date | dt.datetime) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(f"give a day from {FIRST_DAY} to {LAST_DAY}")


class WallTimeField(forms.Field):
    """A wall time in the current zone, typed ``YYYY-MM-DD HH:MM`` (seconds, a ``T`` and an
    offset are read too) and shown with the zone's abbreviation; cleaned to its instant in UTC
    (instants compare and subtract rightly, where two wall times of one zone ignore ``fold``)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return walltime.written(value, timezone.get_current_timezone())
        return value

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            parsed, name = value, ""
        else:
            try:
                parsed, name = walltime.parse(str(value))
            except ValueError:
                raise forms.ValidationError(INVALID, code="invalid") from None
        in_calendar(parsed)  # before any zone arithmetic: year 1 has no hour before it
        try:
            return walltime.resolve(parsed, name, timezone.get_current_timezone())
        except walltime.WallTimeError as exc:
            raise forms.ValidationError(exc.said, code="wall_time") from None


def when(required: bool = True, label: str | None = None, help_text: str = "") -> WallTimeField:
    """A wall time in the current zone, in a text box (a browser's date-time picker cannot say
    which of a repeated hour's two times it means)."""
    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 22})
    return WallTimeField(required=required, widget=widget, label=label, help_text=help_text)
