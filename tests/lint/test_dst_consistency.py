"""PM701 and PM707 across a DST change: the document's own zone on both sides is one zone."""

from __future__ import annotations

from postmortems.lint import lint_text

DRAFT = """---
timezone: Europe/Berlin
started: 2026-03-29T01:30+01:00
resolved: 2026-03-29T03:15+02:00
---

## Issue Summary

From 2026-03-29 01:30 CET to 2026-03-29 03:15 CEST (45 minutes), checkout-api returned errors
to every user who tried to pay, because an expired certificate broke the payment provider calls.

## Timeline

- 01:30 CET - Alert fired: checkout errors above 5%.
- 01:50 CET - Escalated to the platform team.
- {last} - Renewed the certificate; checkout is back online.

## Root Cause and Resolution

The certificate of the payment provider's client expired because its renewal job had been
disabled during a migration and nobody re-enabled it. We renewed it by hand and restarted.
"""


def codes(text: str) -> list[str]:
    return [v.code for v in lint_text(text, path="pm.md") if v.code in ("PM701", "PM707")]


def test_the_same_zone_after_a_dst_change_is_no_mismatch() -> None:
    assert codes(DRAFT.format(last="03:15 CEST")) == []


def test_another_zone_is_still_a_mismatch() -> None:
    assert codes(DRAFT.format(last="01:15 UTC")) == ["PM707"]
    wrong_zone = DRAFT.replace("timezone: Europe/Berlin", "timezone: America/New_York")
    # New York is not the zone the summary's CET and the timeline's CEST belong to
    assert codes(wrong_zone.format(last="03:15 CEST")) == ["PM701", "PM707"]
