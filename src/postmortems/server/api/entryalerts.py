"""The alert a timeline entry records (``alert-fired``, ``alert-resolved``), as the API shows it:
to whoever may see the alert, as the incident's page shows its details (:func:`.rights.alerts`);
to others the entry's words only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from postmortems.server.accounts.access import Access
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Alert


class EntryAlertOut(Schema):
    id: int = Field(description="The alert's id on the server (its page: ``page``).")
    fingerprint: str = Field(description="The sender's fingerprint of the alert.")
    name: str = Field(description="Its ``alertname`` label ('' when it has none).")
    status: str = Field(description="firing or resolved, as the alert is now.")
    page: str = Field(description="The alert's page: its details, labels and times.")


def _out(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "fingerprint": alert.fingerprint,
        "name": str((alert.labels or {}).get("alertname", "")),
        "status": alert.status,
        "page": reverse("incidents:alert", args=[alert.pk]),
    }


def entry_alerts(access: Access, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """The alerts ``ids`` that ``access`` may see, by id, as :class:`EntryAlertOut` (one query;
    none for no id)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return {a.pk: _out(a) for a in rights.alerts(access).filter(pk__in=wanted)}
