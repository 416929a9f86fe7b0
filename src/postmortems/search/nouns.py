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

from dataclasses import dataclass

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


# A verb's endings, in the order tried ("-es" before "-s": "resolves" is ``resolv`` + "es").
_ENDINGS = ("ing", "ed", "es", "s", "e", "")


@dataclass(frozen=True)
class Forms:
    """What a text must hold one of to be about a word: ``within``, anywhere in a word (in any
    case), or ``ending``, as the end of a word (no letter after it: "resolve." and the
    "example" of "api.example.com" end one)."""

    within: tuple[str, ...]
    ending: tuple[str, ...] = ()


def verb_root(word: str) -> str | None:
    """What the databases' stemmers leave of a verb's form ``word`` ("resolve", "resolves",
    "resolved", "resolving": ``resolv``; "controlled": ``controll``) when they leave the same
    of an agent noun ("resolver", "controller"); None for any other word, the noun itself
    included (:func:`noun_forms` asks for it), and for a root ending in "i" ("applies": its
    verb is spelt with a "y", "apply", which the root does not say)."""
    found = _root_and_ending(word)
    return found[0] if found is not None else None


def _root_and_ending(word: str) -> tuple[str, str] | None:
    low = word.lower()
    if not (low.isascii() and low.isalpha()) or verb_stem(low) is not None:
        return None
    ending = next(e for e in _ENDINGS if low.endswith(e) and not _no_plural(low, e))
    root = low[: len(low) - len(ending)]  # the first ending the word has ("cached": "cach")
    if root.endswith("i") or verb_stem(root + "er") != root:
        return None
    return root, ending


def _no_plural(word: str, ending: str) -> bool:
    """Whether a final "s" is the word's own ("process", "status", "analysis")."""
    return ending == "s" and word.endswith(("ss", "us", "is"))


def verb_forms(word: str) -> Forms | None:
    """The forms a text must hold one of to be about the verb of ``word`` (:func:`verb_root`)
    rather than only its agent noun: the verb whole ("resolve", "deploy") and its "-s", "-ed",
    "-ing" and "-able" forms, with and without a doubled consonant ("control", "controlled";
    "install", "installed"); never "resolver" or "resolvers". None when the stemmers give no
    noun the verb's stem."""
    found = _root_and_ending(word)
    if found is None:
        return None
    root, ending = found
    doubled = len(root) > 2 and root[-1] == root[-2] not in "aeiousz"
    base = root[:-1] if doubled and ending in ("ed", "ing") else root  # "controlled"
    # a verb ending in a vowel and a consonant may double it ("controlled", "embedded")
    doubles = base[-2] in VOWELS and base[-1] not in VOWELS | {"w", "x", "y"}
    stems = [base] + [base + base[-1]] * doubles
    within = {s + end for s in stems for end in ("s", "es", "ed", "ing", "able")}
    return Forms(tuple(sorted(within)), tuple(sorted({*stems, base + "e"})))
