"""Similar incidents: the earlier postmortems that look like this one, why, and their action items.

Two steps. Candidates come from the full-text index (:func:`fulltextrelated.related`: any of the
words that carry the cause, ranked by BM25 / ``ts_rank`` in the database), only among postmortems
the reader may see. The pure model (:func:`postmortems.search.similar.similar`: BM25F over the
cause-first fields with word pairs) then ranks those candidates and says why: shared services,
tags, root-cause words and error strings. Each comes with the state of its action items, because
a repeat of an incident whose corrective items are still open is the failure a postmortem exists
to prevent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from postmortems.search import causes
from postmortems.search import similar as model
from postmortems.search.text import Doc
from postmortems.server.accounts.access import Access, access_of
from postmortems.server.library import fulltextindex, fulltextrelated
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow.models import ActionItem
from postmortems.server.workflow.repeats import Repeat

TOP = 5
CANDIDATES = 10  # what the database hands the model to rank
# Below this share of what the target's cause says (on the causes alone: what shared services
# and tags add left out), a match is noise. The server ranks ten
# candidates without the target among them, so its scores run lower than `pm similar`'s: on the
# judged corpus, its top three at 0.03 or more keep 225 of the 227 judged-related matches
# (docs/benchmarks.md, "Similar incidents on a small library").
MIN_SCORE = 0.03
MODEL_TEXT = 2500  # characters of each part the model reads (the cause comes first)
OPEN = (ActionItem.State.OPEN, ActionItem.State.IN_PROGRESS)


@dataclass(frozen=True)
class Target:
    """What is compared: a saved postmortem or text being typed."""

    parts: fulltextindex.Parts
    services: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    exclude: int | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Items:
    open: int = 0
    done: int = 0
    overdue: int = 0
    open_corrective: int = 0

    @property
    def total(self) -> int:
        return self.open + self.done

    @property
    def other_open(self) -> int:
        """The open items that are not corrective (preventive, detective)."""
        return self.open - self.open_corrective


@dataclass(frozen=True)
class Similar:
    postmortem: Postmortem
    score: float
    reasons: tuple[str, ...]
    items: Items = field(default_factory=Items)
    cause_words: tuple[str, ...] = ()  # the telling words the two causes share
    cause_score: float = 0.0  # the score without what shared services and tags add
    # The model cites root-cause words or error strings (what the repeat check asks), before
    # ``reasons`` names only the words the two causes share (:func:`cited`).
    cites_cause: bool = False


def target_of(pm: Postmortem) -> Target:
    """A saved postmortem as the index holds it (no parse)."""
    parts = fulltextindex.parts_for([pm.pk]).get(pm.pk, fulltextindex.Parts(pm.title, "", ""))
    return Target(
        parts,
        frozenset(pm.values_of("services")),
        frozenset(pm.values_of("tags")),
        exclude=pm.pk,
        until=pm.incident_date,
    )


def similar(access: Access, target: Target, *, today: dt.date, top: int = TOP) -> list[Similar]:
    """The ``top`` most similar earlier postmortems ``access`` may see, best first."""
    found, texts = candidates(access, target)
    library = [doc_of(str(pk), texts[pk], pm) for pk, pm in found.items()]
    return described(target, likeness(target, library, top=top), found, texts, today)


def candidates(
    access: Access, target: Target
) -> tuple[dict[int, Postmortem], dict[int, fulltextindex.Parts]]:
    """What the database hands the model to rank: the visible earlier postmortems that share
    the most telling of the target's cause words (in the index's order), and their text."""
    ranked = fulltextrelated.related(
        access, target.parts, exclude=target.exclude, until=target.until, top=CANDIDATES
    )
    ids = [pk for pk, _ in ranked]
    rows = Postmortem.objects.only("key", "title", "incident_date", "label_values", "restricted")
    found = rows.in_bulk(ids)
    texts = fulltextindex.parts_for(ids)
    return {pk: found[pk] for pk in ids if pk in found and pk in texts}, texts


def likeness(
    target: Target, library: list[Doc], *, top: int = TOP, least: float | None = None
) -> list[model.Similar]:
    """The model's ``top`` of ``library`` for ``target``, less those under ``least`` (else
    :data:`MIN_SCORE`) on the causes alone: a shared service or tag alone is no likeness."""
    me = Doc(
        "",
        target.parts.title,
        "",
        _fields(target.parts),
        tuple(target.services),
        tuple(target.tags),
    )
    matches = model.similar(me, library, top=top) if library else []
    floor = MIN_SCORE if least is None else least
    return [m for m in matches if m.score - m.bonus >= floor]


def described(
    target: Target,
    matches: list[model.Similar],
    found: dict[int, Postmortem],
    texts: dict[int, fulltextindex.Parts],
    today: dt.date,
) -> list[Similar]:
    """The matches that are postmortems (their ids are keys of ``found``), with the cause words
    they share with the target and the state of their action items (one query)."""
    mine = cause_words(target.parts, target.services)
    pks = [int(m.id) for m in matches if m.id.isdigit() and int(m.id) in found]
    items = items_of(pks, today) if pks else {}
    out = []
    for match in matches:
        if not match.id.isdigit() or int(match.id) not in found:
            continue
        pk = int(match.id)
        pm = found[pk]
        theirs = texts.get(pk)
        other = cause_words(theirs, pm.values_of("services")) if theirs else None
        words = mine.shared(other) if other else ()
        cause = round(match.score - match.bonus, 4)
        terms = mine.shared_terms(other) if other else frozenset()
        reasons = with_shared_words(cited(match.reasons, terms), words)
        cites = any(r.startswith((ROOT_CAUSE, "error: ")) for r in match.reasons)
        found_items = items.get(pk, Items())
        out.append(Similar(pm, match.score, reasons, found_items, words, cause, cites))
    return out


ROOT_CAUSE = "root cause: "


def cited(reasons: tuple[str, ...], shared: frozenset[str]) -> tuple[str, ...]:
    """``reasons`` with the root-cause words the two causes share only (``shared``: their
    terms, :meth:`postmortems.search.causes.CauseWords.shared_terms`): the model cites a word of
    this cause wherever the other says it, and "root cause: price, product" named a "product"
    that only both summaries say (what the users saw)."""
    out = []
    for reason in reasons:
        if reason.startswith(ROOT_CAUSE):
            said = reason.removeprefix(ROOT_CAUSE).split(", ")
            kept = [w for w in said if set(causes.cause_terms(w)) <= shared]
            reason = ROOT_CAUSE + ", ".join(kept) if kept else ""
        out += [reason] if reason else []
    return tuple(out)


SHARED_WORDS = "shared words: "
SHOWN_WORDS = 6


def with_shared_words(reasons: tuple[str, ...], words: tuple[str, ...]) -> tuple[str, ...]:
    """``reasons``, and the telling words the two causes share when they cite no root-cause
    word: a postmortem without a summary, root cause or trigger section ("Analysis" instead) is
    matched by the words of its text, and was listed with no why. For reading only: the repeat
    check asks for root-cause words or error strings (:func:`reads_as_repeat`), not these."""
    if not words or any(r.startswith("root cause: ") for r in reasons):
        return reasons
    return (*reasons, SHARED_WORDS + ", ".join(words[:SHOWN_WORDS]))


def cause_text(parts: fulltextindex.Parts) -> str:
    """What a postmortem says of its cause: its root cause, trigger and summary as written by
    people (the index keeps the lines drafted from an incident's record apart), else the start
    of its text."""
    return parts.head or parts.body[:MODEL_TEXT]


def _fields(parts: fulltextindex.Parts) -> dict[str, str]:
    # The index keeps the root cause, trigger and summary together (``head``, root cause first).
    return {
        "title": parts.title,
        "root_cause": parts.head[:MODEL_TEXT],
        "other": parts.body[:MODEL_TEXT],
    }


def doc_of(id: str, parts: fulltextindex.Parts, pm: Postmortem) -> Doc:
    """A candidate as the pure model reads it, from its indexed text (no parse)."""
    return text_doc(id, parts, pm.values_of("services"), pm.values_of("tags"))


def text_doc(
    id: str, parts: fulltextindex.Parts, services: Iterable[str], tags: Iterable[str] = ()
) -> Doc:
    """Any text as the model reads a candidate: the title, the part that carries the cause,
    the rest (an incident's record is read the same way: :mod:`insights.seenbefore`)."""
    fields = _fields(parts)
    return Doc(id, parts.title, "\n".join(fields.values()), fields, tuple(services), tuple(tags))


def cause_words(parts: fulltextindex.Parts, services: Iterable[str]) -> causes.CauseWords:
    """The telling words of what a postmortem says of its cause (:func:`cause_text`), by part:
    its root cause and trigger, and its summary (no status, place, service name or word every
    write-up has: :mod:`postmortems.search.causes`)."""
    if not parts.head:
        return causes.CauseWords("", cause_text(parts), services)
    return causes.CauseWords(*fulltextindex.head_parts(parts.head), services)


def items_of(ids: Iterable[int], today: dt.date) -> dict[int, Items]:
    """Open, done and overdue action items of these postmortems, in one query."""
    rows = (
        ActionItem.objects.filter(postmortem_id__in=list(ids))
        .values("postmortem_id")
        .annotate(
            open=Count("id", filter=Q(status__in=OPEN)),
            finished=Count("id", filter=Q(status=ActionItem.State.DONE)),
            overdue=Count("id", filter=Q(status__in=OPEN, due__lt=today)),
            open_corrective=Count("id", filter=Q(status__in=OPEN, kind=ActionItem.Kind.CORRECTIVE)),
        )
    )
    return {
        r["postmortem_id"]: Items(r["open"], r["finished"], r["overdue"], r["open_corrective"])
        for r in rows
    }


# A repeat: an earlier postmortem whose cause reads like this one's — at least this similar
# on the causes alone (what shared services and tags add left out: every incident of a service
# shares its name, whatever its cause) and sharing telling cause words enough to read as one
# cause (:func:`postmortems.search.causes.same_cause`: two, no status, place, service name or
# word every write-up has, nor, when both state a root cause, a word only their summaries share:
# what the users saw) — whose action items are still open. On the judged corpus
# (`bench/relevance_eval.py --server`, the server's top five of every postmortem) this flags
# 241 matches of which 166 are judged to share a failure mechanism (precision 0.69; PostgreSQL
# 252 and 172), against 244 and 166 (253 and 172) with the summaries' words counted;
# `pm similar` and PM801, whose index holds the target, keep 0.25.
REPEAT_MIN_SCORE = 0.12


def is_repeat(s: Similar, day: dt.date | None) -> bool:
    """``s`` reads like the same failure, happened before ``day`` and its items are open.

    Earlier means a day before: two write-ups of one day may well be one incident.
    """
    when = s.postmortem.incident_date
    if s.items.open == 0 or (day is not None and (when is None or when >= day)):
        return False
    return reads_as_repeat(s)


def shown(found: list[Similar]) -> dict[str, Any]:
    """The panel's context: the matches that read like the same failure first
    (:func:`reads_as_repeat`, precision 0.70 on the judged corpus), then those that only share
    some words (0.31 at :data:`MIN_SCORE`), which the panel folds away as weaker."""
    likely = [s for s in found if reads_as_repeat(s)]
    return {"similar": found, "likely": likely, "weaker": [s for s in found if s not in likely]}


def reads_as_repeat(s: Similar) -> bool:
    """Whether the match reads like the same failure (what :func:`is_repeat` asks of the text,
    whatever the dates and the action items; ``bench/relevance_eval.py --server`` measures it)."""
    return s.cites_cause and s.cause_score >= REPEAT_MIN_SCORE and causes.same_cause(s.cause_words)


def open_repeats(pm: Postmortem, user: Any, today: dt.date) -> list[Repeat]:
    """The workflow's repeat check (``PM_REPEAT_CHECK``): earlier postmortems ``pm`` repeats,
    among those ``user`` may see, whose corrective items are open, described."""
    found = similar(access_of(user), target_of(pm), today=today)
    return [
        Repeat(
            f"{s.postmortem.key} ({s.postmortem.title}): {s.items.open} open action "
            f"item{'s' * (s.items.open != 1)}",
            restricted=s.postmortem.restricted,
            key=s.postmortem.key,
            title=s.postmortem.title,
            open_items=s.items.open,
        )
        for s in found
        if is_repeat(s, pm.incident_date)
    ]
