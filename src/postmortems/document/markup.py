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
