"""The workflow's part in every save of the library (registered in :mod:`apps`): the review gate
on a person's text, the action items synced from the measures, and the events of the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from postmortems.document.model import Status
from postmortems.server.library import fulltextindex, store
from postmortems.server.library.hooks import Edit, Imported, Saved, SaveHooks
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import comments, gate, sync
from postmortems.server.workflow.lifecycle import state_of
from postmortems.server.workflow.models import ActionItem, Comment, Event

QUOTE_LENGTH = Comment._meta.get_field("quote").max_length or 1000


class WorkflowSaveHooks(SaveHooks):
    def new_text(self, text: str) -> str:
        return gate.new_text(text)

    def edited_text(self, status: str, current: str, text: str) -> Edit:
        decision = gate.edited_text(status, current, text)
        return Edit(decision.text, decision.back_to_review)

    def edit_notice(self, status: str) -> str:
        return gate.edit_notice(status)

    def created(self, saved: Saved) -> None:
        sync.write_items(saved.pm, saved.tasks, saved.now, new=True)

    def revised(self, saved: Saved) -> None:
        sync.write_items(saved.pm, saved.tasks, saved.now, quiet=saved.quiet)
        if saved.back_to_review:
            gate.record_return(saved.pm, saved.old_status, saved.user, saved.now)
        elif not saved.by_workflow:
            sync.record_hand_edit(saved.pm, saved.old_status, saved.now)
            if state_of(saved.old_status) is Status.IN_REVIEW:
                gate.record_edit_in_review(saved.pm, saved.user, saved.now)

    def imported(self, rows: Imported, now: dt.datetime, *, quiet: bool = False) -> None:
        sync.write_many_items(rows, now, quiet=quiet)

    def redacted(self, pm: Postmortem, swap: Callable[[str], str]) -> int:
        """The review comments (their quotes too), the action items and the history's notes
        lose the redacted words; the comments' part of the search index is written again."""

        def quote(text: str) -> str:
            return swap(text)[:QUOTE_LENGTH]

        changed = store.swap_rows(Comment.objects.filter(postmortem=pm), ("text",), swap)
        changed += store.swap_rows(Comment.objects.filter(postmortem=pm), ("quote",), quote)
        if changed:
            fulltextindex.write_notes(pm.pk, comments.notes_of(pm.pk))
        for rows, fields in (
            (ActionItem.objects.filter(postmortem=pm), ("text", "reason")),
            (Event.objects.filter(postmortem=pm), ("note",)),
        ):
            changed += store.swap_rows(rows, fields, swap)
        return changed
