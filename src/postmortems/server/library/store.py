"""Saving postmortems: parse, derive columns, keep a revision, refuse stale saves.

This is the only code that writes :class:`Postmortem` rows, so the web editor, the API and
``pm import`` behave the same.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from postmortems.document import Document, parse
from postmortems.errors import PostmortemsError
from postmortems.server.library import derive
from postmortems.server.library.models import Draft, Label, Postmortem, Revision


class StaleVersion(PostmortemsError):
    """Someone saved a newer revision since the editor loaded its text."""

    def __init__(self, current: Postmortem, base_version: int) -> None:
        super().__init__(
            f"{current.key} is at revision {current.version}, your edit started from "
            f"revision {base_version}",
            hint="merge your text with the current one and save again",
        )
        self.current = current
        self.base_version = base_version


class DuplicateKey(PostmortemsError):
    """Another postmortem already has this id."""


def unified_diff(old: str, new: str, name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"{name} (before)",
        tofile=f"{name} (after)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def read(text: str, name: str) -> Document:
    """Parse ``text``; raises :class:`PostmortemsError` with a position when unreadable."""
    return parse(text, name)


def _apply(pm: Postmortem, doc: Document, text: str) -> list[tuple[str, str]]:
    cols = derive.columns(doc)
    cols.pop("key")
    for name, value in cols.items():
        setattr(pm, name, value)
    pm.text = text
    return derive.labels(doc)


def _store_labels(pm: Postmortem, pairs: list[tuple[str, str]]) -> None:
    Label.objects.filter(postmortem=pm).delete()
    Label.objects.bulk_create(Label(postmortem=pm, kind=k, value=v) for k, v in pairs)


@dataclass(frozen=True)
class Saved:
    postmortem: Postmortem
    created: bool
    changed: bool


def create(text: str, user: Any, *, key: str = "", source_name: str = "") -> Saved:
    """A new postmortem at revision 1. ``key``: the id when the front matter has none."""
    doc = read(text, source_name or key or "new.md")
    wanted = derive.columns(doc)["key"] or key or derive.slug_key(doc.meta.title or doc.title or "")
    with transaction.atomic():
        final = wanted
        if Postmortem.objects.filter(key=final).exists():
            if derive.columns(doc)["key"]:
                raise DuplicateKey(
                    f"a postmortem with id {final!r} already exists",
                    hint="change the id in the front matter, or edit the existing one",
                )
            n = 2
            while Postmortem.objects.filter(key=f"{wanted}-{n}").exists():
                n += 1
            final = f"{wanted}-{n}"
        pm = Postmortem(key=final, source_name=source_name, created_by=_user(user), version=1)
        pairs = _apply(pm, doc, text)
        pm.save()
        _store_labels(pm, pairs)
        Revision.objects.create(
            postmortem=pm, number=1, author=_user(user), text=text, diff="", message="created"
        )
        if _user(user) is not None:
            Draft.objects.filter(user=_user(user), postmortem=None).delete()
    return Saved(pm, created=True, changed=True)


def update(pm_key: str, text: str, user: Any, base_version: int, message: str = "") -> Saved:
    """Save ``text`` as a new revision unless someone saved since ``base_version``."""
    with transaction.atomic():
        pm = Postmortem.objects.select_for_update().get(key=pm_key)
        if pm.version != base_version:
            raise StaleVersion(pm, base_version)
        if pm.text == text:
            return Saved(pm, created=False, changed=False)
        doc = read(text, pm.source_name or f"{pm.key}.md")
        old = pm.text
        pairs = _apply(pm, doc, text)
        pm.version += 1
        pm.save()
        _store_labels(pm, pairs)
        Revision.objects.create(
            postmortem=pm,
            number=pm.version,
            author=_user(user),
            text=text,
            diff=unified_diff(old, text, pm.key),
            message=message[:200],
        )
        if _user(user) is not None:
            Draft.objects.filter(user=_user(user), postmortem=pm).delete()
    return Saved(pm, created=False, changed=True)


def _user(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None
