"""The options of `pm lint`, declared once, and a parser for the common case that needs no click.

:data:`LINT_OPTIONS` is the single table: :mod:`postmortems.cli` declares the click options from
it, and :func:`parse_fast` reads the same options without importing click (click and what it
imports were about 15 ms of a `pm lint FILE` process). :func:`parse_fast` gives exactly the
values click would pass to the command, or ``None`` whenever it is not sure: help, unknown or
malformed options, combined short options, invalid values, no paths, ``--list-rules``. Then
click parses the command line and reports any usage error as usual.

This module must not import click (``tests/lint/test_startup.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PROFILE_CHOICES = ("classic", "google-sre", "minimal")
FORMAT_CHOICES = ("text", "json", "sarif", "github")

# What an option takes from the command line.
FLAG = "flag"  # no value: True when given
SWITCH = "switch"  # --x/--no-x: True, False, or None when neither is given
TEXT = "text"  # one value, the last one given wins
CHOICE = "choice"  # one value from ``choices``
MULTIPLE = "multiple"  # one value each time, all kept in order
POSITIVE_INT = "positive-int"  # a whole number >= 1


class LintOption:
    """One option: its flags (``off`` for the negative form of a switch), the parameter name the
    command receives, and what click needs to declare it and print its help."""

    __slots__ = ("choices", "default", "dest", "flags", "help", "kind", "off", "show_default")

    def __init__(
        self,
        flags: tuple[str, ...],
        dest: str,
        kind: str,
        help: str,
        *,
        off: tuple[str, ...] = (),
        choices: tuple[str, ...] = (),
        default: Any = None,
        show_default: bool = False,
    ) -> None:
        self.flags = flags
        self.dest = dest
        self.kind = kind
        self.help = help
        self.off = off
        self.choices = choices
        self.default = default
        self.show_default = show_default

    @property
    def takes_value(self) -> bool:
        return self.kind not in (FLAG, SWITCH)

    def initial(self) -> Any:
        """The value when the option is not given (what click passes)."""
        if self.kind == FLAG:
            return False
        if self.kind == MULTIPLE:
            return ()
        return self.default


PATHS = "paths"  # the name of the positional arguments (files, directories, -)

# In the order `pm lint --help` lists them.
LINT_OPTIONS: tuple[LintOption, ...] = (
    LintOption(
        ("--profile",),
        "profile",
        CHOICE,
        "Format to check against (default: from config, else classic).",
        choices=PROFILE_CHOICES,
    ),
    LintOption(("--select",), "select", MULTIPLE, "Only these codes or prefixes (PM3,PM601)."),
    LintOption(
        ("--extend-select",),
        "extend_select",
        MULTIPLE,
        "Codes or prefixes to add to the profile's.",
    ),
    LintOption(
        ("--ignore",), "ignore", MULTIPLE, "Codes or prefixes to skip (longest prefix wins)."
    ),
    LintOption(
        ("-f", "--format"),
        "fmt",
        CHOICE,
        "Output format; github prints workflow annotations.",
        choices=FORMAT_CHOICES,
        default="text",
        show_default=True,
    ),
    LintOption(
        ("--statistics",), "statistics", FLAG, "Count findings per rule instead of listing them."
    ),
    LintOption(("-q", "--quiet"), "quiet", FLAG, "Only the findings: no source, no summary."),
    LintOption(
        ("--explain",),
        "explain",
        FLAG,
        "Say which section a rule read (summary, timeline, measures…) and why.",
    ),
    LintOption(("--fix",), "fix", FLAG, "Apply safe fixes (they never change meaning)."),
    LintOption(("--diff",), "diff", FLAG, "Show the fixes as a diff; change nothing."),
    LintOption(
        ("--stdin-filename",),
        "stdin_filename",
        TEXT,
        "Path to report (and find config for) when reading `-`.",
    ),
    LintOption(("--isolated",), "isolated", FLAG, "Ignore pyproject.toml and .postmortems.toml."),
    LintOption(("-j", "--jobs"), "jobs", POSITIVE_INT, "Worker processes (default: CPUs)."),
    LintOption(
        ("--color",),
        "colour",
        SWITCH,
        "Colour (default: on a terminal).",
        off=("--no-color",),
    ),
    LintOption(("--list-rules",), "list_rules", FLAG, "List the rules and exit."),
)

_BY_FLAG: dict[str, tuple[LintOption, bool]] = {}
for _option in LINT_OPTIONS:
    for _flag in _option.flags:
        _BY_FLAG[_flag] = (_option, True)
    for _flag in _option.off:
        _BY_FLAG[_flag] = (_option, False)
del _option, _flag


def parse_fast(args: Sequence[str]) -> dict[str, Any] | None:
    """The parameters click would pass to `pm lint` for ``args`` (what follows ``lint``), or
    ``None`` to leave the command line to click (help, anything unusual, any usage error)."""
    values: dict[str, Any] = {option.dest: option.initial() for option in LINT_OPTIONS}
    paths: list[str] = []
    i, n = 0, len(args)
    while i < n:
        arg = args[i]
        i += 1
        if arg == "--":
            paths += args[i:]
            break
        if arg[:1] != "-" or arg == "-":
            paths.append(arg)
            continue
        name, eq, attached = arg.partition("=")
        if eq and not name.startswith("--"):
            return None  # "-f=json": click reads "=json" as the value; leave it to click
        found = _BY_FLAG.get(name)
        if found is None:
            return None  # unknown, help, combined short options ("-qj2")
        option, on = found
        if not option.takes_value:
            if eq:
                return None  # "--quiet=1": a usage error
            values[option.dest] = on
            continue
        if eq:
            raw = attached
        elif i < n:
            raw = args[i]  # click takes the next argument whatever it looks like
            i += 1
        else:
            return None  # the value is missing: a usage error
        value = _convert(option, raw)
        if value is None:
            return None
        if option.kind == MULTIPLE:
            values[option.dest] += (value,)
        else:
            values[option.dest] = value
    if not paths or values["list_rules"]:
        return None
    values[PATHS] = tuple(paths)
    return values


def _convert(option: LintOption, raw: str) -> Any:
    """The value click converts ``raw`` to, or None when click would report it as invalid."""
    if option.kind == CHOICE:
        return raw if raw in option.choices else None
    if option.kind == POSITIVE_INT:
        try:
            number = int(raw)  # what click's INT type does, spaces, signs and "1_000" included
        except ValueError:
            return None
        return number if number >= 1 else None
    return raw
