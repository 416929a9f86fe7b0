"""Account forms: a new personal API token; a team's settings and members; an invitation; a new
team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest

from postmortems.document.skeleton import PROFILES
from postmortems.server.accounts.models import (
    ApiToken,
    Team,
    team_slug_refusal,
    username_refusal,
)
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
        _without_admin(self.fields["role"], MEMBER_ROLES, superuser)
        return self


def _name_box(size: int) -> forms.TextInput:
    """A text box the browser does not fill from its history (names of other people)."""
    return forms.TextInput({"size": size, "autocomplete": "off", "spellcheck": "false"})


def _without_admin(field: forms.Field, roles: list[tuple[str, str]], superuser: bool) -> None:
    """The admin role only for a superuser to give (see ``team_member``)."""
    if not superuser:
        assert isinstance(field, forms.ChoiceField)
        field.choices = [c for c in roles if c[0] != "admin"]


class InviteForm(forms.Form):
    """A team's admins invite someone who has no account yet: the account (no usable password)
    and its membership are made, and a link to set the password is given once."""

    username = forms.CharField(max_length=150, label="User name", widget=_name_box(size=14))
    email = forms.EmailField(max_length=254, widget=forms.EmailInput({"size": 22}))
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial="viewer")

    def offered_to(self, superuser: bool) -> InviteForm:
        _without_admin(self.fields["role"], list(ROLE_CHOICES), superuser)
        return self

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"].strip()
        refusal = username_refusal(name)
        if refusal:
            raise forms.ValidationError(refusal)
        return name


class TeamForm(forms.Form):
    """A superuser makes a team, and may name its first admin: an existing account, or (with
    an email) a new one invited at once."""

    slug = forms.CharField(max_length=64, label="Team (slug)", widget=_name_box(size=12))
    name = forms.CharField(max_length=200, required=False, label="Name (optional)")
    admin = forms.CharField(
        max_length=150, required=False, label="First admin (optional)", widget=_name_box(size=14)
    )
    email = forms.EmailField(
        max_length=254,
        required=False,
        label="Their email (to invite someone new)",
        widget=forms.EmailInput({"size": 22}),
    )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"].strip()
        refusal = team_slug_refusal(slug)
        if refusal:
            raise forms.ValidationError(refusal)
        if Team.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"team {slug!r} exists already")
        return slug

    def clean_admin(self) -> str:
        name: str = self.cleaned_data["admin"].strip()
        refusal = username_refusal(name) if name else ""
        if refusal:
            raise forms.ValidationError(refusal)
        return name


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
