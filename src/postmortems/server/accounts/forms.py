"""Account forms: a new personal API token; a team's settings and members."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest

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
    """What a team's admins choose for the team: the format of its incident postmortems, and
    whether they are published only with every review thread resolved."""

    draft_profile = forms.ChoiceField(
        choices=[(p, p) for p in PROFILES], label="Postmortem format", initial="classic"
    )
    publish_resolved_only = forms.BooleanField(
        required=False, label="Publish only when every review thread is resolved"
    )


MEMBER_ROLES: list[tuple[str, str]] = [*ROLE_CHOICES, ("none", "none (remove)")]


class MemberForm(forms.Form):
    """A team's admins add someone, change their role, or take them out of the team (none)."""

    username = forms.CharField(max_length=150, label="User")
    role = forms.ChoiceField(choices=MEMBER_ROLES, initial="viewer")

    def offered_to(self, superuser: bool) -> MemberForm:
        """The form as a page shows it: the admin role only for a superuser to give."""
        if not superuser:
            field = self.fields["role"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in MEMBER_ROLES if c[0] != "admin"]
        return self


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the old password checked by signing in: a wrong one counts as a
    failed sign-in (django-axes locks the account after as many as the login form allows),
    so a stolen session cannot guess the password behind it without end."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old: str = self.cleaned_data["old_password"]
        name = self.user.get_username()
        if authenticate(self.request, username=name, password=old) is None:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old
