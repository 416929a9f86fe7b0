"""The parts of a postmortem drafted from an incident's record; the sections that tell the cause.

A postmortem written from an incident (:mod:`postmortems.incident.draft`) holds generated parts
between ``<!-- generated:NAME … -->`` and ``<!-- end generated:NAME -->`` lines: "From 15:34 to
16:34 BST, api-gateway and search were affected", "Mitigated at 16:04 BST: Status changed from
identified to monitoring". They are the record's words, not what people wrote about the cause.
Whatever compares causes (similar incidents and the repeat check on the server, ``pm similar``
and ``pm lint --library`` in the CLI) reads a section that tells the cause through
:func:`cause_and_drafted`, so all of them read the same cause text.

The parts are found by a scan, not by one pattern spanning a part: a text of many opening lines
without their end line (hostile, or half deleted) would have a pattern look for each one's end
to the end of the text.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from postmortems.document.model import SectionKind

_OPEN = re.compile(r"^<!-- generated:(?P<name>[a-z]+)\b[^\n]*-->\n", re.MULTILINE)
_END = re.compile(r"^<!-- end generated:(?P<name>[a-z]+) -->$", re.MULTILINE)

# The sections whose words are read as the incident's cause (the server's search index keeps
# them as its cause part, root cause first).
CAUSE_KINDS = frozenset(
    {
        SectionKind.SUMMARY,
        SectionKind.ROOT_CAUSE,
        SectionKind.ROOT_CAUSE_AND_RESOLUTION,
        SectionKind.TRIGGER,
    }
)


@dataclass(frozen=True, slots=True)
class Region:
    """One generated part: ``text[start:end]`` with its marker lines, ``text[body_start:body_end]``
    the lines between them."""

    name: str
    start: int
    body_start: int
    body_end: int
    end: int


def regions(text: str) -> list[Region]:
    """The generated parts of ``text`` in order: an opening line, then the first end line of the
    same name after it; an opening line with no end line after it marks nothing, and a part never
    starts inside another."""
    ends: dict[str, list[int]] = defaultdict(list)
    for found in _END.finditer(text):
        ends[found["name"]].append(found.start())
    out: list[Region] = []
    for opening in _OPEN.finditer(text):
        name, after = opening["name"], opening.end()
        closes = ends.get(name, [])
        n = bisect.bisect_left(closes, after)
        if (out and opening.start() < out[-1].end) or n == len(closes):
            continue
        close = closes[n]
        out.append(Region(name, opening.start(), after, close, close + len(_end_line(name))))
    return out


def _end_line(name: str) -> str:
    return f"<!-- end generated:{name} -->"


def split_generated(text: str) -> tuple[str, str]:
    """``text`` without its generated parts (marker lines and all), and those parts' lines."""
    found = regions(text)
    if not found:
        return text, ""
    kept, drafted, at = [], [], 0
    for part in found:
        kept.append(text[at : part.start])
        drafted.append(text[part.body_start : part.body_end])
        at = part.end
    kept.append(text[at:])
    return "".join(kept), "".join(drafted)


def replace_generated(text: str, new: dict[str, str]) -> str:
    """``text`` with each generated part named in ``new`` given that body (its marker lines
    kept)."""
    out, at = [], 0
    for part in regions(text):
        if part.name in new:
            out += [text[at : part.body_start], new[part.name]]
            at = part.body_end
    return "".join(out) + text[at:]


def cause_and_drafted(kinds: Iterable[SectionKind], text: str) -> tuple[str, str]:
    """The ``text`` of a section of ``kinds`` as a comparison of causes reads it, and the lines
    it holds that were drafted from an incident's record (to be read with the rest of the text):
    a section that tells the cause (:data:`CAUSE_KINDS`) without its generated parts; any other
    section whole."""
    if CAUSE_KINDS.isdisjoint(kinds):
        return text, ""
    return split_generated(text)
