"""The alert a timeline entry records (``alert-fired``, ``alert-resolved``), and the one an
incident was declared from (``declared_from``), as the API shows them: to whoever may see the
alert, as the incident's page shows its details (:func:`.rights.alerts`); to others the entry's
words only, and no alert declared from (null)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from postmortems.server.accounts.access import Access
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Alert, Incident


class EntryAlertOut(Schema):
    id: int = Field(description="The alert's id on the server (its page: ``page``).")
    fingerprint: str = Field(description="The sender's fingerprint of the alert.")
    name: str = Field(description="Its ``alertname`` label ('' when it has none).")
    status: str = Field(description="firing or resolved, as the alert is now.")
    page: str = Field(description="The alert's page: its details, labels and times.")


class DeclaredFromOut(EntryAlertOut):
    summary: str = Field(description="Its summary, as the inbox listed it ('' when it has none).")
    integration: str = Field(
        description="Where it came from: its integration's kind/name (alertmanager/prod), as its "
        "page says."
    )


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


def declared_from(access: Access, incident: Incident) -> dict[str, Any] | None:
    """The alert ``incident`` was declared from, as :class:`DeclaredFromOut`, when ``access``
    may see it (none else, as for one declared by hand or whose alert was deleted)."""
    alert = rights.declared_from(access, incident)
    if alert is None:
        return None
    source = f"{alert.integration.kind}/{alert.integration.name}"
    return {**_out(alert), "summary": alert.summary, "integration": source}
