"""An incident's details — its title, its services, its team — changed after it was declared.

Each change is a ``details-change`` event on the timeline (``Title changed from “…” to “…”.``,
with who changed it), written in the transaction that changes the row. A new team follows the
declaration's rule (:func:`.rights.may_declare`) and is one of the server's teams
(:func:`unknown_team`); a restricted incident keeps a team that
exists (:func:`.models.team_problem`), and its restriction as it is. The drafted postmortem
takes the new title and services when it is written, and offers them as a diff once it is
(:func:`postmortems.incident.update.draft_update`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from postmortems.incident import model as m
from postmortems.server.accounts.access import Access
from postmortems.server.incidents import rights, services
from postmortems.server.incidents.models import Event, Incident, missing_team, team_problem

TITLE_LENGTH = 300
SERVICES_SHOWN = 50  # services an incident names at most (the API's limit too)


class DetailsError(m.IncidentError):
    """A detail the incident cannot take; ``field`` names it (title, services or team)."""

    def __init__(self, field: str, message: str, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.field = field


def team_refusal(access: Access, incident: Incident, team: str) -> str:
    """Why ``access`` may not move ``incident`` to ``team`` ('' when it may, or when the team
    does not change): the author role in the new team, as for declaring one there."""
    team = team.strip()
    if team == incident.team or rights.may_declare(access, team):
        return ""
    if not team:
        return "you cannot take the team off this incident: your role counts in its team only"
    return f"you need the author role in team {team} to move the incident there"


def unknown_team(access: Access, incident: Incident, team: str) -> DetailsError | None:
    """The refusal of a move to a team the server does not have (None: the team exists, is
    none, or does not change): the incident would be of a team nobody is in, its alerts routed
    to a team with no policy. The hint lists the teams ``access`` may move it to."""
    team = team.strip()
    said = missing_team(team) if team != incident.team else ""
    if not said:
        return None
    mine = rights.declaring_teams(access)
    choose = f"choose one of {', '.join(mine)}" if mine else "you may move it to no team"
    return DetailsError("team", said, f"{choose} (or leave the team as it is)")


def service_names(names: Sequence[str]) -> list[str]:
    """The services as an incident keeps them (:func:`m.service_names`), a refusal said as the
    services field's."""
    try:
        return m.service_names(names)
    except m.IncidentError as exc:
        raise DetailsError("services", exc.message, exc.hint or "") from None


def change_details(
    incident: Incident,
    user: Any,
    now: dt.datetime,
    *,
    title: str | None = None,
    services_named: Sequence[str] | None = None,
    team: str | None = None,
) -> list[Event]:
    """Set what is given (None: as it is); the events written, one per detail that changed
    (none: nothing changed). Raises :class:`DetailsError` for an empty title, too many
    services, or a restricted incident left without an existing team.
    Who may move it to ``team`` is the caller's to check first (:func:`team_refusal`)."""
    changes = _changes(incident, title, services_named, team)
    if not changes:
        return []
    new = {what: value for what, _old, _said, value in changes}
    problem = team_problem(incident.restricted, str(new.get("team", incident.team)))
    if problem:
        raise DetailsError("team", problem, "a restricted incident is seen by its team only")
    by = services.who(user)
    events = [m.details_change(now, what, old, said, author=by) for what, old, said, _ in changes]
    with transaction.atomic():
        for what, value in new.items():
            setattr(incident, what, value)
        if "team" in new:  # its alerts are read by its team's rule, as the incident is
            incident.alerts.update(team=incident.team)
        incident.save(update_fields=["title", "services", "team"])
        return services.record(incident, events, user, now)


def _changes(
    incident: Incident, title: str | None, named: Sequence[str] | None, team: str | None
) -> list[tuple[str, str, str, Any]]:
    """(detail, old, new as said, new value) for each given detail that differs."""
    out: list[tuple[str, str, str, Any]] = []
    if title is not None:
        new_title = title.strip()
        if not new_title:
            raise DetailsError("title", "an incident needs a title", "say what is wrong in a line")
        if len(new_title) > TITLE_LENGTH:
            raise DetailsError(
                "title",
                f"the title is {len(new_title)} characters long",
                f"keep it under {TITLE_LENGTH}: the timeline says the rest",
            )
        if new_title != incident.title:
            out.append(("title", incident.title, new_title, new_title))
    if named is not None:
        names = service_names(named)
        if len(names) > SERVICES_SHOWN:
            raise DetailsError(
                "services", f"{len(names)} services", f"name the {SERVICES_SHOWN} most affected"
            )
        if names != sorted(incident.services):
            out.append(("services", ", ".join(incident.services), ", ".join(names), names))
    if team is not None and team.strip() != incident.team:
        out.append(("team", incident.team, team.strip(), team.strip()))
    return out
