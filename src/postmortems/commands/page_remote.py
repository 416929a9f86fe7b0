"""`pm page open|list|ack` through the team server's API (``/api/oncall/pages``), as the
token's user: the server pages, lists only the pages that user may see, and acknowledges in
their name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from postmortems.commands import remote
from postmortems.commands.page import PageError, PageUsageError, show_pages
from postmortems.commands.remote import Api
from postmortems.errors import ExitCode, PostmortemsError

if TYPE_CHECKING:
    import urllib.error

WAITING = ("open", "exhausted")  # what `pm page list` shows without --all


class AlreadyAcknowledged(PostmortemsError):
    exit_code = ExitCode.FINDINGS


def run_open(
    api: Api,
    policy: str,
    summary: str,
    incident: str,
    message: str = "",
    username: str | None = None,
) -> int:
    """Page ``policy`` as the token's user (``username``, when given, must be them)."""
    me = _token_user(api, username, "opens pages")
    body = {"policy": policy, "summary": summary, "incident": incident, "message": message}
    opened = api.call("POST", "/oncall/pages", body)
    paged = ", ".join(opened["paged"]) or "nobody"
    click.echo(f"page {opened['id']} opened by {me}; paged {paged}")
    return ExitCode.OK


def _token_user(api: Api, username: str | None, does: str) -> str:
    """The token's user, whom the server acts as; ``username``, when given, must be them."""
    me = str(api.call("GET", "/me")["username"])
    if username and me != username:
        raise PageUsageError(
            f"your token {does} as {me}, not as {username}",
            hint=f"leave out --as, or use a token of {username}'s",
        )
    return me


def run_list(api: Api, everything: bool, mine: bool, fmt: str) -> int:
    """The newest 100 pages (each state's, without ``everything``), newest first."""
    only = "true" if mine else ""  # an empty value is left out of the query
    if everything:
        found = list(api.call("GET", "/oncall/pages", mine=only))
    else:
        found = [
            p for state in WAITING for p in api.call("GET", "/oncall/pages", state=state, mine=only)
        ]
        found.sort(key=lambda p: (p["opened"], p["id"]), reverse=True)
    return show_pages(found, fmt)


def run_ack(api: Api, page_id: int, username: str | None) -> int:
    if username:
        _token_user(api, username, "acknowledges")
    try:
        done = api.call(
            "POST", f"/oncall/pages/{page_id}/ack", refused=lambda exc: _refusal(exc, page_id)
        )
    except AlreadyAcknowledged as exc:
        click.echo(exc.message, err=True)
        return exc.exit_code
    click.echo(f"page {page_id} acknowledged by {done['acknowledged_by']}")
    return ExitCode.OK


def _refusal(exc: urllib.error.HTTPError, page_id: int) -> PostmortemsError:
    """The server's refusal of an acknowledgement, said as `pm page ack` on a database says it."""
    said: dict[str, Any] = remote.answer_json(exc)
    detail = str(said.get("detail") or exc.reason or "refused")
    if exc.code == 409:
        return AlreadyAcknowledged(detail)
    if exc.code == 404:
        return PageError(f"no page {page_id}", hint="`pm page list` shows the pages you may see")
    return PageError(f"page {page_id}: {detail}", hint=str(said.get("hint") or "") or None)
