"""Every module-level regular expression of the server runs in linear time on hostile input.

The server's own patterns read what users send (a postmortem's text as it is saved, indexed and
reviewed, a search, a form field, a request's path), so they are timed as the parser's are
(``tests/document/test_regex_linear.py``, issue 13), with its floods, sizes and review list.
They are collected here, where Django is set up: the server's modules import its models.
"""

from __future__ import annotations

import pytest
from tests.document.test_regex_linear import REVIEWED, assert_linear, patterns_of

import postmortems.server

# Modules not imported to collect patterns: the WSGI entry point builds the application when it
# is imported (it holds no pattern).
NOT_IMPORTED = ("postmortems.server.wsgi",)

PATTERNS = dict(patterns_of((postmortems.server,), skip=NOT_IMPORTED))


def test_the_servers_patterns_are_collected_and_reviewed() -> None:
    assert "postmortems.server.workflow.gate._NOTE" in PATTERNS  # a review's text, on any save
    assert "postmortems.server.library.fulltextindex._LINK" in PATTERNS
    assert {p.pattern for p in PATTERNS.values()} <= REVIEWED


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_time_is_linear_in_the_input(name: str) -> None:
    assert_linear(name, PATTERNS[name])


def test_a_reviews_owner_and_due_notes_are_still_left_out() -> None:
    from postmortems.server.workflow.gate import material

    text = (
        "---\ntitle: t\n---\n"
        "- [x] Renew the certificate (owner: @bob)  \n- [ ] Alert (due: 2026-01-01)\n"
    )
    assert material(text).splitlines()[-2:] == ["- [ ] Renew the certificate", "- [ ] Alert"]
    kept = "- [ ] Add (owner: tabs\t\t) to the runbook\n"
    assert material(f"---\ntitle: t\n---\n{kept}").endswith(kept)
