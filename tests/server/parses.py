"""Count how often the document parser runs: a save parses once, a page view never."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from postmortems.document import parser


@contextmanager
def count_parses() -> Iterator[list[str]]:
    """The names of the documents parsed inside the block (every call of ``parser.parse``)."""
    code = parser.parse.__code__
    seen: list[str] = []
    previous = sys.getprofile()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code is code:
            seen.append(str(frame.f_locals.get("path")))

    sys.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(previous)
