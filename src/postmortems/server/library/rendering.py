"""HTML for pages and the live preview, and findings for the live lint.

The render layer (:mod:`postmortems.render`) and the linter (:mod:`postmortems.lint`) do the
work. A text that cannot be parsed (invalid front matter) is still shown, with a minimal safe
rendering labelled as such on the page: Markdown with raw HTML disabled, then sanitized by nh3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from postmortems.document import Document, parse
from postmortems.errors import PostmortemsError
from postmortems.lint import lint_document, lint_text
from postmortems.lint.profiles import DEFAULT_PROFILE, format_of


def team_formats() -> dict[str, str]:
    """The formats teams chose other than the default (``Team.draft_profile``), by team: read
    here, beside the request, and handed to a lint that runs in the sandbox (whose child
    imports this module without Django's models, hence the import here)."""
    from postmortems.server.accounts.models import Team

    chosen = Team.objects.exclude(draft_profile=DEFAULT_PROFILE)
    return dict(chosen.values_list("slug", "draft_profile"))


def format_for(doc: Document, chosen: Mapping[str, str]) -> str:
    """The format the server holds ``doc`` to: the Google SRE template when its sections follow
    it, else the format the first of its teams to choose one chose (``chosen``, from
    :func:`team_formats`), else the default."""
    shown = format_of(doc)
    if shown != DEFAULT_PROFILE:
        return shown
    return next((chosen[t] for t in doc.meta.teams or () if t in chosen), shown)


def fallback_html(text: str) -> str:
    """Minimal safe rendering: no raw HTML, links and images limited to safe schemes."""
    import nh3
    from markdown_it import MarkdownIt

    from postmortems.document.frontblock import split

    body = split(text)[1]
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(body)
    return nh3.clean(html, url_schemes={"http", "https", "mailto"})


@dataclass(frozen=True)
class Rendered:
    body: str
    card: str = ""
    timeline: str = ""
    fallback: bool = False


def _no_files(src: str) -> None:
    return None


def render_document(text: str, doc: Document | None) -> Rendered:
    """The page parts for a postmortem; never raises on bad input."""
    if doc is not None:
        from postmortems import render
        from postmortems.render.body import build_body

        # The server keeps no files beside a postmortem: a local image shows as its text
        # ("[image: …]") instead of a broken image that asks the server for a missing file.
        return Rendered(
            body=build_body(doc, images=_no_files).html,
            card=render.executive_card(doc),
            timeline=render.timeline_diagram(doc),
        )
    return Rendered(body=fallback_html(text), fallback=True)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def one_level_down(html: str) -> str:
    """``html`` (sanitized: a ``<`` in its text is escaped) with every heading a level lower,
    h1 → h2 … (h6 stays h6): the editor's preview sits under the page's own h1."""
    return _HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 1, 6)}", html)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    line: int
    column: int
    message: str
    fix: str = ""


def lint(
    text: str,
    name: str = "editor.md",
    doc: Document | None = None,
    formats: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Findings for the live lint and ``/api/lint`` (of ``doc``, ``text`` parsed, when the
    caller has it; ``formats``: :func:`team_formats`); never raises on bad text."""
    if doc is None:
        try:
            doc = parse(text, name)
        except PostmortemsError:
            doc = None
    if doc is None:  # unreadable: the findings say why
        found = lint_text(text, path=name)
    else:  # held to the format it is written in, or its team's (a draft may be minimal)
        found = lint_document(doc, path=name, profile=format_for(doc, formats or {}))
    return [
        Finding(
            v.code,
            str(v.severity),
            v.line or 1,
            v.column or 1,
            v.message,
            v.fix.description if v.fix else "",
        )
        for v in found
    ]


@dataclass(frozen=True)
class Preview:
    findings: list[Finding]
    rendered: Rendered


def preview_parts(text: str, name: str, formats: Mapping[str, str]) -> Preview:
    """The editor's live lint and rendered parts of ``text``: one call, run in the sandbox
    (``formats``: :func:`team_formats`, read before)."""
    doc: Document | None
    try:
        doc = parse(text, name)
    except PostmortemsError:
        doc = None
    try:
        return Preview(lint(text, name, doc, formats), render_document(text, doc))
    except OverflowError:
        raise at_the_calendars_end(name) from None


def at_the_calendars_end(name: str) -> PostmortemsError:
    """A time a day from year 1 or year 9999 (``started: 0001-01-01T00:00+14:00``) is a date in
    its own zone and none in UTC or the document's: refused in words, not a 500."""
    return PostmortemsError(
        "a time in it is at the calendar's end (year 1 or 9999), outside what can be shown or "
        "stored",
        path=name,
        hint="write the incident's real date",
    )
