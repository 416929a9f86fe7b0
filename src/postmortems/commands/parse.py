"""`pm parse`: read files, print the model, the extraction or the canonical rewrite."""

from __future__ import annotations

import json
import sys

from postmortems.document import parse, write
from postmortems.document.export import to_json
from postmortems.document.extract import extract
from postmortems.errors import ExitCode, PostmortemsError
from postmortems.sources import expand, read_text


def run_parse(files: tuple[str, ...], fmt: str) -> int:
    """Print each file; a bad file is reported and the others are still processed."""
    status = ExitCode.OK
    out = sys.stdout
    for path in expand(files):
        try:
            doc = parse(read_text(path), path)
        except PostmortemsError as exc:
            print(f"pm: {exc}", file=sys.stderr)
            status = ExitCode.ERROR
            continue
        if fmt == "extract":
            out.write(json.dumps(extract(doc), ensure_ascii=False) + "\n")
        elif fmt == "markdown":
            out.write(write(doc))
        else:
            out.write(json.dumps(to_json(doc), ensure_ascii=False, indent=2) + "\n")
    return status
