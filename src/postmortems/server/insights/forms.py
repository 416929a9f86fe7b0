"""The insights filters: a GET form (team and period), validated like any other form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from postmortems.server.insights.figures import Scope

EARLIEST = dt.date(1970, 1, 1)
FORMATS = ("html", "csv", "json")


def default_since(today: dt.date, months: int = 12) -> dt.date:
    """The first day of the month ``months - 1`` back: that many whole months (the charts' bars)
    with the current one."""
    month = today.month - (months - 1)
    year = today.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1)


class InsightsForm(forms.Form):
    """``team`` is one of the teams the user can see items of; ``since``/``until`` bound the
    incident dates (an empty ``since`` or ``until`` leaves that side open)."""

    team = forms.ChoiceField(required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(required=False, choices=[(f, f) for f in FORMATS])

    def __init__(self, data: Any, *, teams: list[str], today: dt.date) -> None:
        if "since" not in data and "until" not in data:  # first visit: the last twelve months
            data = data.copy()
            data["since"] = default_since(today).isoformat()
            data["until"] = today.isoformat()
        super().__init__(data)
        team = self.fields["team"]
        assert isinstance(team, forms.ChoiceField)
        team.choices = [("", "All teams"), *((t, t) for t in teams)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        for name, value in (("since", since), ("until", until)):
            if value is not None and value < EARLIEST:
                self.add_error(name, f"Enter a date from {EARLIEST.isoformat()} on.")
        if since and until and since > until:
            self.add_error("until", "The end of the period is before its start.")
        return data

    def scope(self) -> Scope:
        """The scope of a valid form."""
        data = self.cleaned_data
        return Scope(team=data.get("team") or "", since=data.get("since"), until=data.get("until"))
