"""The public API other parts (team server, editor) call."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from postmortems.document import parse
from postmortems.lint import LintConfig, Severity, Violation, lint_document, lint_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"


def test_canonical_example_lints_clean() -> None:
    assert lint_text(EXAMPLE.read_text(encoding="utf-8"), path="x.md") == []


def test_violation_is_a_frozen_value() -> None:
    found = lint_text("# Postmortem\n\nSee https://example.com/doc", path="p.md")
    assert [v.code for v in found] == ["PM101"]
    v = found[0]
    assert isinstance(v, Violation)
    assert (v.path, v.line, v.column, v.severity) == ("p.md", 1, 1, Severity.ERROR)
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.line = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x01", "---\n", "---\n: : :\n---\n# x", "---\n- a\n- b\n---\nbody", "\r\n" * 5],
)
def test_never_raises_on_bad_text(text: str) -> None:
    assert isinstance(lint_text(text), list)


def test_broken_front_matter_is_a_violation_and_the_body_is_still_checked() -> None:
    body = EXAMPLE.read_text(encoding="utf-8").split("---\n", 2)[2]
    found = lint_text("---\ntitle: a: b\n---\n" + body, path="p.md")
    assert [(v.code, v.line, v.column) for v in found if v.code < "PM600"] == [("PM100", 2, 9)]
    broken = lint_text("---\ntitle: a: b\n---\n" + body.replace("## Timeline", ""), path="p.md")
    assert {"PM100", "PM103"} <= {v.code for v in broken}


def test_front_matter_never_closed_is_a_violation_and_the_body_is_still_checked() -> None:
    """The fields are not prose: no rule reads `impact: {…}` as the summary's impact."""
    front, body = EXAMPLE.read_text(encoding="utf-8").split("---\n", 2)[1:]
    found = lint_text("---\n" + front + "\n" + body, path="p.md")
    assert [(v.code, v.line) for v in found if v.code < "PM600"] == [("PM100", 1)]
    assert "before line " + str(front.count("\n") + 2) in found[0].message
    lines = lint_text("---\n" + front + "\n" + body.replace("## Timeline", ""), path="p.md")
    missing = [v.line for v in lines if v.code == "PM103"]
    assert missing
    assert missing[0] > front.count("\n") + 1  # after the fields, in the body


def test_lint_document_matches_lint_text() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("## Timeline", "## Chronology")
    assert lint_document(parse(text, "a.md")) == lint_text(text, path="a.md")
    assert "PM112" in [v.code for v in lint_text(text, path="a.md")]


def test_profile_argument_and_config() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    sre = {v.code for v in lint_text(text, profile="google-sre")}
    assert {"PM107", "PM108", "PM109", "PM110"} <= sre
    quiet = LintConfig(ignore=("PM1", "PM5", "PM6"))
    assert lint_text(text, profile="google-sre", config=quiet) == []
