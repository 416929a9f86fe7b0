"""The template's guidance comments are for the writer; `pm render` pages carry their images."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from postmortems.document import parse
from postmortems.document.skeleton import render as skeleton
from postmortems.lint import lint_text
from postmortems.render import render_page
from postmortems.render.markdown import sanitize, to_html

ROOT = Path(__file__).resolve().parents[2]


def test_guidance_comments_never_reach_the_page() -> None:
    text = skeleton("classic")
    guidance = re.findall(r"<!--\s*(.{12})", text)
    assert guidance  # the skeleton has them
    page = render_page(parse(text, "new.md"))
    for start in guidance:
        assert start not in page
    assert "<!--" not in page.split("<body", 1)[1]
    assert "&lt;!--" not in page


def test_a_comment_inside_code_stays() -> None:
    html = to_html("Silence it with `<!-- pm: disable=PM601 -->` at the top.\n")
    assert "&lt;!-- pm: disable=PM601 --&gt;" in html


def test_lint_does_not_count_guidance_as_words() -> None:
    text = skeleton("classic")
    longer = text.replace("## Timeline", "<!-- " + "guidance words " * 200 + "-->\n\n## Timeline")

    def words(t: str) -> str:
        return next(v.message for v in lint_text(t, path="a.md") if v.code == "PM601")

    assert words(longer) == words(text)


def test_pm_render_inlines_local_images(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    done = subprocess.run(
        [sys.executable, "-m", "postmortems", "render", "examples/checkout-502.md", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]{100,}"', page)
    assert "checkout-502-timeline.svg" not in page  # no reference left to a file beside it


def test_a_missing_image_shows_its_text(tmp_path: Path) -> None:
    doc = tmp_path / "pm.md"
    doc.write_text("## Issue Summary\n\n![error rate graph](gone.png)\n", encoding="utf-8")
    out = tmp_path / "page.html"
    subprocess.run(
        [sys.executable, "-m", "postmortems", "render", str(doc), "-o", str(out)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    page = out.read_text(encoding="utf-8")
    assert "[image: error rate graph]" in page
    assert "<img" not in page.split("<body", 1)[1]


def test_only_images_keep_data_uris() -> None:
    bad = '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a><img src="data:text/html;base64,AA">'
    good = '<img src="data:image/png;base64,iVBORw0KGgo=">'
    assert "data:" not in sanitize(bad)
    assert sanitize(good) == good
