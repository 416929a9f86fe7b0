"""BM25 with field weights (BM25F) over :class:`~postmortems.search.text.Doc`, and snippets.

Each field's term frequency is normalised by that field's length against its average, weighted,
summed, then saturated once (Robertson and Zaragoza's BM25F): a term in a short root cause counts
more than the same term in a long timeline, and a term repeated across fields does not count as
if it were new evidence each time. Everything that does not depend on the query is computed when
the index is built, so a query is a sum over the postings of its terms.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from postmortems.search.text import (
    Doc,
    Names,
    analyze,
    clean,
    clean_tokens,
    raw_tokens,
    word_terms,
)

K1 = 1.2
B = 0.75
# Where a query term found counts most: the parts that say what happened and why.
SEARCH_FIELDS: Mapping[str, float] = {
    "title": 3.0,
    "summary": 2.0,
    "root_cause": 2.0,
    "resolution": 1.0,
    "measures": 1.0,
    "timeline": 1.0,
    "other": 1.0,
}
WHOLE_TEXT: Mapping[str, float] = {"text": 1.0}  # plain BM25 over the whole text
PLAIN_CACHE = 4096  # documents whose markup-free text is kept for snippets


_BLANKS = re.compile(r"[ \t]+")
_SNIPPET_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.:/-]*")


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float
    snippet: str


def field_text(doc: Doc, name: str) -> str:
    """The text of one field; ``text`` is the whole document."""
    return doc.text if name == "text" else doc.fields.get(name, "")


class Index:
    """An inverted index of documents, built once and queried many times.

    ``fields`` weighs each field (:data:`SEARCH_FIELDS` by default, :data:`WHOLE_TEXT` for plain
    BM25); with ``phrases`` (the default) pairs of neighbouring words are terms too, which
    ranks "connection pool" above a text that says "connection" and "pool" apart.
    """

    def __init__(
        self,
        docs: Sequence[Doc],
        *,
        fields: Mapping[str, float] | None = None,
        phrases: bool = True,
    ) -> None:
        self.docs = list(docs)
        self.fields = dict(fields if fields is not None else SEARCH_FIELDS)
        self.phrases = phrases
        self._plain: dict[int, str] = {}
        names = [Names() for _ in self.docs]
        per_field = [
            {
                name: Counter(analyze(field_text(doc, name), phrases=phrases, names=found))
                for name in self.fields
            }
            for doc, found in zip(self.docs, names, strict=True)
        ]
        lengths = {
            name: [sum(counts[name].values()) for counts in per_field] for name in self.fields
        }
        average = {name: (sum(v) / len(v) if v else 0.0) or 1.0 for name, v in lengths.items()}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.weights: list[dict[str, float]] = []
        for number, counts in enumerate(per_field):
            weighted = self._weighted(counts, {n: lengths[n][number] for n in self.fields}, average)
            self.weights.append(weighted)
            for term, tf in weighted.items():
                self.postings[term].append((number, tf / (K1 + tf)))
        # Who names which service and tag (lower case), for similar incidents.
        self.labels: dict[str, list[int]] = defaultdict(list)
        for number, doc in enumerate(self.docs):
            for label in label_set(doc):
                self.labels[label].append(number)
        total = len(self.docs)
        self.idf = {
            term: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in self.postings.items()
        }
        # What a term no document has would weigh: the most telling of all.
        self.unseen_idf = math.log(1 + (total + 0.5) / 0.5)
        # Each document's terms found only in file names, with the names' parts (few or none).
        self.named = [
            found.only(per_field[n].values()) if found.counts else {}
            for n, found in enumerate(names)
        ]

    def _weighted(
        self,
        counts: Mapping[str, Counter[str]],
        lengths: Mapping[str, int],
        average: Mapping[str, float],
    ) -> dict[str, float]:
        weighted: dict[str, float] = defaultdict(float)
        for name, weight in self.fields.items():
            norm = 1 - B + B * lengths[name] / average[name]
            for term, tf in counts[name].items():
                weighted[term] += weight * tf / norm
        return weighted

    def __len__(self) -> int:
        return len(self.docs)

    def scores(
        self, terms: Mapping[str, float], forms: Mapping[str, str] | None = None
    ) -> dict[int, float]:
        """Document number to score for weighted query terms (documents with no term left out).
        ``forms``: the word a term was stemmed from ("resolved": ``resolv``), which a document
        having the term only in file names does not say (unless a name's part is that word)."""
        totals: dict[int, float] = defaultdict(float)
        for term, weight in terms.items():
            idf = self.idf.get(term)
            if idf is None:
                continue
            factor = idf * weight
            word = (forms or {}).get(term)
            if word is None:
                for number, saturated in self.postings[term]:
                    totals[number] += factor * saturated
                continue
            for number, saturated in self.postings[term]:
                if word in self.named[number].get(term, (word,)):  # not only in names
                    totals[number] += factor * saturated
        return totals

    def search(self, query: str, *, top: int = 10) -> list[Hit]:
        """The best ``top`` documents for the query, best first, each with a snippet. A word of
        the query that is a form of its term ("resolved") does not find a file name's part
        (``resolv.conf``); the part as written ("resolv") does."""
        terms = list(query_terms(query, phrases=self.phrases))
        scores = self.scores(dict.fromkeys(terms, 1.0), stemmed_forms(query))
        return [
            Hit(self.docs[n].id, round(score, 4), plain_snippet(self.plain(n), terms))
            for n, score in rank(scores, top)
        ]

    def clear_cache(self) -> None:
        """Forget the markup-free texts kept for snippets."""
        self._plain.clear()

    def plain(self, number: int) -> str:
        """The document's text without markup, for snippets (the most recent few kept)."""
        text = self._plain.get(number)
        if text is None:
            if len(self._plain) >= PLAIN_CACHE:
                self._plain.clear()
            text = self._plain[number] = _plain(self.docs[number].text)
        return text


def label_set(doc: Doc) -> set[str]:
    """The document's services (``service:name``) and tags (``tag:name``), lower case."""
    return {f"service:{s.strip().lower()}" for s in doc.services if s.strip()} | {
        f"tag:{t.strip().lower()}" for t in doc.tags if t.strip()
    }


def query_terms(query: str, *, phrases: bool = False) -> dict[str, float]:
    """A query's terms, each counted once (typing a word twice does not double it)."""
    return dict.fromkeys(analyze(query, phrases=phrases), 1.0)


def stemmed_forms(query: str) -> dict[str, str]:
    """The query's words of prose that are not their own term, by term (``resolv``:
    "resolved"); a word in a name the query types (``resolv.conf``) is that name's."""
    out: dict[str, str] = {}
    for token in raw_tokens(clean(query)):
        for term, surface in word_terms(token):
            if "." not in token and term != surface.lower():
                out.setdefault(term, surface.lower())
    return out


def rank(scores: Mapping[int, float], top: int) -> list[tuple[int, float]]:
    """The ``top`` best (number, score) pairs; ties go to the lower number (stable order)."""
    import heapq

    return heapq.nsmallest(top, scores.items(), key=lambda item: (-item[1], item[0]))


_SENTENCE = re.compile(r"[^\n.!?]+[.!?]?")
# A link's text and target hold no bracket of their own kind: a flood of "[" or "[a](" is scanned
# once, not from every bracket to the end (issue 13).
_MARKUP = re.compile(r"[*_`#>|]+|\[([^\[\]]*)\]\([^()]*\)")


def snippet(text: str, query_terms: Sequence[str], *, width: int = 160) -> str:
    """The passage of ``text`` (at most ``width`` characters, plain text) that holds the most
    distinct query terms; the opening of the text when none is found. The caller escapes it
    and highlights the terms."""
    return plain_snippet(_plain(text), query_terms, width=width)


def plain_snippet(plain: str, query_terms: Sequence[str], *, width: int = 160) -> str:
    """:func:`snippet` of a text already without markup."""
    wanted = {term for term in query_terms if " " not in term}  # word pairs: their words count
    lowered = plain.lower()
    # A term is a stem of its word: a sentence without the stem's letters cannot hold it.
    probes = {term[:-1] if term.endswith("y") else term for term in wanted}
    best, best_count = "", 0
    for match in _SENTENCE.finditer(plain):
        low = lowered[match.start() : match.end()]
        if not any(probe in low for probe in probes):
            continue
        sentence = match.group().strip()
        found = {term for term, _ in clean_tokens(sentence)} & wanted
        if len(found) > best_count:
            best, best_count = sentence, len(found)
            if best_count == len(wanted):
                break
    if not best:
        return _cut(plain.strip(), 0, width)
    start = plain.find(best)
    return _cut(plain, _first_match(best, wanted) + start, width, best)


def _plain(text: str) -> str:
    text = _MARKUP.sub(lambda m: m.group(1) or " ", clean(text))
    return _BLANKS.sub(" ", text)


def _first_match(sentence: str, wanted: Iterable[str]) -> int:
    want = set(wanted)
    for match in _SNIPPET_WORD.finditer(sentence):
        if {term for term, _ in clean_tokens(match.group())} & want:
            return match.start()
    return 0


def _cut(plain: str, at: int, width: int, sentence: str = "") -> str:
    """``width`` characters around position ``at``, on word boundaries, one line."""
    begin = max(0, at - width // 4)
    if sentence and plain.find(sentence) <= at and at - plain.find(sentence) < width // 2:
        begin = plain.find(sentence)
    piece = " ".join(plain[begin : begin + width + 40].split())
    if len(piece) > width:
        piece = piece[:width].rsplit(" ", 1)[0]
    prefix = "…" if begin > 0 and plain[:begin].strip() else ""
    suffix = "…" if len(" ".join(plain[begin:].split())) > len(piece) else ""
    return f"{prefix}{piece}{suffix}"
