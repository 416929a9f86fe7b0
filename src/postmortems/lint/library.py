"""The earlier postmortems `pm lint --library` compares a postmortem with (PM8xx rules).

The library is read once per run and its similarity index built on first use; the rules ask it
which earlier postmortems a document's cause matches (:mod:`postmortems.search.similar`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from postmortems.errors import PostmortemsError
from postmortems.search.bm25 import Index
from postmortems.search.similar import Similar, cause_index, similar
from postmortems.search.text import Doc


@dataclass
class Library:
    """Earlier postmortems, by path."""

    docs: Sequence[Doc]
    errors: Sequence[PostmortemsError] = field(default_factory=tuple)

    @functools.cached_property
    def index(self) -> Index:
        return cause_index(self.docs)

    @functools.cached_property
    def by_id(self) -> dict[str, Doc]:
        return {doc.id: doc for doc in self.docs}

    def earlier_matches(self, target: Doc, *, top: int = 5) -> list[tuple[Similar, Doc]]:
        """The library's postmortems most like ``target``, best first: never the same file,
        and never one that began after it (when both dates are known)."""
        here = _real(target.id)
        out = []
        for match in similar(target, self.index, top=top + 1):
            doc = self.by_id[match.id]
            if _real(doc.id) == here:
                continue
            if target.started and doc.started and doc.started > target.started:
                continue
            out.append((match, doc))
        return out[:top]


def _real(path: str) -> str:
    return os.path.realpath(path) if path and not path.startswith("<") else path


def read_library(paths: Iterable[str], *, workers: int | None = None) -> Library:
    """The postmortems under ``paths`` (files or folders), and the files that could not be read."""
    from postmortems.search.files import read_library as read

    docs, errors = read(paths, workers=workers)
    return Library(docs, errors)
