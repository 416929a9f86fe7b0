"""The common shape of front matter read without PyYAML, which costs ~11 ms to import.

Front matter written by ``pm new`` and the canonical writer is one ``key: value`` per line, with
plain or quoted text, numbers, booleans, ISO dates and one-level flow lists and mappings. This
reads exactly that and gives what ``yaml.safe_load`` gives; for anything else (block lists,
indentation, anchors, escapes, numbers YAML 1.1 reads in odd ways…) it returns None and the
caller uses PyYAML, which also reports the errors.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_COMMENT = re.compile(r"(?<![ \t])[ \t]+#.*$")
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/@()+-]*$")  # no ':', '#', ',', quotes or brackets
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# No seconds: YAML 1.1 has no timestamp without them, so PyYAML reads these as text too.
_DATETIME_TEXT = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?:[+-][0-9]{2}:[0-9]{2}|Z)?$"
)
_SPECIAL: dict[str, bool | None] = {
    **dict.fromkeys(["true", "True", "TRUE"], True),
    **dict.fromkeys(["false", "False", "FALSE"], False),
    **dict.fromkeys(["null", "Null", "NULL", "~"], None),
}
# Words YAML 1.1 reads as booleans: leave them to PyYAML.
_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}
_SPECIAL_LOWER = {"true", "false", "null", "nan", "inf", "~"}


class _Unsupported(Exception):
    pass


def load(text: str) -> dict[str, Any] | None:
    """The mapping PyYAML would read from ``text``, or None when ``text`` is not that simple."""
    data: dict[str, Any] = {}
    try:
        for line in text.split("\n"):
            stripped = line.strip()
            if not stripped or (stripped.startswith("#") and line.startswith("#")):
                continue
            m = _LINE.match(line)
            if m is None or m["key"].lower() in _BOOL_WORDS | _SPECIAL_LOWER:
                return None  # not `key: value`, or a key YAML reads as a boolean or null
            data[m["key"]] = _value(m["value"] or "")
    except _Unsupported:
        return None
    return data or None  # an empty document is None for PyYAML too; let it say so


def _value(raw: str) -> Any:
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        rest = raw[end + 1 :] if end > 0 else ""
        if end > 0 and (not rest or re.match(r"[ \t]+#", rest)):
            raw = raw[: end + 1]  # a comment after the closing quote
    else:
        raw = "" if raw.startswith("#") else _COMMENT.sub("", raw)  # `id:   # help` is empty
    if raw.startswith("[") and raw.endswith("]"):
        return [_scalar(item.strip()) for item in _items(raw[1:-1])]
    if raw.startswith("{") and raw.endswith("}"):
        out: dict[str, Any] = {}
        for item in _items(raw[1:-1]):
            key, sep, value = item.partition(":")
            if not sep or not _PLAIN.match(key.strip()) or (value and value[0] not in " \t"):
                raise _Unsupported
            out[key.strip()] = _scalar(value.strip())
        return out
    return _scalar(raw)


def _items(inner: str) -> list[str]:
    if any(c in inner for c in "[]{}'\""):
        raise _Unsupported
    if not inner.strip():
        return []
    items = inner.split(",")
    if not all(item.strip() for item in items):
        raise _Unsupported  # an empty item ("[,0]", "[a,]"): leave the details to PyYAML
    return items


def _scalar(raw: str) -> Any:
    if raw == "":
        return None
    if raw in _SPECIAL:
        return _SPECIAL[raw]
    if len(raw) >= 2 and raw[0] == raw[-1] == "'" and "'" not in raw[1:-1]:
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"' and not any(c in raw[1:-1] for c in '"\\'):
        return raw[1:-1]
    if _INT.match(raw):
        return int(raw)
    if _FLOAT.match(raw):
        return float(raw)
    if _DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise _Unsupported from None
    if _DATETIME_TEXT.match(raw):
        return raw
    if _PLAIN.match(raw) and raw.lower() not in _BOOL_WORDS and raw.lower() not in _SPECIAL_LOWER:
        return raw.rstrip()
    raise _Unsupported
