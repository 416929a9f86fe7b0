"""The plain-text fast paths of ``render.markdown`` give what markdown-it gives (hypothesis).

``to_html`` skips markdown-it for sections that are only paragraphs of plain text, and
``inline_html``/``plain`` for lines without markup; these tests hold both to markdown-it itself on
text made of the pieces that decide it (markers, punctuation a typographer would rewrite, spaces).
Neither rewrites what was typed: quotes, dashes, dots and ``(c)`` show as written.
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
    for text in ("- item", "# Title", "Title\n=====", "1. first", "    code", "a  \nb", "`x`"):
        assert md._plain_paragraphs(text) is None, text


# What a typographer would rewrite, one kind a line: each shows as typed, whichever path renders it.
TYPED = [
    "alert('t') and it's 'single'",  # single quotes (‘’)
    'the string "don\'t cache"',  # double quotes (“”)
    "undo --to-revision=3 -- it failed, x--y",  # -- (–)
    "suspected the CDN --- it wasn't, a---b",  # --- (—)
    "(c) 2026 Example (C) (tm) (TM) (r) (p)",  # (c) (tm) (r) (p) → © ™ ® §
    "1%... on-call paged, wait.. what",  # ... and .. (…)
    "latency was 120ms +- 5ms",  # +- (±)
    "what??? no!!!! a,, b",  # ?? !! ,, (folded)
]


def test_what_was_typed_shows_as_typed_on_the_fast_path() -> None:
    for text in TYPED:
        if "!" in text:
            continue  # "!" may open an image: markdown-it's, below
        assert md._plain_paragraphs(text) == f"<p>{text}</p>\n", text
        assert md.inline_html(text) == text
        assert md.plain(text) == text


def test_what_was_typed_shows_as_typed_by_markdown_it() -> None:
    for text in TYPED:
        assert html.unescape(reference(text)) == f"<p>{text}</p>\n", text
        inline = md.sanitize(md._parser().renderInline(text))
        assert html.unescape(inline) == text
        # with markup beside it, so that markdown-it renders it on every path
        assert html.unescape(md.to_html(f"**{text}**")) == f"<p><strong>{text}</strong></p>\n"
        assert md.inline_html(f"`x` {text}") == f"<code>x</code> {html.escape(text, False)}"
        assert md.plain(f"*{text}*") == text


def test_what_was_typed_shows_as_typed_in_code_and_lists() -> None:
    text = "- `kubectl rollout undo --to-revision=3` -- alert('t')\n- \"done\"..."
    assert html.unescape(md.to_html(text)) == (
        "<ul>\n<li><code>kubectl rollout undo --to-revision=3</code> -- alert('t')</li>\n"
        '<li>"done"...</li>\n</ul>\n'
    )


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
