"""Similar incidents: the earlier postmortems whose cause reads most like this one's, and why.

The model is lexical. The library is indexed with BM25F, word pairs included, weighing the parts
that carry the cause most (:data:`CAUSE_FIELDS`: root cause first, then summary and title). The
target becomes a weighted query: each of its terms weighs what its fields weigh, damped by the
square root of its count, and only the ``QUERY_TERMS`` most telling terms (weight × idf) are kept,
so a long timeline does not drown the cause. The score is the share of that query's best possible
score a document reaches (0 to 1), plus a small bonus for each service and tag the two share.

Reasons name what the two have in common: shared services and tags, the root-cause terms that
weigh most in the match, and identical error strings or identifiers (``ECONNRESET``,
``max_connections``). Whether the earlier postmortem's action items are done is for the caller
to report (:attr:`~postmortems.search.text.Doc.open_actions`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from postmortems.search.bm25 import Index, label_set, rank
from postmortems.search.causes import cause_pairs, cause_terms, name_terms
from postmortems.search.text import Doc, analyze, identifier_words

CAUSE_FIELDS: Mapping[str, float] = {
    "root_cause": 3.0,
    "summary": 2.0,
    "title": 2.0,
    "timeline": 1.0,
    # What was done and what is to be done name the mechanism again ("renew the certificate"),
    # and real documents often put the cause under a heading the parser cannot name.
    "resolution": 1.0,
    "measures": 1.0,
    "other": 1.0,
}
QUERY_TERMS = 48
SERVICE_BONUS = 0.1
TAG_BONUS = 0.05
REASON_TERMS = 4


@dataclass(frozen=True, slots=True)
class Similar:
    id: str
    score: float
    reasons: tuple[str, ...]
    bonus: float = 0.0  # the part of the score that shared services and tags gave


def cause_index(
    library: Sequence[Doc], *, fields: Mapping[str, float] | None = None, phrases: bool = True
) -> Index:
    """The index :func:`similar` searches: the library over the fields that carry the cause,
    with word pairs as terms."""
    return Index(library, fields=fields if fields is not None else CAUSE_FIELDS, phrases=phrases)


def similar(target: Doc, library: Sequence[Doc] | Index, *, top: int = 5) -> list[Similar]:
    """The ``top`` documents of the library most like ``target`` (never itself, nor a copy of
    it), best first."""
    index = library if isinstance(library, Index) else cause_index(library)
    ranked = _ranked_terms(target, index)
    query = _known(ranked, index)
    # The score is the share of what the target's most telling terms could score, those no
    # document of the library has included: against a library of a few postmortems, two shared
    # everyday words are not a large share of what the target says.
    best = sum(_idf(index, t) * w for t, w in ranked[:QUERY_TERMS]) or 1.0

    def itself(n: int) -> bool:  # the same document, or a copy of it under another name
        return index.docs[n].id == target.id or index.docs[n].text == target.text

    scores = {n: s / best for n, s in index.scores(query).items() if not itself(n)}
    bonuses = {n: b for n, b in _shared_bonus(target, index).items() if not itself(n)}
    for number, bonus in bonuses.items():
        scores[number] = scores.get(number, 0.0) + bonus
    explain = _Reasons(target, index, query)
    return [
        Similar(index.docs[n].id, round(score, 4), explain.of(n), round(bonuses.get(n, 0.0), 4))
        for n, score in rank(scores, top)
    ]


def cause_query(target: Doc, index: Index) -> dict[str, float]:
    """The target's terms weighted by the fields they are in, the most telling ones the index
    has only."""
    return _known(_ranked_terms(target, index), index)


def _known(ranked: list[tuple[str, float]], index: Index) -> dict[str, float]:
    """The ``QUERY_TERMS`` first of ``ranked`` that the index has."""
    return dict([(t, w) for t, w in ranked if t in index.idf][:QUERY_TERMS])


def _ranked_terms(target: Doc, index: Index) -> list[tuple[str, float]]:
    """The target's terms weighted by the fields they are in (each damped by the square root
    of its count), most telling first (weight × idf; a term no document has is the rarest)."""
    counts: dict[str, float] = defaultdict(float)
    for name, weight in index.fields.items():
        text = target.text if name == "text" else target.fields.get(name, "")
        for term, count in Counter(analyze(text, phrases=index.phrases)).items():
            counts[term] += weight * math.sqrt(count)
    return sorted(
        ((term, w) for term, w in counts.items()),
        key=lambda item: (-item[1] * _idf(index, item[0]), item[0]),
    )


def _idf(index: Index, term: str) -> float:
    return index.idf.get(term, index.unseen_idf)


def _shared_bonus(target: Doc, index: Index) -> dict[int, float]:
    """Document number to its bonus for the services and tags it shares with ``target`` (at
    most three of each count)."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for label in label_set(target):
        for number in index.labels.get(label, ()):
            counts[number][0 if label.startswith("service:") else 1] += 1
    return {n: SERVICE_BONUS * min(s, 3) + TAG_BONUS * min(t, 3) for n, (s, t) in counts.items()}


def _lower(names: Sequence[str]) -> set[str]:
    return {name.strip().lower() for name in names if name.strip()}


def reasons(target: Doc, number: int, index: Index, query: Mapping[str, float]) -> tuple[str, ...]:
    """Why the index's document ``number`` is like ``target``, most telling first."""
    return _Reasons(target, index, query).of(number)


class _Reasons:
    """What the reasons need from the target, read once for all the results."""

    def __init__(self, target: Doc, index: Index, query: Mapping[str, float]) -> None:
        self.target, self.index, self.query = target, index, query
        self.errors = _identifiers(target)
        cause = target.fields.get("root_cause") or target.fields.get("summary", "")
        # the words that may explain a match (:mod:`causes`), as the target writes them, and
        # their two-word names ("connection pool"), which read as a mechanism does
        self.surface = cause_terms(cause, target.services)
        self.pairs = cause_pairs(cause, target.services) if index.phrases else {}

    def of(self, number: int) -> tuple[str, ...]:
        doc, target = self.index.docs[number], self.target
        out = [
            f"shared service: {s}" for s in sorted(_lower(target.services) & _lower(doc.services))
        ]
        out += [f"shared tag: {t}" for t in sorted(_lower(target.tags) & _lower(doc.tags))]
        theirs = self.index.weights[number]
        out += [f"error: {e}" for e in self.errors if e.lower() in theirs][:MAX_ERRORS]
        terms = self.cause_terms(theirs, name_terms(doc.services))
        if terms:
            out.append("root cause: " + ", ".join(terms))
        return tuple(out)

    def cause_terms(self, theirs: Mapping[str, float], names: frozenset[str]) -> list[str]:
        """The telling words of the target's root cause (its summary when it has none) that the
        other document shares and that weigh most in the match, as the target writes them; the
        other's service names are shown as such, not as cause words."""
        query, idf = self.query, self.index.idf

        def weight(t: str) -> tuple[float, str]:
            return (-query[t] * idf[t] * theirs[t], t)

        pairs = [p for p in self.pairs if p in theirs and p in query]
        pairs = [p for p in sorted(pairs, key=weight) if not set(p.split()) & names]
        pairs = pairs[:REASON_TERMS]  # a two-word name reads as a mechanism does: first
        said = {w for p in pairs for w in p.split()}
        words = [t for t in self.surface if t in theirs and t in query and t not in names]
        shared = pairs + sorted((t for t in words if t not in said), key=weight)
        return [self.pairs.get(t) or self.surface[t] for t in shared[:REASON_TERMS]]


ERROR_FIELDS = ("title", "summary", "root_cause", "timeline")
MAX_ERRORS = 3


def _identifiers(doc: Doc) -> list[str]:
    """Error strings and identifiers in the parts that tell what happened, first spelling kept."""
    seen: dict[str, str] = {}
    for name in ERROR_FIELDS:
        for word in identifier_words(doc.fields.get(name, "")):
            seen.setdefault(word.lower(), word)
    return list(seen.values())
