"""Whole pages: the HTML shell with inline CSS, our own inline scripts and a Content Security
Policy that allows exactly those scripts (by hash), so nothing that comes from a document can
run even if it got past the sanitizer."""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Sequence
from urllib.parse import urlsplit

from postmortems.document.model import Document
from postmortems.render.body import build_body
from postmortems.render.card import card_html
from postmortems.render.diagram import timeline_diagram
from postmortems.render.escape import escape
from postmortems.render.markdown import ImageResolver, PageResolver
from postmortems.render.summary import summarize
from postmortems.render.theme import CSS

# Shows each instant in the reader's own timezone on hover (the title attribute).
LOCAL_TIME_JS = (
    "document.querySelectorAll('time[data-local]').forEach(function(t){"
    "var d=new Date(t.getAttribute('datetime'));if(isNaN(d))return;"
    "t.title='Your time: '+d.toLocaleString([],{dateStyle:'medium',timeStyle:'short'})"
    "+' \\u00b7 '+t.title;});"
)

TOC_MIN_HEADINGS = 5
TOC_MIN_WORDS = 700


@functools.cache
def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode()).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def csp(scripts: Sequence[str], base_url: str = "", *, own_styles: bool = False) -> str:
    """The policy: no network at all, our inline styles (and, for a site, its own stylesheet),
    our inline scripts by hash; a ``<base>`` only when the caller set one (the team server
    serving pages under a prefix)."""
    allowed = " ".join(script_hash(s) for s in scripts) or "'none'"
    styles = "'self' 'unsafe-inline'" if own_styles else "'unsafe-inline'"
    base = "'none'"
    if base_url:
        parts = urlsplit(base_url)
        base = f"'self' {parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"
    return (
        "default-src 'none'; img-src 'self' data:; "
        f"style-src {styles}; "
        f"script-src {allowed}; base-uri {base}; form-action 'none'; object-src 'none'"
    )


def shell(
    title: str,
    main: str,
    *,
    scripts: Sequence[str] = (),
    nav: str = "",
    data: str = "",
    base_url: str = "",
    stylesheet: str = "",
) -> str:
    """A complete HTML document around ``main`` (already safe HTML). With ``stylesheet`` (the
    address of ``CSS`` saved as a file, as a site does) the page links it instead of holding it:
    10,000 pages then share one file the browser caches."""
    base = f'<base href="{escape(base_url)}">' if base_url else ""
    policy = csp(scripts, base_url, own_styles=bool(stylesheet))
    style = (
        f'<link rel="stylesheet" href="{escape(stylesheet)}">'
        if stylesheet
        else f"<style>{CSS}</style>"
    )
    js = "".join(f"<script>{s}</script>" for s in scripts)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="color-scheme" content="light dark">'
        f"{base}<title>{escape(title)}</title>{style}</head><body>"
        '<a class="skip" href="#content">Skip to content</a>'
        f'{nav}<div class="pm-wrap"><main id="content">{main}</main></div>{data}{js}</body></html>'
    )


def toc_html(headings: Sequence[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="#{escape(i)}">{escape(t)}</a></li>' for i, t in headings)
    return (
        '<nav class="pm-toc" id="toc" aria-label="Contents"><h2>Contents</h2>'
        f"<ol>{items}</ol></nav>"
    )


def _approx_note(svg: str) -> str:
    if "data-inferred" not in svg:
        return ""
    return (
        " ≈ marks an end of the window the text does not state plainly (the card above says how)."
    )


def article(
    doc: Document,
    *,
    footer: str = "",
    images: ImageResolver | None = None,
    pages: PageResolver | None = None,
) -> str:
    """The card, the diagram, the table of contents and the body, without the page shell."""
    summary = summarize(doc)
    body = build_body(doc, images, pages)
    svg = timeline_diagram(doc)
    figure = (
        f'<figure class="pm-figure" id="diagram">{svg}<figcaption>Timeline: the outage window '
        "is shaded; diamonds mark detection, escalation, mitigation and resolution; hollow "
        f"dashed circles mark misleading paths.{_approx_note(svg)}</figcaption></figure>"
        if svg
        else ""
    )
    long = len(body.headings) >= TOC_MIN_HEADINGS or body.words >= TOC_MIN_WORDS
    toc = toc_html([(h.id, h.text) for h in body.headings]) if long and body.headings else ""
    layout = "pm-layout with-toc" if toc else "pm-layout"
    foot = f'<footer class="pm-footer">{footer}</footer>' if footer else ""
    return (
        f'<div class="{layout}"><article class="pm-main">{card_html(summary)}{figure}'
        f"{body.html}{foot}</article>{toc}</div>"
    )


def render_page(
    doc: Document,
    *,
    base_url: str = "",
    nav: str = "",
    footer: str = "",
    images: ImageResolver | None = None,
    pages: PageResolver | None = None,
    stylesheet: str = "",
) -> str:
    """A complete page for one postmortem: self-contained, unless it links ``stylesheet``."""
    title = summarize(doc).title
    main = article(doc, footer=footer, images=images, pages=pages)
    return shell(
        title, main, scripts=[LOCAL_TIME_JS], nav=nav, base_url=base_url, stylesheet=stylesheet
    )
