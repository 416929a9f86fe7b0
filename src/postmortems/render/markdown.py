"""Markdown → safe HTML: markdown-it-py with raw HTML disabled, then nh3 with an allow-list.

Two independent layers, so a mistake in one is caught by the other: markdown-it escapes every
``<`` the author wrote, and nh3 drops any tag, attribute or URL scheme not listed below. Links may
only be http, https, mailto or relative. Images from other hosts become plain links, so a
rendered page never makes a request to another host.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from postmortems.document.lines import LineKind, split_lines
from postmortems.document.markup import without_comments
from postmortems.render.escape import escape

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ol": {"start"},
    "td": {"style"},
    "th": {"style"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# markdown-it writes table alignment as style="text-align:…"; nothing else may pass.
STYLE_PROPERTIES = frozenset({"text-align"})

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:|//)", re.IGNORECASE)


# An image inlined by ``pm render`` (render/inline.py): base64 data of an image type, in an
# <img src> only; any other data: URI is removed.
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+")


_NOT_IN_SLUG = re.compile(r"[^a-z0-9]+")


def _inlined_images_only(tag: str, attribute: str, value: str) -> str | None:
    if value.lower().startswith("data:"):
        ok = tag == "img" and attribute == "src" and _DATA_IMAGE.fullmatch(value)
        return value if ok else None
    return value


@functools.cache
def _cleaner(inlined: bool) -> nh3.Cleaner:
    """The allow-list, built once: building it costs more than cleaning a section."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "svg", "math"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES) | ({"data"} if inlined else set()),
        attribute_filter=_inlined_images_only if inlined else None,
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def sanitize(fragment: str) -> str:
    """``fragment`` with everything outside the allow-list removed."""
    return _cleaner("data:image/" in fragment).clean(fragment)


def slugify(text: str) -> str:
    """``Root Cause & Resolution`` → ``root-cause-resolution``."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_IN_SLUG.sub("-", norm.lower()).strip("-")
    return slug or "section"


class Slugs:
    """Unique heading ids within one page (``timeline``, ``timeline-2``…)."""

    def __init__(self, reserved: Sequence[str] = ()) -> None:
        self.seen: set[str] = set(reserved)

    def __call__(self, text: str) -> str:
        base = slugify(text)
        slug, n = base, 1
        while slug in self.seen:
            n += 1
            slug = f"{base}-{n}"
        self.seen.add(slug)
        return slug


ImageResolver = Callable[[str], "str | None"]
# A link's address for another postmortem's page (``b.md`` → ``b.html``), or None: kept as written.
PageResolver = Callable[[str], "str | None"]


def _image(_self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Local images stay images; an image on another host becomes a link to it. With a
    resolver in ``env["images"]``, a local image is given the address it returns, or shown as
    its text when the resolver cannot find it (so a page never shows a broken image)."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = "".join(t.content for t in token.children or []) or "image"
    if _REMOTE.match(src):
        return f'<a href="{html.escape(src)}">{html.escape(alt)} (image)</a>'
    resolve = env.get("images") if isinstance(env, dict) else None
    if resolve is not None:
        found = resolve(src)
        if found is None:
            return f"<em>[image: {html.escape(alt)}]</em>"
        src = found
    return f'<img src="{html.escape(src)}" alt="{html.escape(alt)}" loading="lazy">'


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A link to another postmortem's file goes to its page (the resolver in ``env["pages"]``)."""
    resolve = env.get("pages") if isinstance(env, dict) else None
    if resolve is not None:
        found = resolve(str(tokens[idx].attrGet("href") or ""))
        if found is not None:
            tokens[idx].attrSet("href", found)
    rendered: str = self.renderToken(tokens, idx, options, env)
    return rendered


@functools.cache
def _parser() -> MarkdownIt:
    # No typographer (smart quotes, "--" → "–", "(c)" → "©", "..." → "…"): a postmortem is
    # copied into terminals and searched, so what its author typed shows as typed.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _image)
    md.add_render_rule("link_open", _link_open)
    # Before text_join: an entity (``&lt;b>``) is still a token of its own there, not text.
    md.core.ruler.before("text_join", "typed_tags", _typed_tags)
    return md


def headings(text: str) -> list[tuple[int, str]]:
    """(level, plain text) of each heading in ``text``."""
    tokens = _parser().parse(text)
    return [
        (int(t.tag[1]), tokens[i + 1].content)
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]


def _relevel(tokens: Sequence[Token], base: int) -> None:
    """Headings renumbered from ``base`` down, never skipping a level (h2 → h3, not h2 → h5),
    so a section's ``#`` never competes with the page title and screen readers see an outline."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    top, last = min(levels), base - 1
    stack: list[str] = []
    for token in tokens:
        if token.type == "heading_open":
            last = max(base, min(6, base + int(token.tag[1]) - top, last + 1))
            token.tag = f"h{last}"
            stack.append(token.tag)
        elif token.type == "heading_close":
            token.tag = stack.pop()


def drop_comments(text: str) -> str:
    """``text`` without its HTML comments outside code: the template's guidance (``pm new``)
    is for the writer, never for the reader. A line that held only a comment becomes blank."""
    if "<!--" not in text:
        return text
    out = []
    for line in split_lines(text):
        if line.kind is LineKind.COMMENT:
            out.append("")
        elif line.kind is not LineKind.CODE and "`" not in line.raw:
            out.append(without_comments(line.raw, ""))  # a scan: linear on a flood of "<!--"
        else:
            out.append(line.raw)
    return "\n".join(out)


def to_html(
    text: str,
    *,
    slugs: Slugs | None = None,
    base: int = 3,
    images: ImageResolver | None = None,
    pages: PageResolver | None = None,
) -> str:
    """Sanitized HTML of Markdown ``text`` (HTML comments left out); its top headings become
    ``h{base}`` and get ids from ``slugs``; ``images`` and ``pages`` give local images and
    links to other postmortems the addresses the page finds them at."""
    text = drop_comments(text)
    fast = _plain_paragraphs(text)
    if fast is not None:
        return sanitize(fast)
    md = _parser()
    tokens = md.parse(text)
    _relevel(tokens, base)
    if slugs is not None:
        for i, token in enumerate(tokens):
            if token.type == "heading_open":
                token.attrSet("id", slugs(tokens[i + 1].content))
    env = {"images": images, "pages": pages}
    return sanitize(md.renderer.render(tokens, md.options, env))


# Raw HTML is off, but a ``<br>`` that authors write to break a line (in table cells and packed
# summaries) is meant as a line break, not as text, and ``<sub>``…``</sub>`` as small print:
# outside code, these few tags without attributes become real ones (the sanitizer balances them).
_BR_RAW = re.compile(r"<br\s*/?>|</?(?:sub|sup|kbd|b|i|em|strong|s|del)>", re.IGNORECASE)


def _tag(typed: str) -> str:
    """``<BR/>`` → ``<br>``, ``</Sub>`` → ``</sub>``."""
    lower = typed.lower()
    return "<br>" if lower.startswith("<br") else lower


def _typed_tags(state: StateCore) -> None:
    """The few tags above, typed in the text, made real tags; not in code, and not when written
    as an entity (``&lt;b>`` shows ``<b>``, as a note that quotes a tag must)."""
    for block in state.tokens:
        if block.type == "inline" and block.children:
            block.children = [
                piece
                for child in block.children
                for piece in (_split_tags(child) if child.type == "text" else [child])
            ]


def _split_tags(token: Token) -> list[Token]:
    text, out, at = token.content, [], 0
    for m in _BR_RAW.finditer(text):
        if m.start() > at:
            out.append(Token("text", "", 0, content=text[at : m.start()]))
        out.append(Token("html_inline", "", 0, content=_tag(m[0])))
        at = m.end()
    if not out:
        return [token]
    if at < len(text):
        out.append(Token("text", "", 0, content=text[at:]))
    return out


# Text without any of these is plain text to markdown-it too (no emphasis, code, link, image,
# entity, escape or strikethrough), so escaping it gives the same, safe, result much faster.
# Quotes, dashes and dots are plain text: there is no typographer to rewrite them.
_MARKUP = re.compile(r"[*_`\[\]<>&\\!~]")
# A line that may open a block other than a paragraph (heading, quote, list, table, setext
# underline, thematic break, fence).
_BLOCK_START = re.compile(r"[#>+=|~`-]|\d{1,9}[.)]")


def _plain_paragraphs(text: str) -> str | None:
    """What markdown-it renders for ``text`` when it is only paragraphs of plain text, or None
    when it may be anything else. Most prose sections are, and markdown-it costs ~0.25 ms a
    section; the result is the same (property-tested against markdown-it)."""
    if _MARKUP.search(text) or "\t" in text or "\r" in text or "\x00" in text:
        return None
    out: list[str] = []
    paragraph: list[str] = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        if not body:
            if paragraph:
                out.append("<p>" + "\n".join(paragraph) + "</p>\n")
                paragraph = []
            continue
        if (
            (len(line) - len(body) >= 4 and not paragraph)  # indented code
            or body != body.strip()  # a hard break, or space markdown-it would trim
            or _BLOCK_START.match(body)
        ):
            return None
        paragraph.append(body)
    if paragraph:
        out.append("<p>" + "\n".join(paragraph) + "</p>\n")
    return "".join(out)


def inline_html(text: str) -> str:
    """Sanitized HTML of one line of Markdown (no paragraph around it)."""
    if not _MARKUP.search(text):
        return escape(" ".join(text.split()), quote=False)
    return sanitize(_parser().renderInline(text))


def plain(text: str) -> str:
    """Markdown ``text`` as plain text (for titles, labels, search), without HTML comments."""
    text = without_comments(text, "")
    if not _MARKUP.search(text):
        return " ".join(text.split())
    tokens = _parser().parseInline(text)
    out: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak", "html_inline"):
                out.append(" " if child.type != "html_inline" or child.content == "<br>" else "")
    return " ".join("".join(out).split())
