"""``{% workflow_panel pm %}``: the state, history, reviews, comments and action items."""

from __future__ import annotations

from typing import Any

from django import template

from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import panel

register = template.Library()


@register.inclusion_tag("workflow/_panel.html", takes_context=True)
def workflow_panel(context: template.Context, pm: Postmortem) -> dict[str, Any]:
    request = context["request"]
    out = panel.context(pm, request.user)
    out["csrf_token"] = context.get("csrf_token")
    return out
