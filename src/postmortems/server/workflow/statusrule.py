"""The status a person's save may state, judged from the text alone (no database): a new
postmortem starts as a draft; an edit states the status the workflow set, or none. The gate
(:mod:`postmortems.server.workflow.gate`) applies it to every save; ``pm push --dry-run``
predicts the server's refusals with it."""

from __future__ import annotations

from postmortems.document.frontblock import split
from postmortems.document.model import Status
from postmortems.errors import PostmortemsError
from postmortems.server.workflow.lifecycle import state_of
from postmortems.server.workflow.textedit import read_status


class StatusByHand(PostmortemsError):
    """A save tried to change the lifecycle state outside the workflow."""


def stated_status(text: str) -> Status | None:
    """The status the front matter states (None when none, or not a status), read as the
    parser reads it: a flow mapping, a quoted key, `Published` in capitals cannot state one
    thing to the gate and another to the library (a repeated key is refused by the parser)."""
    yaml_text = split(text.replace("\r\n", "\n"))[0]
    return read_status(yaml_text) if yaml_text else None


def check_new(text: str) -> None:
    """Raise :class:`StatusByHand` when a new postmortem's text states another status than
    draft."""
    stated = stated_status(text)
    if stated is not None and stated is not Status.DRAFT:
        raise StatusByHand(
            f"a new postmortem starts as a draft, not {stated.value!r}",
            hint="set `status: draft`; the review workflow moves it on "
            "(`pm import` keeps the status of files an operator imports)",
        )


def check_edit(current_status: str, text: str) -> Status | None:
    """The status an edit's text states; :class:`StatusByHand` when it is not the one the
    postmortem is at (``current_status``, its stored column)."""
    now_state = state_of(current_status)
    stated = stated_status(text)
    if stated is not None and stated is not now_state:
        raise StatusByHand(
            f"the status is {now_state.value}: it changes through the review workflow, "
            f"not by writing `status: {stated.value}`",
            hint=f"put back `status: {now_state.value}` and use the workflow panel",
        )
    return stated
