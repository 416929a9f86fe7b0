"""Contributing factors: suggested from the text (:func:`~postmortems.search.factors.\
suggest_factors`), confirmed or rejected by people who may write the postmortem, and stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from postmortems.search.factors import FACTORS, Factor, suggest_factors
from postmortems.search.text import Doc
from postmortems.server.insights.models import ContributingFactor
from postmortems.server.library import fulltextindex
from postmortems.server.library.models import Postmortem

BY_SLUG = {f.slug: f for f in FACTORS}


@dataclass(frozen=True)
class Row:
    factor: Factor
    state: str  # confirmed | rejected | suggested
    phrase: str = ""


def suggestions(pm: Postmortem) -> list[tuple[str, str]]:
    """(slug, phrase) the text suggests, read from the indexed cause parts (no parse)."""
    parts = fulltextindex.parts_for([pm.pk]).get(pm.pk)
    if parts is None:
        return []
    fields = {"title": parts.title, "root_cause": parts.head}
    return suggest_factors(Doc(str(pm.pk), parts.title, parts.head, fields))


def rows(pm: Postmortem) -> list[Row]:
    """Confirmed, then suggested (not yet decided), then rejected factors, in taxonomy order."""
    decided = {f.slug: f for f in ContributingFactor.objects.filter(postmortem=pm)}
    out = [Row(BY_SLUG[s], f.state, f.phrase) for s, f in decided.items() if s in BY_SLUG]
    out += [Row(BY_SLUG[s], "suggested", p) for s, p in suggestions(pm) if s not in decided]
    order = {"confirmed": 0, "suggested": 1, "rejected": 2}
    slugs = list(BY_SLUG)
    return sorted(out, key=lambda r: (order[r.state], slugs.index(r.factor.slug)))


def decide(pm: Postmortem, slug: str, state: str, user: Any, now: dt.datetime) -> None:
    """Confirm or reject ``slug`` for ``pm`` (``state`` "clear" forgets the decision)."""
    if slug not in BY_SLUG:
        raise KeyError(slug)
    if state == "clear":
        ContributingFactor.objects.filter(postmortem=pm, slug=slug).delete()
        return
    phrase = dict(suggestions(pm)).get(slug, "")
    ContributingFactor.objects.update_or_create(
        postmortem=pm,
        slug=slug,
        defaults={"state": state, "phrase": phrase[:300], "decided_by": user, "decided": now},
    )
