"""Did you mean…? A search with a mistyped word ("certifcate") finds nothing: the word nearest
to it among the words a reader may see is offered instead.

The caller gives the vocabulary (the server: the titles, services and tags of the postmortems
the reader may see, so a suggestion never names what they may not read) and checks that the
suggested query finds something before it shows it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MIN_LENGTH = 4  # shorter words are codes and names ("dns", "k8s"): too many near neighbours
CUTOFF = 0.8  # difflib's ratio: one letter dropped, doubled or swapped in a word of 8 or more
MAX_WORDS = 8  # a longer query is no mistyped search: it is not corrected (each word costs)


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


def suggest(query: str, vocabulary: set[str]) -> str | None:
    """``query`` with each word the vocabulary lacks replaced by its nearest word there, or
    None when no word changes. A quoted phrase, an identifier (digits, ``-``, ``.``, ``_``) and
    a short word are kept as typed: they are names, not spelling."""
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
        if plain and word not in vocabulary:
            near = difflib.get_close_matches(word, vocabulary, n=1, cutoff=CUTOFF)
            if near:
                out.append(near[0])
                changed = True
                continue
        out.append(token)
    return " ".join(out) if changed else None
