"""YAML front matter, read into :class:`Meta`, written back canonically (frontblock splits it)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import yaml

from postmortems import servicenames
from postmortems.document import frontblock
from postmortems.document.fields import FIELDS, FieldSpec, FieldType
from postmortems.document.model import CauseCategory, Meta, Problem, Severity, Status
from postmortems.document.zones import Zone, zone_from_text
from postmortems.errors import FrontMatterError

# libyaml's parser when PyYAML was built with it, else the pure-Python one (same results).
_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _RepeatedKey(yaml.constructor.ConstructorError):
    pass


def refusing_repeated_keys(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """``base`` (a PyYAML safe loader) refusing a key given twice in one mapping: YAML forbids
    it, and PyYAML would keep the last silently (`restricted: true` … `restricted: false`)."""

    class Loader(base):  # type: ignore[valid-type,misc]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            first: dict[str, yaml.Node] = {}
            for key, _ in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    continue  # a list or mapping as a key: no field has one
                if key.value in first:
                    line = first[key.value].start_mark.line + 2
                    raise _RepeatedKey(
                        problem=f"`{key.value}` is given twice (first on line {line})",
                        problem_mark=key.start_mark,
                    )
                first[key.value] = key
            mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return mapping

    return Loader


_LOADER = refusing_repeated_keys(_BASE)
_ENUMS: dict[str, type[Severity] | type[Status] | type[CauseCategory]] = {
    "status": Status,
    "severity": Severity,
    "cause_category": CauseCategory,
}


def load(yaml_text: str, path: str | None = None) -> tuple[Meta, list[Problem]]:
    """Read front matter; invalid YAML raises, values of the wrong type become problems."""
    data = _yaml_load(yaml_text, path)
    if data is None:
        return Meta(), []
    if not isinstance(data, dict):
        raise FrontMatterError(
            "front matter must be a mapping of `key: value` lines",
            path=path,
            line=2,
            column=1,
            hint="write one `key: value` per line between the --- lines",
        )
    return _to_meta(data, yaml_text)


def refuse_unclosed(text: str, path: str | None) -> None:
    """Front matter whose closing ``---`` is missing is an error, not prose."""
    line = frontblock.unclosed(text)
    if line is not None:
        raise FrontMatterError(
            "front matter opened with --- on line 1 is never closed",
            path=path,
            line=1,
            column=1,
            hint=f"add a line --- after its last field (before line {line})",
        )


def yaml_data(yaml_text: str) -> Any:
    """The front matter as PyYAML reads it (aliases refused, errors as FrontMatterError)."""
    return _yaml_load(yaml_text, None)


def _yaml_load(yaml_text: str, path: str | None) -> Any:
    try:
        _refuse_aliases(yaml_text, path)
        return yaml.load(yaml_text, Loader=_LOADER)
    except RecursionError:
        raise FrontMatterError(
            "front matter is nested too deeply",
            path=path,
            line=2,
            column=1,
            hint="write one `key: value` per line between the --- lines",
        ) from None
    except ValueError as exc:  # a well-formed but impossible date: 2024-02-30
        raise FrontMatterError(
            f"front matter has an impossible value: {exc}",
            path=path,
            line=_bad_line(yaml_text),
            column=1,
            hint="fix the date (YYYY-MM-DD) on that line",
        ) from None
    except _RepeatedKey as exc:
        raise FrontMatterError(
            f"front matter is not valid YAML: {exc.problem}",
            path=path,
            **_position(exc.problem_mark),
            hint="keep one of the two: a key is given once (YAML would silently keep the last)",
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise FrontMatterError(
            f"front matter is not valid YAML: {_said(exc)}",
            path=path,
            **_position(_where(exc)),
            hint="fix the YAML between the --- lines (quote values containing ':' or '#')",
        ) from None
    except yaml.YAMLError:
        raise FrontMatterError(
            "front matter is not valid YAML",
            path=path,
            line=2,
            column=1,
            hint="fix the YAML between the --- lines (quote values containing ':' or '#')",
        ) from None


class _Mark(Protocol):
    """Where PyYAML is in the text (its pure-Python and libyaml marks both have these)."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


def _unclosed(exc: yaml.MarkedYAMLError) -> bool:
    """The text ended inside something opened earlier (a quote, a ``[`` or ``{``): the place to
    fix is where it was opened, not the end of the front matter."""
    return exc.context_mark is not None and "end of stream" in (exc.problem or "")


def _said(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if _unclosed(exc) and exc.context:
        return f"{exc.context.removeprefix('while scanning ')} opened here is never closed"
    return problem


def _where(exc: yaml.MarkedYAMLError) -> _Mark | None:
    return exc.context_mark if _unclosed(exc) else exc.problem_mark


def _position(mark: _Mark | None) -> dict[str, int]:
    """The file line and column of a PyYAML mark in the front matter (the file's line 1 is the
    opening ``---``; marks count from 0)."""
    if mark is None:
        return {"line": 2, "column": 1}
    return {"line": mark.line + 2, "column": mark.column + 1}


def _refuse_aliases(yaml_text: str, path: str | None) -> None:
    """Refuse anchors and aliases before anything is built: nested aliases expand
    exponentially ("billion laughs"), and no front-matter field needs them."""
    if "&" not in yaml_text and "*" not in yaml_text:
        return
    for event in yaml.parse(yaml_text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise FrontMatterError(
                "front matter uses a YAML anchor or alias (`&name`, `*name`)",
                path=path,
                **_position(event.start_mark),
                hint="write the value out in full instead of referring to it",
            )


def _bad_line(yaml_text: str) -> int:
    """The file line of the first front-matter line YAML cannot construct (2 = first line)."""
    for number, line in enumerate(yaml_text.split("\n"), start=2):
        try:
            yaml.load(line, Loader=_LOADER)
        except (ValueError, yaml.YAMLError):
            return number
    return 2


def _line_of(key: str, yaml_text: str) -> int:
    """The file line where ``key`` is given: on a line of its own, else inside a flow mapping
    (``impact: {users_affected_pct: 150}``); 1 when it cannot be found."""
    m = re.search(rf"^\s*{re.escape(key)}\s*:", yaml_text, re.MULTILINE) or re.search(
        rf"[{{,]\s*{re.escape(key)}\s*:", yaml_text
    )
    return yaml_text[: m.start()].count("\n") + 2 if m else 1


def _to_meta(data: dict[Any, Any], yaml_text: str) -> tuple[Meta, list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    rejected: set[str] = set()  # keys whose value is kept as written (in `extra`)
    for spec in FIELDS:
        raw = _lookup(data, spec)
        if raw is None:
            continue
        try:
            values[spec.meta_attr] = _convert(spec, raw)
        except ValueError as exc:
            key = spec.name.split(".")[-1]
            rejected.add(spec.name)
            problems.append(
                Problem(
                    f"front matter `{spec.name}`: {exc}",
                    _line_of(key, yaml_text),
                    1,
                    f"expected {'list of service names' if spec.names else spec.type.value}, "
                    f"e.g. `{spec.example}`",
                )
            )
    problems += _out_of_order(values, yaml_text)
    return Meta(**values, extra=_extra(data, rejected)), problems


# The front matter's times that cannot come before another: the impact begins first, and the
# incident is resolved after it was mitigated (detection may come last: found once it was over).
_ORDER = (
    ("started", "detected"),
    ("started", "mitigated"),
    ("started", "resolved"),
    ("mitigated", "resolved"),
)


def _out_of_order(values: dict[str, Any], yaml_text: str) -> list[Problem]:
    """A time given before the one it follows (`resolved` before `started`): one is wrong."""
    problems = []
    for first, then in _ORDER:
        a, b = values.get(first), values.get(then)
        if not (isinstance(a, dt.datetime) and isinstance(b, dt.datetime)):
            continue
        if (a.tzinfo is None) == (b.tzinfo is None) and b < a:
            problems.append(
                Problem(
                    f"front matter `{then}` ({b:%Y-%m-%d %H:%M}) is before `{first}` "
                    f"({a:%Y-%m-%d %H:%M})",
                    _line_of(then, yaml_text),
                    1,
                    f"{then} comes after {first}: correct the one that is wrong",
                )
            )
    return problems


def _extra(data: dict[Any, Any], rejected: set[str]) -> tuple[tuple[str, Any], ...]:
    """Everything the fields do not hold, in order, so that a rewrite loses nothing: unknown
    keys, values of the wrong type, and the rest of a nested mapping such as ``impact``."""
    nested = {spec.nested: spec.name.split(".")[-1] for spec in FIELDS if spec.nested}
    known = {spec.name for spec in FIELDS if not spec.nested}
    # The rest of a nested mapping comes first: the writer puts it where its field goes.
    first: list[tuple[str, Any]] = []
    extra: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = str(key)
        if name in nested and isinstance(value, dict):
            inner = nested[name]
            rest = {k: v for k, v in value.items() if k != inner or f"{name}.{inner}" in rejected}
            if rest:
                first.append((name, rest))
        elif name in nested:
            if value is not None:  # an empty key is dropped, as for every field
                first.append((name, value))
        elif name not in known or name in rejected:
            extra.append((name, value))
    return tuple(first + extra)


def _lookup(data: dict[Any, Any], spec: FieldSpec) -> Any:
    if spec.nested:
        inner = data.get(spec.nested)
        return inner.get(spec.name.split(".")[-1]) if isinstance(inner, dict) else None
    return data.get(spec.name)


def _convert(spec: FieldSpec, raw: Any) -> Any:
    kind = spec.type
    if kind is FieldType.TEXT:
        if isinstance(raw, (dict, list)):
            raise ValueError("must be text")
        return str(raw)
    if kind is FieldType.LIST:
        items = raw if isinstance(raw, list) else [raw]
        if any(isinstance(i, (dict, list)) for i in items):
            raise ValueError("must be a list of text")
        texts = tuple(str(i) for i in items if i is not None)
        if spec.names:
            _check_names(texts)
        return texts
    if kind is FieldType.BOOL:
        if not isinstance(raw, bool):
            raise ValueError("must be true or false")
        return raw
    if kind is FieldType.ENUM:
        enum_type = _ENUMS[spec.name]
        text = str(raw).strip()
        for member in enum_type:
            if member.value.lower() == text.lower():
                return member
        raise ValueError(f"{text!r} is not one of {', '.join(spec.choices)}")
    if kind is FieldType.PERCENT:
        if isinstance(raw, bool):
            raise ValueError("must be a number")
        value = float(str(raw).rstrip("%"))
        if not 0 <= value <= 100:
            raise ValueError("must be between 0 and 100")
        return value
    if kind is FieldType.ZONE:
        zone = zone_from_text(str(raw))
        if zone is None:
            raise ValueError(f"unknown timezone {raw!r}")
        return zone
    return _datetime(raw)


def _check_names(texts: tuple[str, ...]) -> None:
    """Every item is a service name as written (a file is not normalised: it says the name)."""
    for text in texts:
        if servicenames.is_name(text):
            continue
        name = servicenames.normal(text)
        write = f"write `{name}`" if servicenames.is_name(name) else servicenames.FORM
        raise ValueError(f"{text[:80]!r} is not a service name ({write})")


def _datetime(raw: Any) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time())
    try:
        return dt.datetime.fromisoformat(str(raw).strip().replace(" ", "T", 1))
    except ValueError:
        raise ValueError(f"{raw!r} is not an ISO 8601 date-time") from None


# --- writing -------------------------------------------------------------------------------


def dump(meta: Meta) -> str:
    """Canonical front matter (without the --- lines); empty when ``meta`` holds nothing."""
    return "".join(f"{key}: {value}\n" for key, value in _items(meta))


def _items(meta: Meta) -> Iterator[tuple[str, str]]:
    extras = dict(meta.extra)
    for spec in FIELDS:
        value = getattr(meta, spec.meta_attr)
        if spec.nested:
            inner = extras.pop(spec.nested, None)
            if inner is not None and not isinstance(inner, dict):  # kept as written
                yield spec.nested, _flow(inner)
                continue
            nested = {} if value is None else {spec.name.split(".")[-1]: _number(value)}
            nested.update(inner or {})
            if nested:
                yield spec.nested, _flow(nested)
            continue
        if value is not None:
            yield spec.name, _scalar(spec, value)
    for key, value in extras.items():
        yield _key(key), _flow(value)


def _key(key: str) -> str:
    """A mapping key: plain when safe, else a one-line double-quoted string."""
    if _PLAIN.match(key) and not key.endswith(" ") and _reads_back(key, key):
        return key
    dumped = yaml.safe_dump(key, default_style='"', allow_unicode=False, width=2**31 - 1)
    return dumped.strip().removesuffix("...").strip()


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def flow_list(values: Iterable[str]) -> str:
    """``values`` as a YAML flow list that reads back as the same strings (``[bob, 'a: b']``)."""
    return "[" + ", ".join(_text(v) for v in values) + "]"


def _scalar(spec: FieldSpec, value: Any) -> str:
    if spec.type is FieldType.LIST:
        return flow_list(value)
    if spec.type is FieldType.BOOL:
        return "true" if value else "false"
    if spec.type is FieldType.ZONE:
        assert isinstance(value, Zone)
        return value.iana or value.label
    if spec.type is FieldType.DATETIME:
        return format_datetime(value)
    return _text(str(value))


def format_datetime(value: dt.datetime) -> str:
    text = value.isoformat(timespec="seconds" if value.second else "minutes")
    return text


_PLAIN = re.compile(r"^[A-Za-z0-9][\w .@/+()'-]*$")


def _text(value: str) -> str:
    """A YAML scalar that reads back as the same string (plain when that is safe)."""
    if _PLAIN.match(value) and not value.endswith(" ") and _reads_back(value, value):
        return value
    return _flow(value)


def _reads_back(text: str, value: Any) -> bool:
    try:
        return bool(yaml.load(f"k: {text}", Loader=_LOADER) == {"k": value})
    except yaml.YAMLError:
        return False


def _flow(value: Any) -> str:
    """``value`` as one flow-style YAML node (``[a, b]``, ``{k: v}``, ``'a: b'``)."""
    text = _dump_flow(value, allow_unicode=True)
    if _reads_back(text, value):
        return text
    # PyYAML writes a few line-break characters (U+0085…) raw; in ASCII it escapes them.
    return _dump_flow(value, allow_unicode=False)


def _dump_flow(value: Any, *, allow_unicode: bool) -> str:
    dumped = yaml.safe_dump(
        [value],
        default_flow_style=True,
        allow_unicode=allow_unicode,
        width=2**31 - 1,
        sort_keys=False,
    )
    return dumped.strip()[1:-1]
