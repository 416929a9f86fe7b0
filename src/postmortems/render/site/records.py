"""The record of one source file: plain values the index, the group pages, the stats and the
feed are made from, kept in the build manifest between builds."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field, fields
from typing import Any

from postmortems.render.markdown import slugify

SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
# Stands for the path from a page's folder back to the site root in cached row HTML.
ROOT_MARK = "\x00root\x00"


@dataclass
class Record:
    """What the index, the service and tag pages, the stats and the feed need of one file."""

    path: str  # relative to the source folder
    slug: str
    digest: str
    stamp: str = ""  # mtime and size when hashed: an unchanged stamp skips re-reading the file
    ok: bool = True  # False: listed apart (not a postmortem, or unreadable)
    reason: str = ""
    unreadable: bool = False  # could not be read or parsed (the build exits 3), not a kind
    line: int | None = None  # where the reason is, when it is at one place of the file
    column: int | None = None
    has_page: bool = True
    restricted: bool = False  # `restricted: true`: left out of the site unless asked for
    assets: list[str] = field(default_factory=list)  # images its page shows, under pm/assets
    title: str = ""
    date: str | None = None  # ISO date of the start
    start: str | None = None  # ISO instant (or local text) of the start
    severity: str | None = None
    status: str | None = None
    services: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    duration: int | None = None
    pct: float | None = None
    detect: int | None = None
    cause: str = "other"
    root_cause: str = ""
    inferred: list[str] = field(default_factory=list)  # facts shown as "≈" (see Summary)
    words: str = '""'  # search index: unique lower-case words, as a JSON string literal
    row: str = ""  # the index table row, with ROOT_MARK where the path to the root goes

    @property
    def location(self) -> str:
        """``path``, with ``:line:column`` when the reason is at one place of the file."""
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}:{self.column or 1}"

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        """A record from :meth:`to_json` output (a field it does not know is left out)."""
        return cls(**{k: v for k, v in data.items() if k in FIELD_NAMES})


FIELD_NAMES = frozenset(f.name for f in fields(Record))


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stamp_of(path: str | os.stat_result) -> str:
    """A file's mtime and size (of ``path``, or of a stat result the caller already has)."""
    st = os.stat(path) if isinstance(path, str) else path
    return f"{st.st_mtime_ns}:{st.st_size}"


def page_path(slug: str) -> str:
    return f"pm/{slug}.html"


def default_slug(rel: str) -> str:
    """A file's page name by the rule (``sub/c.md`` → ``sub-c``); a build gives another to a
    second file with the same one (``-2``) and keeps the one a file had in the last build."""
    return slugify(os.path.splitext(rel)[0].replace("/", "-"))


def safe_slug(slug: object) -> bool:
    """A page name that stays inside ``pm/`` (a tampered manifest may hold anything)."""
    return isinstance(slug, str) and SAFE_SLUG.fullmatch(slug) is not None
