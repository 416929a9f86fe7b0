"""API authentication: a personal token (Bearer) or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from postmortems.server.accounts.models import ApiToken, hash_token

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    def __init__(self, *, changes_nothing: bool = False) -> None:
        """``changes_nothing``: an operation that only reads, though posted (``/api/lint``)."""
        super().__init__()
        self.changes_nothing = changes_nothing

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # The digest is unique: one row at most, read without first()'s ORDER BY (a fifth of
        # the work Django does for this query).
        rows = ApiToken.objects.select_related("user").filter(
            digest=hash_token(token), user__is_active=True
        )
        found = next(iter(rows), None)
        now = timezone.now()
        if found is None or not found.alive(now):
            return None  # 401: unknown, expired, or issued before a password change
        only_reads = self.changes_nothing or request.method in READ_METHODS
        if found.scope == ApiToken.Scope.READ and not only_reads:
            raise HttpError(403, "this token may only read: create a write token to change things")
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.user = found.user
        request.pm_token = found  # type: ignore[attr-defined]  # tokens cannot mint tokens
        return found.user


class BrowserSession(SessionAuth):
    """The browser's session, with its CSRF check. A request that sends a token is the token's
    to authenticate: refused, it is told of its token (401), not of a CSRF check it never
    meant to pass; one with neither a token nor a session is told to send a token (401). A
    proxy's ``Authorization: Basic`` leaves the session as it is."""

    def __call__(self, request: HttpRequest) -> Any:
        # Without a session cookie there is no session to check: "authentication required".
        bearer = request.headers.get("Authorization", "").lower().startswith("bearer ")
        if bearer or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)


AUTH = [TokenAuth(), BrowserSession()]
# For a POST that stores nothing: a read token may call it too.
READING_AUTH = [TokenAuth(changes_nothing=True), BrowserSession()]
