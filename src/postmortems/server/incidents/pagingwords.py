"""How the on-call app's entries read on an incident's page. It writes them as the draft's
timeline takes them ("paged sam — sre-page: step 1 of 2", author ``on-call``); the page shows
them as its other entries read: a sentence with a capital, a page named as an identifier
("Page #7 (sre-page) ran out of steps"), and as who, the paging with the policy it went
through. The stored entry, the API and the draft keep the words as written.

The app's entries are those written by the server itself (no user posted them: ``user_id``
None) under its author name: a person or an API client named "on-call" ("page 3 of the
runbook says restart") is read as written."""

from __future__ import annotations

import re
from typing import Any

AUTHOR = "on-call"  # the author the on-call app gives its entries
WHO = "On-call paging"
BY_HAND = "by hand"  # a page by hand's policy name (oncall.models.Page.BY_HAND)

# The words the on-call app starts its entries with: a verb, "page 7", "on-call hand-over",
# "the page was acknowledged". Anything else (a user name: "sam acknowledged the page") stays.
_LEAD = re.compile(r"(?:page (?P<page>\d+)\b|(?:paged|escalated|on-call|the)\b)")


def by_app(author: str, user_id: int | None) -> bool:
    """The entry is the on-call app's: its author, and no user posted it."""
    return author == AUTHOR and user_id is None


def text(author: str, words: str, user_id: int | None = None) -> str:
    """``words`` as the page shows them: the on-call app's with a capital, its page as #N."""
    found = _LEAD.match(words) if by_app(author, user_id) else None
    if found is None:
        return words
    if found["page"]:
        return f"Page #{found['page']}{words[found.end() :]}"
    return words[:1].upper() + words[1:]


def who(author: str, detail: Any, user_id: int | None = None) -> tuple[str, str]:
    """Who the page names for an entry, and what through (the policy, or "paged by hand")."""
    if not by_app(author, user_id):
        return author, ""
    # The entry's detail as stored: [name, value] pairs (services.record writes them).
    policy = next((str(v) for k, v in detail or () if k == "policy"), "")
    if policy == BY_HAND:
        return WHO, "by hand"
    return WHO, f"policy {policy}" if policy else ""
