"""The plain-text fast paths of ``render.markdown`` give what markdown-it gives (hypothesis).

``to_html`` skips markdown-it for sections that are only paragraphs of plain text, and
``inline_html``/``plain`` for lines without markup; these tests hold both to markdown-it itself on
text made of the pieces that decide it (markers, punctuation the typographer rewrites, spaces).
"""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.render import markdown as md

SETTINGS = settings(max_examples=800)

PIECES = [
    "word",
    "Text",
    " ",
    "  ",
    "    ",
    "\n",
    "\n\n",
    "\n   ",
    "\t",
    "\u00a0",
    ".",
    "..",
    "...",
    ",",
    ",,",
    "-",
    "--",
    "+",
    "+-",
    "=",
    "#",
    "# ",
    ">",
    "|",
    "1.",
    "2)",
    "12",
    "(c)",
    "(TM)",
    "(x)",
    "?",
    "??",
    "!",
    "'",
    '"',
    "*",
    "_",
    "`",
    "~",
    "[",
    "]",
    "<",
    "&",
    "\\",
    "é",
    ":",
    "%",
    "/",
]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def reference(text: str) -> str:
    parser = md._parser()
    return md.sanitize(parser.renderer.render(parser.parse(text), parser.options, {}))


def assert_the_fast_path_agrees(text: str) -> None:
    """Where the plain-paragraph fast path takes ``text``, it renders what markdown-it does."""
    fast = md._plain_paragraphs(text)
    if fast is not None:
        assert md.sanitize(fast) == reference(text)


@SETTINGS
@given(texts)
def test_plain_paragraphs_render_as_markdown_it_does(text: str) -> None:
    assert_the_fast_path_agrees(text)


@SETTINGS
@given(texts.filter(lambda t: "\n" not in t))
def test_inline_fast_path_renders_as_markdown_it_does(text: str) -> None:
    # inline_html also folds runs of white space (labels are one line): compare words.
    slow = md.sanitize(md._parser().renderInline(text))
    assert html.unescape(md.inline_html(text)).split() == html.unescape(slow).split()


def test_the_fast_path_is_taken_for_prose_and_not_for_markup() -> None:
    assert md._plain_paragraphs("One line.\nTwo lines.\n\n  Another paragraph (50%).") == (
        "<p>One line.\nTwo lines.</p>\n<p>Another paragraph (50%).</p>\n"
    )
    for text in ("- item", "# Title", "Title\n=====", "1. first", "    code", "a  \nb", "x.. y"):
        assert md._plain_paragraphs(text) is None, text


def test_two_dots_are_typography() -> None:
    # markdown-it's typographer turns ".." into an ellipsis; the fast paths must not skip it.
    assert md.inline_html("wait.. what") == "wait… what"


# Mostly prose, so that most examples take the fast path.
PROSE_PIECES = ["word", "Text", " ", "  ", "    ", "\n", "\n\n", "\n   ", ".", ",", "-", "="]
PROSE_PIECES += ["#", "1.", "12", "(x)", "%", "é", "\u00a0", ":", "/", "?"]
prose = st.lists(st.sampled_from(PROSE_PIECES), max_size=30).map("".join)


@SETTINGS
@given(prose)
def test_prose_renders_as_markdown_it_does(text: str) -> None:
    assert_the_fast_path_agrees(text)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab &<>\"'é\n"))), st.booleans())
def test_escape_is_html_escape(text: str, quote: bool) -> None:
    from postmortems.render.escape import escape

    assert escape(text, quote) == html.escape(text, quote)
