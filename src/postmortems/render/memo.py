"""Remember the last result per function for the document being rendered.

A page asks for the same analysis (placement on the axis, summary) from the card, the diagram
and the body; the document is immutable, so the last answer for the same object is reused.
Identity, not equality: hashing a whole document would cost more than the work saved.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from postmortems.document.model import Document

T = TypeVar("T")


def per_document(func: Callable[[Document], T]) -> Callable[[Document], T]:
    last: list[tuple[Document, T]] = []

    @functools.wraps(func)
    def wrapper(doc: Document) -> T:
        hit = last[0] if last else None  # read once: safe if another thread replaces it
        if hit is not None and hit[0] is doc:
            return hit[1]
        result = func(doc)
        last[:] = [(doc, result)]
        return result

    return wrapper
