"""Small, lossless edits of a postmortem's Markdown: the status and reviewers fields, one task
line."""

from __future__ import annotations

import re

import yaml

from postmortems.document import frontmatter
from postmortems.document.actionitem import format_item
from postmortems.document.frontblock import split
from postmortems.document.model import ActionItem, Status
from postmortems.errors import PostmortemsError

_STATUS = re.compile(r"^status[ \t]*:.*$", re.MULTILINE)
_REVIEWERS = re.compile(r"^reviewers[ \t]*:(?P<value>.*)$")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")


def set_status(text: str, status: Status) -> str:
    """``text`` with front matter ``status:`` set; front matter is added when there is none.

    The ``status:`` line is rewritten (or added) in place, keeping the rest as it is written;
    when PyYAML would not read the result as ``status`` (the line is inside a quoted value, the
    front matter is a flow mapping), the front matter is written again as ``key: value`` lines.
    """
    yaml_text, _body, _ = split(text)
    if yaml_text is None:
        return f"---\nstatus: {status.value}\n---\n{text}"
    start = text.index(yaml_text)
    if _STATUS.search(yaml_text):
        new_yaml = _STATUS.sub(f"status: {status.value}", yaml_text, count=1)
    else:
        new_yaml = yaml_text + ("" if yaml_text.endswith("\n") or not yaml_text else "\n")
        new_yaml += f"status: {status.value}\n"
    if read_status(new_yaml) is not status:
        data = frontmatter.yaml_data(yaml_text)  # invalid YAML: refused, saying where
        if not isinstance(data, dict):
            raise PostmortemsError(
                "front matter must be a mapping of `key: value` lines",
                hint="write one `key: value` per line between the --- lines",
            )
        new_yaml = yaml.safe_dump(
            {**data, "status": status.value}, sort_keys=False, allow_unicode=True
        )
    return text[:start] + new_yaml + text[start + len(yaml_text) :]


def add_reviewers(text: str, names: list[str]) -> str:
    """``text`` with ``names`` added to front matter ``reviewers:`` (after those listed, a name
    listed already, ``@bob`` or ``Bob`` for ``bob``, not twice); front matter is added when there
    is none.

    Only the field changes: a flow list (``reviewers: [bob]``) is written again on its line, its
    comment kept; a block list (``- bob`` lines) gets a line for each name; a missing field is
    added after ``authors:``. When PyYAML would not read the result so, the front matter is
    written again as ``key: value`` lines, as :func:`set_status` does.
    """
    yaml_text, _body, _ = split(text)
    if yaml_text is None:
        return f"---\nreviewers: {frontmatter.flow_list(names)}\n---\n{text}"
    listed = list(_reviewers(yaml_text))
    seen = {n.lstrip("@").casefold() for n in listed}
    added = [n for n in dict.fromkeys(names) if n.lstrip("@").casefold() not in seen]
    if not added:
        return text
    new_yaml = _with_reviewers(yaml_text, listed, added)
    if _read_reviewers(new_yaml) != (*listed, *added):
        data = frontmatter.yaml_data(yaml_text)
        assert isinstance(data, dict)  # the front matter was read above
        new_yaml = yaml.safe_dump(
            {**data, "reviewers": [*listed, *added]}, sort_keys=False, allow_unicode=True
        )
    start = text.index(yaml_text)
    return text[:start] + new_yaml + text[start + len(yaml_text) :]


def _reviewers(yaml_text: str) -> tuple[str, ...]:
    """The reviewers front matter lists, as the parser reads them (refused when unreadable)."""
    meta, _problems = frontmatter.load(yaml_text)
    return meta.reviewers or ()


def _read_reviewers(yaml_text: str) -> tuple[str, ...] | None:
    """:func:`_reviewers`, or None when the front matter cannot be read."""
    try:
        return _reviewers(yaml_text)
    except PostmortemsError:
        return None


def _with_reviewers(yaml_text: str, listed: list[str], added: list[str]) -> str:
    lines = yaml_text.split("\n")
    at = next((i for i, line in enumerate(lines) if _REVIEWERS.match(line)), None)
    if at is None:  # a new field, under the authors (or last)
        authors = next((i for i, line in enumerate(lines) if line.startswith("authors:")), None)
        end = len(lines) if authors is None else _entry_end(lines, authors)
        while end and authors is None and not lines[end - 1].strip():
            end -= 1  # before the blank end of the front matter
        lines.insert(end, f"reviewers: {frontmatter.flow_list(added)}")
        return "\n".join(lines)
    value = _REVIEWERS.match(lines[at])["value"]  # type: ignore[index]
    end = _entry_end(lines, at)
    if value.strip() and not value.strip().startswith("#"):  # on the line: written again
        said = frontmatter.flow_list([*listed, *added])
        lines[at] = f"reviewers: {said}{_comment(value)}"
        return "\n".join(lines)
    items = [line for line in lines[at + 1 : end] if line.lstrip().startswith("-")]
    indent = items[-1][: len(items[-1]) - len(items[-1].lstrip())] if items else "  "
    new = [f"{indent}- {frontmatter.flow_list([n])[1:-1]}" for n in added]
    lines[end:end] = new
    return "\n".join(lines)


def _comment(value: str) -> str:
    """The comment that ends a line's ``value`` (``  # the peer``), with the blanks before it;
    none when the value is quoted (a ``#`` may be inside the quotes)."""
    if "'" in value or '"' in value:
        return ""
    at = next((i for i, c in enumerate(value) if c == "#" and i and value[i - 1] in " \t"), -1)
    return value[len(value[:at].rstrip()) :] if at >= 0 else ""


def _entry_end(lines: list[str], at: int) -> int:
    """The index after the entry that starts on line ``at``: its indented or ``- `` lines."""
    end = at + 1
    while end < len(lines) and lines[end][:1] in (" ", "\t", "-") and lines[end].strip():
        end += 1
    return end


def read_status(yaml_text: str) -> Status | None:
    """The status front matter states as the parser reads it (None: none, not a status, or
    front matter that cannot be read, which the save shows as its problem)."""
    try:
        return frontmatter.load(yaml_text)[0].status
    except PostmortemsError:
        return None


def replace_task_line(text: str, line: int, item: ActionItem) -> str:
    """``text`` with the list item on 1-based ``line`` rewritten as a checkbox line for ``item``."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        raise PostmortemsError(f"line {line} is outside the document", hint="reload the page")
    m = _ITEM.match(lines[line - 1])
    if m is None:
        raise PostmortemsError(
            f"line {line} is not a list item, so it cannot hold a checkbox",
            hint="turn the task into a `- [ ] …` line in the Markdown first",
        )
    marker = m["marker"]
    lines[line - 1] = m["indent"] + marker + format_item(item)[1:]
    return "\n".join(lines)
