"""Alert payloads as they arrive on a hook: Alertmanager webhook v4, Grafana alerting, generic JSON.

Each parser takes the raw body (bytes) and returns a :class:`Notification` of plain values, or
raises :class:`PayloadError` naming the field by JSON pointer (RFC 6901), what is wrong with it
and how to fix it. Nothing here touches a database: the server stores what comes out.

The generic form (``docs/incidents.md``)::

    {"group": "checkout-latency",            # optional; default: one group per alert id
     "alerts": [{"id": "checkout-p99",        # required; the de-duplication key
                 "status": "firing",          # firing | resolved
                 "summary": "p99 above 2 s",  # required
                 "labels": {"severity": "critical", "service": "checkout"},
                 "annotations": {"description": "…", "runbook_url": "https://…"},  # optional
                 "started_at": "2026-03-01T10:00:00Z",   # RFC 3339 with an offset
                 "ended_at": null,            # optional; required when resolved
                 "link": "https://grafana.example/d/abc"}]}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from postmortems.errors import PostmortemsError

MAX_ALERTS = 1000  # per payload; Alertmanager's max_alerts is unlimited by default
MAX_TEXT = 10_000  # characters in one label, annotation or summary
ALERT_STATUSES = ("firing", "resolved")
ZERO_TIME = "0001-01-01T00:00:00Z"  # Alertmanager's "not ended"


class PayloadError(PostmortemsError):
    """A payload that cannot be taken: ``pointer`` is the JSON pointer of the bad field."""

    def __init__(self, pointer: str, message: str, hint: str) -> None:
        super().__init__(f"{pointer or '/'}: {message}", hint=hint)
        self.pointer = pointer or "/"
        self.problem = message


@dataclass(frozen=True, slots=True)
class AlertIn:
    """One alert of a payload."""

    fingerprint: str
    status: str  # firing | resolved
    starts_at: datetime
    ends_at: datetime | None
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]
    link: str = ""

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)

    @property
    def summary(self) -> str:
        """What the alert says: its summary or description annotation, else its name."""
        notes = dict(self.annotations)
        labels = dict(self.labels)
        for text in (notes.get("summary"), notes.get("description"), labels.get("alertname")):
            if text:
                return text
        return self.fingerprint

    @property
    def external_id(self) -> str:
        """The de-duplication key of this alert's firing: fingerprint and start."""
        return f"{self.fingerprint}:{self.starts_at.isoformat()}"


@dataclass(frozen=True, slots=True)
class Notification:
    """One payload: a group of alerts, as the sender grouped them."""

    source: str  # alertmanager | grafana | generic
    group_key: str
    status: str
    alerts: tuple[AlertIn, ...]
    external_url: str = ""


# -- reading JSON --------------------------------------------------------------------------------


def load_json(body: bytes) -> Any:
    """The body as JSON; a :class:`PayloadError` says where it stops being JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(
            "", f"the body is not UTF-8 (byte {exc.start})", "send the payload as UTF-8 JSON"
        ) from None
    if not text.strip():
        raise PayloadError("", "the body is empty", "send the alert payload as a JSON object")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = "the JSON is cut short: send the whole payload" if cut else "fix the JSON there"
        raise PayloadError("", f"not valid JSON at {where}: {exc.msg}", hint) from None
    except RecursionError:
        raise PayloadError("", "the JSON is nested too deeply", "send a flat payload") from None
    except ValueError as exc:  # a number of more than 4,300 digits, which Python will not read
        raise PayloadError(
            "",
            f"the JSON holds a value we cannot read: {exc}",
            "send the alert payload as Alertmanager or Grafana writes it",
        ) from None


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _object(data: Any, pointer: str, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PayloadError(pointer, f"expected {what} (an object), got {_kind(data)}", "send {…}")
    return data


def _string(data: Mapping[str, Any], key: str, pointer: str, *, required: bool = True) -> str:
    here = f"{pointer}/{_escape(key)}"
    if key not in data or data[key] is None:
        if required:
            raise PayloadError(here, "is missing", f"add the field {key!r}")
        return ""
    value = data[key]
    if not isinstance(value, str):
        raise PayloadError(here, f"expected a string, got {_kind(value)}", f"send {key!r} as text")
    if len(value) > MAX_TEXT:
        raise PayloadError(here, f"is {len(value)} characters long", f"keep it under {MAX_TEXT}")
    if "\x00" in value:
        raise PayloadError(here, "holds a NUL character (\\u0000)", "remove it: no field takes one")
    if required and not value.strip():
        raise PayloadError(here, "is empty", f"give {key!r} a value")
    return value


def _pairs(data: Mapping[str, Any], key: str, pointer: str) -> tuple[tuple[str, str], ...]:
    """A string-to-string map (labels, annotations); missing is empty."""
    here = f"{pointer}/{_escape(key)}"
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise PayloadError(here, f"expected an object of strings, got {_kind(value)}", "send {}")
    for name in value:
        if "\x00" in name or len(name) > 200:
            raise PayloadError(here, "has a name with a NUL or over 200 characters", "rename it")
        _string(value, name, here, required=False)
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))


def _time(data: Mapping[str, Any], key: str, pointer: str, *, required: bool) -> datetime | None:
    text = _string(data, key, pointer, required=required)
    if not text or text == ZERO_TIME:
        if required:
            raise PayloadError(f"{pointer}/{key}", "is missing", f"add {key!r} as RFC 3339 time")
        return None
    here = f"{pointer}/{_escape(key)}"
    hint = "write an RFC 3339 time with an offset, e.g. 2026-03-01T10:00:00Z"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(here, f"{text[:40]!r} is not a time", hint) from None
    if when.tzinfo is None:
        raise PayloadError(here, f"{text[:40]!r} has no UTC offset", hint)
    try:
        when.astimezone(UTC)  # the offset is kept; but at the calendar's ends it cannot be stored
    except OverflowError:
        raise PayloadError(here, f"{text[:40]!r} is outside the calendar", hint) from None
    return when


def _status(data: Mapping[str, Any], pointer: str, key: str = "status") -> str:
    value = _string(data, key, pointer)
    if value not in ALERT_STATUSES:
        raise PayloadError(
            f"{pointer}/{key}", f"{value[:40]!r} is not a status", "use 'firing' or 'resolved'"
        )
    return value


def _alert_list(data: Mapping[str, Any]) -> list[Any]:
    alerts = data.get("alerts")
    if not isinstance(alerts, list):
        got = "missing" if alerts is None else f"{_kind(alerts)}, not an array"
        raise PayloadError("/alerts", f"is {got}", "send the alerts as an array")
    if not alerts:
        raise PayloadError("/alerts", "is empty", "send at least one alert")
    if len(alerts) > MAX_ALERTS:
        raise PayloadError(
            "/alerts", f"holds {len(alerts)} alerts", f"send at most {MAX_ALERTS} per payload"
        )
    return alerts


def fingerprint_of(labels: tuple[tuple[str, str], ...]) -> str:
    """A stable fingerprint from the labels, for senders that send none (16 hex digits)."""
    text = "\x00".join(f"{k}\x01{v}" for k, v in sorted(labels))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# -- Alertmanager and Grafana --------------------------------------------------------------------


# Grafana's links of an alert, beside its annotations in its payload: kept with them (an
# annotation of the same name, set by the rule's author, wins).
GRAFANA_LINKS = ("dashboardURL", "panelURL")


def _am_alert(data: Any, pointer: str, links: tuple[str, ...] = ()) -> AlertIn:
    alert = _object(data, pointer, "an alert")
    labels = _pairs(alert, "labels", pointer)
    if not labels:
        raise PayloadError(f"{pointer}/labels", "is missing or empty", "give the alert labels")
    status = _status(alert, pointer)
    ends = _time(alert, "endsAt", pointer, required=False)
    annotations = dict(_pairs(alert, "annotations", pointer))
    for name in links:
        found = _string(alert, name, pointer, required=False)
        if found and name not in annotations:
            annotations[name] = found
    return AlertIn(
        fingerprint=_string(alert, "fingerprint", pointer, required=False)
        or fingerprint_of(labels),
        status=status,
        starts_at=_time(alert, "startsAt", pointer, required=True),  # type: ignore[arg-type]
        ends_at=ends if status == "resolved" else None,
        labels=labels,
        annotations=tuple(sorted(annotations.items())),
        link=_string(alert, "generatorURL", pointer, required=False),
    )


def _grouped(data: Any, source: str, version: str) -> Notification:
    body = _object(data, "", "a webhook payload")
    found = body.get("version")
    if found != version:
        hint = (
            f"this endpoint takes {source} webhook payloads (version {version!r}); "
            "check the integration's kind"
        )
        raise PayloadError("/version", f"is {found!r}, expected {version!r}", hint)
    alerts = _alert_list(body)
    return Notification(
        source=source,
        group_key=_string(body, "groupKey", ""),
        status=_status(body, ""),
        alerts=tuple(
            _am_alert(a, f"/alerts/{i}", GRAFANA_LINKS if source == "grafana" else ())
            for i, a in enumerate(alerts)
        ),
        external_url=_string(body, "externalURL", "", required=False),
    )


def parse_alertmanager(body: bytes) -> Notification:
    """A Prometheus Alertmanager webhook payload (``"version": "4"``)."""
    return _grouped(load_json(body), "alertmanager", "4")


def parse_grafana(body: bytes) -> Notification:
    """A Grafana alerting webhook payload (``"version": "1"``, Alertmanager's shape)."""
    return _grouped(load_json(body), "grafana", "1")


# -- the generic form ----------------------------------------------------------------------------


def _generic_alert(data: Any, pointer: str) -> AlertIn:
    alert = _object(data, pointer, "an alert")
    status = _status(alert, pointer)
    ends = _time(alert, "ended_at", pointer, required=status == "resolved")
    summary = _string(alert, "summary", pointer)
    annotations = {**dict(_pairs(alert, "annotations", pointer)), "summary": summary}
    return AlertIn(
        fingerprint=_string(alert, "id", pointer),
        status=status,
        starts_at=_time(alert, "started_at", pointer, required=True),  # type: ignore[arg-type]
        ends_at=ends if status == "resolved" else None,
        labels=_pairs(alert, "labels", pointer),
        annotations=tuple(sorted(annotations.items())),
        link=_string(alert, "link", pointer, required=False),
    )


def parse_generic(body: bytes) -> Notification:
    """The documented generic form (see the module docstring)."""
    data = _object(load_json(body), "", "a payload")
    alerts = tuple(_generic_alert(a, f"/alerts/{i}") for i, a in enumerate(_alert_list(data)))
    group = _string(data, "group", "", required=False)
    firing = any(a.status == "firing" for a in alerts)
    return Notification(
        source="generic",
        group_key=group or f"generic:{alerts[0].fingerprint}",
        status="firing" if firing else "resolved",
        alerts=alerts,
    )


PARSERS = {
    "alertmanager": parse_alertmanager,
    "grafana": parse_grafana,
    "generic": parse_generic,
}
KINDS = tuple(PARSERS)


def parse(kind: str, body: bytes) -> Notification:
    """The payload of an integration of ``kind``."""
    try:
        parser = PARSERS[kind]
    except KeyError:
        raise PayloadError(
            "", f"unknown integration kind {kind!r}", f"use one of {KINDS}"
        ) from None
    return parser(body)
