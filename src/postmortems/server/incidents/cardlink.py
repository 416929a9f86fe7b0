"""The link from a postmortem's card to the incident it tells (front matter ``incident:``).

Named in ``settings.PM_INCIDENT_HREF`` and asked by the library's postmortem page
(:func:`postmortems.server.library.panels.link_card_incident`), which knows nothing of
incidents. An incident the reader may not see reads exactly as a key no incident has: no
link, no other mark, so the card never tells a restricted incident is there.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from postmortems.server.incidents import rights
from postmortems.server.library.guards import access


def incident_href(request: HttpRequest, key: str) -> str:
    """The address of incident ``key``'s page when it exists and the reader may see it (one
    query, through :func:`rights.visible`), else ''."""
    wanted = key.strip().upper()
    found = rights.visible(access(request)).filter(key=wanted).values_list("key", flat=True)
    shown = found.first()
    return reverse("incidents:detail", args=[shown]) if shown else ""
