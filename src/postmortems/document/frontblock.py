"""Where a document's front matter is: the ``---`` block at its top, split from the body
(:mod:`postmortems.document.frontmatter` reads the YAML in it)."""

from __future__ import annotations

import re

from postmortems.document.fields import FIELDS

_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_LONE_CR = re.compile(r"\r(?!\n)")


def tidy(text: str) -> str:
    """``text`` as the parser reads its lines, and as the team server stores what a person
    saves: no byte-order marks before it, a lone CR a line end (CRLF kept). The gate judges,
    the library stores, and ``pm push`` compares this one text: a front matter the parser finds
    behind two BOMs or CR-only line ends is the one the gate reads."""
    return _LONE_CR.sub("\n", text.lstrip("\ufeff"))


def split(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, number of lines before the body)."""
    m = _OPEN.match(text)
    if not m:
        return _unfenced(text)
    close = _CLOSE.search(text, m.end())
    if close is None:
        return None, text, 0
    yaml_text = text[m.end() : close.start()]
    body = text[close.end() :]
    body = body[1:] if body.startswith("\n") else body
    return yaml_text, body, text[: close.end()].count("\n") + 1


_FIELD = re.compile(r"(?P<key>[a-z_][a-z0-9_-]*):(?:[ \t]|$)")
_FORMAT_KEYS = frozenset(spec.nested or spec.name for spec in FIELDS)
_RULE = re.compile(r"-{3,}[ \t\r]*$")


def unclosed(text: str) -> int | None:
    """Where the closing ``---`` is missing (the line after the opening's fields) when the file
    opens with ``---`` and two ``key:`` lines or more, one a field of the format, that are never
    closed: read as prose, the fields would be lost and their values taken for the summary's.
    None when the front matter is closed, or when the opening ``---`` is a rule above prose
    ("note: moved from the wiki")."""
    m = _OPEN.match(text)
    if not m or _CLOSE.search(text, m.end()):
        return None
    lines = text[m.end() :].split("\n")
    ends = (
        n
        for n, line in enumerate(lines)
        if not line.strip() or line.startswith("#") or _RULE.match(line)  # "----": a typo
    )
    end = next(ends, len(lines))
    keys = {f["key"] for line in lines[:end] if (f := _FIELD.match(line))}
    if not _FIELD.match(lines[0]) or len(keys) < 2 or not keys & _FORMAT_KEYS:
        return None
    return end + 2  # lines[0] is the file's line 2


# "date: Tue Nov 26 07:14:59 PST 2013", "author: …", "slug: …" at the top of a post exported
# without its fences
_KEY_LINE = re.compile(r"[a-z][a-z_-]{1,20}:[ \t]+\S[^\n]*\n")
_POST_KEYS = re.compile(r"^(?:title|date):", re.MULTILINE)


def _unfenced(text: str) -> tuple[str | None, str, int]:
    """A block of three or more ``key: value`` lines in lower case that opens the file, ends at
    a blank line and names a ``title`` or a ``date`` is front matter whose ``---`` fences were
    lost (a blog post exported as text): its date is the post's, not the incident's."""
    pos = count = 0
    while m := _KEY_LINE.match(text, pos):
        pos, count = m.end(), count + 1
    if count < 3 or not text.startswith("\n", pos) or not _POST_KEYS.search(text, 0, pos):
        return None, text, 0
    return text[:pos], text[pos + 1 :], count + 1
