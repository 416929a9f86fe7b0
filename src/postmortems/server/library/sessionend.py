"""A form post that finds its session gone, and what it wrote is not lost.

Two ways a page's post loses its session while the person types: the session ended (it
expired, or they logged out in another tab), or its CSRF token is refused (they signed in again
in another tab, which gives the browser a new token the open page does not hold). Django would
send the first to the login page, dropping the post, and answer the second with its bare
"CSRF verification failed" page. Here both get a page of the site that says what happened and
how to go on, with the text the person wrote shown back in read-only boxes to copy; an htmx or
script request gets the same words as plain text (403), which the editor says where one types.

Any other htmx request of someone signed out (a panel loading, a live timeline's poll) is
answered with ``HX-Redirect``: htmx takes the browser to the login page, back to the page it
showed after signing in. A page holding words typed and not sent stays instead, and says so
(``site.js``).

``GET /session/`` answers who is signed in and a CSRF token for the browser's current one: the
editor asks it before it saves, and when a background request of it was refused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseClientRedirect

# A posted value is a person's writing when it holds a space or is this long: ids, versions,
# choices and keys are shorter words.
WRITING_LENGTH = 40
# Names the forms give their fields, as a person reads them; any other is its name.
LABELS = {
    "text": "Text",
    "message": "Change note",
    "note": "Note",
    "why": "Why",
    "reason": "Why",
    "quote": "Quoted passage",
}

SIGNED_OUT = (
    "You are signed out (the session ended, or you logged out in another tab), so nothing was "
    "saved. Sign in in another tab, then send it again; what you wrote is below."
)
STALE = (
    "This page was opened before you signed in again (in another tab, or the session was "
    "renewed), so the server refused its form and nothing was saved. Open the page again and "
    "send it from there; what you wrote is below."
)

ELSEWHERE = (
    "The form was sent from another site, so the server refused it and nothing was changed. If "
    "you sent it from this site's own page, the server does not know the address you use: its "
    "operator adds it to PM_CSRF_TRUSTED_ORIGINS."
)


def written(request: HttpRequest) -> list[tuple[str, str]]:
    """(label, text) of each posted value that is a person's writing, to show back; none of a
    post from another site (it could have us show a text of its choosing as the person's) and
    never a password or the CSRF token."""
    if request.method != "POST" or not _from_our_pages(request):
        return []
    return [
        (LABELS.get(name, name.replace("_", " ").capitalize()), value)
        for name, values in request.POST.lists()
        if "password" not in name and name != "csrfmiddlewaretoken"
        for value in values
        if _is_writing(value)
    ]


def _is_writing(value: str) -> bool:
    said = value.strip()
    return len(said) >= WRITING_LENGTH or any(c.isspace() for c in said)


def _from_our_pages(request: HttpRequest) -> bool:
    """A browser says where a post comes from (``Sec-Fetch-Site``, else ``Origin``); a client
    that says neither (a script, the test client) is taken at its word."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


def back_to(request: HttpRequest) -> str:
    """The page the post was sent from (the Referer, when it is this site's), else the nearest
    page above the address posted to."""
    back = request.headers.get("Referer", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return back
    # Imported here: formonly reads the API's prefix, and the API's package imports the guards,
    # which import this module.
    from postmortems.server.formonly import nearest_page

    prefix = request.path.removesuffix(request.path_info)  # the sub-path the site is under
    return prefix + nearest_page(request.path_info)


def _wants_page(request: HttpRequest) -> bool:
    return not request.headers.get("HX-Request") and "text/html" in request.headers.get(
        "Accept", ""
    )


def _refusal(request: HttpRequest, heading: str, said: str, show: bool = True) -> HttpResponse:
    """403: the page, with what was written when ``show`` (for htmx and scripts, the heading as
    plain text)."""
    if not _wants_page(request):
        return HttpResponse(
            f"Not saved: {heading}.\n", status=403, content_type="text/plain; charset=utf-8"
        )
    context = {
        "heading": heading,
        "said": said,
        "written": written(request) if show else [],
        "back": back_to(request),
        "from_editor": show and "editor" in request.POST,
    }
    return render(request, "library/session_ended.html", context, status=403)


def signed_out(request: HttpRequest) -> HttpResponse:
    """A request without a session: to the login page, unless that would drop what it carries
    (a post of a person's writing: the page, or for htmx the words, that say so)."""
    if written(request):
        return _refusal(request, "you are signed out", SIGNED_OUT)
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(redirect_to_login(_page_shown(request)).url)
    return redirect_to_login(request.get_full_path())


def signed_in_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Django's ``login_required`` answered as the rest of the site answers someone signed
    out (:func:`signed_out`): htmx by ``HX-Redirect`` to the login page, not by a 302 htmx
    would follow silently, swapping the login page into the region it was loading."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return signed_out(request)
        return view(request, *args, **kwargs)

    return wrapper


def _page_shown(request: HttpRequest) -> str:
    """The page an htmx request was made from (htmx names it, else the Referer), as a path: the
    login page leads back to it, not to the fragment asked for."""
    url = request.headers.get("HX-Current-URL", "")
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        url = back_to(request)
    shown = urlsplit(url)
    return shown.path + (f"?{shown.query}" if shown.query else "")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a post whose CSRF token (or cookie) the server refused."""
    if reason.startswith(("Origin checking failed", "Referer checking failed")):
        return _refusal(request, "the form came from another site", ELSEWHERE, show=False)
    if not request.user.is_authenticated and request.headers.get("HX-Request"):
        return signed_out(request)  # to the login page, unless it carries writing
    if not request.user.is_authenticated:  # a page: the login page would drop the post
        return _refusal(request, "you are signed out", SIGNED_OUT)
    return _refusal(request, "the page is older than your sign-in", STALE)


@never_cache
@require_safe
def session(request: HttpRequest) -> JsonResponse:
    """Who is signed in (``""``: nobody) and a CSRF token for this browser's session."""
    user = request.user.get_username() if request.user.is_authenticated else ""
    return JsonResponse({"user": user, "csrf": get_token(request)})
