"""What a refused form post wrote, kept for the page it goes back to (nothing typed is lost).

A post that a rule refuses after its form was valid (a status the incident cannot take, a
comment on a line the document does not have) goes back to its page with the refusal as a
message. :func:`keep` puts the text fields it names in the session, with the address the form
posted to; the next page rendered through a request (the ``kept`` context processor, or a panel
that calls :func:`take`) finds them once, and its template fills the form that posts to that
address again. With ``errors`` (a field's name → why it was refused; ``__all__`` for the form as
a whole), the template says each beside its field (``templatetags/fielderrors.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest

KEY = "pm_kept"


def keep(
    request: HttpRequest,
    names: Iterable[str],
    errors: Mapping[str, str] | None = None,
    at: str = "",
) -> None:
    """Keep what ``request`` posted in the fields ``names`` for the next page, and ``errors``:
    a field's text, or the list of its values when several were posted (boxes ticked); ``at``:
    the id (less ``-error``) the page is sent to, where the form's error is said."""
    posted = {name: _values(request.POST.getlist(name)) for name in names}
    kept = {"action": request.path, **posted, "errors": dict(errors or {}), "at": at}
    request.session[KEY] = kept
    request.__dict__.pop(TAKEN, None)  # a page rendered after this, in this request, finds it


def _values(found: list[str]) -> str | list[str]:
    return found if len(found) > 1 else (found[0] if found else "")


# Where a request holds what it took: a page may render several templates through the request
# (a panel of another app, then the page), and each must find the same.
TAKEN = "_pm_kept"


def take(request: HttpRequest) -> dict[str, Any]:
    """What was kept (once per request, the same to every template of it): ``action`` (the
    address posted to), the fields and ``errors``; else empty."""
    if TAKEN in request.__dict__:
        taken: dict[str, Any] = request.__dict__[TAKEN]
        return taken
    session = getattr(request, "session", None)
    found: dict[str, Any] = session.pop(KEY) if session is not None and KEY in session else {}
    request.__dict__[TAKEN] = found
    return found


def errors_by_field(form: Any) -> dict[str, str]:
    """A refused form's errors for :func:`keep`: each field's messages in one line."""
    return {name: " ".join(str(m) for m in found) for name, found in form.errors.items()}


def context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``kept`` for the templates."""
    return {"kept": take(request)}
