"""The entry that marks each milestone on the page's timeline and its diagram.

The timeline's words choose them (:func:`postmortems.document.moments.milestones`), but where the
front matter states when the outage was detected or mitigated, it wins (as it does on the card):
the entry at that minute carries the mark. When no entry is at it, the words' choice stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from postmortems.document.model import Document
from postmortems.document.moments import Moment, milestones
from postmortems.render.axis import DAY, Placed, local_minutes

# The milestones the front matter can state, by their fields.
STATED = (Moment.DETECTED, Moment.MITIGATED)


def _stated(doc: Document, moment: Moment) -> dt.datetime | None:
    return doc.meta.detected if moment is Moment.DETECTED else doc.meta.mitigated


def _at(placed: Sequence[Placed], minutes: int, read: dict[Moment, int], moment: Moment) -> int:
    """The position in ``placed`` of the entry at ``minutes`` (-1: none): the one the words
    already mark so, else the first; an axis without dates compares the time of day."""
    at = [
        n
        for n, p in enumerate(placed)
        if p.at is not None and (p.at == minutes or (p.at < DAY and p.at == minutes % DAY))
    ]
    return read[moment] if read.get(moment) in at else (at[0] if at else -1)


def marked(doc: Document, placed: Sequence[Placed]) -> dict[Moment, int]:
    """The position in ``placed`` of the entry marking each milestone."""
    found = milestones([p.entry for p in placed])
    for moment in STATED:
        when = _stated(doc, moment)
        n = _at(placed, local_minutes(when, doc.zone), found, moment) if when else -1
        if n < 0:
            continue
        # The stated moment is this entry's mark: a milestone the words gave it goes.
        found = {m: i for m, i in found.items() if i != n}
        found[moment] = n
    return found
