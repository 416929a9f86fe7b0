"""`pm parse`: read files, print the model, the extraction or the canonical rewrite."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

import click

from postmortems.commands.options import format_option
from postmortems.errors import ExitCode, PostmortemsError

if TYPE_CHECKING:
    from postmortems.document import Document

FORMATS = ("json", "extract", "markdown")


@click.command()
@click.argument("files", nargs=-1, required=True)
@format_option(
    FORMATS,
    "json: the full model; extract: the extraction contract (JSON Lines); "
    "markdown: the canonical rewrite.",
)
def parse(files: tuple[str, ...], fmt: str) -> None:
    """Read postmortems and print what they state.

    FILES are Markdown files, directories (their Markdown files, recursively) or - for stdin.
    A file that cannot be read is reported on stderr and the others are still printed.
    Exit status: 0 all read, 2 usage error, 3 a file could not be read.
    """
    sys.exit(run_parse(files, fmt, out=sys.stdout, err=sys.stderr))


def render(doc: Document, fmt: str) -> str:
    """One document in one output format, newline-terminated."""
    import json

    if fmt == "extract":
        from postmortems.document.extract import extract

        return json.dumps(extract(doc), ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from postmortems.document import write

        return write(doc)
    from postmortems.document.export import to_json

    return json.dumps(to_json(doc), ensure_ascii=False, indent=2) + "\n"


def run_parse(files: tuple[str, ...], fmt: str, *, out: TextIO, err: TextIO) -> int:
    """Print each file; a bad file is reported on ``err`` and the others are still processed.

    Exit status: 0 when every file was read, 3 when at least one could not be.
    """
    from postmortems.document import parse
    from postmortems.sources import expand, read_text

    status = ExitCode.OK
    for path in expand(files):
        try:
            doc = parse(read_text(path), "<stdin>" if path == "-" else path)
        except PostmortemsError as exc:
            err.write(f"{exc}\n")
            status = ExitCode.ERROR
            continue
        out.write(render(doc, fmt))
    return status
