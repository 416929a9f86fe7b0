"""`pm lint`: the peer reviewer of postmortems.

Library use::

    from postmortems.lint import lint_text
    for v in lint_text(markdown, path="pm.md"):
        print(v.location, v.code, v.message)
"""

from postmortems.lint.config import ConfigError, LintConfig
from postmortems.lint.engine import lint_document, lint_text
from postmortems.lint.violation import Edit, Fix, Severity, Violation

__all__ = [
    "ConfigError",
    "Edit",
    "Fix",
    "LintConfig",
    "Severity",
    "Violation",
    "lint_document",
    "lint_text",
]
