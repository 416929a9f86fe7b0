"""Safe by construction: hostile Markdown renders to pages on which nothing runs.

Two layers are checked. Statically, the sanitized HTML holds no script, event handler or
dangerous URL. In real Chromium, each page (with its CSP) and each body fragment (without any
CSP, so the sanitizer alone is tested) runs no script, opens no dialog and logs no error — a
CSP violation would show up as a console error, so even a payload the CSP stopped fails the test.
"""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from postmortems.document import parse
from postmortems.render import executive_card, render_body, render_page, timeline_svg

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "data" / "xss-payloads.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def hostile(payload: str) -> str:
    quoted = json.dumps(payload)  # a JSON string is a valid YAML scalar
    return f"""---
title: {quoted}
services: [{quoted}]
---

# {payload}

## Issue Summary

From 10:00 to 11:00 UTC on 2024-01-05, {payload} and the root cause was {payload}.

### {payload}

[{payload}](https://example.com/a) and <{payload}> and ![{payload}](img.png)

## Timeline

- 10:05 UTC - {payload}
- 10:30 UTC - Misleading: {payload}
- 11:00 UTC - Resolved {payload}

## Corrective and Preventative Measures

- [ ] Fix {payload} (owner: @{payload})

| a | b |
|---|---|
| {payload} | x |
"""


def doc_for(payload: str) -> Any:
    return parse(hostile(payload), "hostile.md")


class Elements(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


ACTIVE_TAGS = {"script", "iframe", "object", "embed", "style", "link", "meta", "base", "form",
               "input", "button", "math", "template", "frame", "applet"}  # fmt: skip
SAFE_URL = re.compile(r"^(?:https?:|mailto:|#|[^:]*$)", re.IGNORECASE)


def active_parts(html: str) -> list[str]:
    """Tags, attributes and URLs in ``html`` that could run something."""
    bad = []
    for tag, attrs in Elements(html).found:
        if tag in ACTIVE_TAGS:
            bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("srcdoc", "formaction", "xlink:href"):
                bad.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and not SAFE_URL.match((value or "").strip()):
                bad.append(f"{tag}[{name}={value}]")
    return bad


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitized_html_has_nothing_active(payload: str):
    doc = doc_for(payload)
    for html in (render_body(doc), executive_card(doc)):
        assert active_parts(html) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_diagram_escapes_everything(payload: str):
    assert active_parts(timeline_svg(doc_for(payload))) == []


def _no_script_ran(tab: Any) -> None:
    assert tab.dialogs == []
    assert tab.page.evaluate("() => window.__xss === undefined")
    assert tab.errors == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_page_runs_no_script_in_chromium(payload: str, tab: Any, tmp_path: Path):
    tab.page.goto(_write(tmp_path, render_page(doc_for(payload))))
    _interact(tab)
    _no_script_ran(tab)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_body_alone_runs_no_script_without_csp(payload: str, tab: Any):
    doc = doc_for(payload)
    tab.page.set_content(
        f"<!doctype html><title>t</title>{executive_card(doc)}{timeline_svg(doc)}{render_body(doc)}"
    )
    _interact(tab)
    _no_script_ran(tab)


# A 1x1 transparent PNG, so the payloads' local image loads and logs no error.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _write(folder: Path, html: str) -> str:
    for name in ("img.png", "x.png"):  # the images the payloads name
        (folder / name).write_bytes(PNG)
    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    return page.as_uri()


EVENTS = ("mouseover", "mouseenter", "pointerover", "focus", "toggle", "load", "error")


def _interact(tab: Any) -> None:
    """Fire the events a reader would cause on every element, so that any handler that got
    through would run now; and check no link or image points at a script URL."""
    page = tab.page
    page.wait_for_load_state("load")
    page.evaluate(
        """events => document.querySelectorAll('body *').forEach(el => events.forEach(
            name => el.dispatchEvent(new Event(name))))""",
        list(EVENTS),
    )
    urls = page.evaluate(
        "() => Array.from(document.querySelectorAll('[href],[src]'))"
        ".map(e => e.getAttribute('href') || e.getAttribute('src') || '')"
    )
    assert [u for u in urls if not SAFE_URL.match(u.strip())] == []
