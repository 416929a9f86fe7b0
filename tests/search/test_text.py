"""The analyzer: what a search term matches, and the searchable form of a parsed postmortem."""

from __future__ import annotations

from postmortems.document import parse
from postmortems.search.text import (
    analyze,
    doc_from_document,
    is_error_string,
    is_identifier,
    stem,
)


def test_inflections_meet() -> None:
    assert len({stem(w) for w in ("expired", "expires", "expiration", "expiring")}) == 1
    assert stem("connections") == stem("connection") == stem("connected")
    assert stem("exhausted") == stem("exhaustion")
    assert stem("leaks") == stem("leaked") == stem("leaking") == stem("leak")


# A verb's forms meet in one term, whether or not the verb ends in an "e" that "-ed" and
# "-ing" drop ("timed", "time"), and whatever its length ("cached", "cache").
FORMS = {
    "time": ("timed", "times", "timing", "timings"),
    "use": ("used", "uses", "using"),
    "cache": ("cached", "caches", "caching"),
    "rate": ("rated", "rates", "rating"),
    "base": ("based", "bases"),
    "type": ("typed", "types", "typing"),
    "page": ("paged", "pages", "paging"),
    "age": ("aged", "ages", "aging"),
    "need": ("needed", "needs", "needing"),
    "fail": ("failed", "fails", "failing"),
    "log": ("logged", "logs", "logging"),
    "add": ("added", "adds", "adding"),
    "fix": ("fixed", "fixes", "fixing"),
    "play": ("played", "plays", "playing"),
    "aim": ("aimed", "aims", "aiming"),
    "tattoo": ("tattooed", "tattoos", "tattooing"),  # a doubled vowel is the verb's
    "resolve": ("resolved", "resolves", "resolving"),
    "schedule": ("scheduled", "schedules", "scheduling"),
    "deploy": ("deployed", "deploys", "deploying"),
    "control": ("controlled", "controls", "controlling"),  # a doubled "l" is undone
    "install": ("installed", "installs", "installing"),
    "call": ("called", "calls", "calling"),
}
# Words that only look like another's form: each keeps a term of its own. An agent noun is
# another word than its verb ("resolver" is a DNS server, "resolved" what an incident is).
APART = (
    ("hope", "hop"),
    ("hoped", "hopped"),
    ("feed", "fee"),
    ("rate", "rat"),
    ("use", "us"),
    ("resolved", "resolver"),
    ("resolving", "resolvers"),
    ("scheduled", "scheduler"),
    ("deployed", "deployer"),
    ("controlled", "controller"),
    ("timed", "timeout"),
    ("cached", "cacher"),
    ("indexed", "indexer"),
)


def test_a_verbs_forms_meet_with_or_without_its_final_e() -> None:
    met = {verb: {stem(form) for form in forms} for verb, forms in FORMS.items()}
    assert met == {verb: {stem(verb)} for verb in FORMS}
    assert len({stem(verb) for verb in FORMS}) == len(FORMS)


def test_a_word_that_only_looks_like_a_verbs_form_stays_apart() -> None:
    assert [(a, b) for a, b in APART if stem(a) == stem(b)] == []
    assert [w for w in ("doing", "thing", "string", "seed") if stem(w) != w] == []


def test_stop_words_and_urls_are_not_terms() -> None:
    terms = analyze("The disk was full, see https://example.com/disk-full-guide <b>now</b>")
    assert "the" not in terms
    assert "was" not in terms
    assert not any("example" in t for t in terms)
    assert stem("disk") in terms
    assert stem("full") in terms
    assert "b" not in terms


def test_html_comments_are_not_terms() -> None:
    terms = analyze("<!-- Describe the impact (users, money) -->Disk full")
    assert terms == [stem("disk"), stem("full")]
    # "<!--" alone is text (quoted code, say): what follows it is still searched
    quoted = analyze("The template emitted `<!--` unclosed. We restarted redis")
    assert stem("redis") in quoted


def test_counting_words_are_not_terms() -> None:
    # "root cause: one, first" tells a reader nothing about why two incidents are alike.
    terms = analyze("One queue served two kinds of mail; the first campaign filled it")
    assert terms == [stem(w) for w in ("queue", "served", "kinds", "mail", "campaign", "filled")]


def test_error_strings_kept_whole_and_split() -> None:
    terms = analyze("The oom-killer ended it; ECONNRESET from wp-settings.php; OOMKilled; x509")
    for whole in ("oom-killer", "econnreset", "wp-settings.php", "oomkilled", "x509"):
        assert whole in terms
    assert "oom" in terms
    assert "killer" in terms
    assert terms.count("econnreset") == 1


def test_identifiers_are_not_prose() -> None:
    assert is_identifier("max_connections")
    assert is_identifier("ENOSPC")
    assert is_identifier("ext4")
    assert not is_identifier("Database")
    assert not is_identifier("DNS")


def test_phrases_pair_neighbouring_words() -> None:
    terms = analyze("The connection pool was exhausted", phrases=True)
    assert f"{stem('connection')} {stem('pool')}" in terms


DOC = """\
---
title: Checkout down
services: [checkout, postgres]
tags: [database]
---
# Checkout down

## Summary
Checkout returned 500s for 40 minutes.

## Root cause
The connection pool was exhausted by a leak.

## Timeline
- 10:00 alerts fire
- 10:40 fixed

## Action items
- [ ] Add a pool usage alert (owner: @ann)
- [x] Fix the leak
"""


def test_doc_from_document_fills_fields() -> None:
    doc = doc_from_document("a.md", parse(DOC, "a.md"))
    assert doc.title == "Checkout down"
    assert "connection pool" in doc.fields["root_cause"]
    assert "500s" in doc.fields["summary"]
    assert "alerts fire" in doc.fields["timeline"]
    assert doc.services == ("checkout", "postgres")
    assert doc.tags == ("database",)
    assert [a for a in doc.open_actions if "pool usage alert" in a]
    assert not any("Fix the leak" in a for a in doc.open_actions)
    assert all(part in doc.text for part in ("Checkout down", "exhausted", "fixed"))


def test_error_strings_are_not_hyphenated_prose() -> None:
    for word in ("ECONNRESET", "max_connections", "x509", "OOMKilled", "wp-settings.php"):
        assert is_error_string(word), word
    for word in ("on-call", "follow-up", "error-rate", "Database"):
        assert not is_error_string(word), word


def test_percentiles_severities_and_measures_are_not_error_strings() -> None:
    for word in ("p95", "P99", "p99.9", "p999", "p50", "SEV1", "sev-2", "502s", "5xx", "300ms"):
        assert not is_error_string(word), word
    # a letter and digits that name a thing are still identifiers (a curve, a key store)
    for word in (
        "ext4",
        "k8s",
        "pg15",
        "sha256",
        "E11000",
        "p95_latency_ms",
        "p256",
        "p384",
        "p12",
    ):
        assert is_error_string(word), word


def test_times_dates_and_addresses_are_not_error_strings() -> None:
    for word in ("04:00", "14:05:30", "2024-03-01", "10.0.0.1", "1.2.3"):
        assert not is_error_string(word), word
    for word in ("04:00Z", "v1.2.3", "ip-10-0-0-1"):
        assert is_error_string(word), word


def test_a_tag_typed_in_a_code_span_is_kept() -> None:
    from postmortems.search.text import clean

    said = clean("Run `certctl issue --cn <name> --ttl 365d`, then <b>reload</b> nginx.")
    assert "`certctl issue --cn <name> --ttl 365d`" in said
    assert "<b>" not in said
    assert "reload" in said


def test_the_terms_only_in_file_names_are_told_apart() -> None:
    """A term a text has only in names (a token with a dot) is kept with the names' parts;
    one its prose says as well is not."""
    from collections import Counter

    from postmortems.search.text import Names, analyze

    names = Names()
    text = "An empty /etc/resolv.conf and nginx.conf; nginx restarted"
    terms = analyze(text, names=names)
    assert terms == analyze(text)  # the same terms, read in the same pass
    assert names.only([Counter(terms)]) == {
        "etc/resolv.conf": frozenset({"etc/resolv.conf"}),
        "resolv": frozenset({"resolv"}),
        "conf": frozenset({"conf"}),
        "nginx.conf": frozenset({"nginx.conf"}),
    }
