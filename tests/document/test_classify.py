"""Postmortems versus files that are not."""

from __future__ import annotations

import pytest

from postmortems.document import parse
from postmortems.document.extract import extract
from postmortems.document.model import DocKind

INCIDENT = """# Checkout outage

## Issue Summary

From 10:00 to 11:30 UTC on May 3, 2024 checkout failed for 40% of users because a
certificate expired.

## Timeline

- 10:00 - alert fired
- 10:20 - engineers found the expired certificate
- 11:30 - new certificate deployed, errors stopped

## Root Cause and Resolution

The certificate was issued by hand and nobody renewed it. We issued a new one.

## Corrective and Preventative Measures

- Automate renewal
- Alert 14 days before expiry
"""

GUIDE = """# Writing an Effective Postmortem

A postmortem is a written record of an incident. This section explains how to write one.

## Issue Summary

Provide a brief summary of the issue: what happened, the duration and the impact. You should
describe the root cause in one sentence.

## Timeline

Describe the events in order. Each entry should include a time.

## Corrective Measures

List what should be done so that it does not happen again.
"""

TEMPLATE = """# [Incident title]

## Issue Summary

[Describe the issue]

## Timeline

- HH:MM - [what happened]
- HH:MM - [what happened]

## Root Cause

[insert root cause]

## Corrective Measures

- [ ] TBD
"""

ASSIGNMENT = """# 0x19. Postmortem

Using one of the web stack debugging project issue or an outage you have faced, write a
postmortem. Most of you will never have faced an outage, so just get creative and invent one.

Requirements:

Issue Summary section (that is often what executives will read) must contain: duration of the
outage with start and end times, what was the impact, what was the root cause.
Timeline: be brief and straight to the point. Your post-mortem must be 400 to 600 words.
"""

INDEX = "# Postmortems\n\nA collection of postmortems from public companies.\n\n" + "\n".join(
    f"* [Company {i} outage](https://example.com/pm/{i}) - database failover went wrong."
    for i in range(20)
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (INCIDENT, DocKind.POSTMORTEM),
        ("https://medium.com/@me/my-first-postmortem-123\n", DocKind.LINK_ONLY),
        ("# Postmortem\n\nComing soon.\n", DocKind.PLACEHOLDER),
        ("", DocKind.PLACEHOLDER),
        (GUIDE, DocKind.GUIDE),
        (TEMPLATE, DocKind.TEMPLATE),
        (ASSIGNMENT, DocKind.ASSIGNMENT),
        (INDEX, DocKind.INDEX),
    ],
)
def test_kinds(text: str, kind: DocKind) -> None:
    doc = parse(text)
    assert doc.kind is kind
    assert doc.is_postmortem is (kind is DocKind.POSTMORTEM)
    assert (doc.kind_reason == "") is (kind is DocKind.POSTMORTEM)


RUNBOOK = """# Runbook: rotating the internal TLS certificates

This runbook describes how to rotate the certificates issued by the internal CA. Run it once a
quarter or when an expiry alert fires.

## Prerequisites

- Access to the `pki` Vault namespace and the `certctl` command, version 2.3 or newer.

## Steps

1. List the certificates that expire within 30 days: `certctl list --expiring 30d`.
2. For each one, issue a replacement and reload nginx on the hosts that serve it.
3. Check the new expiry date of each certificate with `certctl show`.
"""

HANDOFF = """# On-call handoff — week 19

Outgoing: @maria. Incoming: @tomas.

## Open issues

- The nightly backup on db-7 took 3 hours again; ticket OPS-881 is open with storage.
- Alert "kafka consumer lag" fired twice on Tuesday at 14:10 and 16:45; both cleared.

## Pages this week

| Day | Time | Alert | Action |
| --- | --- | --- | --- |
| Mon | 02:14 | disk full on logs-2 | rotated logs |
| Thu | 09:30 | cert expiry < 14 days | renewed cert |
"""


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (RUNBOOK, DocKind.GUIDE),
        (HANDOFF, DocKind.NOTES),
        (HANDOFF.replace("On-call handoff", "SRE weekly sync"), DocKind.NOTES),
        # the same titles over a told incident: a postmortem
        (
            HANDOFF.replace(
                "## Open issues",
                "## Root cause\n\nA handoff missed the disk alert "
                "because the outgoing engineer's notes were in a chat thread.\n\n## Open issues",
            ),
            DocKind.POSTMORTEM,
        ),
    ],
)
def test_runbooks_and_notes_are_not_postmortems(text: str, kind: DocKind) -> None:
    assert parse(text).kind is kind


def test_untimed_narrative_is_still_a_postmortem() -> None:
    text = (
        "# Survey project postmortem\n\n## Issue Summary\n\nOur survey ran for a month and got "
        "few answers. We noticed the problem late, and the team realized the form was broken "
        "on phones; it failed for most visitors. We fixed the form and resolved the problem, "
        "but too late.\n\n## Timeline\n\nThe survey ran from May 1st to May 31st.\n"
    )
    assert parse(text).is_postmortem


def test_unknown_times_after_known_dates_are_no_template() -> None:
    """A written postmortem marks the times it does not know ("2023-04-?? HH:mm"): the marks
    are not slots left to fill, as "YYYY-MM-DD HH:mm" would be."""
    text = (
        "# Queue backlog\n\n## Summary\n\nOrders waited for hours because a worker pool was "
        "scaled to zero by a cleanup script that nobody had reviewed since last year.\n\n"
        "## Timeline\n\nAll times in UTC.\n\n| Time | Event |\n| --- | --- |\n"
        "| 2023-04-?? HH:mm | The cleanup script was changed |\n"
        "| 2023-04-18 HH:mm | A customer reported late orders |\n"
        "| 2023-04-18 HH:mm | The worker pool was found at zero |\n"
        "| 2023-04-19 09:10 | The pool was scaled back up |\n\n"
        "## Action Items\n\n- Review the cleanup script\n"
    )
    assert parse(text).kind is DocKind.POSTMORTEM
    blank = text.replace("2023-04-18 HH:mm", "YYYY-MM-DD HH:mm")
    blank = blank.replace("2023-04-19 09:10", "HH:mm")
    assert parse(blank).kind is DocKind.TEMPLATE


WRAPPED = """Sure! Here is the postmortem you asked for:

```markdown
# Login outage

## Issue Summary

From 09:00 to 09:40 UTC on 2024-03-05, logins failed for 30% of users because a cache
node ran out of memory.

## Timeline

- 09:00 - Error rate alert on the login service
- 09:15 - The cache node was found out of memory
- 09:40 - The node was restarted and logins recovered

## Corrective and Preventative Measures

- Add a memory alert on every cache node
- Raise the cache node's memory limit
"""


@pytest.mark.parametrize("closing", ["", "```\n", "```\n\nHope this helps!\n"])
def test_a_report_wrapped_in_one_markdown_fence_is_read(closing: str) -> None:
    """A chat answer's report sits in a ```markdown fence under a line of preamble, often never
    closed: the fence holds the document's headings, so the document is inside it."""
    doc = parse(WRAPPED + closing)
    got = extract(doc)
    assert doc.kind is DocKind.POSTMORTEM
    assert got["sections"]["timeline"]
    assert got["sections"]["todo_list"]
    assert (got["start"], got["end"], got["duration_minutes"]) == (
        "2024-03-05 09:00",
        "2024-03-05 09:40",
        40,
    )
    assert len(got["timeline"]) == 3
    assert len(got["action_items"]) == 2


def test_a_fenced_example_beside_the_documents_headings_stays_code() -> None:
    text = WRAPPED.replace("Sure! Here is the postmortem you asked for:", "# Our template\n")
    assert not extract(parse(text + "```\n"))["timeline"]


def test_a_help_page_whose_only_timeline_is_an_example_tells_no_incident() -> None:
    text = (
        "# Understanding our status updates\n\nHow we keep you informed while a service is"
        " down and once it is back.\n\n## Update stages\n\n| Stage | Meaning |\n| --- | --- |\n"
        "| Investigating | We are looking into reports |\n| Resolved | The service works again"
        " |\n\n## A sample timeline\n\n**14:02 UTC – Investigating**\n\nWe are looking into"
        " slow page loads for some customers.\n\n**14:40 UTC – Resolved**\n\nA faulty cache"
        " node was removed and pages load normally again.\n"
    )
    doc = parse(text, "x.md")
    assert doc.kind is DocKind.GUIDE
    told = text.replace("## A sample timeline", "## Timeline")
    assert parse(told, "x.md").kind is DocKind.POSTMORTEM
