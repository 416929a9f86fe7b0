"""Causes by category: the front matter's ``cause_category`` when set, otherwise a guess from the
root cause's words. The keyword table is data, declared once."""

from __future__ import annotations

import re

from postmortems.document.model import CauseCategory

KEYWORDS: dict[CauseCategory, tuple[str, ...]] = {
    CauseCategory.SECURITY_ISSUE: (
        "attack", "phish", "compromis", "malicious", "exploit", "vulnerab", "ddos", "breach",
        "credential", "unauthori", "abuse",
    ),
    CauseCategory.TRAFFIC_SPIKE: ("traffic spike", "surge", "spike in", "sudden increase", "flood"),
    CauseCategory.CAPACITY: (
        "capacity", "out of memory", "memory leak", "disk full", "disk space", "exhaust",
        "too many open files", "ulimit", "cpu", "overload", "resource",
    ),
    CauseCategory.CONFIG: (
        "config", "misconfigur", "typo", "setting", "wrong port", "permission", "certificate",
        "dns", "firewall", "env var", "environment variable", "nginx.conf", "path",
    ),
    CauseCategory.DEPENDENCY: (
        "third-party", "third party", "upstream", "provider", "vendor", "dependency", "api of",
        "aws", "cloud",
    ),
    CauseCategory.HARDWARE_FAILURE: ("hardware", "disk failure", "power", "network card", "cable"),
    CauseCategory.NATURAL_DISASTER: ("earthquake", "flood", "storm", "fire", "hurricane"),
    CauseCategory.HUMAN_ERROR: ("human error", "accidentally", "manual", "mistake", "by hand"),
    CauseCategory.BUG: ("bug", "regression", "code", "deploy", "release", "exception", "null"),
}  # fmt: skip

_PATTERNS = [
    (cat, re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE))
    for cat, words in KEYWORDS.items()
]


def categorize(stated: str | None, root_cause: str | None) -> str:
    """The cause category of one postmortem (``other`` when nothing fits)."""
    if stated:
        return stated
    if root_cause:
        for cat, pattern in _PATTERNS:
            if pattern.search(root_cause):
                return cat.value
    return CauseCategory.OTHER.value
