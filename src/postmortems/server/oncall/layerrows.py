"""A layer row as the admin edits it (its people and windows as JSON, its start as text),
checked as the YAML reader checks a layer: a row the evaluator cannot read (a day ``"mon"`` or
``7``, a time ``25:00``, a start ``2026-13-01``, people that are no list of names) would be
saved and then break every page that shows the schedule, and the paging tick with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms

from postmortems.server.library.wallfield import in_calendar
from postmortems.server.oncall import convert
from postmortems.server.oncall.forms import USERNAME
from postmortems.server.oncall.models import Layer

WINDOW = '{"weekdays": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}'
DAYS = "give weekdays as numbers, 0 (Monday) to 6 (Sunday)"
USERS = 'give the people as a list of user names, in rotation order: ["alice", "bob"]'


class LayerRowForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Layer
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].error_messages["required"] = USERS  # [] too

    def clean_users(self) -> list[str]:
        users = self.cleaned_data.get("users")
        if not isinstance(users, list) or not users or not all(_name(u) for u in users):
            raise forms.ValidationError(USERS)
        return users

    def clean_start(self) -> str:
        text = str(self.cleaned_data.get("start") or "").strip()
        try:
            in_calendar(convert.start_of(text))
        except ValueError:
            raise forms.ValidationError(
                f"{text!r} is not a day: write it as YYYY-MM-DD (the first hand-over is on "
                "it, at the hand-over time)"
            ) from None
        return text

    def clean_restrictions(self) -> list[Any]:
        windows = self.cleaned_data.get("restrictions")
        if not isinstance(windows, list):
            raise forms.ValidationError(f"give a list of windows, [] for none: [{WINDOW}]")
        problems = [p for i, w in enumerate(windows, 1) for p in _problems(w, f"window {i}")]
        if problems:
            raise forms.ValidationError(problems)
        return windows


def _name(value: object) -> bool:
    return isinstance(value, str) and bool(USERNAME.match(value))


def _problems(window: object, where: str) -> Iterator[str]:
    """What is wrong with one window of the week, each said with ``where`` it is."""
    if not isinstance(window, dict):
        yield f"{where}: give an object such as {WINDOW}"
        return
    unknown = sorted(set(window) - {"weekdays", "start", "end"})
    if unknown:
        named = ", ".join(map(repr, unknown))
        yield f"{where}: no field {named}: its fields are weekdays, start, end"
    days = window.get("weekdays")
    if not isinstance(days, list) or not days:
        yield f"{where}: no weekdays: {DAYS}"
    else:
        for day in days:
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                yield f"{where}: {day!r} is not a day: {DAYS}"
    for edge in ("start", "end"):
        if not _time_of_day(window.get(edge)):
            yield f"{where}: {edge} {window.get(edge)!r} is not a time of day: write it as HH:MM"


def _time_of_day(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.time.fromisoformat(value)
    except ValueError:
        return False
    return True
