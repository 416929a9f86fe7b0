"""Which rules run: profile, ``select``/``extend-select``/``ignore`` by code prefix.

The longest matching prefix decides (``--ignore PM3 --extend-select PM302`` keeps PM302). When a
profile entry and a user entry have the same length, the user's wins; within one layer, ignore
wins over select. A user ``select`` replaces the profile's choice entirely.
"""

from __future__ import annotations

from collections.abc import Iterable

from postmortems.lint.config import ConfigError, LintConfig
from postmortems.lint.profiles import DEFAULT_PROFILE, PROFILES, Profile
from postmortems.lint.registry import Rule, all_rules

_Entry = tuple[str, bool, int]  # prefix, enabled, layer (0 profile, 1 user)


def profile_of(config: LintConfig, name: str | None = None) -> Profile:
    key = name or config.profile or DEFAULT_PROFILE
    if key not in PROFILES:
        raise ConfigError(f"unknown profile {key!r}", hint=f"use one of {', '.join(PROFILES)}")
    return PROFILES[key]


def normalise_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """Upper-cased prefixes, each checked to match at least one rule (``ALL`` means ``PM``)."""
    known = [r.code for r in all_rules()]
    out = []
    for raw in codes:
        code = raw.strip().upper()
        code = "PM" if code == "ALL" else code
        if not code:
            continue
        if not any(k.startswith(code) for k in known):
            raise ConfigError(
                f"unknown rule code or prefix {raw!r}",
                hint="codes look like PM302; prefixes like PM3 select a family; see `pm lint "
                "--list-rules`",
            )
        out.append(code)
    return tuple(out)


def enabled_rules(config: LintConfig, profile: Profile) -> list[Rule]:
    """The rules to run (cached per selection: a run lints many files with one config)."""
    key = (profile.name, config.select, config.extend_select, config.ignore)
    return list(_enabled(key, config, profile))


_CACHE: dict[tuple[object, ...], tuple[Rule, ...]] = {}


def _enabled(key: tuple[object, ...], config: LintConfig, profile: Profile) -> tuple[Rule, ...]:
    if key not in _CACHE:
        _CACHE[key] = tuple(_compute(config, profile))
    return _CACHE[key]


def _compute(config: LintConfig, profile: Profile) -> list[Rule]:
    entries: list[_Entry] = []
    if config.select is None:
        entries += [(p, True, 0) for p in profile.select]
        entries += [(p, False, 0) for p in profile.ignore]
    else:
        entries += [(p, True, 1) for p in normalise_codes(config.select)]
    entries += [(p, True, 1) for p in normalise_codes(config.extend_select)]
    entries += [(p, False, 1) for p in normalise_codes(config.ignore)]
    return [r for r in all_rules() if decide(r.code, entries)]


def decide(code: str, entries: Iterable[_Entry]) -> bool:
    best: tuple[int, int, int] | None = None
    enabled = False
    for prefix, on, layer in entries:
        if not code.startswith(prefix):
            continue
        key = (len(prefix), layer, 0 if on else 1)
        if best is None or key > best:
            best, enabled = key, on
    return enabled
