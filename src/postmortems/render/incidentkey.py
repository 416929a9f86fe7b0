"""The incident a postmortem was written for (front matter ``incident:``), as the card names it.

The card marks the key where its text says it (the summary sentence an incident's draft opens
with: "…, search was affected (incident INC-2026-0004, SEV1)"), or names it in an *Incident*
fact when its text does not. The mark reads as plain text: a static page cannot know whether the
incident exists, nor who may see it. The team server, which knows both for each reader, turns
the mark into a link with :func:`link_incident` over the HTML it stored, for the readers who
may see that incident only.
"""

from __future__ import annotations

import re
from html import unescape

from postmortems.render.escape import escape

# The mark the card writes (:func:`mark`): the key is escaped text of at most 100 characters.
_MARK = re.compile(
    r'<span class="incident-key" data-incident="([^"<>]{1,100})">([^<]{1,100})</span>'
)


def mark(key: str) -> str:
    """The key as the card shows it, marked for a server to link."""
    return f'<span class="incident-key" data-incident="{escape(key)}">{escape(key)}</span>'


def mark_in(html: str, key: str) -> tuple[str, bool]:
    """``html`` (escaped text) with each whole ``key`` marked, and whether it held one."""
    said = escape(key)
    found = re.compile(rf"(?<![\w-]){re.escape(said)}(?![\w-])")
    marked, count = found.subn(lambda _: mark(key), html)
    return marked, count > 0


def marked_key(html: str) -> str | None:
    """The key the card in ``html`` marks (its first), None when it marks none."""
    found = _MARK.search(html)
    return unescape(found[1]) if found else None


def link_incident(html: str, key: str, href: str) -> str:
    """``html`` with the card's marks of incident ``key`` made links to ``href`` (its page);
    unchanged for an empty ``href`` (no such incident, or one the reader may not see)."""
    if not href:
        return html
    said = escape(key)

    def linked(m: re.Match[str]) -> str:
        if m[1] != said:
            return m[0]
        return f'<a class="incident-key" data-incident="{m[1]}" href="{escape(href)}">{m[2]}</a>'

    return _MARK.sub(linked, html)
