"""Applying safe fixes, and proving they are safe: the fixed text must parse to the same
facts, timeline, action items, section kinds and front matter as the original."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from postmortems.document import Document, parse
from postmortems.errors import PostmortemsError
from postmortems.lint.violation import Edit, Violation


def meaning(doc: Document) -> tuple[Any, ...]:
    """What a fix must never change (positions and heading wording are not part of it)."""
    return (
        doc.kind,
        doc.meta,
        doc.facts,
        doc.timeline,
        doc.action_items,
        tuple(s.kind for s in doc.sections),
    )


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (an edit overlapping an earlier one is
    skipped)."""
    lines = text.split("\n")
    chosen: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start_line, e.end_line)):
        if chosen and edit.start_line <= chosen[-1].end_line:
            continue
        if 1 <= edit.start_line <= edit.end_line <= len(lines):
            chosen.append(edit)
    for edit in reversed(chosen):
        lines[edit.start_line - 1 : edit.end_line] = edit.text.split("\n")
    return "\n".join(lines)


def _same_meaning(before: tuple[Any, ...], text: str, path: str) -> bool:
    try:
        return meaning(parse(text, path)) == before
    except PostmortemsError:
        return False


def fix_text(text: str, violations: Sequence[Violation], path: str = "<text>") -> str:
    """``text`` with every fix of ``violations`` that keeps its meaning applied."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    edits = [e for v in violations if v.fix is not None for e in v.fix.edits]
    if not edits:
        return text
    try:
        before = meaning(parse(text, path))
    except PostmortemsError:
        return text  # unreadable front matter: change nothing
    fixed = apply_edits(text, edits)
    if _same_meaning(before, fixed, path):
        return fixed
    # One fix changed the meaning: keep only those that are safe one by one.
    current = text
    for v in violations:
        if v.fix is None:
            continue
        candidate = apply_edits(current, v.fix.edits)
        if candidate != current and _same_meaning(before, candidate, path):
            current = candidate
    return current
