"""Account forms: a new personal API token; a team's settings and members."""

from __future__ import annotations

from django import forms

from postmortems.document.skeleton import PROFILES
from postmortems.server.accounts.models import ApiToken
from postmortems.server.accounts.roles import ROLE_CHOICES


class TokenForm(forms.Form):
    """The same choices as ``POST /api/tokens``: a name, a scope and an optional expiry."""

    name = forms.CharField(max_length=100)
    scope = forms.ChoiceField(
        choices=[(ApiToken.Scope.WRITE, "Read and write"), (ApiToken.Scope.READ, "Read only")],
        initial=ApiToken.Scope.WRITE,
        required=False,  # empty: read and write, as the API's default
    )
    expires_in_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Expires in (days)"
    )

    def clean_scope(self) -> str:
        return str(self.cleaned_data["scope"] or ApiToken.Scope.WRITE)


class TeamSettingsForm(forms.Form):
    """What a team's admins choose for the team: the format of its incident postmortems."""

    draft_profile = forms.ChoiceField(
        choices=[(p, p) for p in PROFILES], label="Postmortem format", initial="classic"
    )


class MemberForm(forms.Form):
    """A team's admins add someone, change their role, or take them out of the team (none)."""

    username = forms.CharField(max_length=150, label="User")
    role = forms.ChoiceField(choices=[*ROLE_CHOICES, ("none", "none (remove)")], initial="viewer")
