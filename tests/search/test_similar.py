"""Similar incidents: ranking by cause, the reasons given, services and tags."""

from __future__ import annotations

from dataclasses import replace

from postmortems.search.similar import cause_index, similar
from postmortems.search.text import FIELDS, Doc, stem


def make(id: str, root_cause: str, **extra: object) -> Doc:
    fields = dict.fromkeys(FIELDS, "")
    fields["root_cause"] = root_cause
    fields["title"] = id
    doc = Doc(id=id, title=id, text=f"{id}\n{root_cause}", fields=fields)
    return replace(doc, **extra)  # type: ignore[arg-type]


LIBRARY = [
    make("pool-1", "The database connection pool was exhausted: ECONNRESET from pgbouncer."),
    make("cert-1", "The TLS certificate expired because certbot renewal failed."),
    make("disk-1", "The disk filled up with logs and writes failed (no space left on device)."),
    make("dns-1", "A DNS change removed the A records for the domain."),
]


def test_same_mechanism_ranks_first() -> None:
    target = make("pool-2", "Checkout saw ECONNRESET: connection pool exhausted under load.")
    found = similar(target, LIBRARY, top=3)
    assert found[0].id == "pool-1"
    assert found[0].score > (found[1].score if len(found) > 1 else 0)
    assert 0 < found[0].score <= 1


def test_reasons_name_error_strings_and_cause_words() -> None:
    target = make("pool-2", "Checkout saw ECONNRESET: connection pool exhausted under load.")
    reasons = similar(target, LIBRARY, top=1)[0].reasons
    assert "error: ECONNRESET" in reasons
    cause = next(r for r in reasons if r.startswith("root cause: "))
    assert "pool" in cause
    assert "connection" in cause


def test_never_itself_and_nothing_unrelated() -> None:
    target = LIBRARY[1]
    found = similar(target, LIBRARY)
    assert target.id not in [s.id for s in found]
    assert similar(make("x", "Quantum flux capacitor misaligned."), LIBRARY) == []


def test_shared_services_and_tags_count_and_are_named() -> None:
    target = make("new", "Something odd happened.", services=("api",), tags=("payments",))
    other = make("old", "Nothing in common here.", services=("API", "web"), tags=("payments",))
    found = similar(target, [*LIBRARY, other])
    assert found[0].id == "old"
    assert "shared service: api" in found[0].reasons
    assert "shared tag: payments" in found[0].reasons


def test_a_prebuilt_index_gives_the_same_answer() -> None:
    target = make("cert-2", "Users saw certificate errors: the certificate had expired.")
    index = cause_index(LIBRARY)
    assert similar(target, index) == similar(target, LIBRARY)
    assert similar(target, index, top=1)[0].id == "cert-1"


def test_a_reason_names_no_time_and_no_word_every_postmortem_has() -> None:
    from postmortems.search.causes import telling as _telling

    assert not _telling("13:40")  # a time both happen to mention
    assert not _telling("2026-12-04")
    assert not _telling(stem("resolved"))
    assert not _telling(stem("incident"))
    assert _telling(stem("redis"))
    assert _telling("x509")


def test_a_copy_of_the_postmortem_is_not_similar_to_it() -> None:
    a = make("a.md", "The redis primary ran out of memory during the nightly import.")
    copy = replace(a, id="library/a-copy.md")  # the same text under another name
    other = make("b.md", "The redis replica ran out of memory after a failover.")
    assert [s.id for s in similar(a, [copy, other])] == ["b.md"]


def test_a_library_of_one_does_not_make_two_everyday_words_a_match() -> None:
    """The score is the share of what the target's cause says, its words no earlier postmortem
    has included: against one earlier postmortem, sharing "request" and "new" is a small share;
    the same mechanism is a large one."""
    target = make(
        "failover-2",
        "After the database failover, clients kept connecting to the old primary: the DNS "
        "TTL was an hour, so every new request went to a read-only replica.",
    )
    unrelated = make("cert-2", "A new certificate was not deployed; each request failed TLS.")
    same = make(
        "failover-1",
        "The database failover moved the primary, but clients cached the DNS answer for the "
        "TTL and kept connecting to the read-only replica.",
    )
    [weak] = similar(target, [unrelated])
    [strong] = similar(target, [same])
    assert weak.score < 0.1 <= strong.score
    assert strong.score > 3 * weak.score


def test_a_latency_percentile_or_a_severity_is_no_error_string_nor_cause_word() -> None:
    # Two slow-provider alerts share the alert's name (an identifier that tells) and "p95" and
    # "SEV2" (what any latency alert and any incident say): only the name is a reason.
    said = "PaymentsUpstreamLatency fired: p95 above 1 s, p99.9 above 3 s (SEV2); provider slow."
    earlier = make("slow-1", said)
    target = make("slow-2", f"{said} Again.")
    reasons = similar(target, [*LIBRARY, earlier], top=1)[0].reasons
    assert "error: PaymentsUpstreamLatency" in reasons
    assert not [r for r in reasons if any(w in r.lower() for w in ("p95", "p99", "sev2"))]
    assert "provider" in next(r for r in reasons if r.startswith("root cause: "))
