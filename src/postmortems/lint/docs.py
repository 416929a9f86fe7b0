"""Rule documentation, derived from the rules' docstrings (What it does / Why it matters /
Example / Use instead). ``python -m postmortems.lint.docs docs/rules`` writes the pages; a test
fails when a page is missing or out of date.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

from postmortems.lint.options import OPTIONS, OptionSpec
from postmortems.lint.profiles import PROFILES
from postmortems.lint.registry import FAMILIES, Rule, all_rules
from postmortems.lint.selection import decide

SECTIONS = ("What it does", "Why it matters", "Example", "Use instead")
_HEADER = re.compile(r"^(What it does|Why it matters|Example|Use instead):\s*$", re.MULTILINE)


_AFTER_PERIOD = re.compile(r"(?<=\.)\s")
_BLOCK_START = re.compile(r"^(#|-|\*|---|\||\d+\.)", re.MULTILINE)


def parse_docstring(doc: str) -> dict[str, str]:
    """The four documented parts of a rule docstring (missing parts are absent)."""
    text = inspect.cleandoc(doc)
    parts: dict[str, str] = {}
    matches = list(_HEADER.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = inspect.cleandoc(text[m.end() : end].strip("\n"))
        parts[m[1]] = body.strip()
    return parts


def summary_of(rule: Rule) -> str:
    what = parse_docstring(rule.doc).get("What it does", rule.name)
    first = _AFTER_PERIOD.split(" ".join(what.split()), maxsplit=1)[0]
    return first


def profiles_of(rule: Rule) -> list[str]:
    out = []
    for p in PROFILES.values():
        entries = [(x, True, 0) for x in p.select] + [(x, False, 0) for x in p.ignore]
        if decide(rule.code, entries):
            out.append(p.name)
    return out


def _is_markdown(text: str) -> bool:
    return bool(_BLOCK_START.search(text)) or "\n" in text


def render_rule(rule: Rule) -> str:
    parts = parse_docstring(rule.doc)
    fix = " Fixable with `pm lint --fix`." if "--fix" in rule.doc else ""
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        f"Family: {rule.code[:3]}xx ({rule.family}). Severity: {rule.severity.value}. "
        f"Profiles: {', '.join(profiles_of(rule)) or 'none (select it explicitly)'}.{fix}",
        "",
        f"Checks: {rule.requirement}.",
        "",
    ]
    for name in SECTIONS:
        body = parts.get(name, "")
        lines.append(f"## {name}")
        lines.append("")
        if name in ("Example", "Use instead") and _is_markdown(body):
            lines += ["```markdown", body, "```"]
        else:
            lines.append(body)
        lines.append("")
    lines += [
        "## Silence it",
        "",
        f"`<!-- pm: disable-next-line={rule.code} -->` above the line, "
        f"`<!-- pm: disable={rule.code} -->` for the whole file, or "
        f'`ignore = ["{rule.code}"]` in `[tool.postmortems.lint]`.',
        "",
    ]
    return "\n".join(lines)


def render_index() -> str:
    rules = all_rules()
    lines = [
        "# Lint rules",
        "",
        "Generated from the rules' docstrings by `python -m postmortems.lint.docs docs/rules`.",
        "Every requirement of the classic format (DESIGN §1) maps to at least one rule.",
        "",
        "| code | name | severity | requirement it checks | profiles |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        lines.append(
            f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity.value} | {r.requirement} | "
            f"{', '.join(profiles_of(r))} |"
        )
    lines += ["", "## Families", "", "| prefix | about |", "| --- | --- |"]
    lines += [f"| {k}xx | {v} |" for k, v in FAMILIES.items()]
    lines += ["", "## Profiles", ""]
    lines += [f"- **{p.name}**: {p.description}" for p in PROFILES.values()]
    lines += [
        "",
        "## Options",
        "",
        "Set in `[tool.postmortems.lint]` (pyproject.toml) or `[lint]` (.postmortems.toml). An",
        "unknown option or table, a value of the wrong type or out of its range, or a regular",
        "expression that does not compile stops `pm lint` with exit status 2 and names it.",
        "",
        "| option | classic | google-sre | minimal | values | meaning |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for spec in OPTIONS:
        cells = [str(spec.default_for(p)) for p in ("classic", "google-sre", "minimal")]
        lines.append(f"| `{spec.name}` | {' | '.join(cells)} | {_values(spec)} | {spec.help} |")
    lines.append("")
    return "\n".join(lines)


def _values(spec: OptionSpec) -> str:
    if spec.type is list:
        return "regular expressions" if spec.patterns else "words"
    return f"{spec.least}–{spec.most}" if spec.most else f"≥ {spec.least}"


def expected_pages() -> dict[str, str]:
    pages = {f"{r.code}.md": render_rule(r) for r in all_rules()}
    pages["index.md"] = render_index()
    return pages


def write_pages(directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_pages().items():
        target = directory / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(name)
    return written


if __name__ == "__main__":
    for page in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")):
        print(f"wrote {page}")
