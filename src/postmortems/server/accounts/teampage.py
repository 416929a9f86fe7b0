"""The /teams/ page: each team the user sees, with the forms of those they run (settings, members,
invitations) and, for a superuser, the form of a new team. A refused form is shown again as it
was typed (``kept``), and an invitation's link once (``invited``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from postmortems.server.accounts.access import Access, access_of
from postmortems.server.accounts.forms import InviteForm, MemberForm, TeamForm, TeamSettingsForm
from postmortems.server.accounts.invitation import Invited, last_mails, may_relink, teams_of
from postmortems.server.accounts.models import Membership, Team
from postmortems.server.config import current


def team_run_by(access: Access, slug: str, what: str) -> Team:
    """The team ``slug`` when ``access`` runs it: 404 for a team they cannot see, else 403."""
    team = Team.objects.filter(slug=slug).first()
    if team is None or not (access.superuser or slug in access.teams):
        raise Http404("no such team")
    if not access.runs(team.slug):
        raise PermissionDenied(f"only the team's admins change its {what}")
    return team


def invite_prefix(team: Team) -> str:
    return f"{team.slug}-invite"


def _settings_form(team: Team) -> TeamSettingsForm:
    initial = {
        "draft_profile": team.draft_profile,
        "publish_resolved_only": team.publish_resolved_only,
    }
    return TeamSettingsForm(initial=initial, prefix=team.slug)


def _members(access: Access, teams: list[Team]) -> dict[int, list[dict[str, Any]]]:
    """Each team's members (team id: rows of membership, whether a new link is offered and,
    then, what became of the last invitation's email)."""
    rows = list(
        Membership.objects.filter(team__in=teams)
        .select_related("user", "team")
        .order_by("user__username")
    )
    run = [m.user for m in rows if access.runs(m.team.slug)]
    waiting = [u for u in run if u.last_login is None]  # few: never signed in
    others, mails = teams_of(waiting), last_mails(waiting)
    by_team: dict[int, list[dict[str, Any]]] = {}
    for m in rows:
        relink = m.user.pk in others and may_relink(access, m.user, others[m.user.pk])
        mail = mails.get(m.user.pk, "") if relink else ""
        by_team.setdefault(m.team_id, []).append({"m": m, "relink": relink, "mail": mail})
    return by_team


def _row(access: Access, team: Team, members: list[dict[str, Any]]) -> dict[str, Any]:
    runs = access.runs(team.slug)
    return {
        "team": team,
        "form": _settings_form(team) if runs else None,
        "members": members,
        "member_form": MemberForm(prefix=team.slug).offered_to(access.superuser) if runs else None,
        "invite_form": (
            InviteForm(prefix=invite_prefix(team)).offered_to(access.superuser) if runs else None
        ),
    }


def page(
    request: HttpRequest,
    *,
    kept: dict[str, dict[str, Any]] | None = None,
    invited: Invited | None = None,
    team_form: TeamForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; ``kept`` replaces parts of a team's row (by slug: a refused form as typed)."""
    access = access_of(request.user)
    teams = list(
        Team.objects.all() if access.superuser else Team.objects.filter(slug__in=access.teams)
    )
    members = _members(access, teams)
    shown = [
        {**_row(access, t, members.get(t.pk, [])), **(kept or {}).get(t.slug, {})} for t in teams
    ]
    context = {
        "teams": shown,
        "invited": invited,
        "team_form": (team_form or TeamForm(prefix="new-team")) if access.superuser else None,
        "per_hour": current().invites_per_hour,
    }
    response = render(request, "accounts/teams.html", context, status=status)
    if invited is not None:
        add_never_cache_headers(response)  # the link is shown once: no copy kept by a cache
    return response
