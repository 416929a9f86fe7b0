"""`pm review`: a postmortem's review from a terminal, through the team server's API
(``/api/postmortems/{key}/review``, ``…/moves``, ``…/review/answer``, ``…/comments``;
``--url``/``PM_URL``, ``--token``/``PM_TOKEN``), as the token's user.

Each subcommand is one request: the server checks the rights and the guards as the review panel
does, and the command prints its answer, or its refusal on one line (exit 3). A move is named as
the API and the panel's buttons name it (``request-review``, ``approve``, ``request-changes``…).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

import click

from postmortems.commands import reach, remote
from postmortems.commands.options import format_option
from postmortems.commands.reach import remote_options
from postmortems.commands.remote import Api
from postmortems.commands.remote import postmortem_path as _path
from postmortems.errors import ExitCode, PostmortemsError


def _a_key(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """KEY as the API's paths take it: a '/' would name another address."""
    from postmortems.server.library.derive import is_key

    if not is_key(value):
        raise click.BadParameter(
            f"not a postmortem key: {value!r} (letters, digits, '.', '_' and '-')"
        )
    return value


key_argument = click.argument("key", callback=_a_key)
note_option = click.option("--note", default="", help="Why, for the history (one line).")


def reviewer_option(*, required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--reviewer NAME, repeatable: the reviewers a move asks."""
    return click.option(
        "--reviewer",
        "reviewers",
        multiple=True,
        required=required,
        metavar="NAME",
        help="A reviewer to ask, by user name (repeatable).",
    )


@click.group()
def review() -> None:
    """A postmortem's review on the team server: show it, move it, answer, comment."""


@review.command()
@key_argument
@format_option(("text", "json"), "Output format.")
@remote_options
def show(key: str, fmt: str, url: str | None, token: str | None) -> None:
    """Where KEY's review stands: its state, reviewers, your moves and its open comments."""
    _exit(lambda: run_show(reach.api_only(url, token), key, fmt))


@review.command()
@key_argument
@note_option
@click.option(
    "--acknowledge-repeat",
    is_flag=True,
    help="Approve a repeat of an incident whose action items are still open.",
)
@click.option(
    "--revision",
    "version",
    type=click.IntRange(1, 2**31 - 1),
    default=None,
    help="The revision you read (`pm review show` prints it): refused if the text changed since.",
)
@remote_options
def approve(key: str, url: str | None, token: str | None, **fields: Any) -> None:
    """Approve KEY (it is approved once it has the approvals its severity needs)."""
    _move(url, token, key, "approve", **fields)


# The moves but approve: name -> (what it does, its help; whether it takes --reviewer: None,
# not, with --note instead; True, at least one; False, any).
MOVES: dict[str, tuple[str, bool | None]] = {
    "request-review": ("Send draft KEY to review, asking each --reviewer.", True),
    "add-reviewers": ("Ask more reviewers of KEY while it is in review.", True),
    "resubmit": (
        "Send KEY back to review after changes were requested (--reviewer: ask others too).",
        False,
    ),
    "withdraw": ("Take KEY out of review, back to draft.", None),
    "request-changes": (
        "Send KEY back to its authors: --note says what to change (or an open comment of yours).",
        None,
    ),
    "publish": ("Publish approved KEY.", None),
    "not-required": (
        "Mark draft KEY as needing no review (a severity below the review threshold).",
        None,
    ),
    "reopen": ("Bring KEY, marked as needing no review, back to draft.", None),
}


def _move_command(name: str, summary: str, reviewers: bool | None) -> None:
    """The subcommand ``name``: that move on KEY, with --note or with --reviewer."""
    option = note_option if reviewers is None else reviewer_option(required=reviewers)

    @review.command(name, help=summary)
    @key_argument
    @option
    @remote_options
    def command(key: str, url: str | None, token: str | None, **fields: Any) -> None:
        if "reviewers" in fields:
            fields["reviewers"] = list(fields["reviewers"])
        _move(url, token, key, name, **fields)


for _name, (_summary, _reviewers) in MOVES.items():
    _move_command(_name, _summary, _reviewers)


@review.command()
@key_argument
@click.argument("answer", type=click.Choice(("accept", "decline")))
@remote_options
def answer(key: str, answer: str, url: str | None, token: str | None) -> None:
    """Accept or decline the review of KEY you were asked for."""
    _exit(lambda: run_answer(reach.api_only(url, token), key, answer == "accept"))


@review.command()
@key_argument
@click.argument("text")
@click.option("--section", default="", help="The section it is about (its heading).")
@click.option("--line", type=click.IntRange(min=1), default=None, help="The line it is about.")
@click.option("--quote", default="", help="Words of the passage it is about (placed on its line).")
@click.option("--reply-to", type=int, default=None, metavar="ID", help="Reply to comment ID.")
@remote_options
def comment(key: str, text: str, url: str | None, token: str | None, **where: Any) -> None:
    """Comment on KEY (a new thread, or a reply with --reply-to)."""
    _exit(lambda: run_comment(reach.api_only(url, token), key, {"text": text, **where}))


@review.command()
@key_argument
@click.argument("comment_id", type=int)
@click.option("--reopen", is_flag=True, help="Open a resolved comment again.")
@remote_options
def resolve(key: str, comment_id: int, reopen: bool, url: str | None, token: str | None) -> None:
    """Resolve comment COMMENT_ID of KEY (its #id in `pm review show`)."""
    _exit(lambda: run_resolve(reach.api_only(url, token), key, comment_id, reopen=reopen))


def _exit(body: Callable[[], int]) -> NoReturn:
    """Exit with what ``body`` returns; a PostmortemsError becomes one line on stderr."""
    try:
        status = body()
    except PostmortemsError as exc:
        click.echo(f"pm review: {exc}", err=True)
        status = exc.exit_code
    sys.exit(status)


def _move(url: str | None, token: str | None, key: str, name: str, **fields: Any) -> NoReturn:
    """Make the move ``name`` on KEY with the body's other ``fields``."""
    _exit(lambda: run_move(reach.api_only(url, token), key, name, fields))


def run_move(api: Api, key: str, name: str, fields: dict[str, Any]) -> int:
    body = {"transition": name, **{k: v for k, v in fields.items() if v is not None}}
    cannot = remote.refusal(f"cannot {name} {key}")
    click.echo(headline(api.call("POST", _path(key, "moves"), body, refused=cannot)))
    return ExitCode.OK


def run_show(api: Api, key: str, fmt: str) -> int:
    cannot = remote.refusal(f"cannot read the review of {key}")
    found = api.call("GET", _path(key, "review"), refused=cannot)
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
    else:
        click.echo("\n".join(described(found)))
    return ExitCode.OK


def run_answer(api: Api, key: str, accept: bool) -> int:
    said = "accept" if accept else "decline"
    cannot = remote.refusal(f"cannot {said} the review of {key}")
    now = api.call("POST", _path(key, "review", "answer"), {"accept": accept}, refused=cannot)
    done = "accepted" if accept else "declined"
    click.echo(f"{done} the review of {key}; {headline(now)}")
    return ExitCode.OK


def run_comment(api: Api, key: str, body: dict[str, Any]) -> int:
    body = {k: v for k, v in body.items() if v is not None}
    cannot = remote.refusal(f"cannot comment on {key}")
    thread = api.call("POST", _path(key, "comments"), body, refused=cannot)
    if "reply_to" in body:
        click.echo(f"replied to comment #{thread['id']} on {key}")
    else:
        click.echo(f"comment #{thread['id']} on {key}{_place(thread)}")
    return ExitCode.OK


def run_resolve(api: Api, key: str, comment_id: int, *, reopen: bool) -> int:
    done = "reopen" if reopen else "resolve"
    cannot = remote.refusal(f"cannot {done} comment #{comment_id} of {key}")
    path = _path(key, "comments", str(comment_id), "resolve")
    api.call("POST", path, {"reopen": reopen}, refused=cannot)
    click.echo(f"{'reopened' if reopen else 'resolved'} comment #{comment_id} on {key}")
    return ExitCode.OK


def headline(review: dict[str, Any]) -> str:
    """``PM-2024-007 is in-review (revision 3): 0 of 1 required approvals``."""
    wanted = f"{review['approvals']} of {review['required_approvals']} required approvals"
    return f"{review['key']} is {review['status']} (revision {review['version']}): {wanted}"


def described(review: dict[str, Any]) -> list[str]:
    """``pm review show``'s text: the headline, then the reviewers, moves and open comments."""
    lines = [headline(review), "reviewers:"]
    lines += [f"  {_reviewer(r)}" for r in review["reviewers"]] or ["  none asked"]
    lines.append("your moves:")
    lines += [f"  {_move_line(m)}" for m in review["moves"]] or ["  none from here"]
    threads = review["threads"]
    if threads is None:
        return [*lines, "comments: not shown to your role"]
    open_ = [t for t in threads if not t["resolved"]]
    lines.append("open comments:")
    lines += [line for t in open_ for line in _thread(t)] or ["  none"]
    if len(threads) > len(open_):
        lines.append(f"  ({len(threads) - len(open_)} resolved, not shown)")
    return lines


def _reviewer(r: dict[str, Any]) -> str:
    """``bob  accepted, approved`` (``changes requested``, ``no verdict yet``; staff marked)."""
    verdict = {"approved": "approved", "changes": "changes requested"}.get(r["verdict"])
    staff = "  (staff fallback)" if r["staff"] else ""
    return f"{r['reviewer']}  {r['state']}, {verdict or 'no verdict yet'}{staff}"


def _move_line(m: dict[str, Any]) -> str:
    return m["name"] if m["allowed"] else f"{m['name']}  (not now: {m['why']})"


def _thread(t: dict[str, Any]) -> Iterable[str]:
    """``#12  bob on Timeline, line 14: Say when the alert fired.``, then its replies."""
    yield f"  #{t['id']}  {t['author'] or 'someone'}{_place(t, on=True)}: {_one_line(t['text'])}"
    for r in t["replies"]:
        yield f"        {r['author'] or 'someone'}: {_one_line(r['text'])}"


def _place(t: dict[str, Any], *, on: bool = False) -> str:
    """`` on Timeline, line 14`` (``(outdated)`` when its line changed since); '' for none."""
    where = [t["section"]] if t.get("section") else []
    if t.get("line"):
        where.append(f"line {t['line']}")
    said = ", ".join(where) + (" (outdated)" if t.get("outdated") else "")
    return f" {'on' if on else 'at'} {said}" if where else ""


def _one_line(text: str) -> str:
    """A comment's text on one line (its line breaks as ``⏎``)."""
    return " ⏎ ".join(part.strip() for part in text.strip().splitlines())
