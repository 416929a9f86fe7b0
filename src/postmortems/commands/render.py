"""`pm render FILE [-o out.html]`: one postmortem as one self-contained page."""

from __future__ import annotations

import sys

from postmortems.document import parse
from postmortems.errors import ExitCode
from postmortems.render import render_page
from postmortems.sources import atomic_write, read_text


def run_render(path: str, output: str | None) -> int:
    """Write the page to ``output`` (stdout when None). Raises InputError for a bad file."""
    doc = parse(read_text(path), path)
    page = render_page(doc)
    if output is None or output == "-":
        sys.stdout.write(page)
    else:
        atomic_write(output, page)
    if not doc.is_postmortem:
        print(
            f"pm: {path}: warning: this does not look like a postmortem ({doc.kind.value}: "
            f"{doc.kind_reason}) — rendered anyway",
            file=sys.stderr,
        )
    return ExitCode.OK
