"""The review cannot be skipped: what a person's save may do to the lifecycle state.

The state changes only through the workflow (the panel's buttons, the services). A save from the
editor or the API therefore keeps the status the workflow set: a text stating another one is
refused, and a new postmortem starts as a draft. A *material* edit of an approved or published
postmortem (its summary, timeline, root cause, measures' text: anything in the body but the
checkbox and the owner/due note of a task) returns it to review, with earlier verdicts cleared;
ticking an action item done does not. ``pm import`` is an operator's tool and keeps the status
its files state (it does not come through here).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from postmortems.document.frontblock import split, tidy
from postmortems.document.model import Status
from postmortems.server.library.models import Postmortem, Revision
from postmortems.server.workflow import sync
from postmortems.server.workflow.lifecycle import state_of
from postmortems.server.workflow.models import ReviewRequest
from postmortems.server.workflow.notify import Kind, notify
from postmortems.server.workflow.statusrule import check_edit, check_new
from postmortems.server.workflow.textedit import set_status

REVIEWED = frozenset({Status.APPROVED, Status.PUBLISHED})
_BOX = re.compile(r"^([ \t]*(?:[-*+]|\d+[.)])[ \t]+)\[[ xX]\]", re.MULTILINE)
# A note starts where its blanks do and holds no "(": a run of tabs or a flood of "(owner: " is
# scanned once, not from each of its characters to the end of the line (issue 13).
_NOTE = re.compile(r"(?<![ \t])[ \t]*\((?:owner|due):[^()\n]*\)[ \t]*$", re.MULTILINE)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _with_status(text: str, status: Status) -> str:
    """``text`` with ``status:`` set, keeping the file's CRLF line ends if it has them."""
    out = set_status(_lf(text), status)
    return out.replace("\n", "\r\n") if "\r\n" in text else out


def material(text: str) -> str:
    """What a review looked at: the body, with task checkboxes and owner/due notes left out."""
    return _NOTE.sub("", _BOX.sub(r"\1[ ]", split(_lf(text))[1]))


@dataclass(frozen=True)
class Decision:
    text: str  # what to save
    back_to_review: bool = False


def new_text(text: str) -> str:
    """A person's new postmortem starts as a draft (or says nothing of its status)."""
    text = tidy(text)
    check_new(text)
    return text


def edited_text(current_status: str, current_text: str, text: str) -> Decision:
    """What a person's save of ``text`` over the current revision stores."""
    text = tidy(text)
    stated = check_edit(current_status, text)
    now_state = state_of(current_status)
    if now_state in REVIEWED and material(text) != material(current_text):
        return Decision(_with_status(text, Status.IN_REVIEW), back_to_review=True)
    if stated is None and now_state is not Status.DRAFT:  # no status is a draft's
        return Decision(_with_status(text, now_state))
    return Decision(text)


def edit_notice(status: str) -> str:
    """Said in the editor of an approved or published postmortem, before its author saves: a
    change of its text sends it back to review (nothing else says so until the save)."""
    state = state_of(status)
    if state not in REVIEWED:
        return ""
    return (
        f"Saving changes will send this {state.value} postmortem back to review; approvals will "
        "be asked again (ticking an action item done, or its owner or due date, does not)."
    )


def record_edit_in_review(pm: Postmortem, user: Any, now: dt.datetime) -> None:
    """A material edit of a postmortem in review (inside the save): the approvals given to the
    text before it no longer count (an approval is of the text its reviewer read); its
    approvers are asked again, and the history says so. An edit with no approval given yet,
    or that only ticks a task or moves its owner or due date, changes nothing."""
    approved = ReviewRequest.objects.filter(
        postmortem=pm, verdict=ReviewRequest.Verdict.APPROVED
    ).select_related("reviewer")
    reviewers = [r.reviewer for r in approved]
    if not reviewers:
        return
    before = Revision.objects.filter(postmortem=pm, number=pm.version - 1).values_list(
        "text", flat=True
    )
    if all(material(text) == material(pm.text) for text in before):
        return
    approved.update(verdict=ReviewRequest.Verdict.NONE)
    names = ", ".join(r.username for r in reviewers)
    note = f"edited in review: the approval of {names} is asked again"
    sync.record_event(pm, "edited", Status.IN_REVIEW, Status.IN_REVIEW, note, now, actor=user)
    who = getattr(user, "username", "") or "someone"
    said = f"{who} changed {pm.title} after you approved it: please review it again"
    notify(Kind.REVIEW_REQUESTED, pm, reviewers, said, now=now, actor=user)


def record_return(pm: Postmortem, before: str, user: Any, now: dt.datetime) -> None:
    """The event and the new round of a material edit after approval (inside the save); its
    reviewers are asked again."""
    ReviewRequest.objects.filter(postmortem=pm).update(verdict=ReviewRequest.Verdict.NONE)
    note = "edited after approval: back to review"
    sync.record_event(pm, "edited", before, Status.IN_REVIEW, note, now, actor=user)
    asked = ReviewRequest.objects.filter(postmortem=pm).exclude(state=ReviewRequest.State.DECLINED)
    reviewers = [r.reviewer for r in asked.select_related("reviewer")]
    who = getattr(user, "username", "") or "someone"
    said = f"{who} changed {pm.title} after it was {before}: please review it again"
    notify(Kind.REVIEW_REQUESTED, pm, reviewers, said, now=now, actor=user)
