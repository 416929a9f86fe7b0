"""The PyYAML-free reader of simple front matter agrees with PyYAML, or steps aside."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortems.document import simpleyaml
from postmortems.document.skeleton import render

SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])

atoms = st.one_of(
    st.sampled_from(
        [
            "draft",
            "SEV2",
            "true",
            "False",
            "null",
            "~",
            "yes",
            "No",
            "on",
            "y",
            "0",
            "-3",
            "+5",
            "007",
            "1.5",
            "1e3",
            ".inf",
            "nan",
            "2024-02-12",
            "2024-02-30",
            "2024-02-12T04:00-08:00",
            "2024-02-12T04:00:00-08:00",
            "2024-02-12 04:00",
            "12:30",
            "a: b",
            "#x",
            "a #b",
            "x#y",
            "'quoted: yes'",
            "'it''s'",
            '"double"',
            '"esc\\n"',
            "America/Los_Angeles",
            "UTC+1",
            "@bob",
            "a b c",
            "a,b",
            "-",
            "- x",
            "? q",
            "&a",
            "*a",
            "!tag x",
            "|",
            ">",
            "%",
            "`x`",
        ]
    ),
    st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=12),
)
values = st.one_of(
    atoms,
    st.lists(atoms, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(st.tuples(st.sampled_from(["a", "users_affected_pct", "k-1"]), atoms), max_size=2).map(
        lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"
    ),
    atoms.map(lambda a: f"{a}  # a comment"),
    st.just(""),
)
keys = st.sampled_from(["title", "status", "impact", "x-y", "_k", "yes", "null", "true", "A1"])
documents = st.lists(
    st.one_of(
        st.tuples(keys, values).map(lambda kv: f"{kv[0]}: {kv[1]}"),
        st.sampled_from(["# comment", "", "  # indented comment", "  nested: 1", "- item", "k:v"]),
    ),
    max_size=6,
).map("\n".join)


def pyyaml(text: str) -> object:
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):
        return "error"


@SETTINGS
@given(documents)
def test_simple_reader_agrees_with_pyyaml_or_steps_aside(text: str) -> None:
    got = simpleyaml.load(text)
    if got is not None:
        assert got == pyyaml(text)


def test_canonical_and_skeleton_front_matter_need_no_pyyaml() -> None:
    canonical = (
        "title: Checkout API returned 502s after certificate expiry\nid: PM-2024-007\n"
        "status: in-review\nseverity: SEV2\nservices: [checkout-api, nginx]\ntags: [tls]\n"
        "timezone: America/Los_Angeles\nstarted: 2024-02-12T04:00-08:00\n"
        "impact: {users_affected_pct: 75}\nrestricted: false\nauthors: []\n"
    )
    assert simpleyaml.load(canonical) == yaml.safe_load(canonical)
    skeleton = render("classic", today=dt.date(2024, 2, 12)).split("---\n")[1]
    assert simpleyaml.load(skeleton) == yaml.safe_load(skeleton)
