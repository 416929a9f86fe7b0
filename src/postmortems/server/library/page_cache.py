"""Rendered HTML of a postmortem: written by every save, rendered here for previews and old rows."""

from __future__ import annotations

from postmortems.document import Document
from postmortems.errors import PostmortemsError
from postmortems.server.library.models import Postmortem
from postmortems.server.library.store import html_of, read


def build_html(text: str, name: str) -> str:
    """The page HTML for any text (the editor's preview); unreadable text gets the fallback."""
    doc: Document | None
    try:
        doc = read(text, name)
    except PostmortemsError:
        doc = None
    return html_of(text, doc)


def page_html(pm: Postmortem) -> str:
    """The HTML of the current revision: stored by the save; rows saved before that get it now."""
    if pm.rendered_version == pm.version and pm.rendered_html:
        return pm.rendered_html
    html = build_html(pm.text, pm.source_name or f"{pm.key}.md")
    Postmortem.objects.filter(pk=pm.pk, version=pm.version).update(
        rendered_html=html, rendered_version=pm.version
    )
    pm.rendered_html, pm.rendered_version = html, pm.version
    return html
