"""``{% paged_targets page %}``: a page by hand's targets as the reader may read them
(:func:`postmortems.server.oncall.visibility.target_names`)."""

from __future__ import annotations

from typing import Any

from django import template

from postmortems.server.library.guards import access
from postmortems.server.oncall.models import Page
from postmortems.server.oncall.visibility import schedule_states, target_names

register = template.Library()


@register.simple_tag(takes_context=True)
def paged_targets(context: Any, page: Page) -> str:
    """For the view's ``reader`` (a signed link's person), else the signed-in user."""
    reader = context.get("reader")
    request = context.get("request")
    if reader is None and request is not None and request.user.is_authenticated:
        reader = access(request)
    if not page.targets:
        return ""
    # the schedules, read once for every page of a list (the request lasts as long as it)
    states = getattr(request, "pm_schedule_states", None)
    if states is None:
        states = schedule_states()
        if request is not None:
            request.pm_schedule_states = states
    return ", ".join(target_names(reader, page, states))
