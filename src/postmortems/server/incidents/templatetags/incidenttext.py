"""What people and senders wrote, shown as written: escaped (a typed ``<b>`` shows as typed),
its http(s) addresses as links, its line breaks kept by the page's CSS (``.entry-text``:
``white-space: pre-wrap``); and times in an incident's own zone.

    {% load incidenttext %}
    <span class="entry-text">{{ event.text|entry_text }}</span>
    {{ incident.started|in_zone:incident.timezone }}
    {{ incident.started|offset_minutes:incident.timezone }}
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils.html import Urlizer, escape
from django.utils.safestring import SafeString, mark_safe

from postmortems import servicenames
from postmortems.server.weburl import is_web_url

register = template.Library()


class WebAddresses(Urlizer):
    """Django's ``urlize`` for http(s) addresses only: no ``www.`` or bare domain guessed into
    a link, no e-mail address made a ``mailto:``; each link opens without telling the page it
    came from (``rel="noopener noreferrer nofollow"``)."""

    url_template = '<a href="{href}" rel="noopener noreferrer nofollow"{attrs}>{url}</a>'

    def handle_word(
        self,
        word: str,
        *,
        safe_input: bool,
        trim_url_limit: int | None = None,
        nofollow: bool = False,
        autoescape: bool = False,
    ) -> str:
        _lead, middle, _trail = self.trim_punctuation(word)
        if not (self.simple_url_re.match(middle) and is_web_url(middle, longest=2000)):
            return str(escape(word))
        found: str = super().handle_word(
            word, safe_input=False, trim_url_limit=trim_url_limit, autoescape=True
        )
        return found


_ADDRESSES = WebAddresses()


@register.filter(is_safe=True)
def entry_text(value: Any) -> SafeString:
    """``value`` escaped, with its http(s) addresses as links (line breaks stay as they are:
    the element's ``white-space: pre-wrap`` shows them)."""
    return mark_safe(_ADDRESSES(str(value), autoescape=True))


@register.filter
def web_address(value: Any) -> str:
    """``value`` when it is an http(s) address a page may link to, else ""."""
    text = str(value or "")
    return text if is_web_url(text, longest=2000) else ""


def _local(value: dt.datetime, zone: str) -> dt.datetime:
    try:
        return value.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError, OverflowError):
        return value.astimezone(dt.UTC)


@register.filter
def in_zone(value: dt.datetime | None, zone: str) -> str:
    """``2026-03-01 14:05 CET``: ``value`` in the IANA ``zone`` (UTC when it is unknown)."""
    if value is None:
        return ""
    return _local(value, zone).strftime("%Y-%m-%d %H:%M %Z")


@register.filter
def offset_minutes(value: dt.datetime | None, zone: str) -> str:
    """The offset of ``zone`` from UTC at ``value``, in minutes east (``-300``, ``60``): where the
    reader's own clock has the same offset, it reads the same wall time, and the page leaves
    the reader's line out (``localtime.js``, ``data-offset``)."""
    if value is None:
        return ""
    shift = _local(value, zone).utcoffset() or dt.timedelta()
    return str(int(shift.total_seconds() // 60))


@register.filter
def service_name(text: str) -> bool:
    """Whether ``text`` is a service name (one kept as typed before the rule is not linked to a
    service's page it has none of: ``../../etc`` would open ``/etc/``)."""
    return servicenames.is_name(str(text))
