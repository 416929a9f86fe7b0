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


SPRING_FORWARD = """---
timezone: Australia/Sydney
---
# Payments queue stalled the night the clocks went forward

## Summary

From 01:30 to 03:30 on 6 October 2024 (1 hour: the clocks went forward at 02:00) the payments
queue in Sydney stalled and about 12% of users could not pay. The root cause was a scheduler
that computed its next run in local time and found no 02:30 that night.

## Timeline

- 01:30 - Queue depth alert fires.
- 01:45 - On-call restarts the consumer; no change.
- 03:10 - On-call finds the scheduler waiting for 02:30.
- 03:30 - Scheduler restarted with a UTC next-run; queue drains.

## Root cause and resolution

The scheduler computed its next run in local wall-clock time. On the night the clocks went
forward the hour from 02:00 to 03:00 did not exist, so the run planned for 02:30 never came.
We restarted it with a UTC-based schedule.

## Corrective and preventative measures

- [ ] Compute every next run in UTC (owner: @li, due: 2024-11-01)
"""


def test_a_stated_length_across_a_spring_forward_is_the_time_between_the_instants() -> None:
    """01:30 to 03:30 the night Sydney's clocks skip 02:00–03:00 is 1 h, as the summary says."""
    found = [v.code for v in lint_text(SPRING_FORWARD, path="pm.md")]
    assert "PM205" not in found
    # in a zone without that change, the same clock times are 2 h apart
    wrong = SPRING_FORWARD.replace("timezone: Australia/Sydney", "timezone: Asia/Tokyo")
    assert "PM205" in [v.code for v in lint_text(wrong, path="pm.md")]
