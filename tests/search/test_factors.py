"""Contributing factors suggested from the text."""

from __future__ import annotations

from pathlib import Path

from postmortems.search.factors import FACTORS, factor, suggest_factors
from postmortems.search.text import FIELDS, Doc

DOCS = Path(__file__).resolve().parents[2] / "docs" / "search.md"


def make(root_cause: str, summary: str = "", timeline: str = "") -> Doc:
    fields = dict.fromkeys(FIELDS, "")
    fields.update(root_cause=root_cause, summary=summary, timeline=timeline)
    return Doc(id="x", title="", text=root_cause, fields=fields)


def slugs(doc: Doc) -> list[str]:
    return [slug for slug, _ in suggest_factors(doc)]


def test_each_factor_with_the_phrase_that_suggests_it() -> None:
    found = suggest_factors(make("The TLS certificate had expired after a config change."))
    assert ("expired-certificate", "certificate had expired") in found
    assert ("config-change", "config change") in found


def test_several_factors_in_taxonomy_order() -> None:
    doc = make(
        "A deploy during a surge in traffic exhausted the connection pool.",
        summary="An engineer accidentally ran the migration on the wrong cluster.",
    )
    assert slugs(doc) == ["traffic-spike", "human-error", "capacity", "deploy"]


def test_negated_cue_does_not_count() -> None:
    assert "bug" not in slugs(make("This was not a bug in our code; the disk was full."))
    assert "capacity" in slugs(make("This was not a bug in our code; the disk was full."))


def test_timeline_chatter_is_not_a_cause() -> None:
    assert suggest_factors(make("", timeline="10:02 checked DNS, checked for an attack")) == []


def test_taxonomy_has_the_format_sources_and_is_documented() -> None:
    names = {f.slug for f in FACTORS}
    classic = {"bug", "traffic-spike", "security-issue", "hardware-failure", "natural-disaster"}
    assert classic | {"human-error", "config-change", "expired-certificate"} <= names
    assert factor("dns").title == "DNS"
    if DOCS.exists():
        text = DOCS.read_text(encoding="utf-8")
        missing = [f.slug for f in FACTORS if f"`{f.slug}`" not in text]
        assert not missing, f"docs/search.md does not describe {missing}"
