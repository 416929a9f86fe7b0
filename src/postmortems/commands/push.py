"""`pm push PATH...`: a repository's postmortem files published to the team server through its
API (``/api/postmortems``; ``--url``/``PM_URL``, ``--token``/``PM_TOKEN``), as the token's user.

Each file goes under the key `pm import` gives it (:func:`derive.file_key`): created when the
server has no postmortem of that key, revised when the text differs, left alone when it is the
same. Nothing a user wrote is lost: every revision a push makes has a change note beginning
``pm push``, and the text of the newest one is what the last push wrote; a postmortem changed on
the server since then is revised only when the file carries that change
(:func:`postmortems.document.carried.carries`), else refused unless ``--force`` (the server keeps
the replaced revision in its history); one no push ever wrote is refused unless the file is its
text. A save that raced another one (409) is reported, never retried.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import click

from postmortems.commands import remote
from postmortems.commands.options import counted, format_option
from postmortems.commands.reach import TOKEN_HINT, api_only, remote_options
from postmortems.commands.remote import Api, ServerError
from postmortems.commands.remote import postmortem_path as _path
from postmortems.errors import ExitCode, PostmortemsError

if TYPE_CHECKING:
    import urllib.error

PUSHED = "pm push"  # how every change note of a revision made by a push begins
NOTE_CHARS = 200  # the longest change note the server keeps
MESSAGE_CHARS = NOTE_CHARS - len(f"{PUSHED}: ")  # --message, after "pm push: "
FINE = frozenset({"created", "updated", "unchanged", "skipped"})  # an exit status of 0


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Only read the server: say what a push would do.")
@click.option(
    "-m",
    "--message",
    default="",
    help="The change note of each revision made, after 'pm push: ' (default: 'pm push PATH').",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a postmortem edited on the server since the last push, even when the file "
    "does not carry the edit (it stays in the postmortem's history).",
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
    if "-" in paths:
        raise click.BadParameter(
            "standard input has no file name to give the postmortem its id or its place: "
            "save it to a file and push that",
            param_hint="'-'",
        )
    how = How(dry_run=dry_run, force=force, message=message)
    sys.exit(run_push(api_only(url, token), paths, how, fmt))


@dataclass(frozen=True)
class How:
    dry_run: bool = False
    force: bool = False
    message: str = ""

    def note(self, path: str) -> str:
        """The change note of a revision the push makes: ``pm push PATH``, ``pm push: -m``."""
        return (f"{PUSHED}: {self.message}" if self.message else f"{PUSHED} {path}")[:NOTE_CHARS]


@dataclass(frozen=True)
class Local:
    """A file to push: its path, the key it goes under, its text as the server stores it, its
    path in the folder (``name``), whether its front matter gives the key (``own``)."""

    path: str
    key: str
    text: str
    name: str = ""
    own: bool = False


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
    Exit status 1 when a file was refused or unreadable. A push the server stops (it cannot be
    reached any more, it refuses the token) reports the files done before it, then stops."""
    whoami(api)
    done: list[Pushed] = []
    try:
        for one in _pushed(api, paths, how):
            done.append(replace(one, dry_run=how.dry_run))
            if fmt == "text":
                click.echo(done[-1].line())
    except ServerError:
        if done:
            _report(done, how, fmt, stopped=True)
        raise
    _report(done, how, fmt)
    return ExitCode.OK if all(p.result in FINE for p in done) else ExitCode.FINDINGS


def _pushed(api: Api, paths: tuple[str, ...], how: How) -> Iterator[Pushed]:
    keys: dict[str, str] = {}  # key -> the file pushed under it first
    for path, name in files_of(paths):
        local = read_local(path, name) if isinstance(name, str) else name
        if isinstance(local, Local) and local.key in keys:
            why = f"id {local.key!r} is also the id of {keys[local.key]} (pushed first)"
            local = Pushed(path, "refused", local.key, reason=why)
        if isinstance(local, Local):
            keys[local.key] = path
            local = push_one(api, local, how)
        yield local


def _report(done: list[Pushed], how: How, fmt: str, *, stopped: bool = False) -> None:
    if fmt == "json":
        click.echo(json.dumps([p.as_json() for p in done], indent=2))
    else:
        tail = " (stopped: the other files were not pushed)" if stopped else ""
        click.echo(summary(done, how.dry_run) + tail)


def files_of(paths: tuple[str, ...]) -> Iterator[tuple[str, str | Pushed]]:
    """Each file to push with the name its key is made from: a folder's Markdown files as
    `pm import` finds them (:func:`markdown_files`, no link out of the folder), named by their
    path in it; a file named on the command line, by its file name. A file met twice (a
    symbolic link to another one pushed) is pushed once, the second way is skipped; a folder
    without Markdown files is itself, to be reported unreadable."""
    from postmortems.sources import markdown_files

    seen: dict[str, str] = {}  # real path -> the path it was pushed by
    for top in paths:
        found = [(top, os.path.basename(top))]
        if os.path.isdir(top):
            found = [(os.path.join(top, n), n) for n in markdown_files(top, confined=True)]
        for path, name in found or [(top, top)]:
            real = os.path.realpath(path)
            if real in seen:
                how = "a symbolic link to" if os.path.islink(path) else "the same file as"
                yield path, Pushed(path, "skipped", reason=f"{how} {seen[real]} (pushed once)")
                continue
            seen[real] = path
            yield path, name


def read_local(path: str, name: str) -> Local | Pushed:
    """The file's text (as the server stores it: :func:`tidy`) and key, or why it is not pushed:
    unreadable, its key not to be told (a front matter the parser refuses), or plainly not a
    postmortem (as `pm import` skips)."""
    from postmortems.document import parse
    from postmortems.document.frontblock import tidy
    from postmortems.lint.rules.structure import NOT_A_POSTMORTEM_FIX, not_a_postmortem_at
    from postmortems.server.library import derive
    from postmortems.sources import read_text

    try:
        text = tidy(read_text(path))
    except PostmortemsError as exc:
        return Pushed(path, "unreadable", reason=exc.said)
    if not text.strip():
        return Pushed(path, "skipped", reason="the file is empty")
    try:
        doc = parse(text, path)
    except PostmortemsError as exc:
        return Pushed(path, "refused", reason=f"its id cannot be told: {_at(exc)}")
    own = derive.own_key(doc)  # an id says it is someone's postmortem, whatever it reads like
    found = None if own else not_a_postmortem_at(doc)
    if found is not None:  # the server refuses it: said as `pm import` says it
        line, what = found
        refusal = PostmortemsError(what, line=line, column=1, hint=NOT_A_POSTMORTEM_FIX)
        return Pushed(path, "skipped", reason=_at(refusal))
    return Local(path, derive.file_key(own, name), text, name=name, own=bool(own))


def _at(exc: PostmortemsError) -> str:
    where = f"line {exc.line}" + (f", column {exc.column}" if exc.column else "")
    return f"{where}: {exc.said}" if exc.line else exc.said


def push_one(api: Api, local: Local, how: How) -> Pushed:
    """Create, update or leave the postmortem of ``local.key``; a refusal is the file's."""
    version = None
    try:
        current = _current(api, local.key)
        if current is None:
            return _create(api, local, how)
        version = int(current["version"])
        if current["text"] == local.text:
            return Pushed(local.path, "unchanged", local.key, version, version)
        return _update(api, local, current, how)
    except Refused as exc:
        return Pushed(local.path, "refused", local.key, version, reason=str(exc))


def _current(api: Api, key: str) -> dict[str, Any] | None:
    try:
        found = api.call("GET", _path(key), refused=_reading)
    except Missing:
        return None
    return dict(found)


def _create(api: Api, local: Local, how: How) -> Pushed:
    """A new postmortem from the file, its first revision marked as a push's; the key is sent
    only when the front matter has no id (the server reads the id from the text)."""
    from postmortems.server.workflow.statusrule import check_new

    if how.dry_run:
        _predict(check_new, local.text)
        return Pushed(local.path, "created", local.key, after=1)
    body = {"text": local.text, "message": how.note(local.path), "source_name": local.name}
    if not local.own:
        body["key"] = local.key
    made = api.call("POST", "/postmortems", body, refused=_refused)
    return Pushed(local.path, "created", str(made["key"]), after=int(made["version"]))


def _predict(check: Callable[..., object], *args: str) -> None:
    """What the server's rule ``check`` would refuse (``--dry-run``), as the file's refusal."""
    try:
        check(*args)
    except PostmortemsError as exc:
        raise Refused(f"the server would refuse it (422): {exc.said}") from None


def _update(api: Api, local: Local, current: dict[str, Any], how: How) -> Pushed:
    """A new revision from the file, unless the server's text changed since the last push and
    the file does not carry that change (``--force`` replaces it), or someone saved while this
    ran (409)."""
    from postmortems.server.workflow.statusrule import check_edit

    version = int(current["version"])
    why = "" if how.force else _not_carried(api, local, current)
    if why:
        return Pushed(local.path, "refused", local.key, version, reason=why)
    if how.dry_run:
        _predict(check_edit, str(current.get("status") or ""), local.text)
        return Pushed(local.path, "updated", local.key, version, version + 1)
    body = {"text": local.text, "base_version": version, "message": how.note(local.path)}
    saved = api.call("PUT", _path(local.key), body, refused=_saving)
    after = int(saved["version"])
    verb = "updated" if after != version else "unchanged"  # the server read it as the same
    return Pushed(local.path, verb, local.key, version, after)


def _not_carried(api: Api, local: Local, current: dict[str, Any]) -> str:
    """Why the file may not replace the server's text ('' when it may): the revisions made
    since the newest push (``pm push`` change note) changed its text, and the file does not
    carry that change; or no push ever made a revision of it."""
    from postmortems.document.carried import carries

    revisions = list(api.call("GET", _path(local.key, "revisions"), refused=_refused))
    since = list(itertools.takewhile(lambda r: not _by_push(r), revisions))  # newest first
    if len(since) == len(revisions):
        which = _versions(since)
        return (
            f"made on the server by {_who(since)} (its editor, or pm import) and never pushed; "
            f"--force replaces it (the server keeps {which} in its history)"
        )
    if not since:
        return ""  # the server's text is the last push's
    last = revisions[len(since)]["number"]
    base = str(api.call("GET", _path(local.key, "revisions", str(last)), refused=_refused)["text"])
    if base == current["text"] or carries(local.text, base, str(current["text"])):
        return ""
    which = _versions(since)
    return (
        f"edited on the server by {_who(since)} in {which} since the last push; bring their "
        f"change into the file, or --force replaces it (the server keeps {which} in its history)"
    )


def _by_push(revision: dict[str, Any]) -> bool:
    return str(revision.get("message") or "").startswith(PUSHED)


def _versions(revisions: list[dict[str, Any]]) -> str:
    """``version 2``, ``versions 2–4``."""
    numbers = sorted(int(r["number"]) for r in revisions)
    return f"version {numbers[0]}" if len(numbers) == 1 else f"versions {numbers[0]}–{numbers[-1]}"


def _who(revisions: list[dict[str, Any]]) -> str:
    """``sam``, ``sam and priya``: who made ``revisions`` (newest first), oldest first."""
    names = list(dict.fromkeys(r["author"] or "an import (no user)" for r in reversed(revisions)))
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


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
        hint="push again: the file is then checked against their change",
    )


def whoami(api: Api) -> str:
    """The token's user; a token the server refuses, or an address that is no team server,
    stops the push before any file."""

    def said(exc: urllib.error.HTTPError) -> PostmortemsError:
        if exc.code in {401, 403}:
            detail = str(remote.answer_json(exc).get("detail") or exc.reason)
            refusal = f"{api.url} refused the token ({exc.code}: {detail})"
            return ServerError(refusal, hint=TOKEN_HINT)
        if exc.code >= 500:
            return ServerError(
                f"{api.url} failed: GET /api/me answered {exc.code} ({exc.reason})",
                hint="try again later; the server's logs say why",
            )
        return ServerError(
            f"{api.url} is not a postmortems server: GET /api/me answered {exc.code}",
            hint=remote.CHECK_URL,
        )

    found = api.call("GET", "/me", refused=said)
    if not isinstance(found, dict) or not isinstance(found.get("username"), str):
        raise ServerError(
            f"{api.url} is not a postmortems server: GET /api/me answered no user",
            hint=remote.CHECK_URL,
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
