"""BM25F search: ranking, field weights, snippets."""

from __future__ import annotations

from postmortems.search.bm25 import WHOLE_TEXT, Index, snippet
from postmortems.search.text import FIELDS, Doc


def make(id: str, title: str = "", **fields: str) -> Doc:
    full = {name: fields.get(name, "") for name in FIELDS}
    full["title"] = title
    return Doc(id=id, title=title, text="\n".join(v for v in full.values() if v), fields=full)


LIBRARY = [
    make("cert", "TLS expired", root_cause="The certificate expired because renewal failed."),
    make("disk", "Disk full", root_cause="The root filesystem filled with logs: no space left."),
    make("pool", "Checkout errors", root_cause="The database connection pool was exhausted."),
    make(
        "mention",
        "Slow pages",
        timeline="We checked the certificate, it was fine. The CDN "
        "was slow for a long, long, long while and the pages were slow for everyone.",
    ),
]


def test_the_document_about_it_ranks_first() -> None:
    hits = Index(LIBRARY).search("expired certificate")
    assert [h.id for h in hits][:2] == ["cert", "mention"]
    assert hits[0].score > hits[1].score > 0


def test_inflected_query_finds_the_stem() -> None:
    assert Index(LIBRARY).search("connections exhausting")[0].id == "pool"


NAMES = [
    make("conf", "Lookups failed", root_cause="The new image shipped an empty /etc/resolv.conf."),
    make("verb", "Queue stuck", resolution="It resolved itself once the lock expired."),
    make("both", "DNS down", root_cause="A bad resolv.conf; resolved by restoring it."),
    make("unit", "Stale cache", timeline="Nobody restarted deploy.service after the change."),
]


def test_a_file_names_part_is_not_a_verbs_form() -> None:
    """ "resolved" found every postmortem naming ``/etc/resolv.conf``: its ``resolv`` is the
    verb's stem. A name's part is found by the word as written, and a postmortem saying the
    verb in prose as well is found for it."""
    index = Index(NAMES)
    assert sorted(h.id for h in index.search("resolved")) == ["both", "verb"]
    assert sorted(h.id for h in index.search("resolving")) == ["both", "verb"]
    assert {"conf", "both"} <= {h.id for h in index.search("resolv")}
    assert [h.id for h in index.search("resolv.conf")][:2] in (["both", "conf"], ["conf", "both"])
    assert [h.id for h in index.search("deployed")] == []
    assert [h.id for h in index.search("deploy")] == ["unit"]
    assert [h.id for h in index.search("service")] == ["unit"]  # the part as written


def test_no_match_no_hit_and_top_limits() -> None:
    index = Index(LIBRARY)
    assert index.search("kubernetes") == []
    assert index.search("") == []
    assert len(index.search("the certificate disk pool", top=2)) == 2


def test_title_weight_moves_a_title_match_up() -> None:
    docs = [
        make("body", "Outage", summary="Redis fell over. " + "Other words here. " * 5),
        make("title", "Redis outage", summary="It fell over. " + "Other words here. " * 5),
    ]
    assert Index(docs).search("redis")[0].id == "title"
    whole = Index(docs, fields=WHOLE_TEXT).search("redis")
    assert {h.id for h in whole} == {"body", "title"}


def test_snippet_holds_the_terms_and_no_markup() -> None:
    text = "# Report\n\nIntro line.\n\nThe **certificate** for `api` expired at noon. More."
    cut = snippet(text, ["certificat", "expir"], width=60)
    assert "certificate" in cut
    assert "expired" in cut
    assert "**" not in cut
    assert "`" not in cut
    assert len(cut) <= 62


def test_snippet_without_match_is_the_opening() -> None:
    assert snippet("First sentence here. Second.", ["zzz"], width=15).startswith("First")
    long = "word " * 100
    assert len(snippet(long, ["word"], width=40)) <= 42


def test_snippet_keeps_a_links_text_and_takes_a_bracket_flood_in_linear_time() -> None:
    import time

    cut = snippet("See [the runbook](https://wiki/x) for the certificate.", ["certificat"])
    assert "the runbook" in cut
    assert "https://wiki" not in cut

    def seconds(size: int) -> float:
        start = time.thread_time()
        snippet("[" * size + " certificate", ["certificat"])
        return time.thread_time() - start

    # Quadratic before: 0.3 s at 10 kB, 31 s at 100 kB (a link's text read to the end each time).
    assert seconds(100_000) <= 30 * min(seconds(10_000) for _ in range(2)) + 0.05
