"""Postmortems due: the incidents that ended with an impact (resolved or closed, not cancelled or
a duplicate) and have no postmortem yet, in the inbox of whoever declared them or held a role in
them (``PM_INBOX_SECTIONS``). The author is known from the record: nobody has to remember."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from postmortems.incident.lifecycle import CLOSED, RESOLVED
from postmortems.server.accounts.access import signed_in
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Incident, RoleAssignment
from postmortems.server.library.guards import access

SHOWN = 10


def waiting(request: HttpRequest) -> list[Incident]:
    """The reader's incidents that wait for a postmortem, most recent first."""
    me = signed_in(request)
    held = RoleAssignment.objects.filter(incident=OuterRef("pk"), person=me.get_username())
    rows = rights.visible(access(request)).filter(
        Q(opened_by=me) | Exists(held), status__in=(RESOLVED, CLOSED), postmortem__isnull=True
    )
    return list(rows.order_by("-created")[:SHOWN])


def inbox_section(request: HttpRequest) -> str:
    rows = waiting(request)
    return render_to_string("incidents/_due.html", {"incidents": rows}, request) if rows else ""
