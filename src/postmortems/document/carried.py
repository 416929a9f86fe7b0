"""Whether a text carries a change made to another copy of it: what ``pm push`` asks before it
replaces a postmortem someone edited on the server since the last push.

The change is read line by line (:mod:`difflib`) from ``base`` (the text both sides started
from) to ``theirs``: the lines it added and the lines it removed, blank lines aside. ``ours``
carries it when it holds each added line at least as many times as ``theirs`` does, and each
removed line at most as many times as ``theirs`` does (a line that is there twice and lost one
copy counts). Where the lines are in ``ours`` does not matter: a paragraph moved while bringing
it in is brought in.
"""

from __future__ import annotations

import difflib
from collections import Counter


def change_of(base: str, theirs: str) -> tuple[Counter[str], Counter[str]]:
    """The lines ``theirs`` added to ``base`` and the lines it removed (blank lines aside)."""
    old, new = base.splitlines(), theirs.splitlines()
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            removed.update(line for line in old[i1:i2] if line.strip())
            added.update(line for line in new[j1:j2] if line.strip())
    return added - removed, removed - added  # a line moved is neither


def carries(ours: str, base: str, theirs: str) -> bool:
    """Whether ``ours`` holds the change ``theirs`` made to ``base`` (the module's rule)."""
    added, removed = change_of(base, theirs)
    have, want = Counter(ours.splitlines()), Counter(theirs.splitlines())
    return all(have[line] >= want[line] for line in added) and all(
        have[line] <= want[line] for line in removed
    )
