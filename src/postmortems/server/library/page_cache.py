"""Rendered HTML kept per revision on the postmortem row, so reading a page does not re-render."""

from __future__ import annotations

from django.template.loader import render_to_string

from postmortems.errors import PostmortemsError
from postmortems.server.library.models import Postmortem
from postmortems.server.library.rendering import render_document
from postmortems.server.library.store import read


def build_html(text: str, name: str) -> str:
    try:
        doc = read(text, name)
    except PostmortemsError:
        doc = None
    parts = render_document(text, doc)
    return render_to_string("library/_rendered.html", {"r": parts})


def page_html(pm: Postmortem) -> str:
    """The HTML of the current revision, rendered once and stored."""
    if pm.rendered_version == pm.version and pm.rendered_html:
        return pm.rendered_html
    html = build_html(pm.text, pm.source_name or f"{pm.key}.md")
    Postmortem.objects.filter(pk=pm.pk, version=pm.version).update(
        rendered_html=html, rendered_version=pm.version
    )
    pm.rendered_html, pm.rendered_version = html, pm.version
    return html
