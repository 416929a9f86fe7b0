"""Lint configuration: ``[tool.postmortems.lint]`` in ``pyproject.toml`` or ``[lint]`` in
``.postmortems.toml``, found by walking up from the linted file; the nearest file wins, and in
one directory ``.postmortems.toml`` wins over ``pyproject.toml``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from postmortems.errors import ExitCode, PostmortemsError
from postmortems.lint.options import OPTION_BY_NAME, OptionSpec
from postmortems.lint.profiles import PROFILES

SELECTION_KEYS = ("profile", "select", "extend-select", "ignore")


_TOML_POSITION = re.compile(r"at line (\d+), column (\d+)")


class ConfigError(PostmortemsError):
    """A config file or option is wrong: unknown key, bad type, unknown profile or code."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True, slots=True)
class LintConfig:
    """What to check and how strictly. ``select`` replaces the profile's choice of rules;
    ``extend_select`` and ``ignore`` add to it."""

    profile: str | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None  # the file it was read from

    def overridden_by(self, other: LintConfig) -> LintConfig:
        """``self`` (a config file) with ``other`` (command-line options) applied on top."""
        return replace(
            self,
            profile=other.profile or self.profile,
            select=other.select if other.select is not None else self.select,
            extend_select=(*self.extend_select, *other.extend_select),
            ignore=(*self.ignore, *other.ignore),
            options={**self.options, **other.options},
        )


def from_mapping(data: Mapping[str, Any], source: str | None = None) -> LintConfig:
    """A config from the keys of a ``[tool.postmortems.lint]`` table, validated."""
    where = source or "config"
    options: dict[str, Any] = {}
    for key, value in data.items():
        if key in SELECTION_KEYS:
            continue
        spec = OPTION_BY_NAME.get(key)
        if spec is None:
            known = ", ".join([*SELECTION_KEYS, *OPTION_BY_NAME])
            raise ConfigError(f"{where}: unknown lint option {key!r}", hint=f"known: {known}")
        _check_value(spec, value, where)
        options[key] = list(value) if spec.type is list else value
    profile = data.get("profile")
    if profile is not None and profile not in PROFILES:
        raise ConfigError(
            f"{where}: unknown profile {profile!r}", hint=f"use one of {', '.join(PROFILES)}"
        )
    lists = {}
    for key in ("select", "extend-select", "ignore"):
        value = data.get(key)
        if value is not None and not _str_list(value):
            raise ConfigError(f"{where}: {key} must be a list of codes", hint=f'{key} = ["PM3"]')
        lists[key] = tuple(value) if value is not None else None
    return LintConfig(
        profile=profile,
        select=lists["select"],
        extend_select=lists["extend-select"] or (),
        ignore=lists["ignore"] or (),
        options=options,
        source=source,
    )


def _check_value(spec: OptionSpec, value: Any, where: str) -> None:
    key = spec.name
    if spec.type is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be a whole number", hint=f"e.g. {key} = 10")
        if value < spec.least or (spec.most is not None and value > spec.most):
            span = f"from {spec.least} to {spec.most}" if spec.most else f"{spec.least} or more"
            raise ConfigError(f"{where}: {key} = {value} is out of range", hint=f"use {span}")
        return
    if not _str_list(value):
        raise ConfigError(f"{where}: {key} must be a list of strings", hint=f'{key} = ["…"]')
    for pattern in value if spec.patterns else ():
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                f"{where}: {key}: {pattern!r} is not a regular expression ({exc})",
                hint="fix it (Python's re syntax), or escape the character with a backslash",
            ) from None


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def find_config(start: str) -> LintConfig:
    """The config that applies to files in directory ``start`` (empty when there is none).

    Lookups are cached for the duration of a run; :func:`forget_configs` starts afresh.
    """
    return _find(os.path.realpath(start or "."))


def forget_configs() -> None:
    _find.cache_clear()


@functools.lru_cache(maxsize=256)
def _find(directory: str) -> LintConfig:
    for name in (".postmortems.toml", "pyproject.toml"):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            table = _read_table(candidate)
            if table is not None:
                return from_mapping(table, candidate)
    parent = os.path.dirname(directory)
    if parent == directory:
        return LintConfig()
    return _find(parent)


def _read_table(path: str) -> Mapping[str, Any] | None:
    import tomllib

    try:
        with open(path, encoding="utf-8") as fh:
            data = tomllib.loads(fh.read())
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POSITION.search(str(exc))
        raise ConfigError(
            f"not valid TOML: {str(exc).split(' (at')[0]}",
            path=path,
            line=int(m[1]) if m else None,
            column=int(m[2]) if m else None,
            hint="fix the TOML syntax",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", path=path) from None
    ours = data.get("tool", {}).get("postmortems", {})
    if os.path.basename(path) != "pyproject.toml":
        ours = data
    elif not isinstance(ours, dict):
        raise ConfigError("[tool.postmortems] must be a table", path=path)
    unknown = [f"[{k}]" for k, v in ours.items() if isinstance(v, dict) and k != "lint"]
    if unknown:  # a misspelt [tool.postmortems.lintt] would be ignored without a word
        raise ConfigError(f"unknown table {', '.join(unknown)}", path=path, hint="use [lint]")
    table = ours.get("lint")
    if table is not None and not isinstance(table, dict):
        raise ConfigError("the lint settings must be a table", path=path)
    return table
