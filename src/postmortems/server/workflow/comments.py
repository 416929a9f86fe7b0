"""Review comments on a section or a line, in threads that can be resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.library import fulltext
from postmortems.server.library.models import Postmortem
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
    quote: str  # the commented line as it is now


def threads(pm: Postmortem) -> list[Thread]:
    rows = list(Comment.objects.filter(postmortem=pm).select_related("author"))
    lines = pm.text.split("\n")
    out = []
    for first in (c for c in rows if c.parent_id is None):
        quote = lines[first.line - 1] if first.line and first.line <= len(lines) else ""
        out.append(Thread(first, [c for c in rows if c.parent_id == first.pk], quote))
    return out
