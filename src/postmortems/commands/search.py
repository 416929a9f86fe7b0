"""`pm search` and `pm similar`: full-text search and similar incidents over files, no server.

The ranking and the reasons live in :mod:`postmortems.search`; these commands read the files,
call it, and print text or JSON.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

import click

from postmortems.commands.options import format_option
from postmortems.commands.reach import TOKEN_HINT, NoServer, remote_options
from postmortems.commands.remote import Api
from postmortems.errors import ExitCode, InputError, PostmortemsError

if TYPE_CHECKING:
    from postmortems.search.text import Doc

FORMATS = ("text", "json")
top_option = click.option(
    "-n",
    "--top",
    type=click.IntRange(min=1, max=1000),
    default=10,
    show_default=True,
    help="How many results.",
)
jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs)."
)


@click.command()
@click.argument("query")
@click.argument("paths", nargs=-1)
@top_option
@format_option(FORMATS, "json: ranked `results` with path, title, score and snippet.")
@jobs_option
@remote_options
def search(
    query: str,
    paths: tuple[str, ...],
    top: int,
    fmt: str,
    jobs: int | None,
    url: str | None,
    token: str | None,
) -> None:
    """Search the postmortems under PATHS (files or folders) for QUERY, best first; without
    PATHS, the team server's library (--url/PM_URL and --token/PM_TOKEN): the postmortems
    your token may read, as the site's search finds them.

    Ranking is BM25 over the whole postmortem, the title, summary and root cause weighing most.
    Exit status: 0 done, 2 usage error, 3 a file could not be read (the others are searched),
    or the server refused or could not be reached.
    """
    if paths:
        sys.exit(run_search(query, paths, top=top, fmt=fmt, jobs=jobs))
    if not url:
        raise click.UsageError(
            "give the files or folders to search (PATHS), or the team server to search its "
            "library: --url (or PM_URL) and --token (or PM_TOKEN)"
        )
    if not token:
        raise NoServer(f"{url} needs a token: give --token or set PM_TOKEN", hint=TOKEN_HINT)
    sys.exit(run_server_search(Api(url, token), query, top=top, fmt=fmt))


@click.command()
@click.argument("file")
@click.option(
    "--library",
    "library",
    multiple=True,
    required=True,
    help="Earlier postmortems (files or folders); repeat for more.",
)
@top_option
@format_option(FORMATS, "json: ranked `results` with path, title, score and reasons.")
@jobs_option
def similar(file: str, library: tuple[str, ...], top: int, fmt: str, jobs: int | None) -> None:
    """The earlier postmortems of the library whose cause reads most like FILE's, with why.

    A postmortem that began after FILE's incident (both dates known) is not an earlier one.

    Each result says what the two share (services, tags, error strings, root-cause words) and
    how many of the earlier postmortem's action items are still open.
    Exit status: 0 done, 2 usage error, 3 a file could not be read.
    """
    sys.exit(run_similar(file, library, top=top, fmt=fmt, jobs=jobs))


def _library(paths: Sequence[str], jobs: int | None, err: TextIO) -> tuple[list[Doc], ExitCode]:
    from postmortems.search.files import read_library

    docs, errors = read_library(paths, workers=jobs)
    for error in errors:
        err.write(f"pm: {error}\n")
    return docs, ExitCode.ERROR if errors else ExitCode.OK


def run_search(
    query: str,
    paths: Sequence[str],
    *,
    top: int,
    fmt: str,
    jobs: int | None,
) -> int:
    """Print the postmortems under ``paths`` that match ``query``, best first."""
    from postmortems.search.bm25 import Index
    from postmortems.search.text import analyze

    if not analyze(query):
        raise click.UsageError(
            f"the query {query!r} has no words to search for (only stop words or punctuation)"
        )
    out = sys.stdout
    docs, status = _library(paths, jobs, sys.stderr)
    hits = Index(docs).search(query, top=top)
    titles = {doc.id: doc.title for doc in docs}
    results = [
        {"path": h.id, "title": titles[h.id], "score": h.score, "snippet": h.snippet} for h in hits
    ]
    if fmt == "json":
        _json({"query": query, "searched": len(docs), "results": results}, out)
    else:
        for rank, r in enumerate(results, 1):
            out.write(f"{rank}. {r['path']}  ({r['score']:.2f})\n   {r['title'] or '(untitled)'}\n")
            out.write(f"   {r['snippet']}\n")
        if not results and (docs or status == ExitCode.OK):  # none read: stderr said why
            said = query if len(query) <= 80 else query[:80] + "…"
            out.write(f"none of the {_postmortems(len(docs))} read matches {said!r}\n")
    return status


def run_server_search(api: Api, query: str, *, top: int, fmt: str) -> int:
    """Print the server's postmortems that match ``query``, best first (``GET /api/search``)."""
    found = api.call("GET", "/search", q=query, limit=str(min(top, 100)))
    if fmt == "json":
        _json({"query": query, **found}, sys.stdout)
        return ExitCode.OK
    out = sys.stdout
    for rank, r in enumerate(found["results"], 1):
        page = f"{api.url.rstrip('/')}/p/{r['key']}/"
        out.write(f"{rank}. {r['key']}  ({r['score']:.2f})  {page}\n   {r['title']}\n")
        out.write(f"   {html.unescape(MARK.sub('', r['snippet']))}\n")
    if not found["results"]:
        out.write(f"no postmortem you may read on {api.url} matches {query!r}\n")
    return ExitCode.OK


MARK = re.compile(r"</?mark>")  # the server's snippet: escaped text, the matches in <mark>


def run_similar(
    file: str,
    library: Sequence[str],
    *,
    top: int,
    fmt: str,
    jobs: int | None,
) -> int:
    """Print the postmortems of ``library`` whose cause reads most like ``file``'s."""
    from postmortems.search.files import read_doc
    from postmortems.search.similar import similar

    target = read_doc(file)
    if target is None:
        target = InputError(
            "is not a postmortem (a template, a link or a placeholder)",
            path=file,
            hint="pass the postmortem to compare",
        )
    if isinstance(target, PostmortemsError):
        sys.stderr.write(f"pm: {target}\n")
        return target.exit_code
    out = sys.stdout
    docs, status = _library(library, jobs, sys.stderr)
    same = os.path.realpath(file)
    docs = [d for d in docs if os.path.realpath(d.id) != same and not _later(d, target)]
    by_id = {doc.id: doc for doc in docs}
    results = [
        _similar_row(s.id, s.score, s.reasons, by_id[s.id]) for s in similar(target, docs, top=top)
    ]
    if fmt == "json":
        _json({"path": file, "title": target.title, "compared": len(docs), "results": results}, out)
    else:
        for rank, r in enumerate(results, 1):
            out.write(f"{rank}. {r['path']}  ({r['score']:.2f})\n   {r['title'] or '(untitled)'}\n")
            for reason in r["reasons"]:
                out.write(f"   - {reason}\n")
            out.write(f"   - action items: {_actions_text(r['action_items'])}\n")
        if not results and (docs or status == ExitCode.OK):
            out.write(f"none of the {_postmortems(len(docs))} read is like {file}\n")
    return status


def _later(doc: Doc, target: Doc) -> bool:
    """Whether ``doc`` began after ``target`` (both dates known): it cannot be an earlier one."""
    return bool(doc.started and target.started and doc.started > target.started)


def _similar_row(path: str, score: float, reasons: Sequence[str], doc: Doc) -> dict[str, Any]:
    return {
        "path": path,
        "title": doc.title,
        "score": score,
        "reasons": list(reasons),
        "action_items": {
            "open": len(doc.open_actions),
            "done": len(doc.done_actions),
            "open_items": list(doc.open_actions),
        },
    }


def _actions_text(actions: dict[str, Any]) -> str:
    open_, done = actions["open"], actions["done"]
    if not open_ and not done:
        return "none listed"
    return f"{open_} open, {done} done" + (
        ": " + "; ".join(actions["open_items"][:3]) if open_ else ""
    )


def _json(payload: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _postmortems(count: int) -> str:
    return f"{count} postmortem{'s' * (count != 1)}"
