"""The team server's API from the command line (``pm incident``, ``pm oncall apply --url``).

One request function: the token goes only to the address given, never on through a redirect,
and an unreachable server or a refusal becomes a one-line :class:`ServerError`.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postmortems.errors import PostmortemsError

if TYPE_CHECKING:
    import urllib.error


class ServerError(PostmortemsError):
    """The server refused the request or could not be reached."""


CHECK_URL = "check --url (or PM_URL): the address of the team server's pages"


def call(
    url: str,
    token: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    timeout: float,
    refused: Callable[[urllib.error.HTTPError], PostmortemsError] | None = None,
    query: dict[str, str] | None = None,
) -> Any:
    """The JSON answer of ``method url/api/path``.

    A refusal raises what ``refused`` makes of the HTTP error (by default a :class:`ServerError`
    with the server's ``detail``); a redirect or an unreachable server raises :class:`ServerError`.
    """
    import http.client
    import urllib.error  # HTTP (and its TLS) loads only for the commands that talk to a server
    import urllib.request

    from postmortems.server.workflow.webhooks import urlopen  # never follows a redirect

    params = urllib.parse.urlencode({k: v for k, v in (query or {}).items() if v})
    target = f"{url.rstrip('/')}/api{path}" + (f"?{params}" if params else "")
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    try:
        request = urllib.request.Request(target, data=data, headers=headers, method=method)
        with urlopen(request, timeout=timeout) as answer:
            raw = answer.read()
    except urllib.error.HTTPError as exc:
        raise _refusal(exc, url, f"{method} {path}", refused) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServerError(f"cannot reach {url}: {reason}", hint="check --url (or PM_URL)") from None
    except http.client.InvalidURL as exc:  # a port that is no number, a space in the address
        bad = f"{url} is not an address to reach: {_one_line(exc)}"
        raise ServerError(bad, hint=CHECK_URL) from None
    except (http.client.HTTPException, ValueError) as exc:  # no HTTP answer: not a web server
        what = f"{type(exc).__name__}: {_one_line(exc)}" if str(exc) else type(exc).__name__
        raise ServerError(f"{url} answered no HTTP ({what})", hint=CHECK_URL) from None
    try:
        return json.loads(raw or b"null")
    except ValueError:  # a web server, but not the team server's API
        raise ServerError(
            f"{url} is not a postmortems server: {method} /api{path} answered no JSON",
            hint=CHECK_URL,
        ) from None


def _refusal(
    exc: urllib.error.HTTPError,
    url: str,
    request: str,
    refused: Callable[[urllib.error.HTTPError], PostmortemsError] | None,
) -> PostmortemsError:
    """What :func:`call` raises for an HTTP error answer to ``request`` (``GET /path``)."""
    if 300 <= exc.code < 400:  # followed, it would take the token to another address
        return ServerError(
            f"{url} answered with a redirect to {exc.headers.get('Location', '?')}",
            hint="give --url (or PM_URL) the address it redirects to",
        )
    if refused is not None:
        return refused(exc)
    said = answer_json(exc)
    detail = str(said.get("detail") or said.get("error") or exc.reason or "refused")
    detail += fields_said(said.get("errors"), detail)
    hint = str(said.get("hint") or "") or None
    return ServerError(f"{request}: HTTP {exc.code}: {detail}", hint=hint)


def _one_line(exc: Exception) -> str:
    """An error's words on one short line of printable characters (what a server that is no
    web server sent back may be anything)."""
    words = " ".join("".join(c if c.isprintable() else " " for c in str(exc)).split())
    return words if len(words) <= 120 else f"{words[:119]}…"


def fields_said(errors: Any, detail: str) -> str:
    """What a 422's ``errors`` say about each field (``: text: the value must not be empty``),
    on the one line of the message; '' when they say nothing ``detail`` does not."""
    said = []
    for error in errors if isinstance(errors, list) else []:
        msg = (
            " ".join(str(error.get("msg") or "invalid").split()) if isinstance(error, dict) else ""
        )
        if msg and msg != detail:
            said.append(f"{error['field']}: {msg}" if error.get("field") else msg)
    return f": {'; '.join(said)}" if said else ""


def refusal(doing: str) -> Callable[[urllib.error.HTTPError], ServerError]:
    """A ``refused`` for :func:`call`: the server's refusal on one line, ``doing: the server
    answered 409: detail`` (a 422 says what is wrong with each field, named), and its ``hint``."""

    def said(exc: urllib.error.HTTPError) -> ServerError:
        data = answer_json(exc)
        detail = str(data.get("detail") or exc.reason or "refused")
        errors = [e for e in data.get("errors") or [] if isinstance(e, dict)]
        field = str(errors[0].get("field") or "") if len(errors) == 1 else ""
        if field and not detail.startswith(f"{field}: "):
            detail = f"{field}: {detail}"
        hint = str(data.get("hint") or "") or None
        # a summary ("the request does not match the schema"): what each field's error says
        summary = not any(str(data.get("detail")) in str(e.get("msg")) for e in errors)
        said = (_by_field(errors) if summary else "") or detail
        return ServerError(f"{doing}: the server answered {exc.code}: {said}", hint=hint)

    return said


def _by_field(errors: list[dict[str, Any]]) -> str:
    """What a 422's ``errors`` say, each named by its field (``text: the value must not be
    empty or only spaces``); '' when they say nothing."""
    said = []
    for error in errors:
        msg = " ".join(str(error.get("msg") or "").split())
        field = str(error.get("field") or "")
        if msg:
            said.append(f"{field}: {msg}" if field and not msg.startswith(f"{field}: ") else msg)
    return "; ".join(said)


def answer_json(exc: urllib.error.HTTPError) -> dict[str, Any]:
    """The JSON body of a refusal (empty when it has none)."""
    try:
        data = json.loads(exc.read() or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Api:
    """A team server's API and the token to call it with."""

    url: str
    token: str
    timeout: float = 30.0

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        refused: Callable[[urllib.error.HTTPError], PostmortemsError] | None = None,
        **query: str,
    ) -> Any:
        """The JSON answer of ``method path``; a refusal raises what ``refused`` makes of it
        (by default a :class:`ServerError`)."""
        timeout, url, token = self.timeout, self.url, self.token
        return call(url, token, method, path, body, timeout=timeout, refused=refused, query=query)


def postmortem_path(key: str, *rest: str) -> str:
    """The API's path of postmortem ``key`` (quoted: a '/' in it is no path's), then ``rest``."""
    return "/".join((f"/postmortems/{urllib.parse.quote(key, safe='')}", *rest))
