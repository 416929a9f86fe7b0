"""Schedules as code: on-call YAML files read into a :class:`Config`, and written back.

The YAML is composed into nodes (never constructed), so every value keeps its line and no
scalar is guessed into a number, a boolean or a sexagesimal time (``07:00`` stays "07:00").
Every problem in every file is collected as ``file:line:col: what is wrong — how to fix it``;
nothing is returned unless all of it is valid. The format is described in docs/oncall.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from postmortems.errors import ExitCode, PostmortemsError
from postmortems.oncall import specvalues as values
from postmortems.oncall.model import (
    KINDS,
    TARGET_KINDS,
    Config,
    EscalationPolicy,
    Layer,
    Override,
    Restriction,
    Schedule,
    Service,
    Step,
    Target,
    resolve,
    service_key,
)
from postmortems.oncall.specdump import dump
from postmortems.sources import read_text

T = TypeVar("T")
NULL = "tag:yaml.org,2002:null"
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in one file, where it is and how to fix it."""

    path: str
    line: int
    column: int
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message} — {self.hint}"


class OncallSpecError(PostmortemsError):
    """On-call YAML that is not valid; ``problems`` holds every problem found."""

    exit_code = ExitCode.FINDINGS

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the on-call files")
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def read_files(paths: Sequence[Path]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """Each readable file's (name, text), as ``load_texts`` takes them, and a problem for each
    file that cannot be read."""
    problems: list[Problem] = []
    texts: list[tuple[str, str]] = []
    for path in paths:
        name = str(path)
        try:
            if os.path.isdir(path):
                raise PostmortemsError("is a directory", hint="pass the YAML files in it")
            texts.append((name, read_text(name)))
        except PostmortemsError as exc:
            problems.append(Problem(name, 1, 1, exc.message, exc.hint or "check the path"))
    return texts, problems


def load_files(paths: Sequence[Path]) -> Config:
    """Read on-call YAML files into one Config, or raise OncallSpecError with every problem."""
    return load_texts(*read_files(paths))


def load_texts(texts: Sequence[tuple[str, str]], problems: Sequence[Problem] = ()) -> Config:
    """Read on-call YAML texts, each (name, text), into one Config (a name is the file in
    messages and the objects' source), or raise OncallSpecError with every problem (and
    ``problems``, found before: files that could not be read)."""
    found = list(problems)
    parts: list[_Reader] = []
    for name, text in texts:
        reader = _Reader(name)
        reader.document(text)
        found.extend(reader.problems)
        parts.append(reader)
    config = _combine(parts, found)
    if found:
        raise OncallSpecError(sorted(found, key=lambda p: (p.path, p.line, p.column)))
    return config


def load_text(text: str, name: str) -> Config:
    """Read one on-call YAML text (named ``name`` in messages)."""
    problems: list[Problem] = []
    reader = _Reader(name)
    reader.document(text)
    problems.extend(reader.problems)
    config = _combine([reader], problems)
    if problems:
        raise OncallSpecError(sorted(problems, key=lambda p: (p.line, p.column)))
    return config


def _combine(parts: list[_Reader], problems: list[Problem]) -> Config:
    """The files' objects as one Config: names unique, policy targets and services' policies
    defined."""
    sources: dict[str, str] = {}
    for reader in parts:
        named: list[tuple[str, Schedule | EscalationPolicy | Service]] = []
        named += [(o.name, o) for o in reader.schedules]
        named += [(o.name, o) for o in reader.policies]
        named += [(service_key(o.name), o) for o in reader.services]
        for key, obj in named:
            if key in sources:
                line, column = reader.places[id(obj)]
                what = "service" if isinstance(obj, Service) else "schedule and policy"
                message = f"the name {obj.name!r} is used twice (also in {sources[key]})"
                problems.append(
                    Problem(reader.path, line, column, message, f"give every {what} its own name")
                )
                continue
            sources[key] = reader.path
    _check_targets(parts, problems)
    _check_services(parts, problems)
    return Config(
        tuple(s for r in parts for s in r.schedules),
        tuple(p for r in parts for p in r.policies),
        sources,
        tuple(s for r in parts for s in r.services),
    )


def _check_services(parts: list[_Reader], problems: list[Problem]) -> None:
    known = sorted({name for reader in parts for name in reader.policy_names})
    for reader in parts:
        for service in reader.services:
            if service.policy not in known:
                line, column = reader.policy_places[id(service)]
                problems.append(
                    Problem(
                        reader.path,
                        line,
                        column,
                        f"no escalation policy named {service.policy!r}",
                        values.suggest(service.policy, known, "define it in these files"),
                    )
                )


def _check_targets(parts: list[_Reader], problems: list[Problem]) -> None:
    known = {name for reader in parts for name in reader.schedule_names}
    for reader in parts:
        path = reader.path
        for policy in reader.policies:
            for step in policy.steps:
                for target in step.targets:
                    if target.kind == "schedule" and target.name not in known:
                        line, column = reader.places[id(target)]
                        problems.append(
                            Problem(
                                path,
                                line,
                                column,
                                f"no schedule named {target.name!r}",
                                values.suggest(
                                    target.name, sorted(known), "define it in these files"
                                ),
                            )
                        )


class _Reader:
    """Walks one file's nodes; problems are collected, values are None where a problem was."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.places: dict[int, tuple[int, int]] = {}
        self.schedules: list[Schedule] = []
        self.policies: list[EscalationPolicy] = []
        self.services: list[Service] = []
        self.schedule_names: set[str] = set()  # declared, even when wrong: targets may name them
        self.policy_names: set[str] = set()  # the same for the policies services name
        self.policy_places: dict[int, tuple[int, int]] = {}  # a service's policy: where

    def problem(self, node: yaml.Node | None, message: str, hint: str) -> None:
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(Problem(self.path, line, column, message, hint))

    def place(self, obj: T, node: yaml.Node) -> T:
        self.places[id(obj)] = (node.start_mark.line + 1, node.start_mark.column + 1)
        return obj

    # -- the document -------------------------------------------------------------------------

    def document(self, text: str) -> None:
        """Read the file's schedules, policies and services into this reader."""
        root = self.compose(text)
        if root is None:
            return
        keys = {"schedules": False, "escalation_policies": False, "services": False}
        fields = self.mapping(root, "the file", keys)
        if fields is None:
            return
        if not fields:
            self.problem(
                root,
                "the file declares nothing",
                "add a schedules:, escalation_policies: or services: list",
            )
        schedules = self.each(fields.get("schedules"), "schedules", self.schedule, partial=True)
        policies = self.each(
            fields.get("escalation_policies"), "escalation_policies", self.policy, partial=True
        )
        services = self.each(fields.get("services"), "services", self.service, partial=True)
        self.schedules, self.policies = schedules or [], policies or []
        self.services = services or []

    def compose(self, text: str) -> yaml.Node | None:
        try:
            for event in yaml.parse(text, Loader=_LOADER):
                if isinstance(event, yaml.AliasEvent):
                    self.at_mark(
                        event.start_mark,
                        "anchors and aliases (*name) are not read",
                        "write the value out",
                    )
                    return None
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.MarkedYAMLError as exc:
            self.at_mark(
                exc.problem_mark or exc.context_mark,
                f"not valid YAML: {exc.problem or exc.context}",
                "fix the YAML syntax (indentation, quotes, colons)",
            )
            return None
        except yaml.YAMLError as exc:
            self.at_mark(None, f"not valid YAML: {exc}", "fix the YAML syntax")
            return None
        if node is None:
            self.at_mark(None, "the file is empty", "declare schedules: or escalation_policies:")
        return node

    def at_mark(self, mark: Any, message: str, hint: str) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.problems.append(Problem(self.path, line, column, message, hint))

    # -- objects ------------------------------------------------------------------------------

    def schedule(self, node: yaml.Node) -> Schedule | None:
        keys = {"name": True, "timezone": True, "team": False, "layers": True, "overrides": False}
        self.schedule_names.update(_names_in(node))
        fields = self.mapping(node, "a schedule", keys)
        if fields is None:
            return None
        name = self.name(fields.get("name"), "the schedule's name")
        zone = self.zone(fields.get("timezone"))
        team = self.name(fields["team"], "the team") if "team" in fields else ""
        layers = self.each(fields.get("layers"), "layers", self.layer, required=True)
        if layers is not None:
            self.unique(layers, "layer")
        overrides = self.each(
            fields.get("overrides"), "overrides", lambda n: self.override(n, zone)
        )
        if name is None or zone is None or team is None or layers is None or overrides is None:
            return None
        schedule = Schedule(name, zone.key, tuple(layers), tuple(overrides), team)
        return self.place(schedule, node)

    def layer(self, node: yaml.Node) -> Layer | None:
        keys = {
            "name": True,
            "users": True,
            "shift": True,
            "handoff": False,
            "start": True,
            "restrictions": False,
        }
        fields = self.mapping(node, "a layer", keys)
        if fields is None:
            return None
        name = self.name(fields.get("name"), "the layer's name")
        users = self.each(
            fields.get("users"), "users", lambda n: self.name(n, "a user"), required=True
        )
        shift = self.scalar(
            fields.get("shift"),
            "shift",
            values.shift,
            "write a number and a unit: 12 hours, 1 day, 1 week",
        )
        handoff = self.time(fields["handoff"]) if "handoff" in fields else time(0)
        start = self.scalar(
            fields.get("start"),
            "start",
            values.start_date,
            "write the date the rotation starts as YYYY-MM-DD",
        )
        restrictions = self.each(fields.get("restrictions"), "restrictions", self.restriction)
        if name is None or users is None or shift is None or handoff is None:
            return None
        if start is None or restrictions is None:
            return None
        layer = Layer(name, tuple(users), shift, handoff, start, tuple(restrictions))
        return self.place(layer, node)

    def restriction(self, node: yaml.Node) -> Restriction | None:
        fields = self.mapping(node, "a restriction", {"days": True, "from": True, "to": True})
        if fields is None:
            return None
        days = self.weekdays(fields.get("days"))
        start, end = self.time(fields.get("from")), self.time(fields.get("to"))
        if days is None or start is None or end is None:
            return None
        return Restriction(days, start, end)

    def override(self, node: yaml.Node, zone: ZoneInfo | None) -> Override | None:
        keys = {"user": True, "from": True, "to": True, "kind": False, "replaces": False}
        fields = self.mapping(node, "an override", keys)
        if fields is None:
            return None
        user = self.name(fields.get("user"), "the user")
        start = self.moment(fields.get("from"), zone)
        end = self.moment(fields.get("to"), zone)
        kind = self.choice(fields["kind"], "kind", KINDS) if "kind" in fields else "replace"
        replaces = self.name(fields["replaces"], "replaces") if "replaces" in fields else None
        if replaces is not None and kind != "replace":
            self.problem(
                fields["replaces"],
                f"replaces: goes with kind: replace, not {kind}",
                "remove replaces: or write kind: replace",
            )
            return None
        if start is not None and end is not None and end <= start:
            self.problem(
                fields["to"], "the override ends before it starts", "make to: later than from:"
            )
            return None
        if user is None or start is None or end is None or kind is None:
            return None
        return Override(start, end, user, replaces, kind)

    def policy(self, node: yaml.Node) -> EscalationPolicy | None:
        keys = {"name": True, "team": False, "repeat": False, "steps": True}
        self.policy_names.update(_names_in(node))
        fields = self.mapping(node, "an escalation policy", keys)
        if fields is None:
            return None
        name = self.name(fields.get("name"), "the policy's name")
        team = self.name(fields["team"], "the team") if "team" in fields else ""
        repeat = (
            self.scalar(
                fields["repeat"],
                "repeat",
                values.repeat,
                "write how many more times to page all steps: 0 to 10",
            )
            if "repeat" in fields
            else 0
        )
        steps = self.each(fields.get("steps"), "steps", self.step, required=True)
        if name is None or team is None or repeat is None or steps is None:
            return None
        return self.place(EscalationPolicy(name, tuple(steps), repeat, team), node)

    def service(self, node: yaml.Node) -> Service | None:
        keys = {"name": True, "team": False, "escalation_policy": True}
        fields = self.mapping(node, "a service", keys)
        if fields is None:
            return None
        name = self.name(fields.get("name"), "the service's name")
        team = self.name(fields["team"], "the team") if "team" in fields else ""
        policy = self.name(fields.get("escalation_policy"), "escalation_policy")
        if name is None or team is None or policy is None:
            return None
        service = Service(name, policy, team)
        mark = fields["escalation_policy"].start_mark
        self.policy_places[id(service)] = (mark.line + 1, mark.column + 1)
        return self.place(service, node)

    def step(self, node: yaml.Node) -> Step | None:
        fields = self.mapping(node, "a step", {"targets": True, "delay": True})
        if fields is None:
            return None
        targets = self.each(fields.get("targets"), "targets", self.target, required=True)
        delay = self.scalar(
            fields.get("delay"),
            "delay",
            values.delay,
            "write a duration of at least a minute: 5m, 1h30m",
        )
        if delay is None or targets is None:
            return None
        return Step(tuple(targets), delay)

    def target(self, node: yaml.Node) -> Target | None:
        fields = self.mapping(node, "a target", dict.fromkeys(TARGET_KINDS, False))
        if fields is None:
            return None
        if len(fields) != 1:
            self.problem(
                node,
                "a target names one user, schedule or team",
                "write {user: NAME}, {schedule: NAME} or {team: NAME}",
            )
            return None
        kind, value = next(iter(fields.items()))
        name = self.name(value, f"the {kind}")
        return None if name is None else self.place(Target(kind, name), value)

    # -- values -------------------------------------------------------------------------------

    def mapping(
        self, node: yaml.Node | None, what: str, keys: dict[str, bool]
    ) -> dict[str, yaml.Node] | None:
        """The mapping's values by key; unknown, repeated and missing keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node,
                f"{what} must be a mapping (key: value lines)",
                f"write {what} as keys: {', '.join(keys)}",
            )
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in keys:
                self.problem(
                    key_node,
                    f"{what} has no field {key!r}",
                    values.suggest(str(key), list(keys), f"the fields are {', '.join(keys)}"),
                )
            elif key in fields:
                self.problem(key_node, f"{key!r} is given twice", "keep one of them")
            else:
                fields[key] = value
        for key, required in keys.items():
            if required and key not in fields:
                self.problem(node, f"{what} has no {key}:", f"add {key}:")
        # The fields given are still read, so that every problem is reported at once; a missing
        # one reads as None without a second problem (see scalar).
        return fields

    def each(
        self,
        node: yaml.Node | None,
        what: str,
        read: Callable[[yaml.Node], T | None],
        *,
        required: bool = False,
        partial: bool = False,
    ) -> list[T] | None:
        """Each item read; None if the node or any item is wrong (unless ``partial``)."""
        if node is None:
            return None if required else []
        if not isinstance(node, yaml.SequenceNode) or (required and not node.value):
            self.problem(
                node,
                f"{what} must be a list" + (" of at least one" if required else ""),
                f"write {what}: as lines starting with '- '",
            )
            return None
        items = [read(item) for item in node.value]
        found = [item for item in items if item is not None]
        return found if partial or len(found) == len(items) else None

    def scalar(
        self, node: yaml.Node | None, what: str, parse: Callable[[str], T], hint: str
    ) -> T | None:
        if node is None:
            return None  # a missing field: reported by mapping()
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL:
            self.problem(node, f"{what} must be a single value", hint)
            return None
        try:
            return parse(node.value.strip())
        except (ValueError, OverflowError) as exc:
            detail = f" ({exc})" if str(exc) and "isoformat" not in str(exc) else ""
            self.problem(node, f"{what}: {node.value!r} is not valid{detail}", hint)
            return None

    def name(self, node: yaml.Node | None, what: str) -> str | None:
        return self.scalar(node, what, values.name, "write a name on one line")

    def time(self, node: yaml.Node | None) -> time | None:
        return self.scalar(
            node, "the time", values.time_of_day, 'write a time of day as HH:MM, e.g. "09:00"'
        )

    def choice(self, node: yaml.Node, what: str, choices: Sequence[str]) -> str | None:
        def parse(value: str) -> str:
            if value not in choices:
                raise ValueError(f"not one of {', '.join(choices)}")
            return value

        return self.scalar(node, what, parse, f"write one of {', '.join(choices)}")

    def zone(self, node: yaml.Node | None) -> ZoneInfo | None:
        value = self.scalar(node, "timezone", str, "write an IANA zone such as Europe/Berlin")
        if value is None:
            return None
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(
                node,
                f"timezone {value!r} is not an IANA zone",
                values.suggest(value, sorted(values.zones()), "write one such as Europe/Berlin"),
            )
            return None

    def weekdays(self, node: yaml.Node | None) -> tuple[int, ...] | None:
        hint = "write days as a list such as [mon, tue] or a range such as mon-fri"
        if isinstance(node, yaml.SequenceNode):
            days = [self.scalar(item, "a day", values.weekday, hint) for item in node.value]
            if None in days or not days:
                if not days:
                    self.problem(node, "days: is empty", hint)
                return None
            return tuple(sorted({d for d in days if d is not None}))
        return self.scalar(node, "days", values.day_range, hint)

    def moment(self, node: yaml.Node | None, zone: ZoneInfo | None) -> datetime | None:
        hint = "write a date and time such as 2026-03-02T09:00 (the schedule's zone) or 09:00+01:00"
        value = self.scalar(node, "the time", values.instant, hint)
        if value is None or value.tzinfo is not None:
            return value
        return None if zone is None else resolve(value, zone)

    def unique(self, objects: Sequence[Layer], what: str) -> None:
        seen: set[str] = set()
        for obj in objects:
            if obj.name in seen:
                line, column = self.places[id(obj)]
                self.problems.append(
                    Problem(
                        self.path,
                        line,
                        column,
                        f"two {what}s are named {obj.name!r}",
                        f"give each {what} its own name",
                    )
                )
            seen.add(obj.name)


def _names_in(node: yaml.Node) -> list[str]:
    """The name: a mapping gives itself, read before anything else about it is checked."""
    if not isinstance(node, yaml.MappingNode):
        return []
    return [
        value.value
        for key, value in node.value
        if isinstance(key, yaml.ScalarNode) and key.value == "name"
        if isinstance(value, yaml.ScalarNode)
    ]


__all__ = [
    "OncallSpecError",
    "Problem",
    "dump",
    "load_files",
    "load_text",
    "load_texts",
    "read_files",
]
