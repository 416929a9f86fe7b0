"""Regular expressions compiled on first use.

Compiling the parser's and the rules' expressions at import took a good share of a `pm lint FILE`
process, and many of them are never used on a given document (a cue for a section the document
does not have, a zone form it does not use). :func:`lazy_compile` returns a stand-in that compiles
on its first method call and then holds the compiled pattern's bound methods as its own, so later
calls cost what calls on the compiled pattern cost.
"""

from __future__ import annotations

import re
from typing import Any, cast

_FORWARDED = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "scanner",
    "flags",
    "groups",
    "groupindex",
)


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Only called for names not yet in the instance dict, so once per forwarded name at most.
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self._flags)
        for attribute in _FORWARDED:
            self.__dict__[attribute] = getattr(compiled, attribute)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self._flags!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """What ``re.compile(pattern, flags)`` gives, compiled when first used.

    Use it for module-level patterns used only through their methods (``search``, ``finditer``…)
    and ``pattern``; it is not an instance of ``re.Pattern`` for ``isinstance`` or ``re.sub``.
    """
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
