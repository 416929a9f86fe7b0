"""The search snippet builder (PostgreSQL's snippets; no database needed for these)."""

from __future__ import annotations

from postmortems.server.library import snippets

STEMS = {"expired": "expir", "expires": "expir", "expiry": "expiri", "certificate": "certif"}


def snippet(parts: list[str], *query: str) -> str:
    finder = snippets.Finder(query)
    found = [finder.scan(text) for text in parts]
    return str(snippets.build(parts, found, STEMS, {STEMS[w] for w in query}).html)


def test_the_query_words_are_marked_in_every_form_that_shares_their_stem() -> None:
    html = snippet(["The certificate expired. It expires yearly; expiry unknown."], "expired")
    assert html == (
        "The certificate <mark>expired</mark>. It <mark>expires</mark> yearly; expiry unknown."
    )


def test_text_is_escaped_and_only_mark_is_added() -> None:
    text = 'The <b>certificate</b> & <script>alert("x")</script> expired.'
    html = str(snippet([text], "certificate", "expired"))
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert html.count("<mark>") == 2


def test_the_window_is_about_24_words_around_the_best_match_with_ellipses() -> None:
    filler = " ".join(f"w{i}" for i in range(100))
    text = f"{filler} the certificate expired at noon {filler}"
    html = str(snippet([text], "certificate", "expired"))
    assert html.startswith("… w97 w98 w99 the <mark>certificate</mark> <mark>expired</mark>")
    assert html.endswith(" …")
    assert len(html.replace("<mark>", "").replace("</mark>", "").split()) == 24 + 2


def test_the_part_with_the_most_query_words_wins_the_title_only_when_nothing_else_matches() -> None:
    parts = ["The certificate was fine.", "Later the certificate expired.", "", "Title"]
    assert "Later the" in snippet(parts, "certificate", "expired")
    plain = snippet(["Nothing here.", "", "", "The certificate"], "certificate")
    assert plain == "The <mark>certificate</mark>"
    assert snippet(["No match at all.", "", "", "Title"], "expired") == ("No match at all.")


def test_words_to_stem_share_the_query_words_first_letters() -> None:
    finder = snippets.Finder(["certificate", "expired"])
    assert finder.scan("Certificates expired; the cert_expiry job exporting data") == [
        (0, 12, "certificates"),
        (13, 20, "expired"),
        (26, 30, "cert"),
        (31, 37, "expiry"),
        (42, 51, "exporting"),
    ]


def test_a_match_in_the_first_half_window_shows_the_text_from_its_start() -> None:
    text = "Root Cause and Resolution: at 04:00 the TLS certificate expired " + "x " * 40
    html = snippet([text], "expired")
    assert html.startswith("Root Cause and Resolution: at 04:00 the TLS certificate <mark>")
