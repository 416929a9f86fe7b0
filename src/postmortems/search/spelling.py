"""Did you mean…? A search with a mistyped word ("certifcate") finds nothing: the word nearest
to it among the words a reader may see is offered instead.

The caller gives the vocabulary (the server: the words of the postmortems the reader may see,
so a suggestion never names what they may not read) and checks that the suggested query finds
something before it shows it. A :class:`Lexicon` is built once for many look-ups: it groups
its words by length and first or last letter, so a mistyped word is compared with the few
words that may be it (a letter dropped, doubled, swapped or changed keeps the length within
two and the first or the last letter), not with every word of a library.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator

MIN_LENGTH = 4  # shorter words are codes and names ("dns", "k8s"): too many near neighbours
CUTOFF = 0.8  # difflib's ratio: one letter dropped, doubled or swapped in a word of 8 or more
MAX_WORDS = 8  # a longer query is no mistyped search: it is not corrected (each word costs)
SPREAD = 2  # how much longer or shorter than the typed word a correction may be


def words(texts: Iterable[str]) -> set[str]:
    """The lower-case words of ``texts`` that a mistyped word may be corrected to: letters
    only, at least ``MIN_LENGTH`` of them."""
    found: set[str] = set()
    for text in texts:
        for token in text.lower().replace("-", " ").replace("_", " ").split():
            word = token.strip(".,:;!?()[]{}'\"/")
            if len(word) >= MIN_LENGTH and word.isalpha():
                found.add(word)
    return found


class Lexicon:
    """Words grouped for :func:`suggest`; :meth:`plus` adds a few more without copying."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self._parts: tuple[_Part, ...] = (_Part(frozenset(vocabulary)),)

    def __contains__(self, word: object) -> bool:
        return any(word in part.words for part in self._parts)

    def __len__(self) -> int:
        return sum(len(part.words) for part in self._parts)

    def plus(self, more: Collection[str]) -> Lexicon:
        """This lexicon and ``more``: the groups of this one are shared, not copied."""
        out = Lexicon()
        fresh = frozenset(w for w in more if w not in self)
        out._parts = (*self._parts, _Part(fresh)) if fresh else self._parts
        return out

    def near(self, word: str) -> Iterator[str]:
        """The words that may be ``word`` mistyped: within :data:`SPREAD` letters of its length
        that begin with its first letter or end with its last."""
        for part in self._parts:
            seen: set[str] = set()
            for length in range(len(word) - SPREAD, len(word) + SPREAD + 1):
                for key in ((length, word[:1]), (length, "$" + word[-1:])):
                    seen.update(part.groups.get(key, ()))
            yield from seen


class _Part:
    def __init__(self, vocabulary: frozenset[str]) -> None:
        self.words = vocabulary
        self.groups: dict[tuple[int, str], list[str]] = defaultdict(list)
        for word in vocabulary:
            self.groups[(len(word), word[:1])].append(word)
            self.groups[(len(word), "$" + word[-1:])].append(word)


def suggest(query: str, vocabulary: Lexicon | Collection[str]) -> str | None:
    """``query`` with each word the vocabulary lacks replaced by its nearest word there, or
    None when no word changes. A quoted phrase, an identifier (digits, ``-``, ``.``, ``_``) and
    a short word are kept as typed: they are names, not spelling."""
    lexicon = vocabulary if isinstance(vocabulary, Lexicon) else Lexicon(vocabulary)
    out: list[str] = []
    changed = False
    quoted = False
    if len(query.split()) > MAX_WORDS:
        return None
    for token in query.split():
        opens = token.startswith('"')
        word = token.strip('"').lower()
        plain = not (quoted or opens) and len(word) >= MIN_LENGTH and word.isalpha()
        if token.count('"') % 2:
            quoted = not quoted
        if plain and word not in lexicon:
            near = difflib.get_close_matches(word, lexicon.near(word), n=1, cutoff=CUTOFF)
            if near:
                out.append(near[0])
                changed = True
                continue
        out.append(token)
    return " ".join(out) if changed else None
