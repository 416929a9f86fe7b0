"""The one check for addresses users store (ticket links, timeline and alert links): http(s)
only, never ``javascript:``."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_URL = 500  # the column's length


def is_web_url(value: str, *, longest: int = MAX_URL) -> bool:
    """True for an absolute http:// or https:// URL with a host, of at most ``longest``
    characters. A host without a dot is one (``http://prometheus-k8s-0:9090/graph``,
    ``http://jira/browse/OPS-1``: what alert senders and teams' own tools use)."""
    if not value or len(value) > longest or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # "http://[::1": not an address
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)
