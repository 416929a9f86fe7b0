"""Importing a Slack export from the incident page: the same reader as `pm incident
import-slack` (:func:`postmortems.incident.slack.read_slack_window`), the same idempotent
:func:`services.record` (a message already on the timeline is skipped).

The upload is read in memory and never stored. Without a channel (or with one the export does not
hold) the page lists the export's channels to pick from; a bad or oversized file is a message on
the page (400), never a 500.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from postmortems.incident.model import Event, IncidentError, wall_clock
from postmortems.incident.slack import channel_names, outside_note, read_slack_window
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import rights, services
from postmortems.server.incidents.forms import MAX_SLACK_EXPORT, SlackImportForm
from postmortems.server.incidents.models import Incident
from postmortems.server.library import kept
from postmortems.server.library.guards import access, requires


def _fit(event: Event) -> Event:
    """The event as the timeline's columns hold it (as the CLI sends it: cut to their sizes;
    a NUL, which PostgreSQL's text cannot hold, replaced)."""

    def clean(text: str, size: int) -> str:
        return text.replace("\x00", "\ufffd")[:size]

    return replace(
        event,
        text=clean(event.text, 20_000),
        author=clean(event.author, 200),
        link=clean(event.link, 2000),
        external_id=clean(event.external_id, 600),
    )


TOO_BIG = (
    f"the file is larger than {MAX_SLACK_EXPORT // (1024 * 1024)} MB: export only the incident's "
    "channel and days (Slack: Export data → date range)"
)


def _length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def window(incident: Incident) -> tuple[dt.datetime, dt.datetime | None]:
    """The messages kept: from the incident's start (else detection, else its opening) to its
    resolution (open while it is not resolved), as `pm incident import-slack` keeps them."""
    return incident.started or incident.detected or incident.created, incident.resolved


def _page(
    request: HttpRequest,
    incident: Incident,
    status: int = 200,
    errors: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    """The upload form; ``errors``: why a field (``export``, ``channel``) was refused, said at
    the top and beside the field."""
    errors = errors or {}
    context = {
        "incident": incident,
        "max_bytes": MAX_SLACK_EXPORT,
        "channels": [],
        "errors": errors,
        "problems": list(errors.values()),
        **extra,
    }
    return render(request, "incidents/slack.html", context, status=status)


@requires(Action.WRITE)
def import_slack(request: HttpRequest, key: str) -> HttpResponse:
    """GET: the upload form; POST: list the export's channels, or import the chosen one."""
    incident = rights.get(access(request), key, change=True)
    if request.method != "POST":
        return _page(request, incident)
    if _length(request) > MAX_SLACK_EXPORT + 64 * 1024:  # refused before the body is read
        return _page(request, incident, 413, {"export": TOO_BIG})
    form = SlackImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, incident, 400, kept.errors_by_field(form))
    upload, wanted = form.cleaned_data["export"], form.cleaned_data["channel"].strip().lstrip("#")
    try:
        names = channel_names(upload)
        if wanted not in names:
            chosen = names[0] if len(names) == 1 and not wanted else ""
            if not chosen:
                unknown = {"channel": f"no channel {wanted!r} in this export"} if wanted else {}
                return _page(
                    request,
                    incident,
                    200 if not wanted else 400,
                    unknown,
                    channels=names,
                    filename=upload.name,
                )
            wanted = chosen
        upload.seek(0)
        start, end = window(incident)
        read = read_slack_window(upload, wanted, start=start, end=end)
    except IncidentError as exc:
        return _page(request, incident, 400, {"export": str(exc)})
    events = [_fit(e) for e in read.events]
    with transaction.atomic():
        added = services.record(incident, events, request.user, timezone.now())
    zone = incident.timezone
    outside = outside_note(read, wall_clock(start, zone), wall_clock(end, zone) if end else "")
    messages.success(
        request,
        f"#{wanted}: {len(added)} messages added to the timeline, "
        f"{len(events) - len(added)} already there{outside}.",
    )
    return redirect("incidents:detail", incident.key)
