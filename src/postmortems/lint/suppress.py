"""Inline suppression comments.

- ``<!-- pm: disable=PM601,PM3 -->`` silences those codes (or prefixes) in the whole file;
- ``<!-- pm: disable-next-line=PM302 -->`` silences them on the next non-blank line;
- ``<!-- pm: disable-line=PM302 -->`` silences them on its own line.

``all`` stands for every code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMMENT = re.compile(
    r"<!--\s*pm:\s*(?P<what>disable|disable-next-line|disable-line)\s*=\s*"
    r"(?P<codes>[\w, ]+?)\s*-->",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Suppressions:
    """The codes inline comments switch off: for the whole file, and per line."""

    file: set[str] = field(default_factory=set)
    lines: dict[int, set[str]] = field(default_factory=dict)

    def covers(self, code: str, line: int) -> bool:
        prefixes = self.file | self.lines.get(line, set())
        return any(code.startswith(p) for p in prefixes)


def _codes(text: str) -> set[str]:
    out = set()
    for part in text.split(","):
        code = part.strip().upper()
        if code:
            out.add("PM" if code == "ALL" else code)
    return out


def find(source: str) -> Suppressions:
    found = Suppressions()
    if "pm:" not in source:
        return found
    lines = source.split("\n")
    for index, line in enumerate(lines):
        for m in _COMMENT.finditer(line):
            codes = _codes(m["codes"])
            what = m["what"].lower()
            if what == "disable":
                found.file |= codes
            elif what == "disable-line":
                found.lines.setdefault(index + 1, set()).update(codes)
            else:
                target = next(
                    (j for j in range(index + 1, len(lines)) if lines[j].strip()), index + 1
                )
                found.lines.setdefault(target + 1, set()).update(codes)
    return found
