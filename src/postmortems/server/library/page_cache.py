"""Rendered HTML of a postmortem: written by every save; rows saved before that get it here."""

from __future__ import annotations

from postmortems.errors import PostmortemsError
from postmortems.server.library.models import Postmortem
from postmortems.server.library.store import html_of, prepare


def page_html(pm: Postmortem) -> str:
    """The HTML of the current revision, rendered once and stored."""
    if pm.rendered_version == pm.version and pm.rendered_html:
        return pm.rendered_html
    try:
        html = prepare(pm.text, pm.source_name or f"{pm.key}.md").html
    except PostmortemsError:  # unreadable text: the safe fallback rendering
        html = html_of(pm.text, None)
    Postmortem.objects.filter(pk=pm.pk, version=pm.version).update(
        rendered_html=html, rendered_version=pm.version
    )
    pm.rendered_html, pm.rendered_version = html, pm.version
    return html
