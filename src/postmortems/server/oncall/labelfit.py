"""How much of a label a shift's bar in the calendar holds: the label cut where it stops fitting,
with a visible ellipsis, by the width its characters take rather than by their count.

Widths are in SVG units at the calendar's font size (11), as DejaVu Sans draws them: the widest
of the fonts ``system-ui`` falls back to, so a label that fits here fits in the narrower ones
(Segoe UI, San Francisco, Roboto) too.
"""

from __future__ import annotations

ELLIPSIS = "…"
# Each group of characters by the widest of its members (measured in Chromium); a character of
# no group is as wide as most lower-case letters and the digits, one of a wide script (CJK) an em.
WIDTHS = (
    (3.1, "'ijl"),
    (3.5, " ,.IJ"),
    (4.0, "/:;\\|f-"),
    (4.6, "()[]rt!"),
    (5.5, '"*_`'),
    (5.9, "sz?"),
    (6.2, "cL"),
    (6.6, "kvxyFT"),
    (6.8, "aeoPY"),
    (7.7, "KBVXZCR"),
    (7.9, "A"),
    (8.7, "UHNDOQG&"),
    (9.0, "w"),
    (9.5, "M#+<=>^~−"),
    (10.8, "m"),
    (11.0, "%W@…"),
)
WIDTH = {char: width for width, chars in WIDTHS for char in chars}
LETTER = 7.0
CAPITAL = 8.7
EM = 11.0
SHORTEST = 2  # characters worth showing before the ellipsis; fewer, and the bar shows none


def char_width(char: str) -> float:
    if char in WIDTH:
        return WIDTH[char]
    if char.isupper():
        return CAPITAL
    return EM if ord(char) >= 0x2E80 else LETTER


def width(text: str) -> float:
    """The room ``text`` takes at the calendar's font size."""
    return sum(char_width(c) for c in text)


def fit(label: str, room: float) -> tuple[str, bool]:
    """The part of ``label`` shown in ``room`` units, and whether it was cut: the whole label
    when it fits; else the longest start that fits with ``…`` after it (``sam for…``); "" when
    not even a few characters do."""
    if width(label) <= room:
        return label, False
    taken, end = width(ELLIPSIS), 0
    # The whole label is wider than the room, so the loop stops before its end.
    while taken + char_width(label[end]) <= room:
        taken += char_width(label[end])
        end += 1
    start = label[:end].rstrip(" ,")
    return (start + ELLIPSIS if len(start) >= SHORTEST else ""), True
