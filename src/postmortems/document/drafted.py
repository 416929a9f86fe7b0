"""The parts of a postmortem drafted from an incident's record, and the lines people wrote in them.

A draft written from an incident (:mod:`postmortems.incident.draft`) puts each part it generates
between two comments, which a rendered page does not show::

    <!-- generated:timeline from INC-2026-0042 (lines as drafted: 3fa2c1 77b0de; …) -->
    - 04:00 PST - Detected by an alert (alertmanager/prod): HighErrorRate.
    - 04:02 PST - Paged: alice.
    <!-- end generated:timeline -->

The opening comment lists a short fingerprint of each line as it was drafted. A line of the part
whose fingerprint is listed is still the record's; any other line is people's: one they added,
or a drafted one they edited. So an update from the incident brings only the record's lines up
to date, and the search index and the summary card read people's lines as what people wrote. A
part written before the fingerprints (no list) is the record's as a whole for the index and the
card, and people's for an update, which then only adds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from postmortems.document.model import SectionKind

# How this is read; rendered into docs/format.md by formatdoc.
READING_RULES = """\
## Parts drafted from an incident

A postmortem drafted from an incident (`pm incident postmortem`, the server's *Write the
postmortem*) holds the parts the incident's record wrote — the summary's sentence, the timeline,
how it was resolved — between two comments a rendered page does not show:

```markdown
<!-- generated:summary from INC-2026-0042 (lines as drafted: cf0f45; a line you edit is yours) -->
From 2026-02-12 04:00 PST to 2026-02-12 06:30 PST (2 hours 30 minutes), checkout-api was affected.
<!-- end generated:summary -->
```

The opening comment lists a fingerprint of each line as drafted (the first 6 hex digits of the
SHA-256 of the line without its surrounding spaces). A line whose fingerprint is listed is the
record's; any other line between the comments is people's, edited or added. When the incident
changes, the update it offers changes only the record's lines; delete both comments to make a
whole part yours.

"""

OPEN = re.compile(r"<!-- generated:(?P<name>[a-z]+)\b(?P<head>.*)-->\s*")
_LIST = "lines as drafted:"
_HINT = "a line you edit is yours"
DIGITS = 6
_HEX = frozenset("0123456789abcdef")


def fingerprint(line: str) -> str:
    """The short fingerprint of a drafted line (its spaces around it left out)."""
    return hashlib.sha256(line.strip().encode("utf-8")).hexdigest()[:DIGITS]


def opening(name: str, source: str, lines: Iterable[str]) -> str:
    """The comment that opens the part ``name`` drafted from ``source`` with ``lines``."""
    prints = " ".join(fingerprint(line) for line in lines if line.strip())
    return f"<!-- generated:{name} from {source} ({_LIST} {prints}; {_HINT}) -->"


def closing(name: str) -> str:
    return f"<!-- end generated:{name} -->"


def _prints(head: str) -> frozenset[str] | None:
    """The fingerprints an opening comment lists (None: it lists none, an older draft)."""
    _, found, rest = head.partition(_LIST)
    if not found:
        return None
    words = rest.split(";", 1)[0].split(")", 1)[0].split()
    return frozenset(w for w in words if len(w) == DIGITS and set(w) <= _HEX)


@dataclass(frozen=True, slots=True)
class Region:
    """One drafted part: its name, where its lines are in the text (indexes of ``lines``), the
    opening comment's source (``from INC-…``) and the fingerprints it lists."""

    name: str
    source: str
    prints: frozenset[str] | None  # None: an older draft, which listed none
    open_at: int  # the index of the opening comment's line
    close_at: int  # the index of the closing comment's line

    def listed(self, line: str) -> bool:
        """Whether ``line`` (of this part) is still as drafted: its fingerprint is listed."""
        return self.prints is not None and fingerprint(line) in self.prints

    def drafted(self, line: str) -> bool:
        """Whether ``line`` is the record's for a reader of the text: listed, or any line of a
        part that lists none (an older draft)."""
        return self.prints is None or self.listed(line)

    def people_changed_drafted(self, body: Sequence[str]) -> bool:
        """Whether people edited or took out a drafted line of ``body`` (this part's lines);
        always, for an older draft: its drafted lines are not known."""
        if self.prints is None:
            return True
        return not self.prints <= {fingerprint(line) for line in body if line.strip()}


def regions(lines: Sequence[str]) -> list[Region]:
    """The drafted parts of a text given as its lines (without line ends), in order.

    One pass: a part opens at a ``<!-- generated:NAME …-->`` line and closes at the first
    ``<!-- end generated:NAME -->`` line after it; a part never closed is no part."""
    out: list[Region] = []
    current: tuple[str, str, frozenset[str] | None, int] | None = None
    for i, line in enumerate(lines):
        if current is None:
            m = OPEN.fullmatch(line)
            if m is not None:
                head = m["head"].strip()
                source = head[5:].split(None, 1)[0] if head.startswith("from ") else ""
                current = (m["name"], source, _prints(head), i)
        elif line.strip() == closing(current[0]):
            out.append(Region(current[0], current[1], current[2], current[3], i))
            current = None
    return out


def split(text: str) -> tuple[str, str]:
    """``text`` without its drafted lines and the comments around them, and those drafted
    lines: what people wrote, apart from what the record says."""
    lines = text.split("\n")
    found = regions(lines)
    if not found:
        return text, ""
    keep = [True] * len(lines)
    drafted: list[str] = []
    for region in found:
        keep[region.open_at] = keep[region.close_at] = False
        for i in range(region.open_at + 1, region.close_at):
            if lines[i].strip() and region.drafted(lines[i]):
                keep[i] = False
                drafted.append(lines[i] + "\n")
    people = "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)
    return people, "".join(drafted)


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


def cause_and_drafted(kinds: Iterable[SectionKind], text: str) -> tuple[str, str]:
    """The ``text`` of a section of ``kinds`` as a comparison of causes reads it, and the lines
    it holds that are still as drafted from an incident's record (to be read with the rest of
    the text): a section that tells the cause (:data:`CAUSE_KINDS`) without them; any other
    section whole. Similar incidents and the repeat check on the server, ``pm similar`` and
    ``pm lint --library`` all read the cause through it."""
    if CAUSE_KINDS.isdisjoint(kinds):
        return text, ""
    return split(text)
