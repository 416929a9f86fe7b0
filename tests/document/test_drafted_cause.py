"""The parts drafted from an incident's record: found by their marker lines, kept out of the
sections that tell the cause, and found in linear time however the markers are misused."""

from __future__ import annotations

import time

import pytest

from postmortems.document.drafted import cause_and_drafted, opening, regions, split
from postmortems.document.model import SectionKind

SUMMARY = """## Issue Summary

<!-- generated:summary from INC-7 -->
From 15:34 to 16:34 BST (1 hour), search was affected (incident INC-7, SEV2).
<!-- end generated:summary -->

Release v2.31 renamed the facet parameter.
"""


def test_the_drafted_lines_are_split_from_what_people_wrote() -> None:
    written, drafted = split(SUMMARY)  # a draft from before the fingerprints: all the record's
    assert written == "## Issue Summary\n\n\nRelease v2.31 renamed the facet parameter.\n"
    assert drafted.startswith("From 15:34 to 16:34 BST (1 hour), search was affected")
    assert drafted.endswith("(incident INC-7, SEV2).\n")
    assert drafted.count("\n") == 1


def test_a_line_people_edited_between_the_markers_is_theirs() -> None:
    line = "From 15:34 to 16:34 BST (1 hour), search was affected (incident INC-7, SEV2)."
    text = f"{opening('summary', 'INC-7', [line])}\n{line}\nThe facet rename broke it.\n"
    text += "<!-- end generated:summary -->\n"
    written, drafted = split(text)
    assert drafted == line + "\n"
    assert "The facet rename broke it." in written
    assert "search was affected" not in written


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # an opening line without its end line marks nothing
        ("<!-- generated:summary -->\nA line.\n", []),
        # the end line must name the same part
        ("<!-- generated:summary -->\nA.\n<!-- end generated:timeline -->\n", []),
        # an empty part is a part
        ("<!-- generated:timeline from INC-1 -->\n<!-- end generated:timeline -->", ["timeline"]),
        # a part ends at the first end line of its name; an opening line inside it is its text
        (
            "<!-- generated:a -->\n<!-- generated:b -->\n<!-- end generated:a -->\n"
            "<!-- end generated:b -->\n",
            ["a"],
        ),
        # the marker lines start a line: quoted in prose they mark nothing
        ("see <!-- generated:a -->\nA.\n<!-- end generated:a -->\n", []),
    ],
)
def test_which_lines_mark_a_part(text: str, names: list[str]) -> None:
    assert [r.name for r in regions(text.split("\n"))] == names


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        (SectionKind.SUMMARY, True),
        (SectionKind.ROOT_CAUSE, True),
        (SectionKind.ROOT_CAUSE_AND_RESOLUTION, True),
        (SectionKind.TRIGGER, True),
        (SectionKind.TIMELINE, False),
        (SectionKind.MEASURES, False),
    ],
)
def test_only_a_section_that_tells_the_cause_leaves_its_drafted_lines_out(
    kind: SectionKind, cause: bool
) -> None:
    written, drafted = cause_and_drafted({kind}, SUMMARY)
    assert ("search was affected" in drafted) is cause
    assert ("search was affected" in written) is not cause
    assert "renamed the facet parameter" in written


@pytest.mark.parametrize(
    "unit",
    [
        "<!-- generated:summary -->\n",  # opening lines never closed
        "<!-- generated:summary -->\nA line.\n<!-- end generated:timeline -->\n",
        "<!-- generated:a -->\n<!-- end generated:a -->\n",
    ],
)
def test_misused_markers_are_read_in_linear_time(unit: str) -> None:
    """One pattern spanning a part looked for the end of every unclosed opening line to the end
    of the text: quadratic on a flood of them (a server reads every saved text this way)."""

    def seconds(size: int) -> float:
        text = unit * (size // len(unit))
        start = time.thread_time()
        split(text)
        return time.thread_time() - start

    small = min(seconds(10_000) for _ in range(3))
    assert min(seconds(100_000) for _ in range(2)) <= 30 * small + 0.05
