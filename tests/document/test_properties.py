"""The parser never raises on what people actually feed it (hypothesis).

Only front matter that is not valid YAML (or not a mapping) raises, and then only
:class:`FrontMatterError`, which is a :class:`PostmortemsError` the CLI turns into a message.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.document import Document, parse, write
from postmortems.document.export import to_json
from postmortems.document.extract import extract
from postmortems.errors import FrontMatterError, PostmortemsError

SETTINGS = settings(max_examples=150)

# Pieces of real postmortems, so that generated text reaches the parser's interesting paths.
FRAGMENTS = [
    "# Postmortem",
    "## Issue Summary",
    "### Timeline",
    "**Root Cause**",
    "Root cause:",
    "Resolution: restarted nginx",
    "## Corrective and preventative measures",
    "Action items",
    "- ",
    "* ",
    "1. ",
    "- [ ] ",
    "- [x] ",
    "| time | event |",
    "|---|---|",
    "| 14:05 | alert |",
    "```",
    "    indented code",
    "<!-- comment",
    "-->",
    "<h2>Timeline</h2>",
    "---",
    "===",
    "14:05",
    "2:05 PM",
    "13:20PM",
    "3:AM",
    "2100hrs WAT",
    "2024-02-12T08:19:34+0100",
    "10:00 AM - 2:00 PM",
    "23:50",
    "00:10",
    "PST",
    "GMT+1",
    "UTC-08:00",
    "All times in PST",
    "(Kigali time)",
    "December 18, 2023",
    "18/12/2023",
    "Duration: 2 hours 30 minutes",
    "75% of users",
    "width=100%",
    "(owner: @bob, due: 2024-03-01)",
    "Owner: Bob",
    "🔥 Impact",
    "\t",
    "",
]

markdownish = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.builds(lambda a, b: a + b, st.sampled_from(FRAGMENTS), st.sampled_from(FRAGMENTS)),
        st.builds(lambda a, t: a + t, st.sampled_from(FRAGMENTS), st.text(max_size=30)),
    ),
    max_size=40,
).map("\n".join)


def parse_or_front_matter_error(text: str) -> Document | None:
    """The document, or None when the front matter is rejected with a proper message."""
    error: FrontMatterError | None = None
    try:
        return parse(text, "x.md")
    except FrontMatterError as exc:
        error = exc
    assert isinstance(error, PostmortemsError)
    assert error.path == "x.md"
    assert error.line is not None
    assert error.hint
    return None


@SETTINGS
@given(st.text(max_size=2000))
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    parse_or_front_matter_error(text)


@SETTINGS
@given(markdownish)
def test_parser_never_raises_on_markdownish_text(text: str) -> None:
    doc = parse_or_front_matter_error(text)
    if doc is not None:
        write(doc)  # the writer takes whatever the parser gives it


@SETTINGS
@given(st.text(max_size=300), markdownish)
def test_arbitrary_front_matter_raises_only_front_matter_error(fm: str, body: str) -> None:
    parse_or_front_matter_error(f"---\n{fm}\n---\n{body}")


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=True),  # NaN is unequal to itself
    st.text(max_size=20),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KNOWN_KEYS = ["title", "status", "severity", "services", "timezone", "started", "impact", "x-y"]
mappings = st.dictionaries(
    st.one_of(st.sampled_from(KNOWN_KEYS), st.text(min_size=1, max_size=12)),
    yaml_values,
    max_size=8,
)


@SETTINGS
@given(mappings)
def test_valid_yaml_front_matter_never_raises_and_round_trips(data: dict[str, Any]) -> None:
    """Values of the wrong type become problems, not exceptions; unknown keys survive."""
    text = f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n\n## Summary\n\nText.\n"
    doc = parse(text, "x.md")
    again = parse(write(doc))
    assert again == doc
    assert write(again) == write(doc)


def test_invalid_yaml_reports_line_and_column() -> None:
    text = "---\ntitle: ok\nseverity: [SEV1\n---\n\n## Summary\n"
    with pytest.raises(FrontMatterError) as info:
        parse(text, "pm.md")
    assert str(info.value).startswith("pm.md:")
    assert info.value.line is not None
    assert info.value.line >= 3
    assert info.value.column is not None
    assert "—" in str(info.value)


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(FrontMatterError, match="mapping"):
        parse("---\n- a\n- b\n---\n\nBody\n", "pm.md")


@pytest.mark.parametrize(
    "front_matter",
    [
        "k: " + "[" * 5000,  # deeper than Python's recursion limit
        "a: &x [1, *x]",  # an alias inside its own anchor
        "a: &y [1]\nb: *y",
        "k: !!binary aGVsbG8=",
        "k: !!set {a, b}",
        "started: 2024-02-30",  # well-formed, impossible
        "k: 2024-02-12 25:00:00",
        "{[a]: 1}",
    ],
)
def test_odd_yaml_is_an_error_or_survives_every_output(front_matter: str) -> None:
    doc = parse_or_front_matter_error(f"---\n{front_matter}\n---\n\nBody\n")
    if doc is not None:
        json.dumps(to_json(doc))
        json.dumps(extract(doc))
        assert parse(write(doc)) == doc
