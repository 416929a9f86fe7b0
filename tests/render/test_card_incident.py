"""The card names the incident a postmortem tells (front matter ``incident:``): its key marked
where the card's text says it, else in an *Incident* fact; plain text on a static page, a link
only where a server says the reader may see it (docs/publishing.md, "The card")."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from postmortems.document import parse
from postmortems.render.card import executive_card
from postmortems.render.incidentkey import link_incident, marked_key

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"
DRAFTED = "From 04:00 to 06:30 PST, checkout-api was affected (incident INC-2026-0004, SEV1)."


def _card(*, incident: str | None, summary: str | None = None) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    if incident is not None:
        text = text.replace("reviewers: [bob]\n", f"reviewers: [bob]\nincident: {incident}\n")
    if summary is not None:
        head, rest = text.split("## Issue Summary\n\n", 1)
        text = (
            head
            + "## Issue Summary\n\n"
            + summary
            + "\n\n## Timeline"
            + rest.split("## Timeline", 1)[1]
        )
    return executive_card(parse(text, "checkout.md"))


def test_the_drafted_sentence_marks_the_key_where_it_says_it() -> None:
    html = _card(incident="INC-2026-0004", summary=DRAFTED)
    card = BeautifulSoup(html, "html.parser")
    [key] = card.select(".fact .incident-key")
    assert key.name == "span"  # plain text: a static page links to nothing
    assert key.get_text() == "INC-2026-0004"
    assert "(incident INC-2026-0004, SEV1)" in key.find_parent("dd").get_text()
    assert card.select_one(".fact.incident") is None  # said once
    assert marked_key(html) == "INC-2026-0004"


def test_a_card_whose_text_does_not_say_the_key_names_it_in_a_fact() -> None:
    card = BeautifulSoup(_card(incident="INC-2026-0009"), "html.parser")
    fact = card.select_one(".fact.incident")
    assert fact.get_text(" ", strip=True) == "Incident INC-2026-0009"
    assert fact.select_one("span.incident-key")["data-incident"] == "INC-2026-0009"


def test_without_an_incident_the_card_is_as_before() -> None:
    html = _card(incident=None, summary=DRAFTED)
    assert "incident-key" not in html
    assert marked_key(html) is None
    assert "(incident INC-2026-0004, SEV1)" in BeautifulSoup(html, "html.parser").get_text()


def test_only_a_whole_key_is_marked() -> None:
    html = _card(incident="INC-2026-000", summary=DRAFTED)  # a prefix of the key the text says
    card = BeautifulSoup(html, "html.parser")
    assert [k.get_text() for k in card.select(".incident-key")] == ["INC-2026-000"]
    assert card.select_one(".fact.incident") is not None


def test_a_server_links_the_mark_of_that_key_only() -> None:
    html = _card(incident="INC-2026-0004", summary=DRAFTED)
    linked = BeautifulSoup(
        link_incident(html, "INC-2026-0004", "/incidents/INC-2026-0004/"), "html.parser"
    )
    [key] = linked.select(".incident-key")
    assert key.name == "a"
    assert key["href"] == "/incidents/INC-2026-0004/"
    assert key.get_text() == "INC-2026-0004"
    assert link_incident(html, "INC-2026-0004", "") == html  # none the reader may see
    assert link_incident(html, "INC-2026-0005", "/incidents/INC-2026-0005/") == html


def test_a_key_with_markup_is_escaped_and_never_a_tag() -> None:
    html = _card(incident="'<b>x</b>'")
    card = BeautifulSoup(html, "html.parser")
    assert card.select("b") == []
    assert card.select_one(".fact.incident").get_text(" ", strip=True) == "Incident <b>x</b>"
    assert marked_key(html) == "<b>x</b>"
