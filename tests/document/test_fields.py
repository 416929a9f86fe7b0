"""The front-matter field table, the model and docs/format.md agree."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from pathlib import Path

import pytest

from postmortems.document import Meta, formatdoc, parse, write
from postmortems.document.fields import FIELDS, FieldType
from postmortems.document.model import CauseCategory, SectionKind, Severity, Status
from postmortems.document.sections import classify_title
from postmortems.document.zones import Zone

ROOT = Path(__file__).resolve().parents[2]

# What each field type is in the model (all optional: None means "not written").
MODEL_TYPE: dict[FieldType, object] = {
    FieldType.TEXT: str | None,
    FieldType.LIST: tuple[str, ...] | None,
    FieldType.BOOL: bool | None,
    FieldType.ZONE: Zone | None,
    FieldType.DATETIME: dt.datetime | None,
    FieldType.PERCENT: float | None,
}
ENUMS = {"status": Status, "severity": Severity, "cause_category": CauseCategory}


def meta_types() -> dict[str, object]:
    hints = typing.get_type_hints(Meta)
    return {f.name: hints[f.name] for f in dataclasses.fields(Meta) if f.name != "extra"}


def test_every_meta_field_is_in_the_table_and_back() -> None:
    table = [spec.meta_attr for spec in FIELDS]
    assert sorted(table) == sorted(meta_types())
    assert len(set(table)) == len(table), "a field is declared twice"


@pytest.mark.parametrize("spec", FIELDS, ids=lambda s: s.name)
def test_field_type_matches_the_model(spec: typing.Any) -> None:
    declared = meta_types()[spec.meta_attr]
    if spec.type is FieldType.ENUM:
        enum_type = ENUMS[spec.name]
        assert declared == enum_type | None
        assert spec.choices == tuple(m.value for m in enum_type)
    else:
        assert declared == MODEL_TYPE[spec.type]


@pytest.mark.parametrize("spec", FIELDS, ids=lambda s: s.name)
def test_field_example_parses_and_survives_the_writer(spec: typing.Any) -> None:
    key = spec.name.split(".")[-1]
    line = f"{spec.nested}: {{{key}: {spec.example}}}" if spec.nested else f"{key}: {spec.example}"
    doc = parse(f"---\n{line}\n---\n\n## Summary\n\nText.\n")
    assert not doc.problems, doc.problems
    assert getattr(doc.meta, spec.meta_attr) is not None
    assert parse(write(doc)) == doc


def test_format_doc_is_up_to_date() -> None:
    current = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert current == formatdoc.render(), (
        "docs/format.md is stale: run `python -m postmortems.document.formatdoc`"
    )


def test_format_doc_documents_every_field_and_section() -> None:
    text = formatdoc.render()
    for spec in FIELDS:
        assert f"| `{spec.name}` |" in text
        assert spec.help in text
    assert "GMT+1` means UTC+1" in text


@pytest.mark.parametrize("kind", list(formatdoc.EXAMPLES), ids=str)
def test_section_name_examples_in_the_doc_are_recognised(kind: SectionKind) -> None:
    for title in formatdoc.EXAMPLES[kind].split(", "):
        expected = None if kind is SectionKind.OTHER else kind
        got = classify_title(title)
        assert got is expected or (kind is SectionKind.OTHER and got is kind), title


def test_format_doc_check_mode_reports_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "format.md"
    stale.write_text("old\n", encoding="utf-8")
    assert formatdoc.main(["--check", str(stale)]) == 1
    assert formatdoc.main([str(stale)]) == 0
    assert formatdoc.main(["--check", str(stale)]) == 0


def test_front_matter_times_out_of_order_are_a_problem_at_the_later_field() -> None:
    text = (
        "---\nstarted: 2026-12-04T14:00\ndetected: 2026-12-04T14:05\n"
        "resolved: 2026-12-04T13:00\n---\n\n## Summary\n\nText.\n"
    )
    doc = parse(text)
    assert [(p.message, p.line) for p in doc.problems] == [
        ("front matter `resolved` (2026-12-04 13:00) is before `started` (2026-12-04 14:00)", 4)
    ]
    # An outage found once it was over: detected after it was resolved is no contradiction.
    latent = text.replace("detected: 2026-12-04T14:05", "detected: 2026-12-06T09:00")
    assert not parse(latent.replace("T13:00", "T15:00")).problems
    in_order = parse(text.replace("resolved: 2026-12-04T13:00", "resolved: 2026-12-04T15:00"))
    assert not in_order.problems
    # With and without an offset the two cannot be compared without the zone: no verdict.
    mixed = parse(text.replace("T13:00", "T13:00+09:00"))
    assert not mixed.problems


def test_the_card_shows_no_negative_duration() -> None:
    from postmortems.render.summary import duration_text, summarize

    text = "---\ntimezone: UTC\nstarted: 2026-12-04T14:00\nresolved: 2026-12-04T13:00\n---\n"
    card = summarize(parse(text + "\n## Issue Summary\n\nCheckout failed.\n"))
    assert card.duration_minutes is None
    assert duration_text(card.duration_minutes) == "—"
