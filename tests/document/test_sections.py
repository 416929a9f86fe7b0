"""Section names through synonyms and however they are marked."""

from __future__ import annotations

import pytest

from postmortems.document import parse
from postmortems.document.model import SectionKind
from postmortems.document.sections import classify_title, is_phase_title

# The headings that name each part: the format's names, their synonyms, and questions.
HEADINGS: dict[SectionKind, list[str]] = {
    SectionKind.SUMMARY: [
        "Issue Summary",
        "Incident summary",
        "Overview",
        "Summation",
        "🚨 Issue Summary:",
        "What happens",
        "What was the problem?",
    ],
    SectionKind.TIMELINE: [
        "Timeline (all times PST) 01/31/2023 - 02/15/2023. All times approximations",
        "Events Timeline",
        "Debugging Process",
        "2. Timeline",
        "2  Timeline (UTC)",  # a section number without a dot
        "Tasks performed",  # what was done, in order: not tasks to do
        "Chain of events",
    ],
    SectionKind.ROOT_CAUSE: [
        "Root cause analysis",
        "Why did this happen?",
        "What caused the outage",
        "Contributing factors",
        "🔎 Five Why's",
        "5 Whys",  # a count, not a section number
        "3.1 Root cause",
        "What went wrong and why?",
        # an incident report's questions
        "What was the root cause of the incident?",
        "What were the causes of this outage?",
    ],
    SectionKind.ROOT_CAUSE_AND_RESOLUTION: ["Root Cause and Resolution"],
    SectionKind.RESOLUTION: [
        "Resolution and recovery",
        "Mitigation",
        "How we fixed it",
        "What was done",
        "How was the issue resolved?",
        "What did we do?",
        "Workarounds",
        "How did we respond?",
        "Stabilization Steps",
        "What was the work around and resolution for the incident?",
        "What was the fix?",
        "Temporary solution",
    ],
    SectionKind.MEASURES: [
        "Corrective and Preventive Measures",
        "Corrective and preventative measures;",
        "Action Items",
        "6  Actions Items",
        "Follow-ups",
        "Prevention",
        "Lessons Learned and Future Improvements",
        "Measures against such problem in future",
        "What is being done about this?",
        "How are we preventing it from happening again?",
        "What's next?",
        "What we are changing",
        "Changes we're making",
        # next steps and resulting actions are measures
        "Conclusion and next steps",
        "Resulting Actions",
        "Some possible actions in the future",
        "How are we making incidents like this less likely or less impactful?",
        "What happens next?",
        "Countermeasures",
        "Action plan",
        "What are any recommendations to prevent this incident from occurring again?",
        "Recommendations",
    ],
    SectionKind.LESSONS: ["What we learned", "What we've learned"],
    SectionKind.IMPACT: ["Duration", "Who was affected?", "What was the impact?"],
}


@pytest.mark.parametrize(
    ("title", "kind"), [(title, kind) for kind, titles in HEADINGS.items() for title in titles]
)
def test_a_heading_names_its_part(title: str, kind: SectionKind) -> None:
    assert classify_title(title) is kind


def test_unrelated_heading_is_no_section_kind() -> None:
    assert classify_title("The Plot Thickens") is None


def test_what_came_after_a_part_is_not_that_part() -> None:
    assert classify_title("Post-resolution") is None
    assert classify_title("Pre-incident checks") is None


def test_a_short_sentence_is_not_a_heading_by_its_keywords() -> None:
    doc = parse(
        "## Timeline\n\n### 2024-05-02 10:00\n\nChecks fail.\n\n### 2024-05-02 11:30\n\n"
        "Two nodes were drained.\nThe cause is not known yet.\n\n## Action items\n\n"
        "- Find out why the nodes fail\n"
    )
    assert [s.kind for s in doc.sections] == [SectionKind.TIMELINE, SectionKind.MEASURES]
    assert "not known yet" in doc.timeline[1].text


@pytest.mark.parametrize("title", ["Detection", "Actions Taken", "Misleading Paths", "Escalation"])
def test_phases_of_a_timeline(title: str) -> None:
    assert is_phase_title(title)


def kinds(text: str) -> list[SectionKind]:
    return [s.kind for s in parse(text).sections]


def test_bold_label_and_bare_markers() -> None:
    text = (
        "**Issue Summary**\n\nThe API was down.\n\n"
        "Timeline:\n- 10:00 - alert\n\n"
        "Root cause: a typo in the config.\n\n"
        "<h2>Corrective and Preventative Measures</h2>\n\n- add a test\n"
    )
    assert kinds(text) == [
        SectionKind.SUMMARY,
        SectionKind.TIMELINE,
        SectionKind.ROOT_CAUSE,
        SectionKind.MEASURES,
    ]


def test_lower_case_prose_line_is_not_a_heading() -> None:
    text = "## Resolution and Recovery\n\nactions taken to solve\n\n## Timeline\n\n- 10:00 - x\n"
    assert kinds(text) == [SectionKind.RESOLUTION, SectionKind.TIMELINE]


def test_phase_labels_stay_inside_the_timeline() -> None:
    text = (
        "## Timeline\n\n"
        "Detection:\nThe issue was detected at 9:00 AM.\n"
        "Actions Taken:\nChecked the logs.\n"
        "Escalation:\nThe database team was called.\n"
        "Resolution:\nRolled back the change.\n\n"
        "## Root Cause and Resolution\n\nA bad migration.\n"
    )
    doc = parse(text)
    assert [s.kind for s in doc.sections] == [
        SectionKind.TIMELINE,
        SectionKind.ROOT_CAUSE_AND_RESOLUTION,
    ]
    assert len(doc.timeline) == 4
    assert [e.when is not None for e in doc.timeline] == [True, False, False, False]


def test_flattened_headings_run_into_their_paragraph() -> None:
    text = (
        "An outage happened at 00:07 PST on the web server.\n\n"
        "Debugging Process Bug debugger Brennan picked it up at 19:20 PST.\n\n"
        "Checked running processes.\n\nFixed the typo.\n\n"
        "Summation In short, a typo in a file name.\n\n"
        "Prevention is better than cure, so we test more.\n"
    )
    doc = parse(text)
    assert [s.kind for s in doc.sections] == [SectionKind.TIMELINE, SectionKind.SUMMARY]
    assert doc.sections[1].body.startswith("In short, a typo")


def test_assignment_wording_left_in_a_heading() -> None:
    assert classify_title("Root cause and resolution must contain") is (
        SectionKind.ROOT_CAUSE_AND_RESOLUTION
    )
    assert classify_title("Corrective and preventative measures must contain") is (
        SectionKind.MEASURES
    )


def test_remediation_and_prevention_tells_the_fix() -> None:
    from postmortems.document.extract import section_flags

    doc = parse("## Remediation and Prevention\n\nWe reinstalled the server from a clean image.\n")
    assert section_flags(doc)["resolution"]
    assert section_flags(doc)["corrective_measures"]


def test_an_image_or_link_line_is_not_a_label() -> None:
    from postmortems.document import parse

    text = (
        "## Root Cause\n\nThe certificate expired.\n\n"
        "![Timeline of the outage: alert at 04:07](diagram.svg)\n\n"
        "[Timeline: see the incident channel](https://example.com)\n\nMore detail.\n"
    )
    doc = parse(text)
    assert [s.kind.value for s in doc.sections] == ["root_cause"]
    assert doc.timeline == ()


def test_a_pages_navigation_is_no_section() -> None:
    assert classify_title("Back to overview") is None
    assert classify_title("← Back to all incidents") is None
    doc = parse(
        "Back to overview\n\n# API is down\n\n## Event report\n\nOn March 30, 2023, the API was"
        " down from 6:41:18 AM UTC to 6:46:17 AM UTC, about 5 minutes.\n\n## Follow-up actions\n\n"
        "1. Validate generated configuration files.\n"
    )
    assert SectionKind.SUMMARY not in {s.kind for s in doc.sections}
    assert (doc.facts.start and doc.facts.start.local_text()) == "2023-03-30 06:41"
