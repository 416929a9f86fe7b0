"""The one palette of states (render/theme.py, STATE_TONES): every state a page can show has one
tone, each tone's text meets WCAG AA on its own background in the light and the dark theme, and
the stylesheet colours a state by that table alone."""

from __future__ import annotations

import re

import pytest

from postmortems.document.model import Status
from postmortems.incident.lifecycle import STATUSES
from postmortems.incident.payloads import ALERT_STATUSES
from postmortems.render.body import ITEM_STATES
from postmortems.render.theme import CSS, STATE_TONES

_ROOT = re.compile(r":root\{([^}]*)\}")
_VAR = re.compile(r"--([\w-]+):(#[0-9a-f]{6})")


def _themes() -> dict[str, dict[str, str]]:
    """The colour variables of the light theme and of the dark one (the first two :root)."""
    light, dark = (dict(_VAR.findall(block)) for block in _ROOT.findall(CSS)[:2])
    return {"light": light, "dark": {**light, **dark}}


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


SHOWN = {
    "postmortem status": [s.value for s in Status],
    "action item": list(ITEM_STATES),
    "incident status": list(STATUSES),
    "alert status": list(ALERT_STATUSES),
}


@pytest.mark.parametrize("kind", SHOWN)
def test_every_state_a_page_shows_has_one_tone(kind: str) -> None:
    for state in SHOWN[kind]:
        tones = [tone for tone, states in STATE_TONES.items() if state in states]
        assert len(tones) == 1, (kind, state, tones)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("tone", STATE_TONES)
def test_each_tone_meets_aa_on_its_background(tone: str, theme: str) -> None:
    colours = _themes()[theme]
    assert _contrast(colours[tone], colours[f"{tone}-bg"]) >= 4.5


def test_a_state_s_colour_is_written_once() -> None:
    """Outside the palette no rule colours a state's class (`.st-open`, `.status-done`)."""
    states = {s for group in STATE_TONES.values() for s in group}
    rules = [r for r in re.findall(r"[^{}]+\{[^{}]*\}", CSS) if "color" in r]
    for state in states:
        naming = [r for r in rules if re.search(rf"\.(st|status)-{state}\b", r)]
        assert len(naming) == 1, (state, naming)
