"""What a rule sees: the parsed document, its source lines and the profile's options."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postmortems.document import statuslog
from postmortems.document.frontblock import split as split_front_matter
from postmortems.document.frontblock import unclosed
from postmortems.document.lines import Line, LineKind, split_lines
from postmortems.document.markup import TAG, URL
from postmortems.document.model import Document, Section, SectionKind
from postmortems.errors import PostmortemsError

if TYPE_CHECKING:
    from postmortems.lint.library import Library

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^)\[]*\)")
_INLINE_CODE = re.compile(r"`[^`]*`")


def prose_words(text: str) -> int:
    """Words a reader reads: no URLs, link targets, HTML tags, inline code or markup."""
    text = _MD_LINK.sub(r"\1", text)
    text = URL.sub(" ", text)
    text = TAG.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    return len(_WORD.findall(text))


@dataclass
class Context:
    """The document a rule checks, with the profile's options and a cache rules share."""

    doc: Document
    profile: str
    options: Mapping[str, Any]
    parse_error: PostmortemsError | None = None
    library: Library | None = None  # earlier postmortems (`pm lint --library`), for PM8xx
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def source_lines(self) -> list[str]:
        if "src" not in self._cache:
            self._cache["src"] = self.doc.source.split("\n")
        lines: list[str] = self._cache["src"]
        return lines

    def source_line(self, number: int) -> str:
        lines = self.source_lines
        return lines[number - 1] if 0 < number <= len(lines) else ""

    @functools.cached_property
    def unclosed_end(self) -> int | None:
        """Where the closing ``---`` of front matter left open belongs (None: not left open)."""
        return unclosed(self.doc.source)

    @functools.cached_property
    def body_start(self) -> int:
        """First line after the front matter (1-based), closed or not."""
        end = self.unclosed_end
        if end is not None:
            return end
        lines = self.source_lines
        if lines and lines[0].strip() == "---":
            for i in range(1, len(lines)):
                if lines[i].strip() in ("---", "..."):
                    return i + 2
        return 1

    @functools.cached_property
    def lines(self) -> list[Line]:
        """Every source line classified (front-matter lines are blank), numbered in the file."""
        _yaml, body, offset = split_front_matter(self.doc.source)
        if not offset and (end := self.unclosed_end) is not None:
            offset = end - 1  # fields whose closing --- is missing are not prose either
            body = "\n".join(self.doc.source.split("\n")[offset:])
        if not offset:
            return split_lines(body)
        blank = [Line(n, "", LineKind.BLANK) for n in range(1, offset + 1)]
        return blank + split_lines(body, offset)

    @functools.cached_property
    def parts(self) -> dict[str, bool]:
        """Which parts of the format the document has (see :mod:`postmortems.lint.presence`)."""
        from postmortems.lint.presence import present

        return present(self.doc)

    def sections(self, *kinds: SectionKind) -> list[Section]:
        return [s for s in self.doc.sections if s.kind in kinds]

    def section_lines(self, section: Section) -> list[Line]:
        """The lines of a section after its heading line."""
        start, end = section.span.start, section.span.end
        return [ln for ln in self.lines[start:end] if ln.kind is not LineKind.CODE]

    def section_text(self, section: Section, *, with_marker: bool = True) -> str:
        """Raw text of a section (without code blocks or comments)."""
        parts = []
        if with_marker:
            parts.append(_after_label(self.source_line(section.span.start)))
        parts += [ln.raw for ln in self.section_lines(section) if ln.kind is not LineKind.COMMENT]
        return "\n".join(parts)

    def text_of(self, kinds: Iterable[SectionKind]) -> str:
        wanted = set(kinds)
        return "\n".join(self.section_text(s) for s in self.doc.sections if s.kind in wanted)

    @functools.cached_property
    def summary_text(self) -> str:
        return self.text_of((SectionKind.SUMMARY, SectionKind.IMPACT))

    @functools.cached_property
    def prose_lines(self) -> list[Line]:
        """Lines a reader reads as prose or lists (no code, comments, front matter)."""
        keep = (LineKind.TEXT, LineKind.LIST, LineKind.HEADING, LineKind.TABLE)
        return [ln for ln in self.lines if ln.kind in keep]

    def find_line(
        self, pattern: re.Pattern[str], lines: Iterable[Line]
    ) -> Iterator[tuple[Line, re.Match[str]]]:
        for ln in lines:
            for m in pattern.finditer(ln.raw):
                yield ln, m

    def heading_line(self, kind: SectionKind) -> int:
        section = self.doc.section(kind)
        return section.span.start if section else self.body_start

    def is_update_log(self, section: Section) -> bool:
        """Whether the reader made ``section`` of a status page's update log ("**Resolved** -
        …" over its time): a timeline written so, with no heading or bullets of its own."""
        return section.kind is SectionKind.TIMELINE and statuslog.opens_update(
            self.lines[section.span.start - 1]
        )


_LABEL = re.compile(r"^\s*+(?:[#>*_\s-]*+)[^:]{1,60}:\s*(?:\*\*|__)?\s*")


def _after_label(line: str) -> str:
    """Text written on the heading line after ``Label:`` (``Root cause: the disk filled``)."""
    if line.lstrip().startswith("#"):
        return ""
    m = _LABEL.match(line)
    return line[m.end() :] if m else ""


# A source line written as a list item, in the parts a fix rewrites: the indent, the marker
# (`-`, `*`, `+`, `•`, `1.`, `1)`) and the rest.
LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*+•]|\d{1,3}[.)])\s+(?P<rest>.*)$")
