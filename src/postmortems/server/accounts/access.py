"""Who may do what. Every view and API endpoint asks here; nothing else decides.

A user's role is the highest role over their team memberships (superusers are admins). A
restricted postmortem is visible only to members of one of the teams it names (and superusers);
everything else is visible to anyone with at least the viewer role.
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

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def may(self, action: Action) -> bool:
        return self.role >= action.needs

    def sees(self, pm: Postmortem, pm_teams: frozenset[str] | None = None) -> bool:
        if not self.may(Action.READ):
            return False
        if not pm.restricted or self.superuser:
            return True
        names = pm_teams if pm_teams is not None else team_labels(pm)
        return bool(names & self.teams)

    def can(self, action: Action, pm: Postmortem) -> bool:
        return self.may(action) and self.sees(pm)

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
    return frozenset(pm.labels.filter(kind="teams").values_list("value", flat=True))


def access_of(user: Any) -> Access:
    """The :class:`Access` of a Django user (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_pm_access", None)
    if isinstance(cached, Access):
        return cached
    rows = list(user.memberships.values_list("team__slug", "role"))
    role = max((Role.from_label(r) for _, r in rows), default=Role.NONE)
    if user.is_superuser:
        role = Role.ADMIN
    access = Access(user.pk, role, frozenset(t for t, _ in rows), bool(user.is_superuser))
    user._pm_access = access
    return access
