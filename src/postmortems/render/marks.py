"""The entry that marks each milestone on the page's timeline and its diagram.

The timeline's words choose them (:func:`postmortems.document.moments.milestones`), but where the
front matter states when the outage was detected, mitigated or resolved, it wins (as it does on
the card): an entry at that minute carries the mark. Of several entries at the minute, the one
that says it does: its label names the milestone ("Mitigated: …"), else its words read as it,
else it says no other moment. An entry labelled as another moment ("Acknowledged: …") never
takes it, nor does one whose words read as a misleading path ("Mitigated: rolled back, but it
did not help."), and an entry marks one milestone only; when no entry is left at the minute,
the words' choice stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from postmortems.document.model import Document
from postmortems.document.moments import Moment, label, milestones, recorded
from postmortems.render.axis import DAY, Placed, local_minutes

# The milestones the front matter can state, by their fields.
STATED = (Moment.DETECTED, Moment.MITIGATED, Moment.RESOLVED)


def _stated(doc: Document, moment: Moment) -> dt.datetime | None:
    when: dt.datetime | None = getattr(doc.meta, moment.value)
    return when


def _at(placed: Sequence[Placed], minutes: int) -> list[int]:
    """The positions in ``placed`` of the entries at ``minutes``; an axis without dates compares
    the time of day."""
    return [
        n
        for n, p in enumerate(placed)
        if p.at is not None and (p.at == minutes or (p.at < DAY and p.at == minutes % DAY))
    ]


class _Minute:
    """The entries at a stated milestone's minute, and how well each says it."""

    def __init__(self, placed: Sequence[Placed], found: dict[Moment, int]) -> None:
        self.labels = [label(p.entry.text) for p in placed]
        self.read = recorded([p.entry for p in placed])
        self.found = found

    def rank(self, moment: Moment, n: int) -> int:
        """0: labelled so; 1: the words' own choice; 2: reads as it; 3: reads as no moment;
        4: reads as another."""
        if self.labels[n] == moment.value:
            return 0
        if self.found.get(moment) == n:
            return 1
        if self.read[n] is moment:
            return 2
        return 3 if self.read[n] is Moment.ACTION else 4

    def fits(self, moment: Moment, n: int) -> bool:
        """Whether entry ``n`` may mark ``moment``: not when labelled as another moment, nor
        when its words say it did not work ("Mitigated: rolled back, but it did not help."),
        its label notwithstanding."""
        return self.labels[n] in (None, moment.value) and self.read[n] is not Moment.MISLEADING


def _chosen(doc: Document, placed: Sequence[Placed], minute: _Minute) -> dict[Moment, int]:
    """The entry at each stated milestone's minute that marks it: the best said first, each
    entry one milestone's (a single "Rolled back; all clear" at a stated mitigation and
    resolution is the resolution, as its words read)."""
    ranked = []
    for k, moment in enumerate(STATED):
        when = _stated(doc, moment)
        for n in _at(placed, local_minutes(when, doc.zone)) if when else ():
            if minute.fits(moment, n):
                ranked.append((minute.rank(moment, n), k, n, moment))
    chosen: dict[Moment, int] = {}
    for _, _, n, moment in sorted(ranked):
        if moment not in chosen and n not in chosen.values():
            chosen[moment] = n
    return chosen


def marked(doc: Document, placed: Sequence[Placed]) -> dict[Moment, int]:
    """The position in ``placed`` of the entry marking each milestone."""
    found = milestones([p.entry for p in placed])
    for moment, n in _chosen(doc, placed, _Minute(placed, found)).items():
        # The stated moment is this entry's mark: a milestone the words gave it goes.
        found = {m: i for m, i in found.items() if i != n}
        found[moment] = n
    return found
