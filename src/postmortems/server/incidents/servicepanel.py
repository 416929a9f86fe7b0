"""A service's page shows the incidents open on it now, above its postmortems
(``PM_SERVICE_PANELS``, :mod:`library.panels`): worst first, only those the reader may see."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from postmortems.incident.lifecycle import OPEN
from postmortems.server.incidents import found, rights, textsearch
from postmortems.server.library.guards import access

SHOWN = 10
COLUMNS: tuple[str, ...] = ("key", "title", "severity", "status", "services", "restricted")
COLUMNS += ("timezone", "started", "created")


def render(request: HttpRequest, service: str) -> str:
    """The open incidents on ``service`` (its name in any case); nothing when there are none."""
    open_ = rights.visible(access(request)).filter(status__in=OPEN)
    named = textsearch.on_service(open_, service).only(*COLUMNS)
    incidents = list(named.order_by("severity", "-created", "-id")[: SHOWN + 1])
    if not incidents:
        return ""
    rows = [(i, found.local(i.started or i.created, i.timezone)) for i in incidents[:SHOWN]]
    context = {"rows": rows, "more": len(incidents) > SHOWN, "service": service}
    return render_to_string("incidents/_service.html", context, request)
