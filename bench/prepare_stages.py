"""CPU per postmortem of each stage of a save's preparation (what `pm import` does per file).

    python bench/prepare_stages.py FOLDER

Parses every Markdown file of FOLDER in this process and times, with ``time.process_time``,
the parse, the page's body, card, diagram and fragment template, and the derived columns,
labels and full-text parts (the second of two passes is printed). No database is written.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    os.environ.update(PM_SECRET_KEY="prepare-stages-only", PM_DATA_DIR="/tmp/pm_prepare_stages")
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    boot(load(env=os.environ))
    from django.template.loader import render_to_string

    from postmortems import render
    from postmortems.document import parse
    from postmortems.render.body import build_body
    from postmortems.server.library import derive, fulltextindex
    from postmortems.server.library.rendering import Rendered

    texts = [(p.read_text(), str(p)) for p in sorted(args.folder.glob("*.md"))]
    spent: dict[str, float] = {}

    def timed(stage: str, work: Callable[[], T]) -> T:
        start = time.process_time()
        result = work()
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - start
        return result

    for _ in range(2):
        spent.clear()
        for text, name in texts:
            doc = timed("parse", lambda: parse(text, name))  # noqa: B023 (called at once)
            body = timed("body", lambda: build_body(doc, images=lambda src: None).html)  # noqa: B023
            card = timed("card", lambda: render.executive_card(doc))  # noqa: B023
            svg = timed("diagram", lambda: render.timeline_svg(doc))  # noqa: B023
            parts = Rendered(body, card, svg)
            timed("template", lambda: render_to_string("library/_rendered.html", {"r": parts}))  # noqa: B023
            cols = timed("columns", lambda: derive.columns(doc))  # noqa: B023
            timed("labels", lambda: derive.labels(doc))  # noqa: B023
            timed("fulltext", lambda: fulltextindex.parts_of(doc, str(cols["title"])))  # noqa: B023
    per = {k: v * 1000 / len(texts) for k, v in spent.items()}
    print(", ".join(f"{k} {v:.2f}" for k, v in per.items()), f"; in all {sum(per.values()):.2f} ms")
    print(f"{len(texts)} files, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
