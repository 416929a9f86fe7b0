"""A drafted timeline line does not say twice what its label says."""

from __future__ import annotations

import pytest

from postmortems.incident.timeline import without_lead


@pytest.mark.parametrize(
    ("text", "lead", "left"),
    [
        ("Alert fired: search 5xx on a", "Alert fired", "search 5xx on a"),
        ("Paged sam — sre-default: step 1 of 2", "Paged", "sam — sre-default: step 1 of 2"),
        ("paged sam", "Paged", "sam"),
        ("Pagers were silent", "Paged", "Pagers were silent"),  # a word of its own
        ("Mitigation applied", "Mitigated", "Mitigation applied"),
        ("Paged", "Paged", ""),
    ],
)
def test_the_label_is_said_once(text: str, lead: str, left: str) -> None:
    assert without_lead(text, lead) == left
