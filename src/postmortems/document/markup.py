"""Inline Markdown and HTML that the readers look through, each pattern written once: links,
tags, ``<br>`` breaks, bare addresses and the cells of a table row."""

from __future__ import annotations

import re

# A Markdown link, its text in group 1: ``LINK.sub(r"\1", text)`` keeps only the text.
LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
URL = re.compile(r"https?://\S+|www\.\S+")
# Anything in angle brackets: an HTML tag, or an autolink with its brackets.
TAG = re.compile(r"<[^<>]+>")
# ``<br>``, ``<br/>``, ``<BR />``: a line break written in HTML.
BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_CELL_BORDER = re.compile(r"(?<!\\)\|")  # ``\|`` is a character of the cell


def table_cells(row: str) -> list[str]:
    """The cells of a table row (``| a | b |``), stripped."""
    return [c.strip() for c in _CELL_BORDER.split(row.strip().strip("|"))]


_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^)\[]*\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def prose_words(text: str) -> int:
    """How many words ``text`` says, its links' text counted and their addresses not."""
    return len(_WORD.findall(URL.sub(" ", _MD_LINK.sub(r"\1", text))))


def without_comments(text: str, by: str = " ") -> str:
    """``text`` with each HTML comment (``<!--`` to the next ``-->``) replaced ``by``.

    A scan rather than ``<!--.*?-->``: the pattern tries every ``<!--`` of a flood that never
    closes and reads to the end from each, which takes time quadratic in the input.
    """
    out: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:  # no comment closes after this one, nor after any later one
            break
        out += (text[pos:start], by)
        pos = end + 3
    return "".join(out) + text[pos:] if out else text
