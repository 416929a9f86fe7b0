"""Similar incidents: the earlier postmortems that look like this one, why, and their action items.

Candidates come from the full-text index (:func:`fulltext.related`: any of the words that carry
the cause, ranked by BM25 / ``ts_rank``), only among postmortems the reader may see. The reasons
are what the two share: services, tags, root-cause words and error strings. Each comes with the
state of its action items, because a repeat of an incident whose corrective items are still open
is the failure a postmortem exists to prevent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from postmortems.server.accounts.access import Access, access_of
from postmortems.server.library import fulltext
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow.models import ActionItem

TOP = 5
OPEN = (ActionItem.State.OPEN, ActionItem.State.IN_PROGRESS)
# An error string or identifier: letters with digits, or words joined by - _ . (ECONNRESET,
# x509, oom-killer, max_connections), or a shouted code of four letters or more.
_ERROR = re.compile(r"\b(?:[A-Za-z]+\d+\w*|[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+|[A-Z][A-Z_]{3,})\b")
ERROR_SCAN = 50_000  # characters of each text looked at for error strings


@dataclass(frozen=True)
class Target:
    """What is compared: a saved postmortem or text being typed."""

    parts: fulltext.Parts
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


@dataclass(frozen=True)
class Similar:
    postmortem: Postmortem
    score: float
    reasons: tuple[str, ...]
    items: Items = field(default_factory=Items)
    cause_words: tuple[str, ...] = ()


def target_of(pm: Postmortem) -> Target:
    """A saved postmortem as the index holds it (no parse)."""
    parts = fulltext.parts_for([pm.pk]).get(pm.pk, fulltext.Parts(pm.title, "", ""))
    return Target(
        parts,
        frozenset(pm.values_of("services")),
        frozenset(pm.values_of("tags")),
        exclude=pm.pk,
        until=pm.incident_date,
    )


def similar(access: Access, target: Target, *, today: dt.date, top: int = TOP) -> list[Similar]:
    """The ``top`` most similar earlier postmortems ``access`` may see, best first."""
    ranked = fulltext.related(
        access, target.parts, exclude=target.exclude, until=target.until, top=top
    )
    ids = [pk for pk, _ in ranked]
    rows = Postmortem.objects.only("key", "title", "incident_date", "label_values", "restricted")
    found = rows.in_bulk(ids)
    texts = fulltext.parts_for(ids)
    items = items_of(ids, today)
    out = []
    for pk, score in ranked:
        if pk not in found:
            continue
        words = shared_cause_words(target.parts, texts.get(pk))
        reasons = reasons_for(target, found[pk], words, texts.get(pk))
        out.append(Similar(found[pk], score, reasons, items.get(pk, Items()), words))
    return out


def shared_cause_words(mine: fulltext.Parts, theirs: fulltext.Parts | None) -> tuple[str, ...]:
    """Cause words of ``mine`` that the other's title, summary or root cause also uses."""
    if theirs is None:
        return ()
    other = set(fulltext.cause_terms(theirs, limit=400))
    return tuple(w for w in fulltext.cause_terms(mine) if w in other)


def errors_in(text: str) -> set[str]:
    found = (m.group(0).lower() for m in _ERROR.finditer(text[:ERROR_SCAN]))
    return {e for e in found if any(c.isalpha() for c in e)}  # not dates or version numbers


def reasons_for(
    target: Target, pm: Postmortem, words: Sequence[str], theirs: fulltext.Parts | None
) -> tuple[str, ...]:
    out = [f"shared service: {s}" for s in sorted(target.services & set(pm.values_of("services")))]
    out += [f"shared tag: {t}" for t in sorted(target.tags & set(pm.values_of("tags")))]
    if words:
        out.append("root cause: " + ", ".join(words[:6]))
    if theirs is not None:
        mine = target.parts
        errors = errors_in(f"{mine.head}\n{mine.body}") & errors_in(f"{theirs.head}\n{theirs.body}")
        out += [f"error: {e}" for e in sorted(errors)[:4]]
    return tuple(out)


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


# A repeat: an earlier similar postmortem sharing this many cause words (or fewer and an error
# string), whose action items (the corrective and preventive measures) are still open.
REPEAT_WORDS = 4
REPEAT_WORDS_WITH_ERROR = 2


def is_repeat(s: Similar, day: dt.date | None) -> bool:
    """``s`` looks like the same failure, happened before ``day`` and its items are open.

    Earlier means a day before: two write-ups of one day may well be one incident.
    """
    when = s.postmortem.incident_date
    if s.items.open == 0 or (day is not None and (when is None or when >= day)):
        return False
    shared_error = any(r.startswith("error: ") for r in s.reasons)
    return len(s.cause_words) >= (REPEAT_WORDS_WITH_ERROR if shared_error else REPEAT_WORDS)


def open_repeats(pm: Postmortem, user: Any, today: dt.date) -> list[str]:
    """The workflow's repeat check (``PM_REPEAT_CHECK``): earlier postmortems ``pm`` repeats,
    among those ``user`` may see, whose corrective items are open, described."""
    found = similar(access_of(user), target_of(pm), today=today)
    return [
        f"{s.postmortem.key} ({s.postmortem.title}): {s.items.open} open action "
        f"item{'s' * (s.items.open != 1)}"
        for s in found
        if is_repeat(s, pm.incident_date)
    ]
