"""``messages|unshown``: the messages the frame says at the top (library/pagemessages.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.contrib.messages.storage.base import Message

from postmortems.server.library import pagemessages

register = template.Library()


@register.filter
def unshown(said: Iterable[Message]) -> list[Message]:
    return pagemessages.unshown(said)
