"""`pm oncall apply --url U --token T`: send validated on-call YAML to the server's API
(``POST /api/oncall/apply``), which applies it through the same store as ``--data-dir``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from postmortems.commands import remote
from postmortems.commands.remote import ServerError
from postmortems.errors import PostmortemsError
from postmortems.oncall.spec import OncallSpecError, Problem

if TYPE_CHECKING:
    import urllib.error

TIMEOUT = 60.0


def apply_files(
    url: str, token: str, texts: Sequence[tuple[str, str]], *, dry_run: bool
) -> tuple[list[str], list[str]]:
    """The changes the server made (or, with ``dry_run``, would make), and its warnings."""
    body = {"files": [{"path": p, "text": t} for p, t in texts], "dry_run": dry_run}
    data = remote.call(url, token, "POST", "/oncall/apply", body, timeout=TIMEOUT, refused=_refusal)
    data = data or {}
    return [str(c) for c in data.get("changes", [])], [str(w) for w in data.get("warnings", [])]


def _refusal(exc: urllib.error.HTTPError) -> PostmortemsError:
    data = remote.answer_json(exc)
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
