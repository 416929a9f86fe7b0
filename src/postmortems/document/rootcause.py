"""The sentence of a summary that names the root cause."""

from __future__ import annotations

import re

_ROOT = re.compile(r"\broot(?:[- ]?|[ \t]*\n[ \t]*)cause", re.IGNORECASE)  # "root\ncause": wrapped


_BREAK = re.compile(r"[.!?](?=\s|$)|\n[ \t]*\n|\n[ \t]*(?:[-*+]\s|\d{1,3}[.)]\s|#)")


def root_cause_sentence(text: str) -> str | None:
    """The sentence that names the root cause, its wrapped lines joined."""
    m = _ROOT.search(text)
    if not m:
        return None
    start = 0
    for b in _BREAK.finditer(text, max(0, m.start() - 800), m.start()):
        start = b.end()
    end_match = _BREAK.search(text, m.end())
    end = (
        len(text)
        if end_match is None
        else end_match.start() + (1 if end_match.group(0)[:1] in ".!?" else 0)
    )
    sentence = " ".join(text[start:end].split())
    return sentence.lstrip("-*+#>: ").strip() or None
