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
# What Porter's stemmer cuts from a long stem after the endings above (its steps 2 to 4, and
# their forms without a final "e"): a root ending so is not the stem the databases give the
# word ("connections" is ``connect``, "negative" ``negat``), so no noun shares it.
_CUT_FURTHER = tuple(
    """al ance anc ence enc er ic able abl ible ibl ant ement ment ent ion ou ism ate at iti ous
    ive iv ize iz ise is ness ful li ator enci anci""".split()  # noqa: SIM905 (read as words)
)


# A file or path name's part ("resolv" and "conf" of ``/etc/resolv.conf``, "service" of
# ``foo.service``) is a name, not an English word's form: a word a dot joins to a letter or digit
# before or after it. It is read so up to this many letters after a verb's stem (a longer word
# is read as prose): each look beyond the stem reads no further, so the patterns stay linear.
PART_LETTERS = 6


@dataclass(frozen=True)
class Forms:
    """What a text must hold to be about a word: one of ``within``, anywhere in a word (in any
    case; the forms of an "-er" noun), or a word that starts with ``verb`` and is neither its
    agent noun (``verb`` + "er" or "ers", its last letter perhaps ``doubled``: "controller")
    nor a file name's part (``resolv.conf``), else the ``word`` asked itself, wherever it is
    (a search for "resolv" finds ``/etc/resolv.conf``)."""

    within: tuple[str, ...] = ()
    verb: str = ""
    doubled: str = ""
    word: str = ""


def verb_root(word: str) -> str | None:
    """What the databases' stemmers leave of a verb's form ``word`` ("resolve", "resolves",
    "resolved", "resolving": ``resolv``; "controlled": ``controll``) when they leave the same
    of an agent noun ("resolver", "controller"); None for any other word: the noun itself
    (:func:`noun_forms` asks for it), a word the stemmers cut further ("connections",
    ``connect``), and a root ending in "i" ("applies": its verb is spelt "apply")."""
    low = word.lower()
    if not (low.isascii() and low.isalpha()) or verb_stem(low) is not None:
        return None
    ending = next(e for e in _ENDINGS if low.endswith(e) and not _no_plural(low, e))
    root = low[: len(low) - len(ending)]  # the first ending the word has ("cached": "cach")
    if root.endswith("i") or verb_stem(root + "er") != root or _cut_further(root):
        return None
    return root


def _no_plural(word: str, ending: str) -> bool:
    """Whether a final "s" is the word's own ("process", "status", "analysis")."""
    return ending == "s" and word.endswith(("ss", "us", "is"))


def _cut_further(root: str) -> bool:
    return any(root.endswith(s) and measure(root[: -len(s)]) > 0 for s in _CUT_FURTHER)


def verb_forms(word: str) -> Forms | None:
    """What a text must hold to be about the verb of ``word`` (:func:`verb_root`) rather than
    only its agent noun: a word starting with the verb's stem that is not the noun ("resolve",
    "resolved", "resolving", "resolvable"; "expiration" for "expired", as the stemmers have
    it; never "resolver" or "resolvers"). A doubled consonant is undone ("controlled":
    ``control``, whose noun may double it: "controller"). None when no noun shares the stem."""
    root = verb_root(word)
    if root is None:
        return None
    doubled = len(root) > 2 and root[-1] == root[-2] not in "aeiousz"
    base = root[:-1] if doubled else root
    doubles = base[-2] in VOWELS and base[-1] not in VOWELS | {"w", "x", "y"}
    return Forms(verb=base, doubled=base[-1] if doubles else "", word=word.lower())


def verb_pattern(forms: Forms) -> str:
    """:func:`verb_forms` as one regular expression of the lower-cased text (Python's and
    PostgreSQL's alike): the verb's stem not followed by its noun's "-er" or "-ers" and the
    word's end, nor in a file name's part (a dot right before it, or one after at most
    :data:`PART_LETTERS` letters and then a letter or digit); or the word asked, whole."""
    again = f"{forms.doubled}?" if forms.doubled else ""
    noun = f"(?!{again}ers?(?![a-z]))"
    named = rf"(?![a-z0-9_]{{0,{PART_LETTERS}}}\.[a-z0-9])"
    word = f"(?<![a-z0-9_]){forms.word}(?![a-z0-9_])"
    return rf"(?<![a-z0-9]\.){forms.verb}{noun}{named}|{word}"


def file_part_globs(forms: Forms) -> list[str]:
    """``GLOB`` patterns of the lower-cased text, one of which holds where a word starting with
    the verb's stem may be a file name's part (:func:`verb_pattern` then tells; a text with
    none is read by cheaper patterns alone)."""
    letters = (f"*{forms.verb}{'[a-z0-9_]' * n}.[a-z0-9]*" for n in range(PART_LETTERS + 1))
    return [*letters, f"*[a-z0-9].{forms.verb}*"]
