"""What other apps do when the library saves a postmortem: hooks the library calls.

The library does not import the apps built on it (docs/design.md, "Rules"). An app that takes
part in every save (the workflow app: the review gate and the action items) registers a
:class:`SaveHooks` in its ``AppConfig.ready``; :mod:`store` calls every registered one, in the
order registered: the text checks before it parses, the writes inside its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from postmortems.document.model import ActionItem as Task
from postmortems.server.library.models import Postmortem


@dataclass(frozen=True)
class Edit:
    """What a person's edit stores: the text (perhaps with its status set back), and whether the
    edit returns the postmortem to review."""

    text: str
    back_to_review: bool = False


@dataclass(frozen=True)
class Saved:
    """One save, as the hooks inside its transaction see it."""

    pm: Postmortem
    tasks: tuple[Task, ...]
    user: Any
    now: dt.datetime
    old_status: str = ""  # the status before a revision ('' for a new postmortem)
    by_workflow: bool = False  # a lifecycle move, which records its own event
    back_to_review: bool = False  # an edit that :meth:`SaveHooks.edited_text` sent back
    quiet: bool = False  # an import that tells nobody (``pm import --no-notify``)


# New postmortems of one ``pm import`` batch, each with its action items.
Imported = Sequence[tuple[Postmortem, tuple[Task, ...]]]


class SaveHooks:
    """Override what an app needs; the defaults change nothing."""

    def new_text(self, text: str) -> str:
        """A person's new postmortem: the text to store, or a PostmortemsError."""
        return text

    def edited_text(self, status: str, current: str, text: str) -> Edit:
        """A person's edit of a postmortem at ``status`` whose text is ``current``."""
        return Edit(text)

    def edit_notice(self, status: str) -> str:
        """What saving an edit of a postmortem at ``status`` will do beyond saving it, said in
        the editor before the save ("": nothing to say)."""
        return ""

    def created(self, saved: Saved) -> None:
        """A new postmortem was written (inside the save's transaction)."""

    def revised(self, saved: Saved) -> None:
        """A new revision was written (inside the save's transaction)."""

    def imported(self, rows: Imported, now: dt.datetime, *, quiet: bool = False) -> None:
        """New postmortems were bulk-inserted by ``pm import`` (inside the batch's transaction);
        ``quiet``: the import tells nobody of them."""

    def redacted(self, pm: Postmortem, swap: Callable[[str], str]) -> int:
        """Words are being redacted from ``pm`` (:func:`store.redact`): pass what the app keeps
        of its text (quotes, copied lines) through ``swap``, inside the redaction's transaction,
        before the new revision is written; return how many rows changed."""
        return 0


_registered: list[SaveHooks] = []


def register(hooks: SaveHooks) -> None:
    """Call ``hooks`` on every save from now on (once, however often it is registered)."""
    if all(type(h) is not type(hooks) for h in _registered):
        _registered.append(hooks)


def registered() -> tuple[SaveHooks, ...]:
    return tuple(_registered)


def new_text(text: str) -> str:
    for hooks in _registered:
        text = hooks.new_text(text)
    return text


def edited_text(status: str, current: str, text: str) -> Edit:
    back = False
    for hooks in _registered:
        edit = hooks.edited_text(status, current, text)
        text, back = edit.text, back or edit.back_to_review
    return Edit(text, back)


def edit_notices(status: str) -> list[str]:
    """What the registered hooks say about saving an edit of a postmortem at ``status``."""
    return [said for said in (hooks.edit_notice(status) for hooks in _registered) if said]
