"""Over the shared corpus: every postmortem has a title, and its card and diagram show each fact
the extract marks inferred as inferred ("≈"), never asserted."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from postmortems.document import Document, parse
from postmortems.document.extract import extract
from postmortems.document.titles import UNTITLED
from postmortems.render.axis import place
from postmortems.render.card import card_html
from postmortems.render.diagram import timeline_svg
from postmortems.render.summary import Summary, summarize

DOCS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "docs"
SHOWN = ("start", "end", "duration_minutes", "timezone")


@pytest.fixture(autouse=True)
def _corpus_present() -> None:
    if DOCS.is_dir():
        return
    why = f"the shared corpus is missing ({DOCS})"
    if os.environ.get("CI"):
        pytest.fail(f"{why}: CI must check the corpus display")
    pytest.skip(why)


@functools.cache
def _postmortems() -> list[tuple[str, Document, set[str]]]:
    """(file name, document, the facts its extract marks inferred) of each corpus postmortem."""
    out = []
    for path in sorted(DOCS.iterdir()):
        doc = parse(path.read_bytes().decode("utf-8", errors="replace"), str(path))
        data = extract(doc)
        if data["is_postmortem"]:
            out.append((path.name, doc, set(data.get("inferred") or ()) & set(SHOWN)))
    return out


def _has_value(s: Summary, name: str) -> bool:
    values = {"start": s.start, "end": s.end, "duration_minutes": s.duration_minutes}
    return (s.zone if name == "timezone" else values[name]) is not None


def _marked(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    return {str(el["data-inferred"]) for el in soup.select("[data-inferred]") if "≈" in el.text}


def test_no_corpus_postmortem_is_untitled() -> None:
    untitled = [name for name, doc, _ in _postmortems() if summarize(doc).title == UNTITLED]
    assert untitled == []


def test_inferred_facts_are_shown_as_inferred() -> None:
    wrong = []
    for name, doc, inferred in _postmortems():
        s = summarize(doc)
        want = {n for n in inferred if _has_value(s, n)}
        card = _marked(card_html(s))
        if not want <= card:
            wrong.append(f"{name}: card misses {sorted(want - card)}")
        svg = timeline_svg(doc)  # "" for a document without a timeline
        if svg and place(doc).window is not None:
            drawn = _marked(svg)
            window = want & {"start", "end"}
            if not window <= drawn:
                wrong.append(f"{name}: diagram misses {sorted(window - drawn)}")
    assert wrong == []


def test_a_document_of_several_incidents_is_shown_as_the_first_of_them() -> None:
    wrong = []
    for name, doc, _ in _postmortems():
        if doc.incidents <= 1:
            continue
        card = BeautifulSoup(card_html(summarize(doc)), "html.parser").select_one(".pm-incidents")
        if card is None or f"First of {doc.incidents}" not in card.text:
            wrong.append(f"{name}: the card does not say it shows the first incident")
        svg = timeline_svg(doc)
        if svg and f"first of {doc.incidents} incidents" not in svg:
            wrong.append(f"{name}: the diagram does not say it shows the first incident")
    assert wrong == []
