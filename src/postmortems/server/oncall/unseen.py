"""Pages for an incident someone may not see: what a page shows them of it, and whom the
incident's readers are told was paged and cannot see it.

A page goes to whoever is on call, restricted incident or not (an outage needs a responder).
Its summary is written from the incident (``INC-12: Checkout 502s``; a restricted one's is its
key alone) or typed by hand, and the incident may be restricted after it was paged: so to a
reader who may not see the incident, every list and page that shows pages (the inbox, On-call →
Pages, the page's own page, the API) and the signed acknowledgement link (which a webhook puts in
a shared channel, and a chat's link preview opens signed out) show it as
``Restricted incident INC-12`` — its key and that it is restricted, nothing of the incident —
and tell them to ask its commander for access. The incident's Paging panel names to its readers
those its pages reached who cannot see it (:func:`paged_unseeing`), so that the commander has
access granted (in this server: membership of the incident's team, which a team admin gives and
which shows the team's other restricted work too, so nothing here grants it) or pages someone
who can see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from postmortems.server.accounts.access import Access
from postmortems.server.oncall.models import Notification, Page

ASK = "you cannot see it: ask its commander for access"


def restricted_summary(key: str) -> str:
    """What a page of incident ``key`` is called to someone who may not see the incident."""
    return f"Restricted incident {key}"


def _installed() -> bool:
    return apps.is_installed("postmortems.server.incidents")


def hidden_keys(access: Access | None, keys: Iterable[str]) -> frozenset[str]:
    """Those of ``keys`` naming an incident ``access`` may not see (one query). ``None``: a
    reader not signed in (a signed link opened anywhere), who sees no restricted incident."""
    wanted = sorted({key for key in keys if key})
    if not wanted or not _installed():
        return frozenset()
    from postmortems.server.incidents import rights
    from postmortems.server.incidents.models import Incident

    rows = Incident.objects.filter(key__in=wanted)
    if access is None:
        rows = rows.filter(restricted=True)
    else:
        rows = rows.exclude(pk__in=rights.visible(access).values("pk"))
    return frozenset(rows.values_list("key", flat=True))


@dataclass(frozen=True)
class Shown:
    """What pages show one reader of their incidents: ``hidden``, the keys of the incidents the
    reader may not see."""

    hidden: frozenset[str] = frozenset()

    def hides(self, page: Page) -> bool:
        return bool(page.incident_key) and page.incident_key in self.hidden

    def summary(self, page: Page) -> str:
        return restricted_summary(page.incident_key) if self.hides(page) else page.summary


def shown_for(access: Access | None, pages: Iterable[Page]) -> Shown:
    """The :class:`Shown` of ``pages`` for ``access`` (one query; none for a superuser)."""
    if access is not None and access.superuser:
        return Shown()
    return Shown(hidden_keys(access, (page.incident_key for page in pages)))


def paged_unseeing(incident: Any, pages: Iterable[Page]) -> dict[int, list[str]]:
    """For each of ``pages`` (of ``incident``), the people it reached who may not see the
    incident, in the order paged (two queries)."""
    from postmortems.server.incidents import rights

    ids = [page.pk for page in pages]
    reached: dict[int, list[str]] = {}
    rows = Notification.objects.filter(page_id__in=ids).order_by("created", "id")
    for page_id, user in rows.values_list("page_id", "user"):
        reached.setdefault(page_id, [])
        if user not in reached[page_id]:
            reached[page_id].append(user)
    everyone = {user for users in reached.values() for user in users}
    readers = rights.readers(incident, everyone) if everyone else frozenset()
    unseeing = {page: [u for u in users if u not in readers] for page, users in reached.items()}
    return {page: users for page, users in unseeing.items() if users}


def listed(names: list[str], shown: int | None = None) -> str:
    """``alice``, ``alice and bob``, ``alice, bob and cy``; more than ``shown``: ``ann, bo, cy
    and 2 more``."""
    if shown is not None and len(names) > shown:
        return f"{', '.join(names[:shown])} and {len(names) - shown} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def unseeing_text(incident: Any, names: list[str]) -> str:
    """What the incident's readers are told of ``names``, paged and unable to see it, and what
    to do: access is the commander's to have granted, never given by the page."""
    was = "was" if len(names) == 1 else "were"
    said = f"{listed(names)} {was} paged and cannot see this incident"
    if incident.restricted:
        grant = (
            f"it is restricted to team {incident.team}: a team admin or a superuser may add them "
            f"to team {incident.team} on the Teams page (they then see the team's other "
            "restricted incidents and postmortems too)"
        )
    else:
        grant = "their account has no role here: an admin may give them one on the Teams page"
    return f"{said}: {grant}, or page someone who can see it."
