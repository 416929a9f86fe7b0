"""The authentication backend: Django's ModelBackend, loading a user with their memberships.

Every page asks what the signed-in user may do (:func:`access_of`), which needs the user and
their team memberships: one query for both instead of one each.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from postmortems.server.accounts.access import remember_access
from postmortems.server.accounts.models import Membership


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        rows = list(
            Membership.objects.filter(user_id=user_id).select_related("user", "team").order_by("pk")
        )
        if not rows:  # no team yet: the user alone
            return super().get_user(user_id)
        user = rows[0].user
        if not self.user_can_authenticate(user):
            return None
        remember_access(user, [(m.team.slug, m.role) for m in rows])
        return user
