"""Who may do what. Every view and API endpoint asks here; nothing else decides.

Teams are boundaries. A role applies within the team it was given in: on a postmortem that names
teams (``teams:``), a user acts with their highest role among those teams; on one that names none,
with their highest role over all their teams. Superusers are admins everywhere. Reading is wider:
a restricted postmortem is visible only to members of one of the teams it names (and superusers);
everything else is visible to anyone with at least the viewer role in some team.

Moving a postmortem (changing its ``teams:`` or ``restricted:``) needs the author role in every
team it leaves or enters; see :meth:`Access.move_refusal`. ``docs/security.md`` holds the table
:func:`permission_table` derives from these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest

from postmortems.server.accounts.roles import Action, Role

if TYPE_CHECKING:
    from postmortems.server.library.models import Postmortem


@dataclass(frozen=True)
class Access:
    """What one user is: computed once per request."""

    user_id: int | None
    role: Role
    teams: frozenset[str]
    superuser: bool = False
    team_roles: tuple[tuple[str, Role], ...] = ()

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def may(self, action: Action) -> bool:
        return self.role >= action.needs

    def reads_comments(self) -> bool:
        """The review comments of the postmortems they read: shown to a role that may write
        (the review panel's), not to viewers, who read a postmortem, its state, history and
        action items; the search finds and shows them to the same people only."""
        return self.may(Action.WRITE)

    def sees(self, pm: Postmortem, pm_teams: frozenset[str] | None = None) -> bool:
        if not self.may(Action.READ):
            return False
        if not pm.restricted or self.superuser:
            return True
        names = pm_teams if pm_teams is not None else team_labels(pm)
        return bool(names & self.teams)

    def runs(self, team: str) -> bool:
        """Whether this is an admin of ``team`` (superusers run every team): who changes its
        members and settings."""
        return self.role_in(frozenset({team})) >= Role.ADMIN

    def role_in(self, pm_teams: frozenset[str]) -> Role:
        """The role that applies on a postmortem naming ``pm_teams``."""
        if self.superuser:
            return Role.ADMIN
        if not pm_teams:
            return self.role
        return max((r for t, r in self.team_roles if t in pm_teams), default=Role.NONE)

    def can(self, action: Action, pm: Postmortem, pm_teams: frozenset[str] | None = None) -> bool:
        if not self.sees(pm, pm_teams):
            return False
        if action is Action.READ:
            return True
        names = pm_teams if pm_teams is not None else team_labels(pm)
        return self.role_in(names) >= action.needs

    def reviews(self, pm_teams: frozenset[str], staff_team: str = "") -> bool:
        """The reviewer role in one of ``pm_teams``, or in the staff review team (any team's)."""
        if self.role_in(pm_teams) >= Role.REVIEWER:
            return True
        return bool(staff_team) and self.role_in(frozenset({staff_team})) >= Role.REVIEWER

    def move_refusal(
        self,
        old: tuple[frozenset[str], bool] | None,
        new: tuple[frozenset[str], bool],
    ) -> str:
        """Why this user may not save a postmortem moving from ``old`` to ``new`` (empty: may).

        Each side is (teams, restricted); ``old`` is None for a new postmortem. Every team the
        postmortem leaves or enters needs the author role there; changing ``restricted`` needs it
        in every team named before and after. A postmortem of no team belongs to every team:
        naming its teams or restricting it needs the admin role in the teams it then names, and
        taking all its teams away (giving it to every team) the admin role in those it leaves;
        a restricted postmortem names its teams (with none, only superusers could read it).
        """
        if self.superuser:
            return ""
        before, was_restricted = old if old is not None else (frozenset(), False)
        after, restricted = new
        if restricted and not after:
            return (
                "a restricted postmortem names its teams (`teams: [...]`): with none, only "
                "superusers could read it"
            )
        if old is not None and not before and (after or restricted):
            bosses = sorted(t for t in after if self.role_in(frozenset({t})) < Role.ADMIN)
            if bosses:
                return (
                    "a postmortem of no team belongs to every team: naming its teams or "
                    f"restricting it needs the admin role in team {', '.join(bosses)}"
                )
        if before and not after:
            bosses = sorted(t for t in before if self.role_in(frozenset({t})) < Role.ADMIN)
            if bosses:
                return (
                    "a postmortem of no team belongs to every team: taking its teams away "
                    f"needs the admin role in team {', '.join(bosses)}"
                )
        touched = set(before ^ after)
        if restricted != was_restricted:
            touched |= before | after
        lacking = sorted(t for t in touched if self.role_in(frozenset({t})) < Role.AUTHOR)
        if lacking and old is None:
            return f"you need the author role in team {', '.join(lacking)} to write its postmortems"
        if lacking:
            return (
                f"you need the author role in team {', '.join(lacking)} to move a postmortem "
                "into or out of it, or to change its restriction there"
            )
        if self.role_in(after) < Role.AUTHOR:
            return "your role cannot write postmortems of these teams"
        return ""

    def visible(self) -> Q:
        """Filter for the postmortems this user may see."""
        if not self.may(Action.READ):
            return Q(pk__in=[])
        if self.superuser:
            return Q()
        from postmortems.server.library.models import Label

        # A subquery, not a join: a postmortem naming two of the user's teams appears once.
        mine = Label.objects.filter(kind="teams", value__in=sorted(self.teams))
        return Q(restricted=False) | Q(pk__in=mine.values("postmortem_id"))


ANONYMOUS = Access(user_id=None, role=Role.NONE, teams=frozenset())


def signed_in(request: HttpRequest) -> User:
    """The request's user; only called behind a login or role check."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("log in first")
    return user


def team_labels(pm: Postmortem) -> frozenset[str]:
    """The teams ``pm`` names (read from its row, no query)."""
    return pm.teams


def access_of(user: Any) -> Access:
    """The :class:`Access` of a Django user (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_pm_access", None)
    if isinstance(cached, Access):
        return cached
    return remember_access(user, list(user.memberships.values_list("team__slug", "role")))


def remember_access(user: Any, memberships: list[tuple[str, str]]) -> Access:
    """The :class:`Access` of ``user`` with these (team, role) memberships, kept on the user."""
    rows = [(t, Role.from_label(r)) for t, r in memberships]
    role = max((r for _, r in rows), default=Role.NONE)
    if user.is_superuser:
        role = Role.ADMIN
    teams = frozenset(t for t, _ in rows)
    access = Access(user.pk, role, teams, bool(user.is_superuser), tuple(sorted(rows)))
    user._pm_access = access
    return access


def teams_with(access: Access, role: Role) -> list[str]:
    """The teams (slugs) where ``access`` has ``role`` or more — every team for a superuser:
    what a form's team field suggests to someone who may make things there."""
    if access.superuser:
        from postmortems.server.accounts.models import Team

        return sorted(Team.objects.values_list("slug", flat=True))
    return sorted(team for team, held in access.team_roles if held >= role)
