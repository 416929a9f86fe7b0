"""Pieces every site page shares: the navigation bar and the footer."""

from __future__ import annotations

from postmortems.render.escape import escape

STYLESHEET = "site.css"  # the page CSS, written once at the site root

NAV_LINKS = (("index.html", "All postmortems"), ("stats.html", "Stats"), ("feed.xml", "Feed"))


def nav_html(site_title: str, prefix: str = "") -> str:
    """The top bar; ``prefix`` leads from the page's folder back to the site root."""
    links = "".join(f'<a href="{prefix}{href}">{name}</a>' for href, name in NAV_LINKS)
    return (
        f'<nav class="pm-nav" aria-label="Site"><div class="in"><a class="brand" '
        f'href="{prefix}index.html">{escape(site_title)}</a>{links}</div></nav>'
    )


def site_footer(source_path: str, reason: str = "") -> str:
    note = f" Not a postmortem: {escape(reason)}." if reason else ""
    return f"Source: <code>{escape(source_path)}</code>.{note}"
