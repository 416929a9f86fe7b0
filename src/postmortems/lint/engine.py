"""The one place that decides what is reported: parse, run enabled rules, drop suppressed
findings, attach code/name/severity/path, sort."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from postmortems.document import Document, parse
from postmortems.document.frontblock import unclosed
from postmortems.errors import PostmortemsError
from postmortems.lint import options as option_table
from postmortems.lint import suppress
from postmortems.lint.config import LintConfig
from postmortems.lint.context import Context
from postmortems.lint.registry import Finding, Rule
from postmortems.lint.selection import enabled_rules, profile_of
from postmortems.lint.violation import Violation

if TYPE_CHECKING:
    from postmortems.lint.library import Library

_FRONT = re.compile(r"\A---[ \t]*\n(?:.*?\n)??(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def read_document(text: str, path: str) -> tuple[Document, PostmortemsError | None]:
    """Parse ``text``; broken front matter is reported and the body is still read."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    try:
        return parse(text, path), None
    except PostmortemsError as exc:
        error = exc
    except Exception as exc:  # a parser bug must not stop a lint run
        error = PostmortemsError(
            f"the parser failed on this file ({type(exc).__name__}: {exc})",
            path=path,
            line=1,
            column=1,
            hint="please report this as a bug of postmortems",
        )
    blanked = _without_front_matter(text)
    try:
        doc = parse(blanked, path)
    except Exception:
        doc = Document(path=path, source=blanked)
    return replace(doc, source=text), error


def _without_front_matter(text: str) -> str:
    """The text with the lines of its front matter blank (the others keep their numbers), even
    front matter whose closing ``---`` is missing."""
    end = unclosed(text)
    if end is not None:
        return "\n" * (end - 1) + "\n".join(text.split("\n")[end - 1 :])
    return _FRONT.sub(lambda m: "\n" * m.group(0).count("\n"), text, count=1)


def lint_text(
    text: str,
    *,
    path: str = "<text>",
    profile: str | None = None,
    config: LintConfig | None = None,
    library: Library | None = None,
) -> list[Violation]:
    """Lint Markdown text. Never raises on bad text: problems become violations.

    ``profile`` wins over ``config.profile``; both default to ``classic``. Raises
    :class:`~postmortems.lint.config.ConfigError` only for a bad ``config`` (unknown code).
    ``library`` holds the earlier postmortems the PM8xx rules compare with.
    """
    doc, error = read_document(text, path)
    return _run(doc, path, profile, config or LintConfig(), error, library)


def lint_document(
    doc: Document,
    *,
    path: str | None = None,
    profile: str | None = None,
    config: LintConfig | None = None,
    library: Library | None = None,
) -> list[Violation]:
    """Lint an already parsed document (its ``source`` gives lines and inline comments)."""
    where = path or doc.path or "<text>"
    return _run(doc, where, profile, config or LintConfig(), None, library)


def _run(
    doc: Document,
    path: str,
    profile_name: str | None,
    config: LintConfig,
    error: PostmortemsError | None,
    library: Library | None = None,
) -> list[Violation]:
    profile = profile_of(config, profile_name)
    values = option_table.resolve(profile.name, config.options)
    ctx = Context(doc, profile.name, values, error, library)
    rules = enabled_rules(config, profile)
    if not doc.is_postmortem:
        rules = [r for r in rules if r.always]
    quiet = suppress.find(doc.source)
    out: list[Violation] = []
    for rule in rules:
        for finding in _findings(rule, ctx):
            if not quiet.covers(rule.code, finding.line):
                out.append(_violation(rule, finding, path, ctx))
    out.sort(key=Violation.sort_key)
    return out


def _findings(rule: Rule, ctx: Context) -> Iterable[Finding]:
    try:
        return list(rule.check(ctx))
    except Exception as exc:  # a rule bug is reported, never raised
        return [
            Finding(
                1,
                f"internal error in this rule ({type(exc).__name__}: {exc}); "
                "please report it as a bug of postmortems",
            )
        ]


def _violation(rule: Rule, f: Finding, path: str, ctx: Context) -> Violation:
    line = max(1, f.line)
    end_line = max(line, f.end_line or line)
    end_column = f.end_column or max(len(ctx.source_line(end_line)) + 1, f.column + 1)
    return Violation(
        rule.code,
        rule.name,
        rule.severity,
        path,
        line,
        max(1, f.column),
        end_line,
        end_column,
        f.message,
        f.fix,
        f.explain,
    )
