"""Rule documentation is complete and generated: a rule without docs fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortems.lint.docs import SECTIONS, expected_pages, parse_docstring
from postmortems.lint.options import OPTIONS
from postmortems.lint.registry import Rule, all_rules

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_docstring_has_every_part(rule: Rule) -> None:
    parts = parse_docstring(rule.doc)
    for name in SECTIONS:
        assert parts.get(name, "").strip(), f"{rule.code}: docstring lacks '{name}:'"
    assert rule.requirement


def test_docs_pages_are_generated_and_up_to_date() -> None:
    pages = expected_pages()
    stale = [
        name
        for name, text in pages.items()
        if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m postmortems.lint.docs docs/rules` ({stale[:5]})"
    extra = {p.name for p in DOCS.glob("PM*.md")} - set(pages)
    assert not extra, f"docs for rules that do not exist: {sorted(extra)}"


def test_index_maps_every_requirement_and_option() -> None:
    index = expected_pages()["index.md"]
    for rule in all_rules():
        assert f"[{rule.code}]({rule.code}.md)" in index
        assert rule.requirement in index
    for spec in OPTIONS:
        assert f"`{spec.name}`" in index
