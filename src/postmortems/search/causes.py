"""The words that may explain why two incidents are alike, and the words that never do.

A cause is told in the words of a mechanism ("connection pool", "facet parameter",
"certificate"). These words tell nothing about one, however often two write-ups share them:

- the words every write-up has ("incident", "users", "worked", "instead"), and the verbs of
  any fix ("added", "raised", "reduced");
- the format's own headings and the calendar ("root cause", "timeline", "UTC", "Monday");
- an incident's statuses and the lines drafted from its record ("Status changed from identified
  to monitoring", "Paged: sam", "Alert resolved", "api and search were affected");
- a place: a cloud region (``eu-west-1`` would make "west" a reason to match every other
  incident in the west);
- the names of the services involved: they are shown as a shared service, and every incident
  of a service shares them whatever its cause.

The similar-incident reasons (:mod:`postmortems.search.similar`) and the server's repeat check
read the cause through :func:`cause_terms`. The words stay in the similarity query, where they
weigh little (taking the everyday ones out cost the server's ranking 0.014 of recall@5,
docs/benchmarks.md): they rank nothing wrong, they only explain nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from postmortems.search.text import (
    Doc,
    analyze,
    clean,
    is_measure,
    raw_tokens,
    token_spans,
    word_terms,
)

# What every write-up says: what was done, by whom, when, in general words.
GENERIC_WORDS = """incident incidents issue issues outage problem problems resolved back end
started time minutes hours users user customers customer impact cause causes root service
services normal resolution resolve new old within every team teams change changed work worked
working took take taken returned return hand required review reviewed report reports reported
found noticed began made used using still due led result resulting fix fixed system systems
engineer engineers day days hour minute instead everyone nobody someone something nothing
anything everywhere anywhere showed show shows shown did done kept keep went got get gets came
come seen saw look looked way part parts thing things lot well even rather almost enough quite
really like around whole half less least better worse able unable whether although though since
without across along among again later earlier soon quickly slowly immediately eventually
finally manually error errors fail failed failure failures failing
add added adding adds raise raised raising increase increased increasing decrease decreased
decreasing reduce reduced reducing remove removed removing
request requests default defaults http https answer answers answered answering
reload reloads reloaded reloading"""  # every web service serves requests over HTTP and answers
# them, every setting has a default, and a reload is how a fix is applied (not what broke)
# The lines drafted from an incident's record, and its statuses.
STATUS_WORDS = """status statuses declared triage investigating investigate identified monitoring
monitored mitigated mitigate closed cancelled duplicate affected paged page pages alert alerts
alerted fired firing acknowledged acknowledge escalated escalation commander scribe responder
on-call oncall detected"""
# The format's section headings (and the verb of the questions some teams head them with: "What
# happened?", "Why did this happen?"), time zones, units and the calendar: every postmortem has
# them. ("wrong" of "What went wrong?" stays a cause word: "the wrong certificate".)
HEADING_WORDS = """issue summary root cause causes resolution trigger timeline impact corrective
preventative preventive measures action items lessons learned detection
happen happened happening
utc gmt pst pdt est edt cet cest bst ist jst minutes hours seconds
january february march april june july august september october november december
monday tuesday wednesday thursday friday saturday sunday day days week weeks month months
today yesterday tonight morning afternoon evening"""

NOT_CAUSE = frozenset(analyze(f"{GENERIC_WORDS} {STATUS_WORDS} {HEADING_WORDS}"))

# The last word of a cloud region's name ("eu-west-1", "us-east1", "ap-southeast-2").
_COMPASS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    ]
)


def is_region(token: str) -> bool:
    """Whether ``token`` names a cloud region: words joined by "-", a compass point last (a
    number after it perhaps): ``eu-west-1``, ``us-east1``, ``europe-west4``, ``us-gov-west-1``,
    ``eu-west``."""
    parts = token.lower().split("-")
    if parts[-1].isdigit():
        parts = parts[:-1]
    if len(parts) < 2 or len(parts[0]) < 2 or not all(p.isalnum() for p in parts):
        return False
    return parts[0].isalpha() and parts[-1].rstrip("0123456789") in _COMPASS


def telling(term: str) -> bool:
    """A term that may explain a match: more than two characters, a letter among them (not a
    time, a date or a number), not a measure (:func:`~postmortems.search.text.is_measure`:
    "502s", "300ms", "p95", "SEV1"), and not one of the words above."""
    return (
        len(term) > 2
        and any(c.isalpha() for c in term)
        and term not in NOT_CAUSE
        and not is_measure(term)
    )


def name_terms(names: Iterable[str]) -> frozenset[str]:
    """The terms of service (or tag) names, whole and in parts: ``search-api`` gives
    ``search-api``, ``search`` and ``api``."""
    return frozenset(term for name in names for term, _ in word_terms(name.strip()))


def cause_terms(text: str, names: Iterable[str] = ()) -> dict[str, str]:
    """The telling terms of a cause ``text`` (term → the word as first written, lower case),
    in their order: regions, the words above and the terms of ``names`` left out."""
    skip = name_terms(names)
    out: dict[str, str] = {}
    for token in raw_tokens(clean(text)):
        if is_region(token):
            continue
        for term, word in _whole(token):
            if term not in skip and telling(term):
                out.setdefault(term, word.lower())
    return out


def _whole(token: str) -> tuple[tuple[str, str], ...]:
    """The terms of a token, an identifier whole only: ``facet_fields`` explains a match with
    another ``facet_fields``, not with a "fields" of prose."""
    terms = word_terms(token)
    whole = len(terms) > 1 and terms[0][1] == token.strip("._:/-")
    return terms[:1] if whole else terms


def cause_pairs(text: str, names: Iterable[str] = ()) -> dict[str, str]:
    """The two-word names of :func:`cause_terms`' words (the analyzer's word pairs: "connect
    pool"), each as the text writes it, stop words between included ("ran out of memory")."""
    skip = name_terms(names)
    plain = clean(text)
    out: dict[str, str] = {}
    last: tuple[str, int] | None = None  # the last word's term and where it starts
    for match in token_spans(plain):
        token = match.group()
        for term, _ in _whole(token) if not is_region(token) else ():
            if not term.isalpha():
                last = None
                continue
            pair = last is not None and term != last[0] and not {term, last[0]} & skip
            if last is not None and pair and telling(term) and telling(last[0]):
                said = " ".join(plain[last[1] : match.end()].split()).lower()
                out.setdefault(f"{last[0]} {term}", said)
            last = (term, match.start())
    return out


# Two telling words in common make two causes one (with the score and the reasons the callers
# ask): the server's repeat check and PM801.
SAME_CAUSE_WORDS = 2


class CauseWords:
    """One postmortem's telling cause words (:func:`cause_terms`, its ``names`` left out): those
    of its root cause (the trigger included) and those of its summary.

    A summary says what the users saw ("product pages showed yesterday's prices", "new products
    missing from search"), which any two incidents of one product share whatever broke. So when
    both postmortems state a root cause, a word only their summaries share is not a shared
    cause word (:meth:`shared`); a postmortem that states none has its cause in its summary, and
    every word of it counts.
    """

    def __init__(self, root_cause: str, summary: str, names: Iterable[str] = ()) -> None:
        names = tuple(names)
        self.root = cause_terms(root_cause, names)
        self.words = cause_terms(f"{root_cause}\n{summary}", names)  # the root cause's first

    def shared(self, other: CauseWords) -> tuple[str, ...]:
        """The words of this cause that ``other`` says too, as this one writes them."""
        terms = self.shared_terms(other)
        return tuple(word for term, word in self.words.items() if term in terms)

    def shared_terms(self, other: CauseWords) -> frozenset[str]:
        """The terms of :meth:`shared`."""
        both = bool(self.root) and bool(other.root)
        return frozenset(
            term
            for term in self.words
            if term in other.words and (not both or term in self.root or term in other.root)
        )


def same_cause(shared: Iterable[str]) -> bool:
    """Whether the words two causes share (:meth:`CauseWords.shared`) make them one cause."""
    return len(set(shared)) >= SAME_CAUSE_WORDS


def doc_cause_words(doc: Doc) -> CauseWords:
    """A file's cause words: its root cause (trigger included) and its summary, its services'
    names left out."""
    fields = doc.fields
    return CauseWords(fields.get("root_cause", ""), fields.get("summary", ""), doc.services)
