"""Did you mean…?: a mistyped word is corrected to the nearest word of a vocabulary."""

from __future__ import annotations

from postmortems.search.spelling import MAX_WORDS, Lexicon, suggest, words

VOCABULARY = words(
    [
        "Checkout API returned 502s after an upstream certificate expired",
        "Orders database failover took 14 minutes",
        "checkout-api",  # a service: its parts are words too
    ]
)


def test_the_vocabulary_is_the_words_of_letters_only() -> None:
    assert {"certificate", "expired", "database", "failover", "checkout"} <= VOCABULARY
    assert "502s" not in VOCABULARY
    assert "api" not in VOCABULARY  # shorter than four letters: a name, not spelling


def test_a_mistyped_word_is_corrected_and_the_others_kept() -> None:
    assert suggest("certifcate", VOCABULARY) == "certificate"
    assert suggest("databse failovre", VOCABULARY) == "database failover"
    assert suggest("certifcate 502s", VOCABULARY) == "certificate 502s"


def test_nothing_to_suggest() -> None:
    assert suggest("certificate", VOCABULARY) is None  # spelt right
    assert suggest("quokka", VOCABULARY) is None  # nothing near it
    assert suggest("dsn", VOCABULARY) is None  # short: a code, not a typo
    assert suggest('"certifcate expired"', VOCABULARY) is None  # a phrase is as typed
    assert suggest("certifcate-2", VOCABULARY) is None  # an identifier is as typed
    assert suggest("", VOCABULARY) is None


def test_a_long_query_is_not_corrected() -> None:
    vocabulary = {"certificate", "expired", "renewal"}
    assert suggest("certifcate expird", vocabulary) == "certificate expired"
    long = " ".join(["certifcate"] * (MAX_WORDS + 1))
    assert suggest(long, vocabulary) is None  # each word costs a pass over the vocabulary


def test_a_lexicon_corrects_as_a_set_does_and_compares_only_near_words() -> None:
    lexicon = Lexicon(VOCABULARY)
    for query in ("certifcate", "databse failovre", "ertificate", "certificatee", "quokka"):
        assert suggest(query, lexicon) == suggest(query, VOCABULARY), query
    # "upstream": another first and last letter; "cert": the same first, six letters shorter
    assert set(Lexicon({"certificate", "upstream", "cert"}).near("certifcate")) == {"certificate"}


def test_a_lexicon_plus_a_few_words_keeps_its_own() -> None:
    lexicon = Lexicon({"certificate"})
    more = lexicon.plus({"quokkaride", "certificate"})
    assert suggest("quokaride", more) == "quokkaride"
    assert suggest("quokaride", lexicon) is None  # the first is not changed
    assert suggest("certifcate", more) == "certificate"
    assert len(more) == 2
