"""The Atom feed of published postmortems, behind a secret link of each reader's own.

A feed reader (or a chat app's feed subscription) cannot sign in, so the link itself is the
credential: the user's id and a digest of their password hash, signed with the server's key
(:mod:`django.core.signing`). The feed shows what that user may see at the time of each fetch,
restricted postmortems only to their teams; a changed password, a deactivated account or a new
secret key ends every link made before. The server's log never shows the token
(:mod:`postmortems.server.logfilters`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.module_loading import import_string

from postmortems.document.model import Status
from postmortems.render.site.feed import xml_text
from postmortems.server.accounts.access import access_of
from postmortems.server.config import absolute_url
from postmortems.server.library import fulltextindex, queries

SALT = "postmortems.library.feed"
# An image in the summary's text says nothing to a reader: ![alt](path) goes.
_IMAGE = re.compile(r"!\[[^\]\n]{0,300}\]\([^)\s]{0,500}\)")
SIZE = 30
SUMMARY_CHARS = 600


def _stamp(user: Any) -> str:
    """Changes with the password (and the secret key): a short digest, not the hash itself."""
    return hashlib.sha256(user.get_session_auth_hash().encode()).hexdigest()[:16]


def token_for(user: Any) -> str:
    return signing.dumps([user.pk, _stamp(user)], salt=SALT)


def user_for(token: str) -> Any | None:
    """The active user whose link ``token`` is, or None (forged, or ended)."""
    try:
        pk, stamp = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(stamp, str):
        return None  # signed with our key, but not by token_for
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    return user if user is not None and stamp == _stamp(user) else None


def _summary(text: str) -> str:
    text = " ".join(_IMAGE.sub("", xml_text(text[: SUMMARY_CHARS * 4])).split())
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def atom(user: Any, url: str) -> bytes:
    """The newest published postmortems ``user`` may see, the cause-carrying text as summary;
    ``url``: the feed's own (absolute) address, as it was asked for."""
    rows = list(
        queries.visible(access_of(user))
        .filter(status=Status.PUBLISHED)
        .only("id", "key", "title", "created", "updated", "label_values")
        .order_by("-updated", "-id")[:SIZE]
    )
    parts = fulltextindex.parts_for(pm.pk for pm in rows)
    published = _published_at([pm.pk for pm in rows])
    feed = Atom1Feed(
        title="Postmortems",
        link=absolute_url(reverse("library:list")),
        description="Published postmortems",
        feed_url=url,
        feed_guid=absolute_url(reverse("library:list")),
        author_name="postmortems",
    )
    for pm in rows:
        labels = pm.label_values or {}
        found = parts.get(pm.pk)
        # Never published here (imported as published): since it has been in the library.
        first = published.get(pm.pk, pm.created)
        feed.add_item(
            title=xml_text(pm.title or pm.key),
            link=absolute_url(reverse("library:detail", args=[pm.key])),
            unique_id=f"urn:postmortems:{pm.key}",
            # Atom1Feed marks a summary as HTML: the plain text is escaped to stay text.
            description=escape(_summary(found.head if found else "")),
            updateddate=max(pm.updated, first),
            pubdate=first,
            categories=[
                xml_text(c) for c in [*labels.get("services", []), *labels.get("tags", [])]
            ],
        )
    return feed.writeString("utf-8").encode()


def _published_at(ids: list[int]) -> dict[int, dt.datetime]:
    """When each postmortem of ``ids`` was first published, as the app that keeps the history
    says (``PM_PUBLISHED_AT``, a dotted path to ``(ids) -> {id: instant}``); none without it."""
    find = _first_published(str(getattr(settings, "PM_PUBLISHED_AT", "")))
    return find(ids) if find is not None and ids else {}


@functools.cache
def _first_published(path: str) -> Callable[[Iterable[int]], dict[int, dt.datetime]] | None:
    return import_string(path) if path else None
