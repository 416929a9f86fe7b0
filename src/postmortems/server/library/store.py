"""Saving postmortems: parse once, then write the row and everything derived from it at once.

This is the only code that writes :class:`Postmortem` rows, so the web editor, the API and
``pm import`` behave the same. A save parses the text once, outside any transaction
(:func:`prepare`), then in one short transaction writes the derived columns, the labels, the
action items, the rendered HTML, a revision and the library token (:mod:`state`). Nothing is
left to signals: what a save writes is in this module, and what other apps add to it (the
workflow's review gate and action items) runs through the hooks they register (:mod:`hooks`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

import django
from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from postmortems import parallel
from postmortems.document import Document, parse
from postmortems.document.model import ActionItem as Task
from postmortems.document.model import DocKind
from postmortems.errors import PostmortemsError
from postmortems.lint.rules.structure import NOT_A_POSTMORTEM_FIX, not_a_postmortem_at
from postmortems.server.library import (
    boundaries,
    derive,
    fulltextindex,
    hooks,
    sandbox,
    state,
)
from postmortems.server.library.models import Draft, Label, Postmortem, Revision
from postmortems.server.library.rendering import at_the_calendars_end, render_document


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


class NotAPostmortem(PostmortemsError):
    """The text is no postmortem by PM101's judgement (only a link, a placeholder, a template…):
    stored, it would show in every list as one, titled after nothing ("New")."""

    def __init__(self, name: str, found: tuple[int, str]) -> None:
        line, what = found
        super().__init__(what, path=name, line=line, column=1, hint=NOT_A_POSTMORTEM_FIX)


def unified_diff(
    old: str, new: str, name: str, labels: tuple[str, str] = ("before", "after")
) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"{name} ({labels[0]})",
        tofile=f"{name} ({labels[1]})",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def read(text: str, name: str) -> Document:
    """Parse ``text``; raises :class:`PostmortemsError` with a position when unreadable."""
    return parse(text, name)


def html_of(text: str, doc: Document | None) -> str:
    """The page's rendered parts (card, timeline, body) as one HTML fragment."""
    return render_to_string("library/_rendered.html", {"r": render_document(text, doc)})


@dataclass(frozen=True)
class Prepared:
    """A text and everything a save derives from it: the work of one parse, done before writing."""

    text: str
    name: str
    columns: dict[str, Any]
    labels: list[tuple[str, str]]
    tasks: tuple[Task, ...]
    sections: str
    html: str
    parts: fulltextindex.Parts
    kind: DocKind = DocKind.POSTMORTEM
    kind_reason: str = ""  # why the file is not a postmortem
    refusal: tuple[int, str] | None = None  # PM101's line and words: no postmortem, no id

    @property
    def own_key(self) -> str:
        """The id the front matter gives (slugged), or ''."""
        return str(self.columns["key"])


def _not_empty(text: str, name: str) -> None:
    """An empty text is no postmortem (saved, it was one titled after its file name)."""
    if not text.strip():
        raise PostmortemsError(
            "the text is empty",
            hint="write the postmortem (New starts from the format's skeleton), or delete it",
            path=name,
            line=1,
            column=1,
        )


def prepare(text: str, name: str, *, bounded: bool = False) -> Prepared:
    """Parse ``text`` once and derive every column; raises :class:`PostmortemsError`.

    ``bounded``: parse in the sandbox (a person's save: :class:`sandbox.TooComplex` past its time
    or memory limit); saves without a user (``pm import``, an operator's tool) parse in process.
    """
    doc = sandbox.run(parse, text, name) if bounded else read(text, name)
    try:
        columns = derive.columns(doc)
        for value in columns.values():  # what the database stores in UTC must be a UTC time
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value.astimezone(dt.UTC)
        html = html_of(text, doc)
    except OverflowError:
        raise at_the_calendars_end(name) from None
    return Prepared(
        text=text,
        name=name,
        columns=columns,
        labels=derive.labels(doc),
        tasks=doc.action_items,
        sections="\n".join(s.title for s in doc.sections if s.title),
        html=html,
        kind=doc.kind,
        kind_reason=doc.kind_reason,
        # a text with an id in its front matter is someone's postmortem, whatever it reads like
        refusal=None if columns["key"] else not_a_postmortem_at(doc),
        parts=fulltextindex.parts_of(doc, str(columns["title"])),
    )


@dataclass(frozen=True)
class Saved:
    postmortem: Postmortem
    created: bool
    changed: bool
    back_to_review: bool = False  # an edit the hooks sent back to review (an approved text's)


def save(
    text: str,
    user: Any,
    *,
    key: str = "",
    base_version: int | None = None,
    message: str = "",
    source_name: str = "",
    by_workflow: bool = False,
    exact: bool = False,
    postmortems_only: bool = False,
    now: dt.datetime | None = None,
) -> Saved:
    """Save ``text``: a new postmortem (``base_version`` None) or a new revision of ``key``.

    New: ``key`` is the id to use when the front matter has none; a taken one gets a number
    (``KEY-2``), or with ``exact`` is refused as a taken id is. Existing: the save is refused
    (:class:`StaleVersion`) when someone saved since ``base_version``. ``message``: the new
    revision's change note (a new postmortem's first revision: "created" without one).
    ``by_workflow``: a lifecycle move, which records its own event for the status it writes.
    ``postmortems_only`` (the editor's and the API's saves): see :func:`_only_postmortems`.
    """
    _not_empty(text, source_name or f"{key or 'new'}.md")  # before the hooks add front matter
    now = now or timezone.now()
    person = _user(user) is not None and not by_workflow  # the review cannot be skipped
    if base_version is None:
        ready = prepare(
            hooks.new_text(text) if person else text,
            source_name or key or "new.md",
            bounded=_user(user) is not None,
        )
        _only_postmortems(postmortems_only, ready, None)
        boundaries.check_move(user, None, _place(ready))
        with transaction.atomic():
            pm = _new(ready, _user(user), key, source_name, now, exact=exact, message=message)
        return Saved(pm, created=True, changed=True)
    name = source_name or f"{key}.md"
    edit = hooks.Edit(text)
    if person:
        current = Postmortem.objects.filter(key=key, version=base_version)
        found = current.values_list("status", "text").first()
        edit = hooks.edited_text(*found, text) if found else edit
        text = edit.text
    ready = prepare(
        text, name, bounded=_user(user) is not None
    )  # outside the transaction: SQLite holds its write lock till commit
    with transaction.atomic():
        pm = Postmortem.objects.select_for_update().get(key=key)
        if pm.version != base_version:
            raise StaleVersion(pm, base_version)
        if pm.text == text:
            return Saved(pm, created=False, changed=False)
        _only_postmortems(postmortems_only, ready, pm)
        before = boundaries.place(pm.labels.values_list("kind", "value"), pm.restricted)
        boundaries.check_move(user, before, _place(ready))
        change = hooks.Saved(
            pm, ready.tasks, user, now, by_workflow=by_workflow, back_to_review=edit.back_to_review
        )
        _revise(pm, ready, _user(user), message, change)
    return Saved(pm, created=False, changed=True, back_to_review=edit.back_to_review)


def _only_postmortems(asked: bool, ready: Prepared, current: Postmortem | None) -> None:
    """When ``asked``: a text that is no postmortem (PM101) and gives no id in its front matter
    is refused (:class:`NotAPostmortem`) as a new postmortem, and as the new text of
    ``current`` when that is a postmortem (a row stored before the rule may be edited towards
    one)."""
    if asked and ready.refusal is not None and (current is None or current.is_postmortem):
        raise NotAPostmortem(ready.name, ready.refusal)


def create(
    text: str, user: Any, *, key: str = "", source_name: str = "", exact: bool = False
) -> Saved:
    """A new postmortem at revision 1 (:func:`save` without a base version)."""
    return save(text, user, key=key, source_name=source_name, exact=exact)


def update(pm_key: str, text: str, user: Any, base_version: int, message: str = "") -> Saved:
    """A person's new revision of ``pm_key`` unless someone saved since ``base_version``, or
    the text is no postmortem (:func:`save`, ``postmortems_only``)."""
    return save(
        text, user, key=pm_key, base_version=base_version, message=message, postmortems_only=True
    )


def delete(pm: Postmortem) -> None:
    """Delete a postmortem with its revisions, labels and workflow rows."""
    with transaction.atomic():
        pm.delete()
        state.bump()


def redact(
    key: str, pairs: Sequence[tuple[str, str]], user: Any, message: str, now: dt.datetime
) -> int:
    """Take words out of the postmortem ``key`` for good: each ``(old, new)`` of ``pairs`` (in
    that order) replaced in its text, in every revision's text and diff, in the editor drafts
    and, through the hooks, in what other apps keep of it (review comments quoting it). The
    derived columns, page and index follow; when the current text held the words, a revision
    by ``user`` with ``message`` records the redaction (its diff is empty: the revisions before
    it were rewritten too) and an editor left open on the old text meets a newer version.
    Returns how many rows held the words (0: none; nothing is written). A rare act, so the
    text is parsed inside the transaction, with the row locked."""

    def swap(text: str) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        return text

    with transaction.atomic():
        pm = Postmortem.objects.select_for_update().get(key=key)
        held = sum(
            swap_rows(rows, fields, swap)
            for rows, fields in (
                (Revision.objects.filter(postmortem=pm), ("text", "diff")),
                (Draft.objects.filter(postmortem=pm), ("text",)),
            )
        )
        held += sum(registered.redacted(pm, swap) for registered in hooks.registered())
        text = swap(pm.text)
        if text != pm.text:
            ready = prepare(text, pm.source_name or f"{pm.key}.md")
            pm.text = text  # the old text is gone: the new revision's diff is empty
            change = hooks.Saved(pm, ready.tasks, _user(user), now, by_workflow=True)
            _revise(pm, ready, _user(user), message, change)
            held += 1
        if held:
            fulltextindex.purge()
            state.bump()
    return held


def swap_rows(rows: QuerySet[Any], fields: tuple[str, ...], swap: Callable[[str], str]) -> int:
    """Pass ``fields`` of ``rows`` through ``swap`` (a redaction's); how many rows changed."""
    changed = 0
    for row in rows.only("pk", *fields):
        new = {name: swap(getattr(row, name)) for name in fields}
        if any(new[name] != getattr(row, name) for name in fields):
            type(row).objects.filter(pk=row.pk).update(**new)
            changed += 1
    return changed


def _free_key(ready: Prepared, key: str, exact: bool) -> str:
    wanted = ready.own_key or key or derive.title_key(str(ready.columns["title"]))
    if not Postmortem.objects.filter(key=wanted).exists():
        return wanted
    if ready.own_key or (key and exact):
        # The same words whether the person may read the holder of the id or not: the answer
        # must not confirm that a postmortem hidden from them exists (issue 13, item 7).
        where = "in the front matter" if ready.own_key else "you asked for"
        raise DuplicateKey(
            f"the id {wanted!r} is not available",
            hint="ids are unique across the whole library, including postmortems you may not "
            f"see: change the id {where}, or leave it out to get a free one",
        )
    n = 2
    while Postmortem.objects.filter(key=f"{wanted}-{n}").exists():
        n += 1
    return f"{wanted}-{n}"


def _row(ready: Prepared, pm: Postmortem) -> Postmortem:
    """Copy the derived columns and the rendered page onto ``pm`` (not saved)."""
    for name, value in ready.columns.items():
        if name != "key":
            setattr(pm, name, value)
    pm.text = ready.text
    pm.sections = ready.sections
    pm.label_values = {}
    for kind, value in ready.labels:
        pm.label_values.setdefault(kind, []).append(value)
    pm.rendered_html, pm.rendered_version = ready.html, pm.version
    return pm


def _new(
    ready: Prepared,
    user: Any,
    key: str,
    source_name: str,
    now: dt.datetime,
    *,
    exact: bool,
    message: str = "",
) -> Postmortem:
    key = _free_key(ready, key, exact)
    pm = Postmortem(key=key, source_name=source_name, created_by=user, version=1)
    _row(ready, pm).save()
    fulltextindex.write(pm.pk, ready.parts)
    Label.objects.bulk_create(_labels(pm, ready))
    Revision.objects.create(
        postmortem=pm, number=1, author=user, text=ready.text, diff="", message=message or "created"
    )
    for registered in hooks.registered():
        registered.created(hooks.Saved(pm, ready.tasks, user, now))
    state.bump()
    return pm


def _revise(pm: Postmortem, ready: Prepared, user: Any, message: str, change: hooks.Saved) -> None:
    """A new revision of ``pm``; ``change`` says how it came (by whom, when) for the hooks."""
    old_text, old_status = pm.text, pm.status
    pm.version += 1
    _row(ready, pm).save()
    fulltextindex.write(pm.pk, ready.parts)
    Label.objects.filter(postmortem=pm).delete()
    Label.objects.bulk_create(_labels(pm, ready))
    Revision.objects.create(
        postmortem=pm,
        number=pm.version,
        author=user,
        text=ready.text,
        diff=unified_diff(old_text, ready.text, pm.key),
        message=message[:200],
    )
    for registered in hooks.registered():
        registered.revised(replace(change, old_status=old_status))
    state.bump()


def _place(ready: Prepared) -> boundaries.Place:
    return boundaries.place(ready.labels, bool(ready.columns["restricted"]))


def _labels(pm: Postmortem, ready: Prepared) -> list[Label]:
    return [Label(postmortem=pm, kind=k, value=v) for k, v in ready.labels]


# -- pm import: many files, parsed outside the transaction, written in short batches ----------

BATCH = 200


@dataclass(frozen=True)
class Incoming:
    """One file to import: its name (relative to the folder) and its text, or why it failed."""

    name: str
    text: str = ""
    error: str = ""
    path: str = ""  # where it was read, for messages (default: the name)


@dataclass(frozen=True)
class Outcome:
    name: str
    key: str
    verb: str  # created | updated | unchanged | failed | skipped
    error: str = ""


def save_many(
    files: Iterable[Incoming],
    user: Any,
    *,
    batch: int = BATCH,
    now: dt.datetime | None = None,
    quiet: bool = False,
) -> Iterator[Outcome]:
    """Import ``files``: create new ids, revise changed ones, skip identical ones (``quiet``:
    the hooks tell nobody, e.g. no action item's owner, of what came in).

    The files are parsed in worker processes (:func:`parallel.run_all`, :data:`PARSE_CHUNK` at
    a time) while this process writes what is ready in batches of ``batch``, each in one
    transaction with bulk inserts, so the database's write lock is held only for the writes (on
    SQLite a long write transaction locks out every other writer).
    """
    now = now or timezone.now()
    files = iter(files)
    seen: dict[str, str] = {}  # key -> the file that had it first
    while chunk := list(islice(files, PARSE_CHUNK)):
        ready: list[tuple[str, Prepared]] = []
        names = Postmortem.objects.filter(source_name__in=[f.name for f in chunk])
        known = dict(names.values_list("source_name", "key"))
        for incoming, result in zip(chunk, parallel.run_all(prepare_file, chunk), strict=True):
            outcome = _check_one(incoming, result, seen, known)
            if isinstance(outcome, Outcome):
                yield outcome
                continue
            ready.append(outcome)
            if len(ready) >= batch:
                yield from _write_batch(ready, _user(user), now, quiet)
                ready = []
        yield from _write_batch(ready, _user(user), now, quiet)


PARSE_CHUNK = 1000  # files handed to the parsing processes at a time (their texts in memory)


def prepare_file(incoming: Incoming) -> Prepared | Outcome:
    """One file's :func:`prepare`, or its failure (run in a worker process: no database)."""
    if incoming.error:
        return Outcome(incoming.name, "", "failed", incoming.error)
    if not incoming.text.strip():  # nothing in it: not a postmortem, as a link-only file
        return Outcome(incoming.name, "", "skipped", f"{incoming.name}: the file is empty")
    if not apps.ready:  # a worker started without fork (spawn, forkserver): configure Django
        django.setup()
    try:
        ready = prepare(incoming.text, incoming.path or incoming.name)
    except PostmortemsError as exc:
        message = str(exc) if exc.path else f"{incoming.name}: {exc}"
        return Outcome(incoming.name, "", "failed", message)
    return replace(ready, name=incoming.name)


def _check_one(
    incoming: Incoming, result: Prepared | Outcome, seen: dict[str, str], known: dict[str, str]
) -> tuple[str, Prepared] | Outcome:
    """The file's id: its front matter's; else the id of the postmortem imported from the same
    path; else its path in the folder (``a/README.md`` is ``a-README``: many are a README)."""
    if isinstance(result, Outcome):
        return result
    if result.refusal is not None:  # no postmortem, as the editor and the API refuse it
        said = str(NotAPostmortem(incoming.name, result.refusal))
        return Outcome(incoming.name, "", "skipped", said)
    key = derive.file_key(result.own_key, incoming.name, known.get(incoming.name, ""))
    if key in seen:
        why = f"{incoming.name}: id {key!r} is also the id of {seen[key]} (imported first)"
        return Outcome(incoming.name, key, "failed", why)
    seen[key] = incoming.name
    return key, result


def _write_batch(
    ready: list[tuple[str, Prepared]], user: Any, now: dt.datetime, quiet: bool
) -> list[Outcome]:
    out: list[Outcome] = []
    if not ready:
        return out
    with transaction.atomic():
        keys = [k for k, _ in ready]
        current = {pm.key: pm for pm in Postmortem.objects.select_for_update().filter(key__in=keys)}
        fresh: dict[str, Prepared] = {}
        for key, prepared in ready:
            pm = current.get(key)
            if pm is not None and pm.text == prepared.text:
                out.append(Outcome(prepared.name, key, "unchanged"))
            elif pm is None:
                fresh[key] = prepared
            else:
                change = hooks.Saved(pm, prepared.tasks, user, now, quiet=quiet)
                _revise(pm, prepared, user, f"import {prepared.name}", change)
                out.append(Outcome(prepared.name, key, "updated"))
        out += _create_many(fresh, user, now, quiet)
        if fresh:
            state.bump()
    return out


def _create_many(
    fresh: dict[str, Prepared], user: Any, now: dt.datetime, quiet: bool
) -> list[Outcome]:
    """New postmortems with bulk inserts: rows, then labels, revisions and action items."""
    rows = [
        _row(ready, Postmortem(key=key, source_name=ready.name, created_by=user, version=1))
        for key, ready in fresh.items()
    ]
    Postmortem.objects.bulk_create(rows)
    if rows[:1] and rows[0].pk is None:  # databases that return no ids (none we support today)
        rows = list(Postmortem.objects.filter(key__in=list(fresh)))
    by_key = {pm.key: pm for pm in rows}
    fulltextindex.write_many((by_key[k].pk, r.parts) for k, r in fresh.items())
    Label.objects.bulk_create(x for k, r in fresh.items() for x in _labels(by_key[k], r))
    Revision.objects.bulk_create(
        Revision(postmortem=by_key[k], number=1, author=user, text=r.text, message="created")
        for k, r in fresh.items()
    )
    for registered in hooks.registered():
        registered.imported([(by_key[k], r.tasks) for k, r in fresh.items()], now, quiet=quiet)
    return [Outcome(r.name, k, "created") for k, r in fresh.items()]


def _user(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None
