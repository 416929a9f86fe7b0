"""How a section's role is decided: heading, place and content (docs/format.md, "How sections
are recognised"). Each test or table case is one reading rule, on a short document written for
it."""

from __future__ import annotations

import pytest

from postmortems.document import parse
from postmortems.document.extract import section_flags
from postmortems.document.model import SectionKind
from postmortems.document.sections import classify_title

STORY = (
    "The payments API returned errors to most customers for forty minutes on Tuesday while "
    "the team searched for the reason and tried several things before finding it.\n\n"
)


def flags(text: str) -> dict[str, bool]:
    doc = parse(text)
    assert doc.is_postmortem, doc.kind_reason
    return section_flags(doc)


def test_where_we_got_lucky_is_not_a_resolution() -> None:
    assert classify_title("Where we got lucky") is SectionKind.LESSONS
    got = flags(
        "## What happened\n\n"
        + STORY
        + "## Root cause\n\nA disk filled up because log rotation was off.\n\n"
        "## Where we got lucky\n\nThe on-call engineer happened to be awake and online.\n\n"
        "## Action items\n\n- Turn log rotation back on\n"
    )
    assert got["root_cause"]
    assert not got["resolution"]


def test_a_single_word_names_a_section_only_as_a_heading() -> None:
    assert classify_title("Problem", heading=True) is SectionKind.SUMMARY
    assert classify_title("Why", heading=True) is SectionKind.ROOT_CAUSE
    assert classify_title("Solving", heading=True) is SectionKind.RESOLUTION
    doc = parse(
        "## Root cause\n\nThe cache was misconfigured.\n\n"
        "Problem: the eviction policy kept stale keys.\n\nMore detail follows.\n"
    )
    assert [s.kind for s in doc.sections] == [SectionKind.ROOT_CAUSE]


def test_site_export_anchors_do_not_hide_a_heading() -> None:
    doc = parse(
        '### [#](https://docs.example.org/pm.html#description)Description <a id="d"></a>\n\n'
        + STORY
        + '### [#](https://docs.example.org/pm.html#resolution)Resolution <a id="r"></a>\n\n'
        "We restarted the payment workers.\n"
    )
    assert [s.kind for s in doc.sections] == [SectionKind.SUMMARY, SectionKind.RESOLUTION]


def test_a_disclosure_summary_tag_is_not_the_issue_summary() -> None:
    doc = parse(
        STORY + "## Recovery\n\nWe restarted the workers.\n\n<details>\n"
        "<summary>Support ticket sent</summary>\n\nHello, our volumes fail.\n</details>\n"
    )
    assert [s.kind for s in doc.sections] == [SectionKind.RESOLUTION]


# Each case is one reading rule: a short document and the parts it must (True) or must not
# (False) be found to have.
ROLES: dict[str, tuple[str, dict[str, bool]]] = {
    "background is the summary only when it opens the document (opening)": (
        "# Checkout outage\n\n**Author**: Sam\n\n## Background\n\n" + STORY + "## Timeline\n\n"
        "- 10:00 UTC errors begin\n- 10:40 UTC errors end after a restart\n",
        {"summary": True},
    ),
    "background is the summary only when it opens the document (after intro)": (
        "# Checkout outage\n\n" + STORY + "## Background\n\nThe API runs on three nodes behind"
        " a load balancer, and each node keeps its own cache of prices.\n\n## Timeline\n\n"
        "- 10:00 UTC errors begin\n- 10:40 UTC errors end after a restart\n",
        {"summary": False},
    ),
    "an impact part after a lead up is not a summary (lead up)": (
        "# Node outage\n\n## Leadup\n\n" + STORY + "## Impact\n\nAll services went down.\n\n"
        "## Recovery\n\nThe node was recycled.\n",
        {"summary": False},
    ),
    "an impact part after a lead up is not a summary (facts first)": (
        "**Duration:** 10:00 to 10:40 UTC\n\n**Impact:** checkout failed for 60% of users, "
        "who saw an error page instead of their receipt and often paid twice.\n\n"
        "## Root cause\n\nA bad deploy removed the database password from the settings file, "
        "so every worker failed to connect and returned errors until the file was restored.\n",
        {"summary": True},
    ),
    "a cause is found where the document explains it (in conclusion)": (
        "# Release outage\n\n" + STORY + "## Conclusion\n\nInsufficient testing caused the "
        "failure of the new release; the staging checks did not cover the payment path.\n",
        {"root_cause": True},
    ),
    "a cause is found where the document explains it (in resolution)": (
        "## Summary\n\n" + STORY + "## Resolution and recovery\n\nThe culprit was a stale DNS "
        "record; we removed it and renewed the certificate.\n",
        {"root_cause": True, "resolution": True},
    ),
    "a cause is found where the document explains it (under timeline)": (
        "# March outages\n\n" + STORY + "## Establishing the timeline\n\n### Storage outage\n\n"
        "Storage went read-only for a day. It turned out a controller firmware had a bug, and "
        "the vendor replaced the controller within the week, after two failed attempts.\n\n"
        "### Login outage\n\nLogins "
        "failed for two hours on the 12th. We rolled back the session service, and the sign-in "
        "page worked again for every user within a few minutes of the rollback.\n",
        {"root_cause": True, "resolution": True},
    ),
    "a cause said to be unknown is no root cause": (
        "## Summary\n\n" + STORY + "## Root cause\n\nStill unknown; we are waiting on the "
        "vendor.\n\n## Resolution\n\nWe failed over to the second region.\n",
        {"root_cause": False, "resolution": True},
    ),
    "a part after the fix that speaks of next time is the corrective part (got)": (
        "# Disk full on the build server\n\n" + STORY + "## Resolution\n\nWe deleted old build"
        " caches and the builds ran again.\n\n## Post operations\n\nWe added a disk usage "
        "alert at 85%, so the next full disk pages someone before builds fail.\n",
        {"corrective_measures": True},
    ),
    "a part after the fix that speaks of next time is the corrective part (plain)": (
        "# Disk full on the build server\n\n" + STORY + "## Resolution\n\nWe deleted old build"
        " caches and the builds ran again.\n\n## Description of the cache\n\nThe cache keeps "
        "every artifact of the last month to avoid rebuilding unchanged modules.\n",
        {"corrective_measures": False},
    ),
    "luck is not the fix (got)": (
        "## Summary\n\n" + STORY + "## Root cause\n\nA certificate expired because renewal was"
        " manual.\n\n## Where we got lucky\n\nAn admin still had access and fixed the "
        "certificate from memory.\n",
        {"resolution": False},
    ),
    "luck is not the fix (went well)": (
        "## Summary\n\n" + STORY + "## Root cause\n\nA certificate expired because renewal was"
        " manual.\n\n## What went well\n\nThe mitigation was simple: we patched the expected "
        "checksums and the jobs passed.\n",
        {"resolution": True},
    ),
    "template prompts and comments are not the text": (
        "# Queue outage\n\n" + STORY + "## Impact\n\n<!-- Say what went wrong and how we fixed "
        "it -->\n\nMessages were delayed for an hour.\n\n## Recovery\n\n"
        "*How was the incident resolved?*\n",
        {"resolution": False},
    ),
    "recovery stated in the summary is a resolution": (
        "## Summary\n\nOn May 9 the project's compute resources were suspended and every hub "
        "was unreachable, because the grant behind the billing account ran out. The project "
        "was moved to another funding source and the hubs came back online.\n\n"
        "## Action items\n\n- Alert on the billing account balance\n",
        {"resolution": True},
    ),
    "an accident or a blocked step states the cause (accident)": (
        "## Summary\n\n" + STORY + "## Conclusion\n\nA cleanup script was accidentally run "
        "against production instead of staging, and it marked every node unschedulable.\n",
        {"root_cause": True},
    ),
    "an accident or a blocked step states the cause (blocked)": (
        "## Summary\n\n" + STORY + "## Conclusion\n\nThe container runtime hung on two nodes, "
        "preventing new workers from starting until the nodes were drained.\n",
        {"root_cause": True},
    ),
    "a partial explanation is a root cause": (
        "## What happens\n\n" + STORY + "## Why this happens\n\nThe proxy stopped forwarding "
        "traffic to the old host after its reboot, but I don't know why.\n",
        {"root_cause": True},
    ),
    "a list of timed entries is a timeline whatever its heading": (
        "# Database outage\n\n" + STORY + "## Leadup\n\n- **00:27 UTC:** connections climb\n"
        "- **00:32 UTC:** the connection limit is reached and on-call is paged\n"
        "- **00:55 UTC:** the node is recycled\n\n## Recovery\n\nThe node came back online.\n",
        {"timeline": True},
    ),
    "a table of timed rows is a timeline too, beside an empty timeline heading": (
        "# Database outage\n\n" + STORY + "## Timeline\n\n## Sequence\n\n| Time | What |\n"
        "|---|---|\n| 00:27 UTC | connections climb |\n| 00:32 UTC | the limit is reached |\n"
        "| 00:55 UTC | the node is recycled |\n",
        {"timeline": True},
    ),
    "parts packed into one paragraph with br are parts": (
        "# Login outage\n\n**Summary:** logins failed for an hour on Monday for most of our "
        "users across all regions. <br> **What went wrong:** the session store ran out of "
        "memory. <br> **How we fixed it:** we doubled its memory. <br> **Duration:** one "
        "hour\n\n## Timeline\n\n- 10:00 UTC logins fail\n- 11:00 UTC logins work again\n",
        {"summary": True, "root_cause": True, "resolution": True},
    ),
    "a root cause only named as unknown is no root cause": (
        "## Summary\n\n" + STORY + "## Timeline\n\n### 10:34\n\nLaunch success reaches 0%.\n\n"
        "### 10:55\n\nBack to 100%.\nThe root cause is still unknown.\n\n## Action items\n\n"
        "- Add an alert\n",
        {"root_cause": False},
    ),
    "a corrective heading over nothing is no corrective part": (
        "## Summary\n\n" + STORY + "## Root cause\n\nThe certificate of the payments API "
        "expired because nobody renewed it and no alert watched its expiry date.\n\n"
        "## Corrective and Preventative Measures\n",
        {"corrective_measures": False},
    ),
    "a prevention question answered none is no corrective part": (
        "## Summary\n\n" + STORY + "## Root cause\n\nThe hosting provider's storage array "
        "failed and had to be replaced.\n\n## How will we prevent this from happening again?"
        "\n\nNone, the fault "
        "was at the provider.\n",
        {"corrective_measures": False},
    ),
    "a corrective part that opens with none of is still a corrective part": (
        "## Summary\n\n" + STORY + "## Root cause\n\nThe hosting provider's storage array "
        "failed and had to be replaced.\n\n## How will we prevent this from happening again?"
        "\n\nNone of our "
        "alerts fired, so we are adding one on the array's health.\n",
        {"corrective_measures": True},
    ),
    "a corrective part that lists only issue links is a corrective part": (
        "## Summary\n\n" + STORY + "## Root cause\n\nThe certificate of the payments API "
        "expired because nobody renewed it and no alert watched its expiry date.\n\n"
        "## Action items\n\n1. Alerting: https://github.com/example/ops/issues/611\n",
        {"corrective_measures": True, "todo_list": True},
    ),
    "a list of dated entries that closes another part is the timeline": (
        "**What happened?**\n\n" + STORY + "**How did we respond?**\n\nWe disabled the "
        "feature and throttled retries.\n\n- 20 January 2024 @ 21:00 UTC – A config change.\n"
        "- 21 January 2024 @ 01:30 UTC – Customers see errors.\n"
        "- 21 January 2024 @ 04:51 UTC – The feature is disabled.\n\n"
        "**How are we making incidents like this less likely or less impactful?**\n\n"
        "- Audit the startup logic. (Estimated completion: February 2024)\n",
        {"timeline": True, "resolution": True, "corrective_measures": True, "todo_list": True},
    ),
    "what went wrong among the lessons is no root cause": (
        "## Summary\n\n" + STORY + "## Lessons learned\n\n### What went wrong\n\nNobody was "
        "notified: only a look at the dashboard revealed it.\n\n## Action items\n\n"
        "- Page the on-call engineer on failed launches\n",
        {"root_cause": False},
    ),
    "a root cause named without what it was is no root cause": (
        "## Summary\n\n" + STORY + "We have identified the root cause and will post our Root "
        "Cause Analysis later today.\n\n## Action items\n\n- Add a database alert\n",
        {"root_cause": False},
    ),
    "a root cause named with what it was is a root cause": (
        "## Summary\n\n" + STORY + "The root cause was a full disk on the primary.\n\n"
        "## Action items\n\n- Add a disk alert\n",
        {"root_cause": True},
    ),
    "a step not taken is a cause": (
        "## Summary\n\n" + STORY + "An engineer changed the load balancers by hand and did not "
        "update the templates, so the next deploy applied the incorrect certificates.\n",
        {"root_cause": True},
    ),
    "lessons learned are the improvements when there is no corrective part": (
        "## Summary\n\n" + STORY + "## Root cause\n\nThe certificate expired unnoticed.\n\n"
        "## Lessons Learned\n\n- Know all your certificates and when they expire.\n"
        "- Know how to renew them, and write it down.\n",
        {"corrective_measures": True, "todo_list": False},
    ),
    "a cluster back in a working state is a fix told in the summary": (
        "## Summary\n\nA node rollover killed every healthy worker node and left the cluster "
        "without nodes, so every service running on it stopped answering its users for a quarter "
        "of an hour. Several rollover attempts later, the cluster was back in a working state "
        "with the expected number of nodes.\n\n## Action items\n\n- Document the rollover\n",
        {"resolution": True},
    ),
    "a summary inside another part is not the issue summary (got)": (
        "# Wallet outage\n\n" + STORY + "## Root cause\n\nA rounding bug let balances go "
        "negative.\n\n## Bounty report\n\n### Summary\n\nA researcher showed that a crafted "
        "transaction could overflow the fee field.\n\n### Reward\n\nPaid in full.\n",
        {"summary": False},
    ),
    "a summary inside another part is not the issue summary (own)": (
        "# Wallet outage\n\n## Incident report\n\n### Summary\n\n" + STORY + "### Root cause\n\n"
        "A rounding bug let balances go negative.\n",
        {"summary": True},
    ),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=rule) for rule, (text, expected) in ROLES.items()],
)
def test_the_parts_a_document_has(text: str, expected: dict[str, bool]) -> None:
    got = flags(text)
    assert {part: got[part] for part in expected} == expected


def test_a_filled_in_template_is_a_postmortem() -> None:
    doc = parse(
        "# Hub outage\n\n## Summary\n\n{{ Hubs returned 502 errors after a package upgrade }}\n\n"
        "## Timeline\n\n### {{ 06:10 }}\n\nUsers report errors.\n\n### {{ 07:45 }}\n\n"
        "We pinned the old package and the hubs came back.\n\n## What went wrong\n\n"
        "The upgrade was merged without a test run.\n\n## Action items\n\n"
        "- {{ Add a test run before merging package upgrades }}\n"
    )
    assert doc.is_postmortem


def test_placeholders_inside_code_do_not_make_a_template() -> None:
    log = "\n".join(f'metric:<name:"job" value:"hook-{i}" >' for i in range(4))
    doc = parse(
        "## Summary\n\n" + STORY + "## Root cause\n\nA client refactor ignored the default "
        "cluster alias, so jobs landed on the wrong cluster.\n\n## Resolution\n\nWe rolled "
        "back the release.\n\n## Appendix\n\n```\n" + log + "\n```\n"
    )
    assert doc.is_postmortem


def test_a_template_filled_in_with_its_instructions_left_is_a_postmortem() -> None:
    doc = parse(
        "# Storage node lost its disks\n\n## Summary\n\n<!-- A brief summary of what happened"
        " and how we fixed it. -->\n\nOn the second day of term the storage node lost two "
        "disks, and students could not open their notebooks for most of the morning.\n\n"
        "## Timeline\n\nThis section should include the key events.\n\n### Morning\n\n"
        "Students report that notebooks will not open and the admin finds the node degraded.\n\n"
        "## What went wrong\n\n- The disks were past their rated life and nobody tracked it.\n"
        "- The restore took long because the procedure was not written down anywhere.\n\n"
        "## Action items\n\nYou should include an owner for each.\n\n"
        "- Track disk age and alert a month before end of life\n"
    )
    assert doc.is_postmortem, doc.kind_reason


def test_a_description_of_the_parts_of_a_postmortem_is_a_guide() -> None:
    doc = parse(
        "# Postmortem\n\nA brief overview of the incident, including when it occurred and the "
        "impact on users.\n\nTimeline:\n\nA chronological account of the incident from "
        "detection to resolution. This section outlines the key events.\n\nRoot Cause:\n\n"
        "A detailed explanation of what caused the issue and how it was fixed.\n\n"
        "Corrective measures:\n\nRecommendations for preventing similar incidents in the future,"
        " such as new monitoring or changes to processes.\n"
    )
    assert not doc.is_postmortem
