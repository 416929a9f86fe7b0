"""`lazy_compile` stands in for `re.compile`: same results, compiled only when first used."""

from __future__ import annotations

import re

import pytest

from postmortems.lazyregex import lazy_compile

SOURCE = r"(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<zone>utc|gmt)?"
TEXT = "at 14:05 UTC it failed; 14:30 gmt restored, 15:00 done"


def test_gives_what_the_compiled_pattern_gives() -> None:
    lazy = lazy_compile(SOURCE, re.IGNORECASE)
    real = re.compile(SOURCE, re.IGNORECASE)
    assert lazy.pattern == real.pattern
    assert lazy.search(TEXT) is not None
    assert lazy.search(TEXT, 10).span() == real.search(TEXT, 10).span()  # type: ignore[union-attr]
    assert lazy.match(TEXT) is None
    assert lazy.fullmatch("9:15") is not None
    assert [m.groupdict() for m in lazy.finditer(TEXT)] == [
        m.groupdict() for m in real.finditer(TEXT)
    ]
    assert lazy.findall(TEXT) == real.findall(TEXT)
    assert lazy.sub("T", TEXT) == real.sub("T", TEXT)
    assert lazy.subn("T", TEXT, count=1) == real.subn("T", TEXT, count=1)
    assert lazy.split(TEXT) == real.split(TEXT)
    assert (lazy.flags, lazy.groups, lazy.groupindex) == (real.flags, real.groups, real.groupindex)


def test_compiles_only_when_first_used() -> None:
    lazy = lazy_compile(r"(unclosed")
    assert lazy.pattern == "(unclosed"  # reading the source compiles nothing
    with pytest.raises(re.error):
        lazy.search("x")
