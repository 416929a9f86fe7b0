"""The swaps asked of the inbox's reader (``PM_INBOX_SECTIONS``): each with what it trades, in
its schedule's zone, and Accept and Decline there, which bring the reader back to the inbox.
Only swaps on schedules the reader may see (a restricted one: its team's)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from postmortems.server.accounts.access import signed_in
from postmortems.server.library.guards import access
from postmortems.server.oncall.models import SwapRequest
from postmortems.server.oncall.notify import swap_periods
from postmortems.server.oncall.visibility import visible_schedules

SHOWN = 10


def asked_of(request: HttpRequest) -> list[tuple[SwapRequest, list[str]]]:
    """The swaps waiting for the reader's answer, the soonest shift first, with their periods."""
    now = timezone.now()
    asked = SwapRequest.waiting(now).filter(
        responder=signed_in(request).get_username(),
        schedule__in=visible_schedules(access(request)),
    )
    found = asked.select_related("schedule").order_by("give_start", "id")[:SHOWN]
    return [(swap, swap_periods(swap, now)) for swap in found]


def inbox_section(request: HttpRequest) -> str:
    """*Swap requests*: each with Accept and Decline; empty when none waits."""
    rows = asked_of(request)
    context = {"rows": rows, "back": reverse("workflow:inbox")}
    return render_to_string("oncall/_inbox_swaps.html", context, request) if rows else ""
