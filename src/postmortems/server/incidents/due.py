"""Postmortems due: the incidents that ended with an impact (resolved or closed, not cancelled or
a duplicate) and have no postmortem yet, in the inbox of the people accountable for them
(``PM_INBOX_SECTIONS``). The author is known from the record: nobody has to remember.

Accountable are whoever declared the incident, held a role in it, or resolved or closed it (a
status change of theirs to ``resolved`` or ``closed``). When nobody declared it and nobody held
a role (an alert opened it and the response ran without roles), nobody in particular is
accountable, so the whole team is: it is due in the inbox of every member of the incident's team
who may write (the author role or above in that team). An incident of no team then waits for
whoever resolved it only: give its integration a team.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from postmortems.incident.lifecycle import CLOSED, RESOLVED
from postmortems.server.accounts.access import Access, signed_in
from postmortems.server.accounts.roles import Role
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Event, Incident, RoleAssignment
from postmortems.server.library.guards import access

SHOWN = 10
ENDED_WITH_IMPACT = (RESOLVED, CLOSED)


def accountable(me: Access, user: Any, name: str) -> Q:
    """The incidents ``user`` (``me``, the account ``name``) is accountable for (the module's
    rule), as a filter of incidents."""
    held = RoleAssignment.objects.filter(incident=OuterRef("pk"), person=name)
    anyone = RoleAssignment.objects.filter(incident=OuterRef("pk"))
    # A status change records its target as the second pair of its detail: ("to", status).
    ended = Event.objects.filter(
        incident=OuterRef("pk"),
        kind="status-change",
        user=user,
        detail__1__0="to",
        detail__1__1__in=ENDED_WITH_IMPACT,
    )
    writes = sorted(team for team, role in me.team_roles if role >= Role.AUTHOR)
    nobody = Q(Q(opened_by__isnull=True, team__in=writes), ~Exists(anyone))
    return Q(opened_by=user) | Q(Exists(held)) | Q(Exists(ended)) | nobody


def waiting(request: HttpRequest) -> list[Incident]:
    """The reader's incidents that wait for a postmortem, most recent first."""
    me = signed_in(request)
    rows = rights.visible(access(request)).filter(
        accountable(access(request), me, me.get_username()),
        status__in=ENDED_WITH_IMPACT,
        postmortem__isnull=True,
    )
    return list(rows.order_by("-created")[:SHOWN])


def inbox_section(request: HttpRequest) -> str:
    rows = waiting(request)
    return render_to_string("incidents/_due.html", {"incidents": rows}, request) if rows else ""
