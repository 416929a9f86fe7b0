"""Small, lossless edits of a postmortem's Markdown: the status field, one task line."""

from __future__ import annotations

import re

import yaml

from postmortems.document import frontmatter
from postmortems.document.actionitem import format_item
from postmortems.document.frontblock import split
from postmortems.document.model import ActionItem, Status
from postmortems.errors import PostmortemsError

_STATUS = re.compile(r"^status[ \t]*:.*$", re.MULTILINE)
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
