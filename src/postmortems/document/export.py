"""The whole model as JSON-ready data (``pm parse --format json``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

from postmortems.document.model import Document
from postmortems.document.zones import Zone


def _plain(value: Any) -> Any:
    if isinstance(value, Zone):
        return {"label": value.label, "offset_minutes": value.offset, "iana": value.iana}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "source"
        }
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, bytes):  # YAML !!binary in unknown front-matter keys
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (set, frozenset)):  # YAML !!set
        return sorted(_plain(v) for v in value)
    return str(value)


def to_json(doc: Document) -> dict[str, Any]:
    data: dict[str, Any] = _plain(doc)
    data["is_postmortem"] = doc.is_postmortem
    return data
