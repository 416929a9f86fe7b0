"""Every regular expression of the parser and the linter runs in linear time on hostile input.

A pattern that is quadratic on some input (``[^\\]]*`` scanning a flood of ``[`` from every start,
``\\s*`` before a literal over a long run of spaces) let one 55 kB request hold a server worker
for minutes (issue 13). Each module-level pattern of the library (the parser, the linter, search,
which tokenises every postmortem and query, the incidents' alerts and chat exports, rendering,
on-call, the commands), and each held in a module's table (``[(kind, pattern)]``), is run on
inputs made of one repeated unit, at 10 kB and, when that took a millisecond or more, at 100 kB:
ten times the input may take ten times as long, and the test fails when it takes far more (a
quadratic pattern takes a hundred times as long). The server's patterns are timed the same way
by ``tests/server/test_regex_linear_server.py``, where Django is set up.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

import postmortems

# Patterns handed to code that only calls ``.match`` at positions it chose (the candidate starts
# of a cheap scan); patterns whose module only calls ``.match``/``.fullmatch`` on them are found
# by reading the source (below).
ANCHORED = {"postmortems.document.dateparse.DATE_RE"}
ANCHORED_CALLS = {"match", "fullmatch"}

# One unit repeated makes an input: floods of brackets, markup, spaces, punctuation and words
# the patterns look for.
UNITS = (
    "[", "(", "{", "<", "[a](", "[a]", "](", "[(", "(a", "<a", "<!--", "{{",
    " ", "\t", "\n", " \n", "a ", "a", "1", "1 ", "1:", "12:34 ", ":", "- ", "-", "--",
    "*", "**", "_", "`", "#", "|", "!", ". ", ",", "@", "/", "a-", "a:", "a: ", "=",
    "http://", "www.a", "2024-", "0 ", "UTC ", "at ", "to ", "and ", "due ", "owner ",
    "(owner: ", "root cause ", "- [ ] ",
    "1.", "1,", "-a", "@a ", "|", "![",
)  # fmt: skip
SMALL, LARGE = 10_000, 100_000
# Linear is 10x; quadratic is 100x. Times are CPU time, so other jobs on the machine do not
# count; the allowance absorbs cache and timer effects on millisecond-scale runs (it is small
# next to the seconds a quadratic pattern takes at 100 kB).
RATIO = 30
NOISE = 0.05
# A quadratic pattern reads 10 kB of its flood in 0.1 s or more (5e7 steps); a linear one in
# tens of microseconds. Below this at 10 kB, the flood is not read at 100 kB.
FLOOR = 0.001


def patterns_of(
    packages: Iterable[ModuleType], *, skip: Iterable[str] = ()
) -> Iterator[tuple[str, re.Pattern[str]]]:
    """Each distinct module-level pattern of the modules under ``packages`` (and of the modules
    given themselves) but those under the names in ``skip``, by qualified name: a module's
    patterns and those in its tables (tuples, lists, dicts and sets of them, such as
    ``[(category, pattern)]``, named ``NAME[i]`` or ``NAME[key]``)."""
    skipped = tuple(skip)
    seen: set[tuple[str, int]] = set()
    for module in _modules(packages, skipped):
        for name, value in sorted(vars(module).items()):
            for qualified, pattern in _held(f"{module.__name__}.{name}", value):
                if (pattern.pattern, pattern.flags) not in seen:
                    seen.add((pattern.pattern, pattern.flags))
                    yield qualified, pattern


def _modules(packages: Iterable[ModuleType], skip: tuple[str, ...]) -> Iterator[ModuleType]:
    """The packages and every module under them, those in ``skip`` (and under them) neither
    imported nor walked."""
    for package in packages:
        yield package
        for info in pkgutil.iter_modules(getattr(package, "__path__", ())):
            name = f"{package.__name__}.{info.name}"
            if name not in skip:
                yield from _modules([importlib.import_module(name)], skip)


def _held(name: str, value: object, depth: int = 0) -> Iterator[tuple[str, re.Pattern[str]]]:
    """The patterns ``value`` is or holds (two levels of tables deep), by name."""
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield name, value
        return
    if depth >= 2 or isinstance(value, str | bytes):
        return
    if isinstance(value, dict):
        items: Iterable[tuple[object, object]] = value.items()
    elif isinstance(value, tuple | list | frozenset | set):
        items = enumerate(value)
    else:
        return
    for key, held in items:
        yield from _held(f"{name}[{key!r}]", held, depth + 1)


# Every module but the server's (timed by tests/server/test_regex_linear_server.py, where
# Django is set up) and ``__main__`` (importing it runs the command line).
NOT_HERE = ("postmortems.server", "postmortems.__main__")
PATTERNS = dict(patterns_of((postmortems,), skip=NOT_HERE))


def _anchored(qualified: str) -> bool:
    """Whether the pattern is only ever matched at one position, never scanned for.

    Such a pattern is never tried from every start position, so it is timed as one match at the
    start of the input rather than as a scan of it.
    """
    if qualified in ANCHORED:
        return True
    if "[" in qualified:  # held in a table: where it is used is not read here
        return False
    module_name, name = qualified.rsplit(".", 1)
    source = inspect.getsource(importlib.import_module(module_name))
    calls = set(re.findall(rf"(?<![\w.]){re.escape(name)}\.(\w+)\(", source))
    mentions = len(re.findall(rf"(?<![\w.]){re.escape(name)}\b", source))
    # Every mention but the definition is a call, and every call is a match at a position.
    return (
        bool(calls)
        and calls <= ANCHORED_CALLS
        and mentions
        == 1 + sum(len(re.findall(rf"(?<![\w.]){re.escape(name)}\.{c}\(", source)) for c in calls)
    )


def _seconds(anchored: bool, pattern: re.Pattern[str], text: str) -> float:
    start = time.thread_time()
    if anchored:
        pattern.match(text)
    else:
        for _ in pattern.finditer(text):
            pass
    return time.thread_time() - start


def _made_of(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _superlinear(anchored: bool, pattern: re.Pattern[str], unit: str) -> tuple[float, float] | None:
    """The (10 kB, 100 kB) times when the larger input took far more than linear time.

    Times are this thread's CPU time (a run preempted by other jobs is not charged for the wait),
    the fastest of several runs. A flood the pattern reads in under :data:`FLOOR` at 10 kB is
    not read at 100 kB (most are; a quadratic pattern takes a hundred times that at 10 kB), so
    the test reads about a tenth of what it would.
    """
    small, large = _made_of(unit, SMALL), _made_of(unit, LARGE)
    t_small = _seconds(anchored, pattern, small)
    if t_small < FLOOR:
        return None
    t_large = float("inf")
    for _attempt in range(4):
        t_small = min(t_small, _seconds(anchored, pattern, small))
        t_large = min(t_large, _seconds(anchored, pattern, large))
        if t_large <= RATIO * t_small + NOISE:
            return None
    return t_small, t_large


def test_the_patterns_are_collected() -> None:
    assert len(PATTERNS) > 100
    assert "postmortems.document.sections._PAREN" in PATTERNS
    assert set(PATTERNS) >= ANCHORED
    assert _anchored("postmortems.document.timelinetext._STAMP_AFTER")  # only .match(text, after)
    assert not _anchored("postmortems.document.sections._PAREN")  # .sub scans the text
    assert "postmortems.search.bm25._MARKUP" in PATTERNS  # the snippet's, on any text
    assert _anchored("postmortems.search.text._MEASURE")  # only .fullmatch(word)
    # every package of the library, the incidents' included, and the patterns of tables
    packages = {name.split(".")[1] for name in PATTERNS if name.count(".") > 1}
    assert {"document", "lint", "search", "incident", "render", "oncall", "commands"} <= packages
    assert "postmortems.incident.slack._MARKUP" in PATTERNS  # a chat export's text
    assert "postmortems.servicenames._NAME" in PATTERNS  # a module outside the packages
    assert "postmortems.document.sections._KEYWORDS[0][1]" in PATTERNS  # held in a table
    assert not [name for name in PATTERNS if name.startswith("postmortems.server.")]


# The patterns reviewed for linear time so far (their source text). A pattern added or changed
# since is not timed here until it is reviewed: a quadratic one can take hours at 100 kB, and the
# server bounds every parse of user text by the sandbox's time limit meanwhile (issue 13).
REVIEWED = frozenset(
    json.loads((Path(__file__).with_name("linear_patterns.json")).read_text(encoding="utf-8"))
)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_time_is_linear_in_the_input(name: str) -> None:
    assert_linear(name, PATTERNS[name])


def assert_linear(name: str, pattern: re.Pattern[str]) -> None:
    """Fail when ``pattern`` (module-level, by qualified ``name``) is superlinear on a flood."""
    if pattern.pattern not in REVIEWED:
        pytest.skip("added or changed since the linear-time review (issue 13): not timed yet")
    anchored = _anchored(name)
    slow = {}
    for unit in UNITS:
        times = _superlinear(anchored, pattern, unit)
        if times:
            slow[unit] = f"{times[0] * 1000:.1f} ms at 10 kB, {times[1] * 1000:.1f} ms at 100 kB"
    assert not slow, f"{name} ({pattern.pattern!r}) is superlinear on: {slow}"


# Floods that were quadratic through the parser's own code rather than one pattern: "[a]" and
# "](" turn a heading's text into a long run of spaces that an inline pattern scanned from each
# space (48 s at 100 kB).
@pytest.mark.parametrize("unit", ["[", "[a]", "]("])
def test_a_bracket_flood_after_a_postmortem_parses_and_lints_in_linear_time(unit: str) -> None:
    from postmortems.document import parse
    from postmortems.lint import lint_text

    head = "---\ntitle: t\n---\n## Issue Summary\nDown.\n## Timeline\n- 04:07 UTC - Alert.\n"

    def seconds(size: int) -> float:
        text = head + _made_of(unit, size)
        start = time.thread_time()
        parse(text, "flood.md")
        lint_text(text, path="flood.md")
        return time.thread_time() - start

    small = min(seconds(SMALL) for _ in range(2))
    assert seconds(LARGE) <= RATIO * small + 0.05
