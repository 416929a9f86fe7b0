"""Where a document's front matter is: the ``---`` block at its top, split from the body
(:mod:`postmortems.document.frontmatter` reads the YAML in it)."""

from __future__ import annotations

import re

_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, number of lines before the body)."""
    m = _OPEN.match(text)
    if not m:
        return None, text, 0
    close = _CLOSE.search(text, m.end())
    if close is None:
        return None, text, 0
    yaml_text = text[m.end() : close.start()]
    body = text[close.end() :]
    body = body[1:] if body.startswith("\n") else body
    return yaml_text, body, text[: close.end()].count("\n") + 1
