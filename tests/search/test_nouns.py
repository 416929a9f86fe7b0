"""The "-er" words the databases' English stemmers read as another word's verb."""

from __future__ import annotations

import re
import sqlite3

import pytest

from postmortems.search.nouns import (
    Forms,
    file_part_globs,
    measure,
    noun_forms,
    verb_forms,
    verb_pattern,
    verb_stem,
)

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
    assert verb_forms(word) == Forms(verb="resolv", word=word.lower())


@pytest.mark.parametrize(
    "word",
    ["resolver", "timed", "time", "cached", "cache", "applies", "need", "x509", "connections"],
)
def test_a_word_no_noun_shares_a_stem_with_asks_nothing(word: str) -> None:
    """Nor a word the stemmers cut further than its ending ("connections": ``connect``)."""
    assert verb_forms(word) is None


def test_a_doubled_consonant_is_undone_and_the_noun_may_double_it() -> None:
    assert verb_forms("controlled") == Forms(verb="control", doubled="l", word="controlled")
    assert verb_forms("control") == Forms(verb="control", doubled="l", word="control")
    assert verb_forms("deployed") == Forms(verb="deploy", word="deployed")
    # "expiration" starts so
    assert verb_forms("expired") == Forms(verb="expir", doubled="r", word="expired")


# A file or path name's part is not a verb's form; the word asked itself is found anywhere.
# Whether a text says the verb of "resolved", and whether SQLite's cheap GLOB pre-test sees a
# file name's part in it that only the pattern can tell.
SAYS_THE_VERB = {
    "The incident was resolved. Then": (True, False),  # a dot that ends a sentence
    "resolved/closed by ann": (True, False),  # a slash between words of prose
    "resolving took an hour": (True, False),
    "see /etc/resolv.conf now": (False, True),  # the stem before a dot
    "nameserver in resolv.conf.d": (False, True),
    "restart systemd-resolve.service": (False, True),  # the verb's form before a dot
    "the unit foo.resolving": (False, True),  # after a dot
    "the DNS resolvers": (False, False),  # the agent noun
    "systemd-resolved.service restarted": (True, True),  # the word asked, whole
}


@pytest.mark.parametrize(("text", "said"), SAYS_THE_VERB.items())
def test_a_file_names_part_is_no_verbs_form(text: str, said: tuple[bool, bool]) -> None:
    """A search for "resolved" found every text naming ``/etc/resolv.conf``: the stemmers give
    the file's ``resolv`` the verb's stem. The stem before or after a dot that joins it to a
    letter or digit is a name; SQLite reads the pattern only where its GLOBs see one."""
    forms = verb_forms("resolved")
    assert forms is not None
    says, named = said
    assert bool(re.search(verb_pattern(forms), text.lower())) is says
    assert _globbed(file_part_globs(forms), text.lower()) is named


def test_the_name_itself_is_found_in_a_file_name() -> None:
    """A search for "resolv" (or "resolv.conf") asks for the word as typed: the file's."""
    forms = verb_forms("resolv")
    assert forms is not None
    assert re.search(verb_pattern(forms), "/etc/resolv.conf")
    assert not re.search(verb_pattern(forms), "the resolver")


def _globbed(globs: list[str], text: str) -> bool:
    """Whether one of ``globs`` holds of ``text``, as SQLite reads them."""
    db = sqlite3.connect(":memory:")
    return any(db.execute("SELECT ? GLOB ?", (text, g)).fetchone()[0] == 1 for g in globs)


@pytest.mark.parametrize("word", ["resolved", "controlled"])
def test_the_verbs_pattern_is_linear_in_the_text(word: str) -> None:
    """Built per search, so not among the module-level patterns the linear-time test collects:
    timed the same way, on its floods and on floods of the stem, its noun and file names."""
    from tests.document.test_regex_linear import UNITS, _superlinear

    forms = verb_forms(word)
    assert forms is not None
    pattern = re.compile(verb_pattern(forms))
    stem = forms.verb
    units = (*UNITS, stem, f"{stem}.", f"a.{stem}", f"{stem}ers ", f"{stem}e_", f"{word}.")
    slow = {unit: times for unit in units if (times := _superlinear(False, pattern, unit))}
    assert not slow, f"{pattern.pattern!r} is superlinear on: {slow}"
