"""The "-er" words the databases' English stemmers read as another word's verb."""

from __future__ import annotations

import pytest

from postmortems.search.nouns import Forms, measure, noun_forms, verb_forms, verb_stem

# The words the stemmers read as another's verb ("resolver" as "resolved", "resolve"), by stem.
STEMMED = {
    "resolver": "resolv",
    "Resolvers": "resolv",
    "scheduler": "schedul",
    "indexer": "index",
    "balancer": "balanc",
    "controller": "controll",
    "autoscaler": "autoscal",
}


def test_an_agent_noun_the_stemmers_strip_is_found() -> None:
    assert {word: verb_stem(word) for word in STEMMED} == STEMMED


@pytest.mark.parametrize(
    "word", ["server", "worker", "router", "filter", "timer", "user", "breaker", "resolve", "x509"]
)
def test_a_short_stem_or_another_word_asks_nothing(word: str) -> None:
    """The stemmers keep the "-er" of a short stem (Porter's measure one): "server" is never
    "served" there, so nothing more is asked of the text."""
    assert verb_stem(word) is None
    assert noun_forms(word) == ()


def test_a_word_not_in_ascii_letters_asks_nothing() -> None:
    """SQLite's LIKE folds the case of ASCII letters only: asking a text for "übersetzer" would
    drop the "Übersetzer" the index found. Porter's stemmers are English ones anyway."""
    assert verb_stem("übersetzer") is None
    assert noun_forms("Übersetzer") == ()


def test_the_forms_asked_are_the_nouns_not_the_other_verbs_past_tense() -> None:
    forms = noun_forms("resolver")
    assert {"resolver", "resolvers", "resolving"} <= set(forms)
    assert not {"resolved", "resolve", "resolves"} & set(forms)
    # what a balancer does is still a balancer's ("load balancing")
    assert "balancing" in noun_forms("balancer")
    # an "-er" verb keeps its own forms ("recovered"), which the stemmers also give it
    assert {"recover", "recovered", "recovering"} <= set(noun_forms("recover"))


def test_porters_measure() -> None:
    assert [measure(s) for s in ("tr", "tree", "serv", "resolv", "organiz", "toy")] == [
        0,
        0,
        1,
        2,
        3,
        1,
    ]


@pytest.mark.parametrize("word", ["resolve", "resolves", "resolved", "resolving", "Resolved"])
def test_a_verbs_form_asks_a_word_of_its_stem_that_is_not_the_noun(word: str) -> None:
    """The stemmers give "resolved" the stem of "resolver": the server asks a text for a word
    that starts with the stem and is not "resolver" or "resolvers"."""
    assert verb_forms(word) == Forms(verb="resolv")


@pytest.mark.parametrize(
    "word",
    ["resolver", "timed", "time", "cached", "cache", "applies", "need", "x509", "connections"],
)
def test_a_word_no_noun_shares_a_stem_with_asks_nothing(word: str) -> None:
    """Nor a word the stemmers cut further than its ending ("connections": ``connect``)."""
    assert verb_forms(word) is None


def test_a_doubled_consonant_is_undone_and_the_noun_may_double_it() -> None:
    assert verb_forms("controlled") == Forms(verb="control", doubled="l")
    assert verb_forms("control") == Forms(verb="control", doubled="l")
    assert verb_forms("deployed") == Forms(verb="deploy")
    assert verb_forms("expired") == Forms(verb="expir", doubled="r")  # "expiration" starts so
