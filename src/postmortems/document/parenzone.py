"""A zone written in parentheses ("Duration: 45 minutes (PST)", "| Time (UTC) |"): the last
place :func:`postmortems.document.summarytimes.first_zone` looks, when no time in the document
carries a zone; a document whose times carry one never compiles this pattern.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from postmortems.document.timeparse import ZONE_PATTERN
from postmortems.document.zones import Zone, zone_from_text

_PAREN_ZONE = re.compile(
    r"\((?:all\s+)?(?:times?\s+(?:in\s+)?)?(?P<zone>" + ZONE_PATTERN + r")\)", re.IGNORECASE
)


def paren_zone(texts: Sequence[str], zones: Mapping[str, int] | None = None) -> Zone | None:
    """The first zone written in parentheses in these texts (a short word only in capitals)."""
    for text in texts:
        for m in _PAREN_ZONE.finditer(text):
            word = m["zone"]
            if word.isalpha() and len(word) <= 4 and not word.isupper():
                continue
            zone = zone_from_text(word, zones)
            if zone is not None:
                return zone
    return None
