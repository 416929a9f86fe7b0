"""Breaking a diagram label into lines that fit a width, without a font at hand.

The page names no font (system fonts only), so each character's advance is an estimate taken
from DejaVu Sans, the widest of the usual sans-serif system fonts (Segoe UI, San Francisco,
Roboto, Helvetica and Liberation Sans are all narrower): a line estimated to fit does fit.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"

# Advance widths in em (DejaVu Sans, rounded up); anything not listed counts as DEFAULT.
_WIDTHS = {
    **dict.fromkeys("iljI'|.,:;!`", 0.34),
    **dict.fromkeys(' ()[]ft-/\\"', 0.4),
    **dict.fromkeys("r", 0.42),
    **dict.fromkeys("sczJ*", 0.56),
    **dict.fromkeys("abdeghknopquvxyL0123456789$_?#^+=<>~{}", 0.64),
    **dict.fromkeys("FPSTZEBCKRXY", 0.7),
    **dict.fromkeys("ADGHNOQUV&", 0.8),
    **dict.fromkeys("mwMW%@", 1.0),
}
DEFAULT = 0.66  # lower-case letters (accented too) and symbols not listed
BOLD = 1.1  # bold and italic advances are at most this much wider


def char_width(ch: str) -> float:
    """The advance of ``ch`` in em."""
    known = _WIDTHS.get(ch)
    if known is not None:
        return known
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0  # ideographs, kana, hangul, most emoji
    if unicodedata.combining(ch):
        return 0.0
    base = unicodedata.normalize("NFD", ch)[0]  # é as e
    return _WIDTHS.get(base, DEFAULT)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The estimated width of ``text`` in px at font size ``size``."""
    return sum(char_width(ch) for ch in text) * size * (BOLD if bold else 1.0)


def _cut(word: str, room: float, size: float) -> tuple[str, str]:
    """The longest head of ``word`` (at least one character) that fits ``room``, and the rest."""
    used, n = 0.0, 0
    for n, ch in enumerate(word):
        used += char_width(ch) * size
        if used > room and n:
            return word[:n], word[n:]
    return word, ""


def wrap(
    text: str, width: float, size: float, *, first: float = 0.0, lines: int = 6, slant: bool = False
) -> list[str]:
    """``text`` in lines of at most ``width`` px at font size ``size`` (italic when ``slant``),
    the first one ``first`` px shorter (what precedes it). A word longer than a line is cut;
    past ``lines`` lines the last one ends with "…"."""
    scale = size * (BOLD if slant else 1.0)
    space = char_width(" ") * scale
    out: list[str] = []
    line, used, room = "", 0.0, width - first
    words = text.split()
    while words:
        word = words.pop(0)
        need = text_width(word, scale) + (space if line else 0.0)
        if used + need <= room:
            line, used = (f"{line} {word}" if line else word), used + need
            continue
        if line or (room < width and text_width(word, scale) <= width):
            out.append(line)  # the word starts the next line
            line, used, room = "", 0.0, width
            words.insert(0, word)
            continue
        head, rest = _cut(word, room, scale)  # a word wider than a whole line (a URL)
        out.append(head)
        room = width
        if rest:
            words.insert(0, rest)
    if line or not out:
        out.append(line)
    return _clip(out, lines, width, scale)


def _clip(out: list[str], lines: int, width: float, scale: float) -> list[str]:
    if len(out) <= lines:
        return out
    last = out[lines - 1]
    room = width - char_width(ELLIPSIS) * scale
    while last and text_width(last, scale) > room:
        last = last[:-1]
    return [*out[: lines - 1], last.rstrip() + ELLIPSIS]
