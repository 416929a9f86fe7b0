"""An entry of a timeline while it is being read, and what the rest of the document says about
dates and zones (the context every part of the timeline reader shares)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from postmortems.document.lines import Line
from postmortems.document.timeparse import Found
from postmortems.document.zones import Zone


@dataclass
class Context:
    """What the rest of the document says about dates and zones."""

    zone: Zone | None = None
    date: dt.date | None = None
    year: int | None = None
    zones: Mapping[str, int] | None = None
    day_first: bool = False  # numeric dates are day/month ("03/10/2021" is 3 October)
    # "Unless otherwise noted all events happened on 2019-10-21": a date written on one entry is
    # that entry's alone; the entries after it go on with ``date``.
    own_dates: bool = False


@dataclass
class _Draft:
    line: int
    raw: str
    found: Found | None
    parts: list[str] = field(default_factory=list)
    day: dt.date | None = None
    day_stated: bool = False
    paragraph: bool = False
    own_line: bool = False  # an untimed entry on its own line, right under another
    bare_phase: bool = False  # a phase heading with nothing of its own yet
    source: list[Line] = field(default_factory=list)  # lines of a paragraph or heading entry
    heading: int = 0  # the level of the sub-heading the entry is written under as its title
