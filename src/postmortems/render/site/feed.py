"""The Atom feed of the most recent postmortems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape as xml_escape

from postmortems.render.site.records import Record, page_path

FEED_SIZE = 50
# XML 1.0 has no place for these: one in a title would make the whole feed unreadable.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with each character XML 1.0 cannot hold replaced by a space (the server's feed
    uses it too)."""
    return _NOT_XML.sub(" ", text)


def escape(text: str) -> str:
    return xml_escape(xml_text(text))


def _stamp(r: Record, fallback: dt.datetime) -> str:
    """An entry's ``updated``: the incident's start. A file does not say when it was published
    or last changed (its mtime is the checkout's), and the build time would mark every entry
    changed on every build, so no ``published`` is claimed."""
    if r.start and "T" in r.start:
        return r.start
    if r.date:
        return f"{r.date}T00:00:00Z"
    return fallback.isoformat(timespec="seconds")


def atom(site_title: str, records: Sequence[Record], *, now: dt.datetime, base_url: str) -> str:
    """The feed; links are made absolute with ``base_url`` (relative when it is empty)."""
    pms = sorted((r for r in records if r.ok), key=lambda r: r.start or r.date or "", reverse=True)
    base = base_url.rstrip("/") + "/" if base_url else ""
    updated = now.isoformat(timespec="seconds")
    entries = []
    for r in pms[:FEED_SIZE]:
        summary = r.root_cause or "No root cause stated."
        entries.append(
            "<entry>"
            f"<title>{escape(r.title)}</title>"
            f'<link rel="alternate" type="text/html" href="{escape(base + page_path(r.slug))}"/>'
            f"<id>urn:postmortems:{escape(r.slug)}</id>"
            f"<updated>{escape(_stamp(r, now))}</updated>"
            f"<summary>{escape(summary)}</summary>"
            + "".join(f'<category term="{escape(s)}"/>' for s in r.services + r.tags)
            + "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(site_title)}</title>"
        f'<link rel="alternate" type="text/html" href="{escape(base)}index.html"/>'
        f"<id>urn:postmortems:site:{escape(site_title)}</id>"
        f"<updated>{updated}</updated><author><name>{escape(site_title)}</name></author>"
        + "".join(entries)
        + "</feed>\n"
    )
