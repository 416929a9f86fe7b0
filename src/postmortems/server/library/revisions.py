"""Revisions that only move the workflow status, told apart from those that change the text.

Every lifecycle move writes the new ``status:`` into the front matter, so it is a revision like
any edit (the optimistic locking holds), but it says nothing new. The revisions page marks such
a revision *status only*, and a review comment says it was written on the last revision whose
text its reviewer read (:func:`text_revisions`): "written on revision 3" names a revision the
revisions page lists as a change of the text, never a status move after it.
"""

from __future__ import annotations

from collections.abc import Iterable

from postmortems.server.library.models import Postmortem, Revision

_FENCE = "---"  # the front matter's fences, added with the status when there was none


def _is_status_line(line: str) -> bool:
    """``status: in-review`` (the line a lifecycle move writes), at the top level."""
    key, colon, value = line.partition(":")
    word = value.strip()
    return key == "status" and bool(colon) and word.replace("-", "").isalpha()


def status_only(diff: str) -> bool:
    """Whether the revision whose unified ``diff`` (from the one before) this is changed only
    the front matter's ``status:`` line (and the fences of a front matter added for it)."""
    lines = diff.splitlines()
    if len(lines) >= 2 and lines[0].startswith("--- ") and lines[1].startswith("+++ "):
        lines = lines[2:]
    changed = [line[1:] for line in lines if line[:1] in ("+", "-")]
    if not any(_is_status_line(line) for line in changed):
        return False
    return all(_is_status_line(line) or line.rstrip() == _FENCE for line in changed)


def text_revisions(pm: Postmortem, numbers: Iterable[int]) -> dict[int, int]:
    """For each revision number of ``pm`` in ``numbers``, the last revision up to it that changed
    the text (itself, unless it only moved the status); the first revision always counts."""
    wanted = set(numbers)
    if not wanted:
        return {}
    rows = Revision.objects.filter(postmortem=pm, number__lte=max(wanted)).order_by("number")
    out: dict[int, int] = {}
    last = 1
    for number, diff in rows.values_list("number", "diff").iterator():
        if number == 1 or not status_only(diff):
            last = number
        if number in wanted:
            out[number] = last
    return out
