"""`pm push PATH...`: a repository's postmortem files published to the team server through its
API (``/api/postmortems``; ``--url``/``PM_URL``, ``--token``/``PM_TOKEN``), as the token's user.

Each file goes under the key `pm import` gives it (:func:`derive.file_key`): created when the
server has no postmortem of that key, revised when the text differs, left alone when it is the
same. Nothing a user wrote is lost: a postmortem whose newest revision someone else made is
refused unless ``--force`` (and the server keeps that revision in its history), and a save that
raced another one (409) is reported, never retried.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from postmortems.commands import remote
from postmortems.commands.options import counted, format_option
from postmortems.commands.reach import TOKEN_HINT, api_only, remote_options
from postmortems.commands.remote import Api, ServerError
from postmortems.errors import ExitCode, PostmortemsError

if TYPE_CHECKING:
    import urllib.error

MESSAGE_CHARS = 200  # the longest change note the server keeps
FINE = frozenset({"created", "updated", "unchanged", "skipped"})  # an exit status of 0


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Only read the server: say what a push would do.")
@click.option(
    "-m",
    "--message",
    default="",
    help="The change note of each revision made (default: 'pm push PATH').",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a postmortem someone else edited last on the server (their version stays in "
    "its history).",
)
@format_option(("text", "json"), "Output format.")
@remote_options
def push(
    paths: tuple[str, ...],
    dry_run: bool,
    message: str,
    force: bool,
    fmt: str,
    url: str | None,
    token: str | None,
) -> None:
    """Publish postmortem files (or the Markdown files of folders) to the team server."""
    if len(message) > MESSAGE_CHARS:
        raise click.BadParameter(f"at most {MESSAGE_CHARS} characters", param_hint="--message")
    how = How(dry_run=dry_run, force=force, message=message)
    sys.exit(run_push(api_only(url, token), paths, how, fmt))


@dataclass(frozen=True)
class How:
    dry_run: bool = False
    force: bool = False
    message: str = ""


@dataclass(frozen=True)
class Local:
    """A file to push: its path, the key it goes under, its exact text."""

    path: str
    key: str
    text: str


@dataclass(frozen=True)
class Pushed:
    """What became of one file (with ``dry_run``: what would have)."""

    path: str
    result: str  # created | updated | unchanged | refused | skipped | unreadable
    key: str = ""
    before: int | None = None  # the server's version before the push
    after: int | None = None  # and after it
    reason: str = ""
    dry_run: bool = False

    def line(self) -> str:
        """``updated PM-7 v3→v4  postmortems/db.md``; ``refused PM-7  path: why``."""
        verb = self.result
        if self.dry_run and verb in {"created", "updated"}:
            verb = f"would {verb[:-1]}"
        said = f"{verb} {self.key}" if self.key else verb
        if self.result == "updated":
            said += f" v{self.before}→v{self.after}"
        return f"{said}  {self.path}" + (f": {self.reason}" if self.reason else "")

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "key": self.key or None,
            "result": self.result,
            "previous_version": self.before,
            "version": self.after,
            "reason": self.reason or None,
            "dry_run": self.dry_run,
        }


class Refused(PostmortemsError):
    """The server refused one file's request; the other files go on."""


class Missing(PostmortemsError):
    """The server has no postmortem of that key (or none the token's user may see)."""


def run_push(api: Api, paths: tuple[str, ...], how: How, fmt: str) -> int:
    """Push each file, one line each as it is done (text), then the summary; or the JSON list.
    Exit status 1 when a file was refused or unreadable."""
    me = whoami(api)
    done: list[Pushed] = []
    keys: dict[str, str] = {}  # key -> the file pushed under it first
    for path, name in files_of(paths):
        local = read_local(path, name)
        if isinstance(local, Local) and local.key in keys:
            why = f"id {local.key!r} is also the id of {keys[local.key]} (pushed first)"
            local = Pushed(path, "refused", local.key, reason=why)
        if isinstance(local, Local):
            keys[local.key] = path
            local = push_one(api, me, local, how)
        done.append(local)
        if fmt == "text":
            click.echo(local.line())
    if fmt == "json":
        click.echo(json.dumps([p.as_json() for p in done], indent=2))
    else:
        click.echo(summary(done, how.dry_run))
    return ExitCode.OK if all(p.result in FINE for p in done) else ExitCode.FINDINGS


def files_of(paths: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """Each file to push with the name its key is made from: a folder's Markdown files as
    `pm import` finds them (:func:`markdown_files`, no link out of the folder), named by their
    path in it; a file named on the command line, by its file name. A file met twice is pushed
    once; a folder without Markdown files is itself, to be reported unreadable."""
    from postmortems.sources import markdown_files

    seen: set[str] = set()
    for top in paths:
        found = [(top, os.path.basename(top))]
        if os.path.isdir(top):
            found = [(os.path.join(top, n), n) for n in markdown_files(top, confined=True)]
        for path, name in found or [(top, top)]:
            if (real := os.path.realpath(path)) not in seen:
                seen.add(real)
                yield path, name


def read_local(path: str, name: str) -> Local | Pushed:
    """The file's text and key, or why it is not pushed: unreadable, its key not to be told
    (a front matter the parser refuses), or plainly not a postmortem (as `pm import` skips)."""
    from postmortems.document import parse
    from postmortems.server.library import derive
    from postmortems.sources import read_text

    try:
        text = read_text(path)
    except PostmortemsError as exc:
        return Pushed(path, "unreadable", reason=exc.said)
    if not text.strip():
        return Pushed(path, "skipped", reason="the file is empty")
    try:
        doc = parse(text, path)
    except PostmortemsError as exc:
        return Pushed(path, "refused", reason=f"its id cannot be told: {_at(exc)}")
    own = derive.own_key(doc)
    if doc.kind in derive.SKIPPED and not own:
        return Pushed(path, "skipped", reason=f"not a postmortem: {doc.kind_reason}")
    return Local(path, derive.file_key(own, name), text)


def _at(exc: PostmortemsError) -> str:
    where = f"line {exc.line}" + (f", column {exc.column}" if exc.column else "")
    return f"{where}: {exc.said}" if exc.line else exc.said


def push_one(api: Api, me: str, local: Local, how: How) -> Pushed:
    """Create, update or leave the postmortem of ``local.key``; a refusal is the file's."""
    version = None
    try:
        current = _current(api, local.key)
        if current is None:
            return _create(api, local, how)
        version = int(current["version"])
        if current["text"] == local.text:
            return Pushed(local.path, "unchanged", local.key, version, version)
        return _update(api, me, local, version, how)
    except Refused as exc:
        return Pushed(local.path, "refused", local.key, version, reason=str(exc))


def _current(api: Api, key: str) -> dict[str, Any] | None:
    try:
        found = api.call("GET", _path(key), refused=_reading)
    except Missing:
        return None
    return dict(found)


def _create(api: Api, local: Local, how: How) -> Pushed:
    if how.dry_run:
        return Pushed(local.path, "created", local.key, after=1, dry_run=True)
    body = {"text": local.text, "key": local.key}
    made = api.call("POST", "/postmortems", body, refused=_refused)
    return Pushed(local.path, "created", str(made["key"]), after=int(made["version"]))


def _update(api: Api, me: str, local: Local, version: int, how: How) -> Pushed:
    """A new revision from the file, unless someone else made the newest one (``--force``
    replaces it) or saved while this ran (409)."""
    newest = list(api.call("GET", _path(local.key, "revisions"), refused=_refused))[:1]
    for rev in newest:
        if rev["author"] != me and not how.force:
            number, who = rev["number"], rev["author"] or "an import (no user)"
            why = (
                f"edited on the server by {who} in version {number}; --force replaces it, "
                f"and the server keeps version {number} in its history"
            )
            return Pushed(local.path, "refused", local.key, version, reason=why)
    if how.dry_run:
        return Pushed(local.path, "updated", local.key, version, version + 1, dry_run=True)
    note = how.message or f"pm push {local.path}"[:MESSAGE_CHARS]
    body = {"text": local.text, "base_version": version, "message": note}
    saved = api.call("PUT", _path(local.key), body, refused=_saving)
    after = int(saved["version"])
    verb = "updated" if after != version else "unchanged"  # the server read it as the same
    return Pushed(local.path, verb, local.key, version, after)


def _path(key: str, *rest: str) -> str:
    return "/".join((f"/postmortems/{urllib.parse.quote(key, safe='')}", *rest))


def _refused(exc: urllib.error.HTTPError) -> PostmortemsError:
    """The server's refusal of one file on one line (its detail, its fields, its hint); a
    token it does not know (401) stops the push."""
    said = remote.answer_json(exc)
    detail = str(said.get("detail") or exc.reason or "refused")
    if exc.code == 401:
        return ServerError(f"the server refused the token: {detail}", hint=TOKEN_HINT)
    detail += remote.fields_said(said.get("errors"), detail)
    hint = str(said.get("hint") or "") or None
    return Refused(f"the server answered {exc.code}: {detail}", hint=hint)


def _reading(exc: urllib.error.HTTPError) -> PostmortemsError:
    return Missing("no such postmortem") if exc.code == 404 else _refused(exc)


def _saving(exc: urllib.error.HTTPError) -> PostmortemsError:
    if exc.code != 409:
        return _refused(exc)
    now = remote.answer_json(exc).get("current_version", "?")
    return Refused(
        f"someone saved version {now} on the server while this push ran; nothing was written",
        hint="push again: it compares the file with that version",
    )


def whoami(api: Api) -> str:
    """The token's user; a token the server refuses, or an address that is no team server,
    stops the push before any file."""

    def said(exc: urllib.error.HTTPError) -> PostmortemsError:
        if exc.code in {401, 403}:
            detail = str(remote.answer_json(exc).get("detail") or exc.reason)
            refusal = f"{api.url} refused the token ({exc.code}: {detail})"
            return ServerError(refusal, hint=TOKEN_HINT)
        return ServerError(
            f"{api.url} is not a postmortems server: GET /api/me answered {exc.code}",
            hint="check --url (or PM_URL): the address of the team server's pages",
        )

    found = api.call("GET", "/me", refused=said)
    if not isinstance(found, dict) or not isinstance(found.get("username"), str):
        raise ServerError(
            f"{api.url} is not a postmortems server: GET /api/me answered no user",
            hint="check --url (or PM_URL): the address of the team server's pages",
        )
    return str(found["username"])


def summary(done: list[Pushed], dry_run: bool) -> str:
    """``5 files: 2 created, 1 updated, 2 unchanged, 0 refused`` (and the others when any)."""
    count = {r: sum(p.result == r for p in done) for r in FINE | {"refused", "unreadable"}}
    made = ("to create", "to update") if dry_run else ("created", "updated")
    said = [f"{count['created']} {made[0]}", f"{count['updated']} {made[1]}"]
    said += [f"{count['unchanged']} unchanged", f"{count['refused']} refused"]
    said += [f"{count[r]} {r}" for r in ("skipped", "unreadable") if count[r]]
    tail = " (--dry-run: nothing was written)" if dry_run else ""
    return f"{counted(len(done), 'file')}: {', '.join(said)}{tail}"
