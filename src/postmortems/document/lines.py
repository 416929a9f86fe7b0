"""The source as lines, each with what Markdown makes of it.

markdown-it-py (HTML disabled) tells fenced code, tables and setext headings with their line
maps; the rest is read line by line, because real postmortems indent prose by four spaces and a
careful reader still reads it as prose, not as a code block.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from postmortems.document.markup import TAG

_NOT_NEWLINE = re.compile(r"[^\n]")


class LineKind(enum.Enum):
    BLANK = "blank"
    TEXT = "text"
    HEADING = "heading"
    LIST = "list"
    TABLE = "table"
    TABLE_RULE = "table-rule"  # the |---|---| line of a table
    CODE = "code"  # inside a fenced code block (fences included)
    COMMENT = "comment"  # only an HTML comment (<!-- … -->), possibly over several lines
    RULE = "rule"  # thematic break ---


@dataclass
class Line:
    number: int  # 1-based
    raw: str
    kind: LineKind
    indent: int = 0
    level: int = 0  # heading level
    text: str = ""  # heading text, list item text, or stripped line
    marker: str = ""  # list marker ("-", "1.", "[ ]", "[x]")


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ATX_LOOSE = re.compile(r"^\s*(#{1,6})([^#\s].*?)\s*#*\s*$")  # "##Timeline" (no space)
_LIST = re.compile(r"^(\s*)([-*+•—–]|\d{1,3}[.)])(?:\s+|$)(\[[ xX]\]\s*)?(.*)$")
_HTML_ITEM = re.compile(r"^(\s*)(?:<[ou]l[^>]*>\s*)*<li[^>]*>(.*?)(?:</li>)?\s*$", re.IGNORECASE)
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>\s*$", re.IGNORECASE)
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")


@functools.lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Only the block structure is needed (fences, tables, setext headings): no inline parsing.
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("inline")


# Every fence, table and setext heading has one of these; text without them needs no Markdown
# parser (most postmortems, and it is the slow part of reading a short one).
_BLOCK_HINT = re.compile(r"```|~~~|\||^ {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)


def _block_maps(text: str) -> tuple[set[int], dict[int, tuple[int, str]], set[int], set[int]]:
    """Code lines, setext headings {underline line: (level, text)}, table rows, table rules."""
    code: set[int] = set()
    setext: dict[int, tuple[int, str]] = {}
    table: set[int] = set()
    rules: set[int] = set()
    if not _BLOCK_HINT.search(text):  # no fence, table or setext underline can be there
        return code, setext, table, rules
    tokens = _markdown().parse(text)
    wrapper = _wrapping_fence(tokens, text)
    if wrapper is not None:
        # The document inside is read as the document; only the fence lines are code.
        inner, fence_lines = wrapper
        code, setext, table, rules = _block_maps(inner)
        code.update(fence_lines)
        return code, setext, table, rules
    for i, tok in enumerate(tokens):
        if tok.map is None:
            continue
        start, end = tok.map
        if tok.type == "fence":
            code.update(range(start, end))
        elif tok.type == "heading_open" and tok.markup in ("=", "-"):
            inline = tokens[i + 1].content if i + 1 < len(tokens) else ""
            setext[end - 1] = (1 if tok.markup == "=" else 2, inline)
            for n in range(start, end - 1):
                setext[n] = (0, "")  # text lines of the heading, folded into the underline
        elif tok.type == "table_open":
            table.update(range(start, end))
            rules.add(start + 1)
    return code, setext, table, rules


_WRAPPER_INFO = frozenset({"", "markdown", "md"})
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)


def _wrapping_fence(tokens: list[Token], text: str) -> tuple[str, set[int]] | None:
    """A fence (```` ```markdown ````) that wraps the document: a chat answer's report under a
    line of preamble, often never closed. It holds two or more headings and no heading stands
    outside it. Returns the text with the fence lines blanked, and those lines."""
    fences = [t for t in tokens if t.type == "fence" and t.map is not None]
    outside = any(t.type == "heading_open" for t in tokens)
    if outside or len(fences) != 1 or fences[0].info.strip().lower() not in _WRAPPER_INFO:
        return None
    fence = fences[0]
    if len(_HEADING_LINE.findall(fence.content)) < 2:
        return None
    assert fence.map is not None
    start, end = fence.map
    raw = text.split("\n")
    closed = end - 1 > start and raw[end - 1].strip().startswith(fence.markup)
    fence_lines = {start, end - 1} if closed else {start}
    indent = len(raw[start]) - len(raw[start].lstrip(" "))
    for n in range(start, end):
        raw[n] = "" if n in fence_lines else raw[n][min(indent, _lead(raw[n])) :]
    return "\n".join(raw), fence_lines


def _lead(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_COMMENT = re.compile(r"<!--(?:(?!<!--).)*?-->", re.DOTALL)


def _comment_lines(text: str) -> set[int]:
    """Lines that hold nothing but (parts of) HTML comments."""
    out: set[int] = set()
    if "<!--" not in text:
        return out
    stripped = _COMMENT.sub(lambda m: _NOT_NEWLINE.sub("\x00", m.group(0)), text)
    for i, line in enumerate(stripped.split("\n")):
        if "\x00" in line and not line.replace("\x00", "").strip():
            out.add(i)
    return out


def split_lines(text: str, offset: int = 0) -> list[Line]:
    """Classify every line of ``text`` (the body, front matter removed); the first line is
    numbered ``offset + 1`` (the number of front-matter lines before the body).

    The last few results are cached: the linter classifies the body the parser just read.
    """
    return list(_split_cached(text, offset))


@functools.lru_cache(maxsize=4)
def _split_cached(text: str, offset: int) -> tuple[Line, ...]:
    raw_lines = text.split("\n")
    code, setext, table, rules = _block_maps(text)
    comments = _comment_lines(text)
    out: list[Line] = []
    for i, raw in enumerate(raw_lines):
        if i in comments and i not in code:
            out.append(Line(i + 1 + offset, raw, LineKind.COMMENT, text=raw.strip()))
            continue
        out.append(_classify(i, raw, code, setext, table, rules, offset))
    return tuple(out)


def _classify(
    i: int,
    raw: str,
    code: set[int],
    setext: dict[int, tuple[int, str]],
    table: set[int],
    rules: set[int],
    offset: int = 0,
) -> Line:
    n = i + 1 + offset
    stripped = raw.strip()
    indent = len(raw) - len(raw.lstrip(" \t"))
    if i in code:
        return Line(n, raw, LineKind.CODE, indent, text=stripped)
    if not stripped:
        return Line(n, raw, LineKind.BLANK)
    if i in setext:
        level, heading = setext[i]
        if level:
            # a setext heading may wrap over several lines: its title is one line
            return Line(n, raw, LineKind.HEADING, indent, level, " ".join(heading.split()))
        return Line(n, raw, LineKind.TEXT, indent, text=stripped)
    if i in rules:
        return Line(n, raw, LineKind.TABLE_RULE, indent, text=stripped)
    if i in table:
        return Line(n, raw, LineKind.TABLE, indent, text=stripped)
    # Each pattern below needs its own first character (after white space): most lines are
    # prose and start with none of them, so they skip every match.
    first = stripped[0]
    if first == "#":
        m = _ATX.match(raw) or _ATX_LOOSE.match(raw)
        if m:
            return Line(n, raw, LineKind.HEADING, indent, len(m[1]), (m[2] or "").strip())
    elif first == "<":
        m = _HTML_HEADING.match(raw)
        if m:
            return Line(n, raw, LineKind.HEADING, indent, int(m[1]), TAG.sub("", m[2]).strip())
        m = _HTML_ITEM.match(raw)
        if m:
            text = TAG.sub("", m[2]).strip()
            return Line(n, raw, LineKind.LIST, len(m[1].expandtabs(4)), text=text, marker="-")
    elif first in "-*_" and _RULE.match(raw):
        return Line(n, raw, LineKind.RULE, indent, text=stripped)
    m = _LIST.match(raw) if first in "-*+•—–" or first.isdigit() else None
    if m:
        marker = m[2] + (" " + m[3].strip() if m[3] else "")
        return Line(
            n, raw, LineKind.LIST, len(m[1].expandtabs(4)), text=m[4].strip(), marker=marker
        )
    return Line(n, raw, LineKind.TEXT, len(raw[:indent].expandtabs(4)), text=stripped)
