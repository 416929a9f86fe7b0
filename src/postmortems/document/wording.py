"""Word lists as patterns: most readers look for one of many words or phrases, whole and in
any case ("resolved", "rolled back", "back to normal")."""

from __future__ import annotations

import re


def any_word(alternatives: str) -> re.Pattern[str]:
    r"""A pattern for one of ``alternatives`` (regular expressions joined by ``|``) as whole
    words, in any case: ``\b(?:alternatives)\b`` with IGNORECASE."""
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
