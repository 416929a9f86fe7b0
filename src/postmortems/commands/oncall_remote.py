"""`pm oncall apply --url U --token T`: send validated on-call YAML to the server's API
(``POST /api/oncall/apply``), which applies it through the same store as ``--data-dir``."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from postmortems.errors import ExitCode, PostmortemsError
from postmortems.oncall.spec import OncallSpecError, Problem

TIMEOUT = 60.0


class ServerError(PostmortemsError):
    """The server refused the files or could not be reached; nothing was applied."""

    exit_code = ExitCode.ERROR


def apply_files(
    url: str, token: str, texts: Sequence[tuple[str, str]], *, dry_run: bool
) -> list[str]:
    """The changes the server made (or, with ``dry_run``, would make)."""
    body = {"files": [{"path": p, "text": t} for p, t in texts], "dry_run": dry_run}
    request = urllib.request.Request(
        f"{url.rstrip('/')}/api/oncall/apply",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    from postmortems.server.workflow.webhooks import urlopen  # never follows a redirect

    try:
        with urlopen(request, timeout=TIMEOUT) as answer:
            data = json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:  # followed, it would take the token to another address
            raise ServerError(
                f"{url} answered with a redirect to {exc.headers.get('Location', '?')}",
                hint="give --url (or PM_URL) the address it redirects to; nothing was applied",
            ) from None
        raise _refusal(exc) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServerError(f"cannot reach {url}: {reason}", hint="check --url (or PM_URL)") from None
    return [str(change) for change in data.get("changes", [])]


def _refusal(exc: urllib.error.HTTPError) -> PostmortemsError:
    try:
        data: dict[str, Any] = json.loads(exc.read() or b"{}")
    except ValueError:
        data = {}
    detail = str(data.get("detail") or exc.reason or "refused")
    errors = data.get("errors") or []
    if exc.code == 409 and errors and all("line" in e for e in errors):
        return OncallSpecError(
            [Problem(e["path"], e["line"], e["column"], e["message"], e["hint"]) for e in errors]
        )
    hint = {
        401: "check --token (or PM_TOKEN): an API token of this server",
        403: "check --token: a write token of this server, of someone with the admin role in "
        "the teams the files name",
    }.get(exc.code, "nothing was applied")
    return ServerError(f"the server refused the files (HTTP {exc.code}): {detail}", hint=hint)
