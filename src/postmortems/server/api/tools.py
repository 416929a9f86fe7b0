"""/api/lint, /api/me and personal tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from postmortems.server.accounts.access import access_of, signed_in
from postmortems.server.accounts.models import ApiToken
from postmortems.server.api import schemas as s
from postmortems.server.api.auth import READING_AUTH
from postmortems.server.library import sandbox
from postmortems.server.library.rendering import lint, team_formats

router = Router()
ERRORS = s.ERRORS


@router.post("lint", response={200: s.LintOut, **ERRORS}, tags=["lint"], auth=READING_AUTH)
def lint_document(request: HttpRequest, body: s.LintIn) -> Any:
    """Lint a posted document; nothing is stored, so a read token may call it."""
    try:
        name, formats = body.name or "posted.md", team_formats()
        findings = sandbox.run_for(str(request.user.pk), lint, body.text, name, None, formats)
    except sandbox.Busy as exc:
        raise HttpError(429, str(exc)) from None
    # `lint_available` stays in the response for API clients; the linter is always there.
    return {"findings": [f.__dict__ for f in findings], "lint_available": True}


@router.get("me", response={200: s.Me, **ERRORS}, tags=["people"])
def me(request: HttpRequest) -> Any:
    access = access_of(request.user)
    return {
        "username": request.user.get_username(),
        "role": access.role.label,
        "teams": sorted(access.teams),
    }


@router.get("tokens", response={200: list[s.TokenOut], **ERRORS}, tags=["people"])
def list_tokens(request: HttpRequest) -> Any:
    return ApiToken.objects.filter(user=signed_in(request)).order_by("-created")


@router.post("tokens", response={201: s.NewToken, **ERRORS}, tags=["people"])
def create_token(request: HttpRequest, body: s.TokenIn) -> Any:
    """Only a signed-in session creates tokens: a stolen token cannot make itself more."""
    if getattr(request, "pm_token", None) is not None:
        raise PermissionDenied("a token cannot create tokens: sign in and use the tokens page")
    days = body.expires_in_days
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    token, raw = ApiToken.issue(signed_in(request), body.name, scope=body.scope, expires=expires)
    return Status(201, {**s.TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("tokens/{token_id}", response={204: None, **ERRORS}, tags=["people"])
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    """A signed-in session revokes any of its user's tokens; a token revokes itself only (a
    stolen one cannot revoke the others)."""
    used = getattr(request, "pm_token", None)
    if used is not None and used.pk != token_id:
        raise PermissionDenied(
            "a token revokes only itself: sign in and use the tokens page to revoke others"
        )
    deleted, _ = ApiToken.objects.filter(user=signed_in(request), pk=token_id).delete()
    if not deleted:
        raise Http404(f"no token {token_id} of yours: GET /api/tokens lists them")
    return Status(204, None)
