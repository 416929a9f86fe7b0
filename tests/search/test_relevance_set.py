"""The judged relevance set in bench/relevance/ is well formed and names real corpus files."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.search.bm25 import snippet
from postmortems.search.text import analyze

RELEVANCE = Path(__file__).resolve().parents[2] / "bench" / "relevance"


def test_queries_and_groups_are_complete_and_name_corpus_files(corpus_dir: Path) -> None:
    queries = json.loads((RELEVANCE / "queries.json").read_text(encoding="utf-8"))
    groups = json.loads((RELEVANCE / "groups.json").read_text(encoding="utf-8"))
    assert len(queries) >= 40
    assert len(groups) >= 25
    names = {p.name for p in (corpus_dir / "docs").iterdir()}
    for entry in queries:
        assert entry["relevant"], entry["query"]
        assert set(entry["relevant"]) <= names, entry["query"]
        assert set(entry["relevant"].values()) <= {1, 2}, entry["query"]
    for group in groups:
        assert len(group["members"]) >= 2, group["group"]
        assert set(group["members"]) <= names, group["group"]
    assert len({g["group"] for g in groups}) == len(groups)


@settings(max_examples=60)
@given(st.text(max_size=400))
def test_analyzer_and_snippet_take_any_text(text: str) -> None:
    terms = analyze(text, phrases=True)
    assert all(term and term == term.lower() for term in terms)
    cut = snippet(text, terms[:3], width=80)
    assert len(cut) <= 82
    assert "\n" not in cut
