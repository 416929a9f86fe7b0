"""The pages that reach people where they already are: an incident's page shows who its pages
have reached and lets the person paged acknowledge there (``PM_INCIDENT_PANELS``), and the inbox
lists the open pages that reached its reader (``PM_INBOX_SECTIONS``). Each row only when the
reader may see the page's policy, and the button only when they may acknowledge it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from postmortems.server.accounts.access import signed_in
from postmortems.server.library.guards import access
from postmortems.server.oncall import paging
from postmortems.server.oncall.models import Page
from postmortems.server.oncall.visibility import may_acknowledge, visible_pages

SHOWN = 5


@dataclass(frozen=True, slots=True)
class PageRow:
    page: Page
    reached: list[str]  # who the page's last step reached, in the order paged
    next_due: dt.datetime | None  # when it escalates next, None when it will not
    may_ack: bool


def _rows(request: HttpRequest, pages: QuerySet[Page]) -> list[PageRow]:
    me, name = access(request), signed_in(request).get_username()
    rows = []
    for page in pages.select_related("policy", "acknowledged_by")[:SHOWN]:
        last = page.notifications.filter(step=page.step, round=page.round)
        reached = list(dict.fromkeys(last.values_list("user", flat=True)))
        may_ack = page.is_open and may_acknowledge(me, name, page)
        rows.append(PageRow(page, reached, paging.next_due(page), may_ack))
    return rows


def incident_panel(request: HttpRequest, incident: Any) -> str:
    """The incident's pages, newest first: state, who was reached, the next escalation."""
    rows = _rows(request, visible_pages(access(request)).filter(incident_key=incident.key))
    context = {
        "rows": rows,
        "back": reverse("incidents:detail", args=[incident.key]),
        "zone": incident.timezone,  # the incident's page says its times in its zone
    }
    return render_to_string("oncall/_incident_pages.html", context, request) if rows else ""


def inbox_section(request: HttpRequest) -> str:
    """The open pages that reached the reader and wait for an acknowledgement."""
    mine = visible_pages(access(request)).filter(
        state__in=(Page.State.OPEN, Page.State.EXHAUSTED),
        notifications__user=signed_in(request).get_username(),
    )
    rows = _rows(request, mine.distinct())
    context = {"rows": rows, "back": reverse("workflow:inbox")}
    return render_to_string("oncall/_inbox_pages.html", context, request) if rows else ""
