"""Every rule has a good and a bad example under tests/lint/examples/PMxxx/ that run as tests.

The bad example names the codes it must produce on its first lines: ``<!-- expect: PM302 -->``
(or ``# expect: PM302`` as the first front-matter line), optionally ``; profile: google-sre``.
All rules run on examples (``select = ["PM"]``) with the profile's thresholds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postmortems.lint import LintConfig, lint_text
from postmortems.lint.library import Library, read_library
from postmortems.lint.registry import all_rules

EXAMPLES = Path(__file__).parent / "examples"
CODES = [r.code for r in all_rules()]
_EXPECT = re.compile(
    r"expect:\s*(?P<codes>[A-Z0-9, ]+?)\s*(?:;\s*profile:\s*(?P<profile>[\w-]+))?\s*(?:-->|$)", re.M
)
_PROFILE = re.compile(r"profile:\s*(?P<profile>[\w-]+)")


def _library(path: Path) -> Library | None:
    """The earlier postmortems of an example that needs them (PM8xx): its ``library/`` folder."""
    folder = path.parent / "library"
    return read_library([str(folder)]) if folder.is_dir() else None


def _run(path: Path, profile: str | None) -> set[str]:
    text = path.read_text(encoding="utf-8")
    config = LintConfig(select=("PM",))
    found = lint_text(text, path=str(path), profile=profile, config=config, library=_library(path))
    return {v.code for v in found}


def _header(path: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8").split("\n")[:2])


def test_every_rule_has_examples_and_no_stray_ones() -> None:
    dirs = {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    assert dirs == set(CODES)
    for code in CODES:
        assert (EXAMPLES / code / "good.md").is_file(), code
        assert (EXAMPLES / code / "bad.md").is_file(), code


@pytest.mark.parametrize("code", CODES)
def test_bad_example_produces_the_codes_it_names(code: str) -> None:
    bad = EXAMPLES / code / "bad.md"
    m = _EXPECT.search(_header(bad))
    assert m is not None, f"{bad} must name its codes on line 1 or 2 (expect: {code})"
    expected = {c.strip() for c in m["codes"].split(",") if c.strip()}
    assert code in expected
    missing = expected - _run(bad, m["profile"])
    assert not missing, f"{bad} should produce {sorted(missing)}"


@pytest.mark.parametrize("code", CODES)
def test_good_example_does_not_produce_the_code(code: str) -> None:
    good = EXAMPLES / code / "good.md"
    m = _PROFILE.search(_header(good))
    assert code not in _run(good, m["profile"] if m else None)
