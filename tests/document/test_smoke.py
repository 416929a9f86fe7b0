from __future__ import annotations

from pathlib import Path

from postmortems.document import parse, write

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"


def test_canonical_example_is_a_fixed_point() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert write(parse(text)) == text


def test_example_facts() -> None:
    doc = parse(EXAMPLE.read_text(encoding="utf-8"))
    assert doc.facts.duration_minutes == 150
    assert next(e.when.time.strftime("%H:%M") for e in doc.timeline if e.when) == "04:07"
    assert len(doc.action_items) == 3
    assert doc.action_items[2].done
