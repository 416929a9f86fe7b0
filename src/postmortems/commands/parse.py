"""`pm parse`: read files, print the model, the extraction or the canonical rewrite."""

from __future__ import annotations

import json
from typing import TextIO

from postmortems.document import Document, parse
from postmortems.errors import ExitCode, PostmortemsError
from postmortems.sources import expand, read_text

FORMATS = ("json", "extract", "markdown")


def render(doc: Document, fmt: str) -> str:
    """One document in one output format, newline-terminated."""
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
