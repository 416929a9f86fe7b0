"""Inviting people and making teams on /teams/: a team's admins invite someone who has no account
yet (and make a new link for one who never came in); a superuser makes a team and its first
admin. The link is shown once on the page drawn by the post (accounts/invitation.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from postmortems.server.accounts import invitation, teampage
from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.forms import InviteForm, MemberForm, TeamForm
from postmortems.server.accounts.models import (
    Membership,
    Team,
    account_named,
    account_with_email,
    set_role,
)
from postmortems.server.library.forms import errors_of
from postmortems.server.library.sessionend import signed_in_required


def _new_account(name: str, email: str, team: str, role: str) -> User | None:
    """The account (no usable password) and its membership; None when the name was just taken."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(name, email=email)  # no password: unusable
            set_role(user, team, role)
    except IntegrityError:
        return None
    return user


def _refused(
    request: HttpRequest, team: Team, form: InviteForm, said: str, status: int = 400
) -> HttpResponse:
    """The page again with the invitation as typed and why it was refused."""
    messages.error(request, said)
    kept = {team.slug: {"invite_form": form}}
    return teampage.page(request, kept=kept, status=status)


def _add_instead(
    request: HttpRequest, team: Team, form: InviteForm, user: User, who: str, change: str
) -> HttpResponse:
    """An existing account (``who`` says how it was found): the page offers to add it to the team
    (the members form, filled), unless it is in already or inactive; else ``change`` is asked."""
    role = form.cleaned_data["role"]
    current = Membership.objects.filter(team=team, user=user).values_list("role", flat=True)
    kept: dict[str, object] = {"invite_form": form}
    if current:
        said = f"{who}, and {user.username} is {current[0]} in {team.slug} already: "
        said += f"change {change}."
    elif not user.is_active:
        said = f"{who}, an inactive one: change {change}."
    else:
        said = (
            f"{who}: add them to {team.slug} as {role} with the button below the invitation, "
            f"or change {change}."
        )
        initial = {"username": user.username, "role": role}
        superuser = access_of(request.user).superuser
        kept["add_instead"] = MemberForm(prefix=team.slug, initial=initial).offered_to(superuser)
    messages.error(request, said)
    return teampage.page(request, kept={team.slug: kept}, status=400)


@signed_in_required
@require_POST
def team_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite someone into a team: its admins only (a team they cannot see: 404; else 403). The
    admin role is a superuser's to give, as in ``views.team_member``. A name or an email of an
    account that exists is refused with the offer to add that account; so is an inviter who made
    ``invites_per_hour`` invitations in the last hour (429)."""
    access = access_of(request.user)
    team = teampage.team_run_by(access, slug, "members")
    prefix = teampage.invite_prefix(team)
    form = InviteForm(request.POST, prefix=prefix).offered_to(access.superuser)
    if not form.is_valid():
        return _refused(request, team, form, f"Not invited: {errors_of(form)}")
    name, email, role = (form.cleaned_data[k] for k in ("username", "email", "role"))
    taken = _taken(name, email)
    if taken is None:
        with transaction.atomic():
            too_many = invitation.refusal(request.user.pk, timezone.now())
            user = None if too_many else _new_account(name, email, team.slug, role)
            invited = (
                invitation.issue(request, user, team.slug, role, timezone.now()) if user else None
            )
        if too_many:
            return _refused(request, team, form, f"Not invited: {too_many}.", status=429)
        if invited is not None:
            return teampage.page(request, invited=invited)
        taken = _taken(name, email)  # the name was taken meanwhile
    assert taken is not None  # _new_account failed on a name that exists
    return _add_instead(request, team, form, *taken)


def _taken(name: str, email: str) -> tuple[User, str, str] | None:
    """The account an invitation of ``name`` and ``email`` would duplicate, how it was found
    (said to the inviter) and what to change; None when there is none."""
    user = account_named(name)
    if user is not None:
        return user, f"{user.username} has an account already", "the name"
    user = account_with_email(email)
    if user is not None:
        return user, f"{email} is the email of {user.username}'s account already", "the email"
    return None


@signed_in_required
@require_POST
def team_relink(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """A new link for a member who never came in (the older links stop working); it counts as
    an invitation for ``invites_per_hour``."""
    access = access_of(request.user)
    team = teampage.team_run_by(access, slug, "members")
    membership = Membership.objects.filter(team=team, user_id=user_id).select_related("user")
    found = membership.first()
    if found is None:
        raise Http404("no such member")
    teams = invitation.teams_of([found.user])[found.user.pk]
    if not invitation.may_relink(access, found.user, teams):
        raise PermissionDenied("a new link is for a member who never signed in, of your teams")
    with transaction.atomic():
        too_many = invitation.refusal(request.user.pk, timezone.now())
        invited = None
        if not too_many:
            invited = invitation.issue(request, found.user, team.slug, found.role, timezone.now())
    if invited is None:
        messages.error(request, f"No new link for {found.user.username}: {too_many}.")
        return teampage.page(request, status=429)
    return teampage.page(request, invited=invited)


def create_team(request: HttpRequest) -> HttpResponse:
    """A new team (superusers only: 403 for anyone else), with its first admin when named: an
    account that exists, or a new one invited with the email given."""
    if not access_of(request.user).superuser:
        raise PermissionDenied("only a superuser makes teams")
    form = TeamForm(request.POST, prefix="new-team")
    admin = _first_admin(form) if form.is_valid() else None
    if form.errors:
        messages.error(request, f"No team made: {errors_of(form)}")
        return teampage.page(request, team_form=form, status=400)
    slug = form.cleaned_data["slug"]
    with transaction.atomic():
        too_many = (
            invitation.refusal(request.user.pk, timezone.now()) if isinstance(admin, str) else ""
        )
        if not too_many:
            Team.objects.create(slug=slug, name=form.cleaned_data["name"] or slug)
            if isinstance(admin, User):
                set_role(admin, slug, "admin")
            elif admin is not None:
                return _with_invited_admin(request, slug, admin, form.cleaned_data["email"])
    if too_many:
        form.add_error("email", too_many)
        messages.error(request, f"No team made: {too_many}.")
        return teampage.page(request, team_form=form, status=429)
    if isinstance(admin, User):
        messages.success(request, f"Team {slug} made; {admin.username} is its admin.")
    else:
        messages.success(request, f"Team {slug} made.")
    return teampage.page(request)


def _with_invited_admin(request: HttpRequest, slug: str, name: str, email: str) -> HttpResponse:
    """The new team's first admin, a new account invited: the page shows its link once."""
    user = _new_account(name, email, slug, "admin")
    if user is None:  # taken since the form was checked
        messages.error(request, f"Team {slug} made; {name} was taken meanwhile: add an admin.")
        return teampage.page(request)
    messages.success(request, f"Team {slug} made.")
    invited = invitation.issue(request, user, slug, "admin", timezone.now())
    return teampage.page(request, invited=invited)


def _first_admin(form: TeamForm) -> User | str | None:
    """The first admin the form names: an active account, a name to invite (with an email), or
    None; a name without either is a form error."""
    name: str = form.cleaned_data["admin"]
    email: str = form.cleaned_data["email"]
    if not name:
        if email:
            form.add_error("admin", "give the user name of the account to invite")
        return None
    user = account_named(name)
    if user is not None and user.is_active:
        return user
    holder = None if user is not None or not email else account_with_email(email)
    if user is not None:
        form.add_error("admin", f"{user.username}'s account is inactive")
    elif not email:
        form.add_error("email", f"no account {name!r}: give their email to invite them")
    elif holder is not None:
        form.add_error(
            "email",
            f"{email} is the email of {holder.username}'s account already: "
            "name that account as the first admin, or change the email",
        )
    return name
