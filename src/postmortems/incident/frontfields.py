"""The front-matter fields a postmortem drafted from an incident holds, and which are still the
record's.

A draft's front matter ends with a comment that lists a fingerprint of each field the incident's
record wrote (:data:`FOLLOWED`), as it was written::

    # generated:front-matter from INC-2026-0042 (fields as drafted: title=1c2f3a
    severity=9b0e4d …; a value you edit is yours)

(one line in the file).

A field whose lines still have the listed fingerprint is the record's: an update from the
incident brings it up to date. A field people changed is theirs, and so is one they took out
(it is not offered again); a field the record writes now and did not then (``mitigated``, once
known) is added. A draft without the comment (written before it) follows the record on every
field but the title (:func:`postmortems.incident.update.offer`).
"""

from __future__ import annotations

import re

from postmortems.document.drafted import fingerprint

# Front-matter keys that follow the incident (the status is the postmortem's own).
UPDATED_KEYS = (
    "severity",
    "services",
    "teams",
    "restricted",
    "timezone",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "incident",
)
# With the comment, the title follows the record too while nobody retitled the postmortem.
FOLLOWED = ("title", *UPDATED_KEYS)

_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w.-]*)\s*:")
_NOTE = re.compile(r"^# generated:front-matter from \S+ \(fields as drafted:(?P<list>[^;)]*)")


def field_lines(yaml_text: str) -> list[tuple[str | None, list[str]]]:
    """Top-level front-matter entries as (key, its lines); comments and blanks have no key."""
    out: list[tuple[str | None, list[str]]] = []
    for line in yaml_text.splitlines(keepends=True):
        m = _KEY_LINE.match(line)
        if m:
            out.append((m["key"], [line]))
        elif is_note(line):  # indented by hand, it is still the comment, not the value's
            out.append((None, [line]))
        elif line[:1] in (" ", "\t", "-") and out and out[-1][0] is not None:
            out[-1][1].append(line)  # the continuation of a block value
        else:
            out.append((None, [line]))
    return out


def field_print(lines: list[str]) -> str:
    """The fingerprint of one field as written (its lines, without the spaces that end them)."""
    return fingerprint("\n".join(line.rstrip() for line in lines))


def note(source: str, prints: dict[str, str]) -> str:
    """The comment line that lists ``prints`` (field → fingerprint) drafted from ``source``."""
    listed = " ".join(f"{key}={prints[key]}" for key in FOLLOWED if key in prints)
    return (
        f"# generated:front-matter from {source} "
        f"(fields as drafted: {listed}; a value you edit is yours)\n"
    )


def prints_of(yaml_text: str) -> dict[str, str]:
    """Each followed field of ``yaml_text`` and its fingerprint."""
    return {
        key: field_print(lines)
        for key, lines in field_lines(yaml_text)
        if key is not None and key in FOLLOWED
    }


def with_note(yaml_text: str, source: str) -> str:
    """The record's front matter (``yaml_text``, as drafted) with its comment."""
    return yaml_text + note(source, prints_of(yaml_text))


def is_note(line: str) -> bool:
    return _NOTE.match(line.lstrip()) is not None


def drafted(yaml_text: str) -> dict[str, str] | None:
    """The fields as drafted (field → fingerprint) the comment lists; None without it."""
    for key, lines in field_lines(yaml_text):
        found = _NOTE.match(lines[0].lstrip()) if key is None else None
        if found:
            pairs = (item.partition("=") for item in found["list"].split())
            return {key: value for key, sep, value in pairs if sep}
    return None
