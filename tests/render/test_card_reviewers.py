"""The card says who reviewed a postmortem once it is approved or published, never before."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from postmortems.document import parse
from postmortems.render.card import executive_card

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"


def _reviewed_by(status: str, reviewers: str) -> str | None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("status: in-review", f"status: {status}")
    text = text.replace("reviewers: [bob]", f"reviewers: {reviewers}")
    card = BeautifulSoup(executive_card(parse(text, "checkout.md")), "html.parser")
    fact = card.select_one(".fact.reviewers")
    return fact.get_text(" ", strip=True) if fact else None


@pytest.mark.parametrize("status", ["approved", "published"])
def test_an_approved_postmortem_names_its_reviewers(status: str) -> None:
    assert _reviewed_by(status, "[bob, '<dan>']") == "Reviewed by bob, <dan>"


@pytest.mark.parametrize("status", ["draft", "in-review", "changes-requested"])
def test_reviewers_asked_before_the_approval_are_not_shown_as_having_reviewed(status: str) -> None:
    assert _reviewed_by(status, "[bob]") is None


def test_no_reviewers_no_line() -> None:
    assert _reviewed_by("published", "[]") is None
