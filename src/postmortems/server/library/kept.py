"""What a refused form post wrote, kept for the page it goes back to (nothing typed is lost).

A post that a rule refuses after its form was valid (a status the incident cannot take, a
comment on a line the document does not have) goes back to its page with the refusal as a
message. :func:`keep` puts the text fields it names in the session, with the address the form
posted to; the next page rendered through a request (the ``kept`` context processor, or a panel
that calls :func:`take`) finds them once, and its template fills the form that posts to that
address again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

KEY = "pm_kept"


def keep(request: HttpRequest, names: Iterable[str]) -> None:
    """Keep what ``request`` posted in the fields ``names`` for the next page."""
    posted = {name: request.POST.get(name, "") for name in names}
    request.session[KEY] = {"action": request.path, **posted}


def take(request: HttpRequest) -> dict[str, str]:
    """What was kept (once): ``action`` (the address posted to) and the fields; else empty."""
    session = getattr(request, "session", None)
    if session is None or KEY not in session:
        return {}
    found: dict[str, str] = session.pop(KEY)
    return found


def context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``kept`` for the templates."""
    return {"kept": take(request)}
