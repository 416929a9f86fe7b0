"""`lint_text` never raises on bad text, and what it returns always points into the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.lint import Severity, lint_text
from postmortems.lint.registry import all_rules

CODES = {r.code for r in all_rules()}
PIECES = st.sampled_from(
    [
        "---\n",
        "title: x\n",
        "timezone: PST\n",
        "started: 2024-02-30T99:00\n",
        ": :\n",
        "## Issue Summary\n",
        "## Timeline\n",
        "## Root Cause\n",
        "### Resolution\n",
        "**Timeline:**\n",
        "## Corrective and Preventative Measures\n",
        "- 23:50 PST - alert\n",
        "- 00:10 - rolled back\n",
        "1. 14:00 UTC: escalated\n",
        "- [ ] Add monitoring\n",
        "| 10:00 | a |\n|---|---|\n",
        "```\ncode\n```\n",
        "<!-- pm: disable=PM3 -->\n",
        "<!-- pm: disable-next-line=PM302\n",
        "From 04:00 to 06:30 PST (2 hours), 75% of users.\n",
        "The root cause was human error.\n",
        "\r\n",
        "\t\n",
        "\ufeff",
        "   ",
        "é ü 中文\n",
        "https://example.com\n",
        "[link](http://x)\n",
        "Alice carelessly broke it.\n",
    ]
)


@settings(max_examples=150)
@given(st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=25))
def test_lint_text_never_raises_and_points_into_the_text(parts: list[str]) -> None:
    text = "".join(parts)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    for v in lint_text(text, path="fuzz.md"):
        assert v.code in CODES
        assert isinstance(v.severity, Severity)
        assert "internal error" not in v.message, v.message
        assert 1 <= v.line <= max(1, len(lines))
        assert v.line <= v.end_line
        assert v.column >= 1
