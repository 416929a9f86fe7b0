"""Linting files: reading, config lookup, optional fixing, in parallel when there are many."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from postmortems.errors import PostmortemsError
from postmortems.lint.config import ConfigError, LintConfig, find_config
from postmortems.lint.engine import lint_text
from postmortems.lint.fix import fix_text
from postmortems.lint.violation import Severity, Violation
from postmortems.parallel import run_all
from postmortems.sources import read_text

if TYPE_CHECKING:
    from postmortems.lint.library import Library


@dataclass(slots=True)
class Job:
    """One file to lint, with the command line's config."""

    path: str  # "-" for stdin
    display: str  # the path shown in messages (``--stdin-filename``)
    config: LintConfig  # command-line options, applied over the config files
    use_config_files: bool = True
    fix: bool = False
    text: str | None = None  # stdin is read by the parent process
    library: Library | None = None  # earlier postmortems (`--library`): jobs run in-process
    refused: PostmortemsError | None = None  # stdin that could not be read


@dataclass(slots=True)
class FileResult:
    """What linting one file found (or why it could not be linted)."""

    path: str
    violations: tuple[Violation, ...] = ()
    error: str | None = None  # the file could not be read
    original: str | None = None  # set when fixing changed the text
    fixed: str | None = None
    fixed_count: int = 0
    config_error: str | None = None
    source_lines: dict[int, str] = field(default_factory=dict)  # the lines the violations are on
    unreadable: Violation | None = None  # PM100 for a file that could not be read (``error``)

    @property
    def failed(self) -> bool:
        return any(v.severity.fails for v in self.violations)

    def reported(self) -> tuple[Violation, ...]:
        """What a machine-readable report lists: the findings, or why the file was not read."""
        return (self.unreadable, *self.violations) if self.unreadable else self.violations


def lint_job(job: Job) -> FileResult:
    try:
        if job.refused is not None:
            raise job.refused
        text = job.text if job.text is not None else read_text(job.path)
    except PostmortemsError as exc:
        return FileResult(job.display, error=str(exc), unreadable=_unreadable(job.display, exc))
    config = job.config
    try:
        if job.use_config_files:
            where = os.path.dirname(job.display if job.path == "-" else job.path)
            config = find_config(where).overridden_by(job.config)
        found = lint_text(text, path=job.display, config=config, library=job.library)
    except ConfigError as exc:
        return FileResult(job.display, config_error=str(exc))
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    if not job.fix or not any(v.fix for v in found):
        return FileResult(job.display, tuple(found), source_lines=_lines_of(normalised, found))
    fixed, remaining = _fixed(normalised, found, job, config)
    if fixed == normalised:
        return FileResult(job.display, tuple(found), source_lines=_lines_of(normalised, found))
    return FileResult(
        job.display,
        tuple(remaining),
        original=normalised,
        fixed=fixed,
        fixed_count=max(0, len(found) - len(remaining)),
        source_lines=_lines_of(fixed, remaining),
    )


FIX_PASSES = 5


def _fixed(
    text: str, found: list[Violation], job: Job, config: LintConfig
) -> tuple[str, list[Violation]]:
    """The text with its safe fixes, applied again while a pass makes new ones (as ruff does:
    "**Summary**" becomes a heading, which the next pass names "Issue Summary"), and what is
    left to find in it."""
    for _ in range(FIX_PASSES):
        fixed = fix_text(text, found, job.display)
        if fixed == text:
            break
        text = fixed
        found = lint_text(text, path=job.display, config=config, library=job.library)
        if not any(v.fix for v in found):
            break
    return text, found


def _unreadable(path: str, exc: PostmortemsError) -> Violation:
    """The file that could not be read, as the finding of PM100 (unreadable-document)."""
    line, column = exc.line or 1, exc.column or 1
    return Violation(
        "PM100", "unreadable-document", Severity.ERROR, path, line, column, line, column, exc.said
    )


def _lines_of(text: str, violations: Sequence[Violation]) -> dict[int, str]:
    lines = text.split("\n")
    return {v.line: lines[v.line - 1] for v in violations if 0 < v.line <= len(lines)}


def lint_jobs(
    jobs: Sequence[Job],
    *,
    workers: int | None = None,
    on_done: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Results in the order of ``jobs``; worker processes only when there are many files (and
    no library: the index of earlier postmortems is built once, in this process)."""
    if any(job.library is not None for job in jobs):
        workers = 1
    results = []
    for result in run_all(lint_job, jobs, workers=workers):
        results.append(result)
        if on_done is not None:
            on_done(result)
    return results
