"""Agent nouns that the databases' English stemmers read as their verbs.

SQLite's FTS5 ``porter`` tokenizer and PostgreSQL's ``english`` configuration strip "-er" from a
word whose stem is long enough (Porter's measure above one): "resolver", "resolved" and
"resolve" are all ``resolv``, "scheduler" is "scheduled", "indexer" is "indexed", "balancer" is
"balanced". A search for the DNS resolver found every postmortem whose incident was resolved.
A short stem keeps its "-er" ("server", "worker", "router", "filter": measure one), and
``pm search``'s own stemmer never strips it (:func:`postmortems.search.text.stem`).

The server's searches ask, for such a word, that the text say one of :func:`noun_forms`: the
noun, its plural, what it does ("resolving", "balancing"), and a verb's own forms when the word
is one ("recover", "recovered", "registering"), never only the other verb's past tense or base
form ("resolved", "resolve").
"""

from __future__ import annotations

VOWELS = frozenset("aeiou")
LEAST_LETTERS = 6  # "timer", "user", "later": too short to be read as another word's verb


def measure(stem: str) -> int:
    """Porter's measure of a stem: how many times a vowel is followed by a consonant
    (``resolv`` 2, ``serv`` 1, ``tim`` 1); a "y" after a consonant is a vowel."""
    count, vowel_before = 0, False
    for i, letter in enumerate(stem):
        vowel = letter in VOWELS or (letter == "y" and i > 0 and stem[i - 1] not in VOWELS)
        count += vowel_before and not vowel
        vowel_before = vowel
    return count


def verb_stem(word: str) -> str | None:
    """The stem the databases give both ``word`` and another word's forms, when ``word`` is an
    "-er" word (a plural too) whose "-er" their stemmers strip (``resolver``, ``schedulers``:
    ``resolv``, ``schedul``); None for any other word (``server``, ``timeout``) and for a word
    not in ASCII letters (Porter's stemmers are English; SQLite's LIKE folds only ASCII case, so
    asking for "übersetzer" would lose the "Übersetzer" the index found)."""
    low = word.lower()
    if low.endswith("ers"):
        low = low[:-1]
    if len(low) < LEAST_LETTERS or not (low.isascii() and low.isalpha()) or not low.endswith("er"):
        return None
    stem = low[:-2]
    return stem if measure(stem) > 1 else None


def noun_forms(word: str) -> tuple[str, ...]:
    """The words a text must hold to be about ``word`` when it is such an "-er" word: the word
    and its plural, its "-ed" and "-ing" forms (a verb's own: "recovered"), and the stem's
    "-ing" ("resolving", "balancing"); empty for any other word (nothing to ask)."""
    stem = verb_stem(word)
    if stem is None:
        return ()
    noun = stem + "er"
    return (noun, noun + "s", noun + "ed", noun + "ing", stem + "ing")
