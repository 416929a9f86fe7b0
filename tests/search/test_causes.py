"""What may explain why two incidents are alike: no status, place, service name or filler word."""

from __future__ import annotations

import pytest
from tests.search.test_similar import make

from postmortems.search.causes import cause_terms, is_region, telling
from postmortems.search.similar import similar
from postmortems.search.text import stem


@pytest.mark.parametrize(
    ("token", "region"),
    [
        ("eu-west-1", True),
        ("us-east1", True),
        ("europe-west4", True),
        ("ap-southeast-2", True),
        ("us-gov-west-1", True),
        ("eu-west", True),
        ("west", False),  # a word alone is read as a word
        ("oom-killer", False),
        ("search-api", False),
        ("max_connections", False),
        ("x509", False),
    ],
)
def test_cloud_regions_are_recognised(token: str, region: bool) -> None:
    assert is_region(token) is region


def test_a_cause_has_no_status_place_service_or_filler_word() -> None:
    text = (
        "Status changed from identified to monitoring. Paged the on-call. Alert resolved. "
        "In eu-west-1 the search-api release v2.31 renamed the facet parameter instead of "
        "keeping both; api-gateway and search were affected, errors everywhere."
    )
    terms = cause_terms(text, ["search-api", "api-gateway", "search"])
    assert set(terms.values()) == {"release", "v2.31", "renamed", "facet", "parameter"}
    assert not any(telling(stem(w)) for w in ("identified", "mitigated", "affected", "status"))
    assert not telling(stem("instead"))
    assert telling(stem("certificate"))
    # the verbs of any fix explain no cause ("root cause: add" read as a reason)
    fix = cause_terms("We added memory and raised maxmemory; evicted keys were reduced.", [])
    assert set(fix.values()) == {"memory", "maxmemory", "evicted", "keys"}
    # every web service serves requests and every setting has a default: a pool lowered to 5
    # and a certificate left at its default do not share a cause through those words
    pool = cause_terms("A config change lowered the default pool; requests queued.", [])
    assert set(pool.values()) == {"config", "lowered", "pool", "queued"}
    # the questions some teams head their sections with are no cause either: two postmortems
    # headed "Why did this happen?" do not share "happen"
    asked = cause_terms("Why did this happen?\nWhat happened: the pool was exhausted.", [])
    assert set(asked.values()) == {"pool", "exhausted"}


def test_reasons_name_the_shared_mechanism_not_the_region_status_or_service() -> None:
    """The reasons the UX walk found ("west, error, status", "identified, mitigated, affected")
    are left out; the mechanism both share is what is named."""
    old = make(
        "old",
        "In eu-west-1 the redis primary ran out of memory; status identified, mitigated. "
        "Checkout was affected and showed errors.",
        services=("checkout",),
    )
    other = make("other", "A DNS change removed the records.", services=("dns",))
    target = make(
        "new",
        "In eu-west-1 the redis primary ran out of memory again; status identified, mitigated. "
        "Checkout was affected and showed errors.",
        services=("checkout",),
    )
    [match] = similar(target, [old, other], top=1)
    cause = next(r for r in match.reasons if r.startswith("root cause: "))
    words = cause.removeprefix("root cause: ").split(", ")
    assert "redis primary" in words
    assert "ran out of memory" in words  # as the text says it
    assert not set(words) & {"west", "eu", "status", "identified", "mitigated", "affected"}
    assert not set(words) & {"errors", "showed", "checkout"}
    assert "shared service: checkout" in match.reasons
    assert match.bonus == pytest.approx(0.1)


def test_reasons_give_a_shared_two_word_name_whole_and_an_identifier_not_in_parts() -> None:
    """ "connection pool" reads as the mechanism it is; a "fields" of prose does not match the
    parts of ``facet_fields``."""
    pool = make("pool-1", "The database connection pool was exhausted by a retry storm.")
    facets = make("facets", "The release renamed facet_fields; the gateway sent fields.")
    target = make("pool-2", "The connection pool was exhausted again; facet_fields kept.")
    found = {s.id: s for s in similar(target, [pool, facets])}
    cause = next(r for r in found["pool-1"].reasons if r.startswith("root cause: "))
    assert cause.removeprefix("root cause: ").split(", ")[0] == "connection pool"
    assert "exhausted" in cause
    words = [r for r in found["facets"].reasons if r.startswith("root cause: ")]
    assert words == ["root cause: facet_fields"]
