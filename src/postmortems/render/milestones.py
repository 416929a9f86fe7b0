"""What each timeline entry is about, from its words: detection, escalation, mitigation,
resolution, a misleading path, or an ordinary action. Keyword tables are data, declared once."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Sequence

from postmortems.document.model import TimelineEntry


class Mark(enum.StrEnum):
    DETECTED = "detected"
    ESCALATED = "escalated"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    MISLEADING = "misleading"
    ACTION = "action"


MILESTONES = (Mark.DETECTED, Mark.ESCALATED, Mark.MITIGATED, Mark.RESOLVED)

# Checked in this order: the first family whose pattern matches wins. Misleading comes first
# because "assumed the database was down and restarted it" is a dead end, not a mitigation.
KEYWORDS: dict[Mark, tuple[str, ...]] = {
    Mark.MISLEADING: (
        "misleading", "red herring", "wrong", "turned out", "incorrect", "assum", "suspect",
        "not the cause", "dead end", "false lead", "no effect", "no improvement",
        "didn't help", "did not help", "ruled out", "errors continue", "still fail",
        "no change", "unrelated", "coincidence", "initially thought", "believed",
    ),
    Mark.RESOLVED: (
        "resolved", "fixed", "incident closed", "closed the incident", "back to normal",
        "fully operational", "fully restored", "all clear", "resumed normal", "normal operation",
        "service restored", "confirmed healthy", "is closed",
    ),
    Mark.ESCALATED: (
        "escalat", "looped in", "called in", "joined the", "joins the", "paged the",
        "notified the", "brought in", "handed over", "war room", "incident commander",
    ),
    Mark.MITIGATED: (
        "mitigat", "rolled back", "rollback", "roll back", "workaround", "restart", "failover",
        "fail over", "failed over", "reverted", "revert", "recover", "drops to", "dropped to",
        "scaled up", "reloaded", "patched", "deployed a fix", "deployed the fix", "hotfix",
    ),
    Mark.DETECTED: (
        "alert", "alarm", "detect", "noticed", "paged", "pager", "monitoring", "reported",
        "complain", "spotted", "discovered", "observed", "flagged", "first report",
    ),
}  # fmt: skip

_PATTERNS = {
    mark: re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    for mark, words in KEYWORDS.items()
}


@functools.lru_cache(maxsize=8192)
def classify(text: str) -> Mark:
    """The family of one entry's text (``ACTION`` when no keyword matches)."""
    for mark, pattern in _PATTERNS.items():
        if pattern.search(text):
            return mark
    return Mark.ACTION


def milestones(entries: Sequence[TimelineEntry]) -> dict[Mark, int]:
    """Index of the entry that marks each milestone: the first detection, escalation and
    mitigation, and the last resolution."""
    found: dict[Mark, int] = {}
    for i, entry in enumerate(entries):
        mark = classify(entry.text)
        if mark is Mark.RESOLVED or (mark in MILESTONES and mark not in found):
            found[mark] = i
    return found
