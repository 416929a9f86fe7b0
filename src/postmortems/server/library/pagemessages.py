"""Messages a part of the page says where the reader is, so the frame does not say them again.

The frame (``library/base.html``) says each message of the request at the top of the page. A
page that opens further down (the review panel, at ``#workflow``) would leave that sentence out
of sight: the part the page opens at takes the messages tagged for it (:func:`take`) and says
them itself; the frame's ``unshown`` filter (``templatetags/pagemessages.py``) then leaves them
out. A message nobody takes (the post went back to another page) is still said at the top.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest

SHOWN = "pm_shown_in_page"  # set on a message a part of the page said


def take(request: HttpRequest, tag: str) -> list[Message]:
    """The request's messages tagged ``tag``, marked as said by the part that takes them."""
    found = [m for m in messages.get_messages(request) if tag in m.extra_tags.split()]
    for said in found:
        setattr(said, SHOWN, True)
    return found


def unshown(said: Iterable[Message]) -> list[Message]:
    """The messages no part of the page said: the frame says these at the top."""
    return [m for m in said if not getattr(m, SHOWN, False)]
