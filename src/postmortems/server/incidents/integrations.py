"""Creating integrations: the endpoint path and a secret shown once."""

from __future__ import annotations

import re

from postmortems.errors import PostmortemsError
from postmortems.incident import signing
from postmortems.incident.model import zone_info
from postmortems.incident.payloads import KINDS
from postmortems.server.accounts.models import Team
from postmortems.server.incidents.models import Integration

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def create(
    name: str,
    kind: str,
    *,
    team: str = "",
    auth: str = "bearer",
    restricted: bool = False,
    timezone: str = "UTC",
) -> tuple[Integration, str]:
    """A new integration and its secret (the server keeps only what it needs to check it);
    ``timezone``: the IANA zone of the incidents it opens."""
    zone_info(timezone)  # an unknown zone is refused, by name
    if not NAME.fullmatch(name):
        raise PostmortemsError(
            f"{name!r} is not an integration name",
            hint="use lower-case letters, digits, - and _ (up to 64), e.g. prod-alertmanager",
        )
    if kind not in KINDS:
        raise PostmortemsError(f"unknown kind {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    if auth not in Integration.Auth.values:
        raise PostmortemsError(f"unknown auth {auth!r}", hint="use bearer or hmac")
    if Integration.objects.filter(kind=kind, name=name).exists():
        raise PostmortemsError(
            f"integration {kind}/{name} already exists", hint="pick another name"
        )
    if team and not Team.objects.filter(slug=team).exists():
        # its incidents would belong to a team nobody is in: only a superuser could act on them
        raise PostmortemsError(
            f"no team {team!r}",
            hint="create it first (pm admin create-user NAME --team "
            f"{team}, or the admin pages), or name an existing team",
        )
    if restricted and not team:
        raise PostmortemsError(
            "a restricted integration needs a team",
            hint="add --team TEAM: the incidents it opens are seen by that team only",
        )
    secret = signing.new_secret()
    integration = Integration.objects.create(
        name=name,
        kind=kind,
        team=team,
        auth=auth,
        restricted=restricted,
        timezone=timezone,
        secret_digest=signing.digest(secret),
        signing_key=secret if auth == Integration.Auth.HMAC else "",
    )
    return integration, secret
