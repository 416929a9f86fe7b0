"""The authentication backend: Django's ModelBackend, loading a user with their memberships.

Every page asks what the signed-in user may do (:func:`access_of`), which needs the user and
their team memberships: one query for both instead of one each.

A password check costs a third of a second of CPU (PBKDF2, a million rounds). django-axes locks
an address out after a few failures, but it counts a failure only once its check is over, so a
burst of bad logins used to run a dozen checks side by side, on every core, before the lockout
(issue 13's bench). Here one address has one check at a time per process: a second attempt from
it while one runs is refused before any hashing, and counts as a failure.
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from postmortems.server.accounts.access import remember_access
from postmortems.server.accounts.models import Membership

_checking: set[str] = set()  # addresses whose password check is running in this process
_guard = threading.Lock()


class AccountBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        where = _address(request)
        with _guard:
            if where in _checking:
                # django.contrib.auth.authenticate answers None and signals a failed login.
                raise PermissionDenied("another sign-in from this address is being checked")
            _checking.add(where)
        try:
            return super().authenticate(request, username, password, **kwargs)
        finally:
            with _guard:
                _checking.discard(where)

    def get_user(self, user_id: Any) -> Any:
        # Every row holds the same user, and no order is needed (remember_access sorts). Whole
        # rows: naming the columns (only()) across the two joins costs Django more work (deferred
        # fields on three models) than the few columns it would leave out.
        rows = list(Membership.objects.filter(user_id=user_id).select_related("user", "team"))
        if not rows:  # no team yet: the user alone
            return super().get_user(user_id)
        user = rows[0].user
        if not self.user_can_authenticate(user):
            return None
        remember_access(user, [(m.team.slug, m.role) for m in rows])
        return user


def _address(request: HttpRequest | None) -> str:
    """The client address as django-axes resolved it (its backend runs first), else the peer."""
    if request is None:
        return ""
    found = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")
    return str(found)
