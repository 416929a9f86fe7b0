"""``{% paged_targets page %}``: a page by hand's targets as the reader may read them
(:func:`postmortems.server.oncall.visibility.target_names`)."""

from __future__ import annotations

from typing import Any

from django import template

from postmortems.server.library.guards import access
from postmortems.server.oncall.models import Page
from postmortems.server.oncall.visibility import target_names

register = template.Library()


@register.simple_tag(takes_context=True)
def paged_targets(context: Any, page: Page) -> str:
    request = context.get("request")
    signed = request is not None and request.user.is_authenticated
    return ", ".join(target_names(access(request) if signed else None, page))
