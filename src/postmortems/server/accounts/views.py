"""Personal API tokens: list, create (shown once), revoke. Teams: their settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from postmortems.server.accounts import invites, teampage
from postmortems.server.accounts.access import access_of, signed_in
from postmortems.server.accounts.forms import (
    MemberForm,
    TeamSettingsForm,
    ThrottledPasswordChangeForm,
    TokenForm,
)
from postmortems.server.accounts.invitation import welcome
from postmortems.server.accounts.models import ApiToken, Membership, set_role
from postmortems.server.library.forms import errors_of
from postmortems.server.library.sessionend import signed_in_required


class _InvalidIs400:
    """Django's sign-in and password views answer a refused form 200; ours answer 400, as every
    other form of the server does (the form again, with what was typed and why)."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class LoginView(_InvalidIs400, auth_views.LoginView):
    def form_invalid(self, form: Any) -> HttpResponse:
        # The fields say they were refused and point at the message (read with the field).
        for name in ("username", "password"):
            form.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": "login-error"}
            )
        return super().form_invalid(form)


# Django's password views ask ``login_required`` themselves; ours answer someone signed out
# first, as every page does (htmx by HX-Redirect).
@method_decorator(signed_in_required, name="dispatch")
class PasswordChangeView(_InvalidIs400, auth_views.PasswordChangeView):
    # Our template by name: django.contrib.admin, listed first, ships its own under
    # registration/, which would win and show the admin's page outside the app.
    template_name = "library/password_change_form.html"
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


@method_decorator(signed_in_required, name="dispatch")
class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "library/password_change_done.html"  # ours by name, as for the form


class AcceptInviteView(_InvalidIs400, auth_views.PasswordResetConfirmView):
    """An invitation's link (accounts/invitation.py): the new account's password is set and its
    person signed in. A link that is wrong, used or expired answers 404 with what to do; so does
    one for an account made inactive since."""

    template_name = "accounts/invite_accept.html"
    post_reset_login = True
    post_reset_login_backend = "postmortems.server.accounts.backends.AccountBackend"
    success_url = reverse_lazy("library:list")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if not self.validlink:
            kwargs["status"] = 404
        response: HttpResponse = super().render_to_response(context, **kwargs)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        messages.success(self.request, welcome(form.user))
        return response


@signed_in_required
def tokens(request: HttpRequest) -> HttpResponse:
    new_token = None
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        _, new_token = ApiToken.issue(
            signed_in(request),
            form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires=timezone.now() + dt.timedelta(days=days) if days else None,
        )
        form = TokenForm()
    rows = ApiToken.objects.filter(user=signed_in(request)).order_by("-created")
    context = {"tokens": rows, "new_token": new_token, "form": form}
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@signed_in_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    ApiToken.objects.filter(user=signed_in(request), pk=token_id).delete()
    return redirect("tokens")


@signed_in_required
def teams(request: HttpRequest) -> HttpResponse:
    """The signed-in user's teams (every team for a superuser), with the settings, members and
    invitations of those they are an admin of; a POST makes a new team (superusers only)."""
    if request.method == "POST":
        return invites.create_team(request)
    return teampage.page(request)


@signed_in_required
@require_POST
def team_member(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a member to a team, change a member's role, or take them out: its admins only.

    The admin role is a superuser's to give or take: a role in any team also counts for the
    postmortems and incidents of no team, so an admin made by a team's admin would reach beyond
    the team. A team keeps one active admin at least.
    """
    access = access_of(request.user)
    team = teampage.team_run_by(access, slug, "members")
    back = redirect(reverse("teams") + f"#team-{team.slug}")
    form = MemberForm(request.POST, prefix=team.slug)
    if not form.is_valid():
        messages.error(request, f"Not changed: {errors_of(form)}")  # "User: … at most 150 …"
        return back
    name, role = form.cleaned_data["username"], form.cleaned_data["role"]
    # An inactive account can be taken out, not added.
    user = User.objects.filter(username=name).first()
    if user is None or (not user.is_active and role != "none"):
        messages.error(request, f"No active user {name!r}: an administrator creates accounts.")
        return back
    with transaction.atomic():
        rows = list(Membership.objects.select_for_update().filter(team=team))  # one at a time
        current = next((m.role for m in rows if m.user_id == user.pk), None)
        if "admin" in (role, current) and role != current and not access.superuser:
            messages.error(request, "Only a superuser gives or takes the admin role.")
            return back
        admins = [m for m in rows if m.role == "admin" and m.user_id != user.pk]
        if current == "admin" and role != "admin" and not _any_active(admins):
            messages.error(request, f"{name} is {team.slug}'s only admin: make another first.")
            return back
        if role == "none":
            gone, _ = Membership.objects.filter(team=team, user=user).delete()
            said = f"{name} left {team.slug}." if gone else f"{name} was not in {team.slug}."
        else:
            set_role(user, team.slug, role)
            said = f"{name} is {role} in {team.slug}."
    messages.success(request, said)
    return back


def _any_active(memberships: list[Membership]) -> bool:
    return User.objects.filter(pk__in=[m.user_id for m in memberships], is_active=True).exists()


@signed_in_required
@require_POST
def team_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Save a team's settings: its admins only (others get 403; a team they cannot see, 404)."""
    team = teampage.team_run_by(access_of(request.user), slug, "settings")
    form = TeamSettingsForm(request.POST, prefix=team.slug)
    if not form.is_valid():
        return teampage.page(request, kept={team.slug: {"form": form}}, status=400)
    team.draft_profile = form.cleaned_data["draft_profile"]
    team.publish_resolved_only = form.cleaned_data["publish_resolved_only"]
    team.save(update_fields=["draft_profile", "publish_resolved_only"])
    when = (
        "only when every review thread is resolved"
        if team.publish_resolved_only
        else "even while review threads are open"
    )
    messages.success(
        request, f"Saved: {team.slug} drafts postmortems as {team.draft_profile}; publishes {when}."
    )
    return redirect("teams")
