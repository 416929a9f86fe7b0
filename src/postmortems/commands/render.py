"""`pm render FILE [-o out.html]`: one postmortem as one self-contained page; `--diagram`: its
timeline diagram as an SVG file."""

from __future__ import annotations

import sys

import click

from postmortems.commands.options import output_option
from postmortems.errors import ExitCode


@click.command()
@click.argument("file")
@output_option("File to write (default: print to stdout).")
@click.option(
    "--diagram",
    is_flag=True,
    help="Write the timeline diagram as an SVG file (its styles inside) instead of the page.",
)
def render(file: str, output: str | None, diagram: bool) -> None:
    """Render one postmortem as a self-contained HTML page."""
    sys.exit(run_render(file, output, diagram=diagram))


def run_render(path: str, output: str | None, *, diagram: bool = False) -> int:
    """Write the page (or the diagram) to ``output`` (stdout when None). Raises InputError for a
    bad file."""
    from pathlib import Path

    from postmortems.document import parse
    from postmortems.errors import InputError
    from postmortems.render import render_page, standalone_svg
    from postmortems.render.inline import inline_images
    from postmortems.sources import atomic_write, read_text

    doc = parse(read_text(path), path)
    if diagram:
        page = standalone_svg(doc)
        if not page:
            raise InputError(
                "no timeline to draw", path=path, hint="the diagram needs timeline entries"
            )
    else:
        folder = Path.cwd() if path == "-" else Path(path).parent
        page = render_page(doc, images=inline_images(folder))
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
