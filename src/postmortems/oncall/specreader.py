"""The reader of one on-call YAML file: its nodes composed (never constructed) into schedules,
layers, restrictions, overrides, escalation policies and services, every problem collected with
its line and column (:class:`Problem`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from postmortems import servicenames
from postmortems.oncall import specvalues as values
from postmortems.oncall.model import (
    KINDS,
    TARGET_KINDS,
    EscalationPolicy,
    Layer,
    Override,
    Restriction,
    Schedule,
    Service,
    Step,
    Target,
    resolve,
)

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
        fields = self.mapping(
            root, "the file", (), ("schedules", "escalation_policies", "services")
        )
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
        self.schedule_names.update(_names_in(node))
        required, optional = ("name", "timezone", "layers"), ("team", "restricted", "overrides")
        fields = self.mapping(node, "a schedule", required, optional)
        if fields is None:
            return None
        name = self.name(fields.get("name"), "the schedule's name")
        zone = self.zone(fields.get("timezone"))
        team = self.name(fields["team"], "the team") if "team" in fields else ""
        restricted = self.restricted(fields.get("restricted"), team)
        layers = self.each(fields.get("layers"), "layers", self.layer, required=True)
        if layers is not None:
            self.unique(layers, "layer")
        overrides = self.each(
            fields.get("overrides"), "overrides", lambda n: self.override(n, zone)
        )
        if overrides is not None and zone is not None:
            self.repeated(overrides, name or "", zone)
        if name is None or zone is None or team is None or layers is None or overrides is None:
            return None
        schedule = Schedule(name, zone.key, tuple(layers), tuple(overrides), team, restricted)
        return self.place(schedule, node)

    def restricted(self, node: yaml.Node | None, team: str | None) -> bool | None:
        """``restricted: true`` (shown only to the team's members) or ``false``; left out: the
        server keeps what it has (a new schedule: not restricted)."""
        hint = "write restricted: true or restricted: false"
        said = self.scalar(node, "restricted", values.flag, hint)
        if said and team == "":
            self.problem(node, "a restricted schedule names its team", "add team: NAME")
        return said

    def layer(self, node: yaml.Node) -> Layer | None:
        required, optional = ("name", "users", "shift", "start"), ("handoff", "restrictions")
        fields = self.mapping(node, "a layer", required, optional)
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
        fields = self.mapping(node, "a restriction", ("days", "from", "to"))
        if fields is None:
            return None
        days = self.weekdays(fields.get("days"))
        start, end = self.time(fields.get("from")), self.time(fields.get("to"))
        if days is None or start is None or end is None:
            return None
        return Restriction(days, start, end)

    def override(self, node: yaml.Node, zone: ZoneInfo | None) -> Override | None:
        fields = self.mapping(node, "an override", ("user", "from", "to"), ("kind", "replaces"))
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
        return self.place(Override(start, end, user, replaces, kind), node)

    def policy(self, node: yaml.Node) -> EscalationPolicy | None:
        required, optional = ("name", "steps"), ("team", "repeat")
        self.policy_names.update(_names_in(node))
        fields = self.mapping(node, "an escalation policy", required, optional)
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
        fields = self.mapping(node, "a service", ("name", "escalation_policy"), ("team",))
        if fields is None:
            return None
        name = self.scalar(
            fields.get("name"),
            "the service's name",
            values.service_name,
            f"a service name is {servicenames.FORM}",
        )
        team = self.name(fields["team"], "the team") if "team" in fields else ""
        policy = self.name(fields.get("escalation_policy"), "escalation_policy")
        if name is None or team is None or policy is None:
            return None
        service = Service(name, policy, team)
        mark = fields["escalation_policy"].start_mark
        self.policy_places[id(service)] = (mark.line + 1, mark.column + 1)
        return self.place(service, node)

    def step(self, node: yaml.Node) -> Step | None:
        fields = self.mapping(node, "a step", ("targets", "delay"))
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
        fields = self.mapping(node, "a target", (), TARGET_KINDS)
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
        self,
        node: yaml.Node | None,
        what: str,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> dict[str, yaml.Node] | None:
        """The mapping's values by key; unknown, repeated and missing keys are problems."""
        keys = [*required, *optional]
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
        for key in required:
            if key not in fields:
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

    def repeated(self, overrides: Sequence[Override], schedule: str, zone: ZoneInfo) -> None:
        """A problem at each override that repeats an earlier one of the schedule: the same
        override twice (a copy that does nothing, and that the server's form refuses), or two
        that replace the same person (or everyone) over the same span with different people,
        of which only one can apply."""
        seen: dict[tuple[Any, ...], Override] = {}
        for override in overrides:
            span = (override.start, override.end, override.kind, override.replaces)
            earlier = seen.setdefault(span, override)
            if earlier is override:
                continue
            line, column = self.places[id(override)]
            first = self.places[id(earlier)][0]
            where = f"in schedule {schedule!r} (also at line {first})"
            if earlier.user == override.user:
                message = f"the same override is listed twice {where}: {_said(override, zone)}"
                hint = "remove one of them"
            elif override.kind != "replace":
                continue  # two people added, or taken off, over the same span: both apply
            else:
                whom = override.replaces or "everyone"
                message = (
                    f"two overrides replace {whom} over the same span {where}: "
                    f"{earlier.user} and {override.user}, so only one of them can apply"
                )
                hint = "keep the one you mean, or change the times of the other"
            self.problems.append(Problem(self.path, line, column, message, hint))

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


def _said(override: Override, zone: ZoneInfo) -> str:
    """An override as a message names it: ``ben replaces anna, 2026-03-09 07:00 – 2026-03-11
    19:00`` (wall times in the schedule's zone)."""
    what = {"add": "is added", "remove": "is taken off"}.get(override.kind, "replaces everyone")
    if override.replaces:
        what = f"replaces {override.replaces}"
    start, end = (
        at.astimezone(zone).strftime("%Y-%m-%d %H:%M") for at in (override.start, override.end)
    )
    return f"{override.user} {what}, {start} – {end}"


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
