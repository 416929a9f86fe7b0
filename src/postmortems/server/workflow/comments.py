"""Review comments on a section or a line, in threads that can be resolved.

A line comment stays on its line when lines above it are added or removed: the line is followed
from the revision it was written on to the current text (a line diff). When the line itself was
changed, the thread shows the line as it was, marked outdated, with a link to the text it was
written on: a revision that only moved the workflow status is not that text, the one before it is
(:func:`postmortems.server.library.revisions.text_revisions`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.library import fulltextindex, revisions
from postmortems.server.library.models import Postmortem, Revision
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.lifecycle import Who
from postmortems.server.workflow.models import ActionItem, Comment
from postmortems.server.workflow.notify import Kind, notify
from postmortems.server.workflow.services import authors, parts_of


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
    quote: str = "",
    near: int | None = None,
    reply_to: Comment | None = None,
) -> Comment:
    """A new thread (on ``section`` and/or ``line``) or a reply to one. A thread on a ``quote``
    (a passage selected in the rendered page, or words typed from it) is on the line the
    passage starts on: the first at or after line ``near`` (where its section starts; by default
    the heading of ``section``) that holds it. A passage no line holds is refused."""
    text = text.strip()
    if not text:
        raise WorkflowError("the comment is empty", hint="write something")
    if not may_comment(user, pm):
        raise WorkflowError(f"you cannot comment on {pm.key}")
    if line is None and quote.strip() and reply_to is None:
        line = _line_of_passage(pm, quote, section, near)
        quote = " ".join(quote.split())[:1000]  # the words as the page showed them
    else:
        quote = ""  # a line given (it wins over the passage), or a reply: no passage kept
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
            quote=quote,
            revision=pm.version,
            text=text,
            created=now,
        )
        fulltextindex.write_notes(pm.pk, notes_of(pm.pk))
        _tell(pm, comment, now)  # leaves once the comment is committed
    return comment


def _tell(pm: Postmortem, comment: Comment, now: dt.datetime) -> None:
    """Tell ``pm``'s authors of a new thread or a reply, and the others who wrote in that
    thread of a reply; never its writer, and only those who may read ``pm`` (:func:`notify`)."""
    who = comment.author.username if comment.author else "someone"
    people = authors(pm)
    first = comment.parent
    if first is None:
        kind, said = Kind.COMMENTED, f"{who} commented on {pm.title}"
    else:
        kind, said = Kind.REPLIED, f"{who} replied to a comment on {pm.title}"
        thread = Comment.objects.filter(pk=first.pk) | first.replies.all()
        people += [c.author for c in thread.select_related("author") if c.author is not None]
    where = comment.section or (f"line {comment.line}" if comment.line else "")
    said += f" ({where}): " if where else ": "
    key = f"{kind.value}:{comment.pk}"  # the inbox reads the comment from it
    notify(kind, pm, people, said + comment.text, now=now, key=key, actor=comment.author)


def _line_of_passage(pm: Postmortem, quote: str, section: str, near: int | None) -> int:
    if near is None:
        near = line_of_heading(pm.text, section) if section else 1
    found = line_of_quote(pm.text, quote, near)
    if found is None:
        shown = " ".join(quote.split())
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        raise WorkflowError(
            f"no line of the text holds “{shown}”",
            hint="copy a few words as the page shows them (or select them and press "
            "Comment on this), or leave Passage empty",
        )
    return found


_NOT_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text).lower().split())


def line_of_quote(text: str, quote: str, near: int = 1) -> int | None:
    """The line (1-based) of the Markdown ``text`` where ``quote``, a passage as the rendered
    page shows it, starts: the first line at or after ``near`` that holds its first words,
    markup aside (else the first anywhere). When the whole first line of the passage is not on
    one line (a link's address, a wrapped paragraph break it up) fewer of its words are sought;
    when the page added words of its own (a timeline's milestone badge, a time without its
    zone), the line that holds the most of the passage's words."""
    first = next((part for part in quote.splitlines() if _words(part)), "")
    words = _words(first).split()
    lines = [_words(line) for line in text.split("\n")]
    padded = [f" {line} " for line in lines]
    for count in (len(words), 6, 3):
        probe = " ".join(words[:count])
        # whole words first (typed "dns" is not "dnssec"), then inside words (a selection may
        # start or end in the middle of one)
        for wanted in (f" {probe} ", probe):
            hits = [n for n, line in enumerate(padded, 1) if probe and wanted in line]
            if hits:
                return _nearest(hits, near)
    return _most_in_common(lines, set(words), near)


def line_of_heading(text: str, title: str) -> int:
    """The line (1-based) of the Markdown ``text`` that is the heading ``title`` (its words,
    markup aside: ``## Root cause``, ``**Root cause:**``); 1 when none is."""
    words = _words(title)
    lines = (_words(line) for line in text.split("\n"))
    return next((n for n, line in enumerate(lines, 1) if words and line == words), 1)


def _nearest(hits: list[int], near: int) -> int:
    return next((n for n in hits if n >= near), hits[0])


def _most_in_common(lines: list[str], words: set[str], near: int) -> int | None:
    """The line sharing the most of ``words`` (at least three, or all of fewer), nearest after
    ``near`` among equals."""
    counts = [len(words.intersection(line.split())) for line in lines]
    best = max(counts, default=0)
    if best < min(3, len(words)) or best == 0:
        return None
    return _nearest([n for n, count in enumerate(counts, 1) if count == best], near)


def notes_of(pm_id: int) -> str:
    """The review comments of one postmortem as the search index holds them."""
    return "\n".join(Comment.objects.filter(postmortem_id=pm_id).values_list("text", flat=True))


def author_of_passage(pm_id: int, passage: str) -> str:
    """Who wrote the review comment of postmortem ``pm_id`` that a search snippet (``passage``,
    its plain text) is from: the comment sharing the longest run of words with it (a snippet
    may run across two); "" when none does or its author's account is gone
    (``PM_COMMENT_AUTHOR``)."""
    words = _words(passage.replace("…", " ")).split()
    best, most = "", 0
    rows = Comment.objects.filter(postmortem_id=pm_id).values_list("text", "author__username")
    for text, author in rows:
        theirs = _words(fulltextindex.clean(text)).split()
        run = difflib.SequenceMatcher(None, words, theirs, autojunk=False).find_longest_match()
        if run.size > most:
            best, most = author or "", run.size
    return best


def index_notes() -> int:
    """Write every postmortem's comments into the search index (after a reindex)."""
    ids = set(Comment.objects.values_list("postmortem_id", flat=True))
    for pm_id in ids:
        fulltextindex.write_notes(pm_id, notes_of(pm_id))
    return len(ids)


def resolve(
    thread: Comment, user: Any, *, resolved: bool = True, now: dt.datetime | None = None
) -> Comment:
    """Resolve (or reopen) a thread: its author, the postmortem's authors or an admin may. A
    thread that becomes resolved is posted to the webhooks, as the other review events are."""
    pm = thread.postmortem
    parts = parts_of(user, pm)
    if thread.author_id != user.pk and not parts & {Who.AUTHOR, Who.ADMIN}:
        raise WorkflowError("only the commenter, an author or an admin can resolve a thread")
    thread = thread.parent or thread
    newly = resolved and not thread.resolved
    thread.resolved = resolved
    thread.resolved_by = user if resolved else None
    with transaction.atomic():  # the post leaves once the resolution is committed
        thread.save(update_fields=["resolved", "resolved_by"])
        if newly:
            _tell_resolved(pm, thread, user, now or timezone.now())
    return thread


def _tell_resolved(pm: Postmortem, thread: Comment, user: Any, now: dt.datetime) -> None:
    """The webhooks hear of a resolved thread (its first comment's words); nobody is emailed:
    its writers saw it through."""
    who = getattr(user, "username", "") or "someone"
    where = thread.section or (f"line {thread.line}" if thread.line else "")
    said = f"{who} resolved a comment thread on {pm.title}"
    said += f" ({where}): " if where else ": "
    notify(Kind.RESOLVED, pm, [], said + thread.text, now=now, actor=user)


@dataclass(frozen=True)
class Thread:
    first: Comment
    replies: list[Comment]
    line_text: str  # the commented line as it is now (or as it was, when it changed since)
    line: int | None = None  # where that line is now, after edits above it
    outdated: bool = False  # the line itself was changed or removed since the comment
    section: str = ""  # the section it is about: named, or the one its line is in ("": none)
    # the revision whose text it was written on: its own, or the last before it that changed
    # the text when its own only moved the status (set for an outdated thread, which links it)
    read_on: int = 0


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
    starts = section_starts(pm.text, pm.sections.splitlines())
    anchored = [(first, _anchor(first, lines, texts)) for first in rows if first.parent_id is None]
    read_on = revisions.text_revisions(pm, (f.revision for f, a in anchored if a.outdated))
    out = []
    for first, found in anchored:
        replies = [c for c in rows if c.parent_id == first.pk]
        section = first.section or _section_at(starts, found.line)
        read = read_on.get(first.revision, first.revision) if found.outdated else 0
        out.append(
            Thread(first, replies, found.line_text, found.line, found.outdated, section, read)
        )
    return out


def section_starts(text: str, titles: list[str]) -> list[tuple[int, str]]:
    """Where each section of ``titles`` starts in ``text`` (its heading's line), in order; a
    title no heading line holds (1: not found) is left out."""
    first = _words(text.split("\n", 1)[0])
    heads = ((line_of_heading(text, title), title) for title in titles)
    return sorted((n, title) for n, title in heads if n > 1 or first == _words(title))


def _section_at(starts: list[tuple[int, str]], line: int | None) -> str:
    """The section line ``line`` is in: the last that starts at or before it."""
    found = [title for n, title in starts if line and n <= line]
    return found[-1] if found else ""
