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

import ipaddress
import threading
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from postmortems.server.accounts.access import remember_access
from postmortems.server.accounts.models import Membership, Team
from postmortems.server.config import current

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
        # One row per membership (one with no team when there is none), in one query written
        # out: a page asks this on every request, and Django's compiling the same query
        # (select_related over two joins) cost more than running it.
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)  # the session holds it as a string
        except ValidationError:
            return None
        rows: list[Any] = list(model.objects.raw(USER_SQL, [pk]))
        if not rows or not self.user_can_authenticate(rows[0]):
            return None
        user = rows[0]
        remember_access(user, [(r.team_slug, r.team_role) for r in rows if r.team_slug])
        return user


_USER = get_user_model()._meta.db_table
USER_SQL = (
    f"SELECT u.*, t.slug AS team_slug, m.role AS team_role FROM {_USER} u"
    f" LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id"
    f" LEFT JOIN {Team._meta.db_table} t ON t.id = m.team_id WHERE u.id = %s"
)


def _address(request: HttpRequest | None) -> str:
    """The client address as django-axes resolved it (its backend runs first), else the peer."""
    if request is None:
        return ""
    found = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")
    return str(found)


def client_address(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``): the connection's, or behind
    ``proxies`` reverse proxies the one the nearest of them wrote into X-Forwarded-For, that many
    entries from the right. What a client writes in the header itself stands further left and is
    never taken; an entry that is no address (a proxy misconfigured) falls back to the peer."""
    peer = request.META.get("REMOTE_ADDR")
    hops = current().proxies
    if not hops:
        return peer
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return peer
    try:
        return str(ipaddress.ip_address(_without_port(forwarded[-hops])))
    except ValueError:
        return peer


def _without_port(entry: str) -> str:
    """``203.0.113.7:51234`` and ``[2001:db8::7]:51234`` (as some balancers write them) without
    the port; a bare IPv6 address as it is."""
    if entry.startswith("["):
        return entry[1 : entry.find("]")] if "]" in entry else entry
    return entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry
