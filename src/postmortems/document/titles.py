"""A document's title, read the way a person looks for one.

In this order: the front matter's ``title`` (YAML, or ``title = "…"`` in a TOML ``+++`` block
that blog engines use), the first level-1 heading that is not a section name, a heading or a bold
line that opens the document, and last the file's own name made readable
(``2021-05-09-negative-coin-values.md`` → "Negative coin values (2021-05-09)"). Every part of the
product asks :func:`display_title`, so a document has one title everywhere; "Untitled postmortem"
is left for a text with none of these and no file name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from postmortems.document.lines import Line, LineKind
from postmortems.document.sections import classify_title

# How this is read; rendered into docs/format.md by formatdoc.
READING_RULES = """\
## Title

The title is, in this order: the front matter's `title` (also `title = "…"` in a TOML `+++`
block, as blog engines write it); the first level-1 heading that names no section; a heading or a
whole bold line that opens the document (`### Postmortem: the login fiasco`, `**Nginx outage**`);
else the file's name made readable (`2021-05-09-negative-coin-values.md` → "Negative coin values
(2021-05-09)", a `README.md` takes its folder's name). A template's prompt left in place
(`# ISSUE NAME`, `Title (incident #)`, `{{ title }}`) is no title. The parser, the card, the
static site and the server all use this one rule (`postmortems.document.titles.display_title`);
"Untitled postmortem" is shown only for a text with none of these and no file name. The page
does not repeat the title line below the card.

"""

if TYPE_CHECKING:
    from postmortems.document.model import Document

UNTITLED = "Untitled postmortem"

_TOML_OPEN = re.compile(r"^\+\+\+\s*$")
_TOML_TITLE = re.compile(r"""^\s*title\s*=\s*(?P<q>"{1,3}|'{1,3})(?P<t>.*?)(?P=q)\s*$""")
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)(?P<t>[^*_].*?)\1\s*$")
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_MARKUP = re.compile(r"(\*\*|__|`|<[^<>]+>)")
_PLACEHOLDER = re.compile(
    r"^\W*(?:(?:issue|incident|event|outage|post-?mortem|document)\s+)?(?:name|title)\b"
    r"(?:\s*\([^)]*\))?\W*$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(?P<d>\d{4}[-_]\d{2}[-_]\d{2}|\d{8})(?:[-_ ]+|$)")
# Names that say only what kind of file it is: the folder says more.
_GENERIC_NAMES = frozenset({"readme", "index", "postmortem", "post-mortem", "post_mortem"})


_PATH_SEPARATOR = re.compile(r"[\\/]")


@dataclass
class Found:
    """A title read from the text, and the line that holds it (None when the front matter
    gives it): the parser keeps that line out of the sections."""

    title: str
    line: int | None


def clean(text: str) -> str:
    """The words of a title without Markdown: links keep their text, emphasis and tags go."""
    text = _LINK.sub(r"\1", text)
    text = _MARKUP.sub("", text)
    return " ".join(text.split()).strip(" #:")


def toml_title(lines: Sequence[Line]) -> str | None:
    """``title = "…"`` of a ``+++`` front-matter block at the top, when there is one."""
    first = next((ln for ln in lines if ln.kind is not LineKind.BLANK), None)
    if first is None or not _TOML_OPEN.match(first.raw):
        return None
    for ln in lines[lines.index(first) + 1 :]:
        if _TOML_OPEN.match(ln.raw):
            return None
        m = _TOML_TITLE.match(ln.raw)
        if m and clean(m["t"]):
            return clean(m["t"])
    return None


def is_placeholder(text: str) -> bool:
    """A template's prompt left in place ("ISSUE NAME", "Title (incident #)", "{{ title }}")."""
    return bool(_PLACEHOLDER.match(clean(text))) or "{{" in text


def _names_no_section(text: str) -> bool:
    return bool(clean(text)) and classify_title(text) is None and not is_placeholder(text)


def _first_h1(lines: Sequence[Line]) -> int | None:
    for i, ln in enumerate(lines):
        if ln.kind is LineKind.HEADING and ln.level == 1 and _names_no_section(ln.text):
            return i
    return None


def _opening(lines: Sequence[Line], after: int = 0) -> int | None:
    """The first line of the text, when it is a heading or a whole bold line naming no
    section ("### Postmortem: the login fiasco", "**Nginx outage of 12 May**"); ``after``: the
    lines before it are already read."""
    first = next((i for i in range(after, len(lines)) if lines[i].kind is not LineKind.BLANK), None)
    if first is None:
        return None
    ln = lines[first]
    if ln.kind is LineKind.HEADING and _names_no_section(ln.text):
        return first
    m = _BOLD_ONLY.match(ln.raw) if ln.kind is LineKind.TEXT else None
    if m and not m["t"].rstrip().endswith(":") and _names_no_section(m["t"]):
        return first
    return None


def _body_lines(lines: Sequence[Line]) -> Sequence[Line]:
    """The lines after a ``+++`` block (its keys are not the text)."""
    first = next((i for i, ln in enumerate(lines) if ln.kind is not LineKind.BLANK), None)
    if first is None or not _TOML_OPEN.match(lines[first].raw):
        return lines
    close = next((i for i in range(first + 1, len(lines)) if _TOML_OPEN.match(lines[i].raw)), None)
    return lines if close is None else lines[close + 1 :]


def _leading_h1(lines: Sequence[Line], meta_title: str | None) -> int | None:
    """A level-1 heading that opens the text and names the document: one naming no section,
    or the only level-1 heading; when the front matter has a title, only that same title.
    The parser leaves this line out of the sections."""
    first = next((i for i, ln in enumerate(lines) if ln.kind is not LineKind.BLANK), None)
    if first is None:
        return None
    ln = lines[first]
    if ln.kind is not LineKind.HEADING or ln.level != 1 or not ln.text:
        return None
    if meta_title is not None and meta_title != ln.text:
        return None
    h1s = sum(1 for x in lines if x.kind is LineKind.HEADING and x.level == 1)
    return first if classify_title(ln.text) is None or h1s == 1 else None


def find(lines: Sequence[Line], meta_title: str | None) -> Found | None:
    """The title the text states, and the line that is only the title (None when the title
    line is also a section, or the front matter states the title)."""
    body = _body_lines(lines)
    skipped = len(lines) - len(body)
    stated = meta_title or toml_title(lines)  # the front matter's words, as written
    leading = _leading_h1(body, stated)
    line = None if leading is None else skipped + leading
    if stated:
        return Found(stated, line)
    after = 0
    if leading is not None and is_placeholder(body[leading].text):
        # The prompt stays in the text (a rewrite keeps it); the title comes from what follows.
        after, leading, line = leading + 1, None, None
    at = leading if leading is not None else _first_h1(body)
    if at is None:
        at = _opening(body, after)
    if at is None:
        return None
    ln = body[at]
    text = ln.text if ln.kind is LineKind.HEADING else ln.raw
    return Found(clean(text), line)


def from_path(path: str | None) -> str | None:
    """The file's name made readable: words instead of dashes, a leading date put last, the
    folder's name for a ``README.md``."""
    if not path:
        return None
    parts = [p for p in _PATH_SEPARATOR.split(path) if p and p not in (".", "..")]
    while parts:
        stem = parts.pop().rsplit(".", 1)[0] if "." in parts[-1][1:] else parts.pop()
        if stem.lower() not in _GENERIC_NAMES or not parts:
            return _humanise(stem) or None
    return None


def _humanise(stem: str) -> str:
    date = None
    m = _DATE.match(stem)
    if m:
        date, stem = m["d"].replace("_", "-"), stem[m.end() :]
    words = " ".join(stem.replace("_", " ").replace("-", " ").split())
    if words and words == words.lower():
        words = words[0].upper() + words[1:]
    if date and words:
        return f"{words} ({date})"
    return words or (date or "")


def display_title(doc: Document) -> str:
    """The one title shown for ``doc`` everywhere: what the text states, else its file name."""
    return doc.title or from_path(doc.path) or UNTITLED


def split(lines: Sequence[Line], meta_title: str | None) -> tuple[str | None, list[Line]]:
    """The title the text states and the lines left for the sections (the parser's step)."""
    found = find(lines, meta_title)
    if found is None:
        return None, list(lines)
    at = found.line
    if at is None:
        return found.title, list(lines)
    if all(ln.kind is LineKind.BLANK for ln in lines[:at]):
        return found.title, list(lines[at + 1 :])
    return found.title, [*lines[:at], *lines[at + 1 :]]
