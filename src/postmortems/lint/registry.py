"""The rule registry: every rule is declared once, with a code checked at registration.

A code is ``PM`` + three digits; its first digit is the family (DESIGN §6). A name is kebab-case.
Rules are plain functions that take a :class:`~postmortems.lint.context.Context` and yield
:class:`Finding` values; the engine turns them into :class:`Violation` values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from postmortems.lint.violation import Fix, Severity

if TYPE_CHECKING:
    from postmortems.lint.context import Context

CODE_RE = re.compile(r"^PM[1-8]\d{2}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

FAMILIES: dict[str, str] = {
    "PM1": "structure",
    "PM2": "issue summary",
    "PM3": "timeline",
    "PM4": "root cause and resolution",
    "PM5": "corrective and preventative measures",
    "PM6": "style",
    "PM7": "consistency",
    "PM8": "learning across postmortems",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule reports; position is 1-based, ``end_*`` default to the same line's end."""

    line: int
    message: str
    column: int = 1
    end_line: int = 0
    end_column: int = 0
    fix: Fix | None = None
    explain: str = ""  # which section the rule read, and why (`pm lint --explain`)


Check = Callable[["Context"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: its code, name, severity, check function and documentation."""

    code: str
    name: str
    severity: Severity
    check: Check
    doc: str
    requirement: str  # the requirement of the format this rule checks (docs/rules/index.md)
    always: bool = False  # also runs on files that are not postmortems

    @property
    def family(self) -> str:
        return FAMILIES[self.code[:3]]


class RegistryError(ValueError):
    """A rule was declared with a bad code or name, or twice."""


_RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    requirement: str,
    always: bool = False,
) -> Callable[[Check], Check]:
    """Register ``check`` as rule ``code``; its docstring is the rule's documentation."""
    if not CODE_RE.match(code):
        raise RegistryError(f"rule code {code!r} must be PM + 3 digits in families PM1xx-PM8xx")
    if not NAME_RE.match(name):
        raise RegistryError(f"rule name {name!r} must be kebab-case")

    def register(check: Check) -> Check:
        if code in _RULES:
            raise RegistryError(f"rule code {code} is registered twice")
        if any(r.name == name for r in _RULES.values()):
            raise RegistryError(f"rule name {name} is registered twice")
        _RULES[code] = Rule(code, name, severity, check, check.__doc__ or "", requirement, always)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, sorted by code (importing the rule modules on first use)."""
    from postmortems.lint import rules  # noqa: F401  (registers the rules)

    return [_RULES[c] for c in sorted(_RULES)]


def get_rule(code: str) -> Rule:
    all_rules()
    return _RULES[code]


def iter_codes() -> Iterator[str]:
    yield from (r.code for r in all_rules())
