"""``path:line:col: PM302 warning: message``, the source line and a caret; colour only on a
terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from postmortems.lint.runner import FileResult
from postmortems.lint.violation import Severity, Violation

_COLOURS = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;34m",
}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


@dataclass(slots=True)
class TextStyle:
    """How findings are printed: colour, and whether the source line is shown."""

    colour: bool = False
    show_source: bool = True
    explain: bool = False  # also print which section a rule read, and why

    def paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour else text


def format_violation(v: Violation, source_line: str | None, style: TextStyle) -> str:
    # the severity is spelled out: colour alone is lost in a pipe, a log or to a colour-blind eye
    label = style.paint(f"{v.code} {v.severity.value}:", _COLOURS[v.severity])
    head = f"{style.paint(v.location, _BOLD)}: {label} {v.message}"
    if v.fix is not None:
        head += style.paint(" [*]", _DIM)
    if style.explain and v.explain:
        head += "\n  " + style.paint(f"= {v.explain}", _DIM)
    if not style.show_source or source_line is None or not source_line.strip():
        return head
    shown = source_line.expandtabs(4).rstrip()
    number = str(v.line)
    pad = " " * len(number)
    start = max(0, min(v.column - 1, len(shown)))
    end = v.end_column - 1 if v.end_line == v.line else len(shown)
    width = max(1, min(end, len(shown)) - start)
    caret = style.paint("^" * width, _COLOURS[v.severity])
    bar = style.paint("|", _DIM)
    return f"{head}\n {style.paint(number, _DIM)} {bar} {shown}\n {pad} {bar} {' ' * start}{caret}"


def format_text(results: Sequence[FileResult], style: TextStyle) -> str:
    chunks: list[str] = []
    for result in results:
        for v in result.violations:
            chunks.append(format_violation(v, result.source_lines.get(v.line), style))
    return "\n".join(chunks)


def summary(results: Sequence[FileResult], fixable: bool = True) -> str:
    counts = Counter(v.severity for r in results for v in r.violations)
    total = sum(counts.values())
    fixed = sum(r.fixed_count for r in results)
    unread = sum(1 for r in results if r.error)
    files = len(results) - unread
    parts = []
    if fixed:
        parts.append(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.")
    if not total and not unread:
        parts.append(f"All checks passed ({_files(files)}).")
    elif not total and files:
        parts.append(f"No problems in {_files(files)}.")
    elif total:
        detail = ", ".join(
            f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
            for s in Severity
            if counts[s]
        )
        parts.append(
            f"Found {total} problem{'s' if total != 1 else ''} ({detail}) in {_files(files)}."
        )
    if unread:  # said on stderr; the summary must not read as a pass
        parts.append(f"{_files(unread).capitalize()} could not be read.")
    can_fix = sum(1 for r in results for v in r.violations if v.fix is not None)
    if can_fix and fixable:
        parts.append(f"{can_fix} fixable with `pm lint --fix` (marked [*]).")
    return " ".join(parts)


def _files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"


def statistics(results: Sequence[FileResult]) -> str:
    counts: Counter[tuple[str, str]] = Counter(
        (v.code, v.name) for r in results for v in r.violations
    )
    fixable = {v.code for r in results for v in r.violations if v.fix is not None}
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    width = max((len(str(n)) for _k, n in rows), default=1)
    return "\n".join(
        f"{n:>{width}}\t{code}\t{'[*] ' if code in fixable else ''}{name}"
        for (code, name), n in rows
    )
