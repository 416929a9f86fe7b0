"""The words *Did you mean…?* may offer a reader: those of the postmortems they may see.

A postmortem's words are those the search finds in it: its title, its text as the full-text
index holds it (HTML comments, link targets and addresses out; the review comments are not read:
a viewer does not see them) and its services and tags. They are read once per change of the
library (:func:`state.token` moves with every save and delete, restricting one included) and
kept in the process; a suggestion then costs two small queries (the token, the restricted
postmortems the reader may see) and the look-up.

A restricted postmortem's words are kept apart, by postmortem: a reader gets the words of the
unrestricted postmortems and of the restricted ones they may see (their teams'; all for a
superuser), so a word that only a restricted postmortem holds is never offered to anyone
outside its teams.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from postmortems.search import spelling
from postmortems.server.accounts.access import Access
from postmortems.server.accounts.roles import Action
from postmortems.server.library import fulltextindex, queries, state
from postmortems.server.library.models import Postmortem

BATCH = 500  # postmortems whose indexed text is read at a time


@dataclass(frozen=True)
class Vocabulary:
    """The library's words at one state (``token``): the unrestricted postmortems' together,
    the restricted ones' each apart (only the words no unrestricted one has)."""

    token: str
    open: spelling.Lexicon
    restricted: Mapping[int, frozenset[str]]


_lock = threading.Lock()
_built: list[Vocabulary] = []  # the last one built (at most one)
READERS = 64  # the words of as many sets of restricted postmortems seen, kept between searches
_readers: dict[tuple[str, tuple[int, ...]], spelling.Lexicon] = {}


def for_reader(access: Access) -> spelling.Lexicon:
    """The words a suggestion may offer ``access``: nothing for who may read nothing."""
    if not access.authenticated or not access.may(Action.READ):
        return spelling.Lexicon()
    words = current()
    shown = queries.visible(access).filter(restricted=True).values_list("pk", flat=True)
    held = tuple(sorted(pk for pk in shown if words.restricted.get(pk)))
    if not held:
        return words.open
    key = (words.token, held)
    found = _readers.get(key)
    if found is None:  # a superuser, or a team of many restricted postmortems: built once
        found = words.open.plus([w for pk in held for w in words.restricted[pk]])
        with _lock:
            if len(_readers) >= READERS:
                _readers.clear()
            _readers[key] = found
    return found


TRIES = 3  # builds a change of the library may interrupt before a suggestion goes without


def current() -> Vocabulary:
    """The vocabulary of the library as it is now, built again only when it has changed.

    A build reads the postmortems in several queries: one saved meanwhile (made restricted,
    say) could be read half before and half after. The token is read again after the build;
    a build it moved under is not kept, and is done again; after :data:`TRIES` such builds the
    suggestion goes without words this time (an empty vocabulary), never with a doubtful one."""
    token = state.token()
    if _built and _built[0].token == token:
        return _built[0]
    with _lock:
        for _ in range(TRIES):
            token = state.token()  # another thread may have built it, or the library moved
            if _built and _built[0].token == token:
                return _built[0]
            words = build(token)
            if state.token() == token:
                _built[:] = [words]
                return words
    return Vocabulary("", spelling.Lexicon(), {})


def build(token: str) -> Vocabulary:
    """Read every postmortem's words from the index (:data:`BATCH` at a time)."""
    rows = Postmortem.objects.order_by("pk").values_list(
        "pk", "restricted", "label_values", "title"
    )
    everyone: set[str] = set()
    apart: dict[int, set[str]] = {}
    listed = list(rows)
    for start in range(0, len(listed), BATCH):
        chunk = listed[start : start + BATCH]
        parts = fulltextindex.parts_for(pk for pk, _, _, _ in chunk)
        for pk, restricted, labels, title in chunk:
            text = parts.get(pk)
            # not indexed yet (a rebuild under way): its title still says its words
            said = [text.title, text.head, text.body] if text else [title]
            found = spelling.words([*said, *_label_words(labels)])
            (apart.setdefault(pk, set()) if restricted else everyone).update(found)
    own = {pk: frozenset(w - everyone) for pk, w in apart.items()}
    return Vocabulary(token, spelling.Lexicon(everyone), own)


def _label_words(labels: object) -> list[str]:
    if not isinstance(labels, dict):
        return []
    return [str(v) for kind in ("services", "tags") for v in labels.get(kind, ())]
