"""Review comments on a section or a line, in threads that can be resolved.

A line comment stays on its line when lines above it are added or removed: the line is followed
from the revision it was written on to the current text (a line diff). When the line itself was
changed, the thread shows the line as it was, marked outdated.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.library import fulltext
from postmortems.server.library.models import Postmortem, Revision
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.lifecycle import Who
from postmortems.server.workflow.models import ActionItem, Comment
from postmortems.server.workflow.services import parts_of


def may_comment(user: Any, pm: Postmortem) -> bool:
    """Its authors, reviewers and admins, and the owners of its action items."""
    if parts_of(user, pm) or access_of(user).can(Action.WRITE, pm):
        return True
    name = getattr(user, "username", "")
    return bool(name) and ActionItem.objects.filter(postmortem=pm, owner=name).exists()


def add(
    pm: Postmortem,
    user: Any,
    text: str,
    *,
    now: dt.datetime,
    section: str = "",
    line: int | None = None,
    reply_to: Comment | None = None,
) -> Comment:
    """A new thread (on ``section`` and/or ``line``) or a reply to one."""
    text = text.strip()
    if not text:
        raise WorkflowError("the comment is empty", hint="write something")
    if not may_comment(user, pm):
        raise WorkflowError(f"you cannot comment on {pm.key}")
    if line is not None and not 1 <= line <= pm.text.count("\n") + 1:
        raise WorkflowError(f"line {line} is outside the document", hint="pick a line that exists")
    if reply_to is not None:
        if reply_to.postmortem_id != pm.pk:
            raise WorkflowError("that thread belongs to another postmortem")
        reply_to = reply_to.parent or reply_to
        section, line = reply_to.section, reply_to.line
    with transaction.atomic():  # the search index's comment part moves with the comment
        comment = Comment.objects.create(
            postmortem=pm,
            author=user,
            parent=reply_to,
            section=section[:200],
            line=line,
            revision=pm.version,
            text=text,
            created=now,
        )
        fulltext.write_notes(pm.pk, notes_of(pm.pk))
    return comment


def notes_of(pm_id: int) -> str:
    """The review comments of one postmortem as the search index holds them."""
    return "\n".join(Comment.objects.filter(postmortem_id=pm_id).values_list("text", flat=True))


def index_notes() -> int:
    """Write every postmortem's comments into the search index (after a reindex)."""
    ids = set(Comment.objects.values_list("postmortem_id", flat=True))
    for pm_id in ids:
        fulltext.write_notes(pm_id, notes_of(pm_id))
    return len(ids)


def resolve(thread: Comment, user: Any, *, resolved: bool = True) -> Comment:
    """Resolve (or reopen) a thread: its author, the postmortem's authors or an admin may."""
    pm = thread.postmortem
    parts = parts_of(user, pm)
    if thread.author_id != user.pk and not parts & {Who.AUTHOR, Who.ADMIN}:
        raise WorkflowError("only the commenter, an author or an admin can resolve a thread")
    thread = thread.parent or thread
    thread.resolved = resolved
    thread.resolved_by = user if resolved else None
    thread.save(update_fields=["resolved", "resolved_by"])
    return thread


@dataclass(frozen=True)
class Thread:
    first: Comment
    replies: list[Comment]
    quote: str  # the commented line as it is now (or as it was, when it changed since)
    line: int | None = None  # where that line is now, after edits above it
    outdated: bool = False  # the line itself was changed or removed since the comment


def line_now(before: list[str], after: list[str], line: int) -> int | None:
    """Where line ``line`` (1-based) of ``before`` is in ``after``; None if it was changed."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if i1 <= line - 1 < i2:
            return j1 + (line - 1 - i1) + 1 if tag == "equal" else None
    return None


def _anchor(first: Comment, lines: list[str], texts: dict[int, list[str]]) -> Thread:
    """The thread with its line followed through the revisions since it was written."""
    if not first.line:
        return Thread(first, [], "")
    then = texts.get(first.revision, lines)
    moved = line_now(then, lines, first.line) if first.line <= len(then) else None
    if moved is not None:
        return Thread(first, [], lines[moved - 1], moved)
    old = then[first.line - 1] if first.line <= len(then) else ""
    return Thread(first, [], old, first.line, outdated=True)


def threads(pm: Postmortem) -> list[Thread]:
    rows = list(Comment.objects.filter(postmortem=pm).select_related("author"))
    lines = pm.text.split("\n")
    wanted = {
        c.revision for c in rows if c.parent_id is None and c.line and c.revision != pm.version
    }
    texts = {
        number: text.split("\n")
        for number, text in Revision.objects.filter(postmortem=pm, number__in=wanted).values_list(
            "number", "text"
        )
    }
    out = []
    for first in (c for c in rows if c.parent_id is None):
        found = _anchor(first, lines, texts)
        replies = [c for c in rows if c.parent_id == first.pk]
        out.append(Thread(first, replies, found.quote, found.line, found.outdated))
    return out
