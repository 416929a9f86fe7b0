"""Routing: which team, service and severity an alert gets, and whether it opens an incident.

A rule is a list of label matchers (Alertmanager's syntax: ``name="value"``, ``name!="value"``,
``name=~"regex"``, ``name!~"regex"``; a regex matches the whole value) and what happens to an
alert they all match: the first matching rule wins. The actions:

``open``
    open an incident, or join the open incident of the alert's group (or service) when there is one;
``join``
    join the open incident of the alert's group or service; with none, the alert goes to the inbox;
``inbox``
    the alert only lands in the alert inbox.

With no rule matching (or none configured) the default applies: a firing alert labelled
``severity: critical`` or ``severity: page`` (or with a ``page`` label set to true) opens an
incident, any other goes to the inbox.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from postmortems import servicenames
from postmortems.errors import PostmortemsError

ACTIONS = ("open", "join", "inbox")
OPERATORS = ("=~", "!~", "!=", "=")  # longest first, for parsing
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
# The ``severity`` label values that page, and the incident severity each gives by default.
LABEL_SEVERITY = {"critical": "SEV1", "page": "SEV2", "error": "SEV3", "warning": "SEV4"}
PAGING = frozenset({"critical", "page"})
SERVICE_LABELS = ("service", "app", "job")
REGEX_VALUE_LIMIT = 256  # characters of a label value a regular expression is tried on


class RoutingError(PostmortemsError):
    """A rule that cannot be used (a bad matcher, action or severity)."""


@dataclass(frozen=True, slots=True)
class Matcher:
    label: str
    op: str
    value: str

    def matches(self, labels: Mapping[str, str]) -> bool:
        found = labels.get(self.label, "")
        if self.op == "=":
            return found == self.value
        if self.op == "!=":
            return found != self.value
        # Python's regex engine backtracks: a rule like ".*-.*-.*-prod" on a long value takes
        # time that grows with the cube of its length. A value longer than any name of a
        # service, a team or an environment is not tried: it does not match.
        hit = len(found) <= REGEX_VALUE_LIMIT and re.fullmatch(self.value, found) is not None
        return hit if self.op == "=~" else not hit

    def __str__(self) -> str:
        return f'{self.label}{self.op}"{self.value}"'


_MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*')


def parse_matcher(text: str) -> Matcher:
    """``severity="critical"`` (quotes optional) as a :class:`Matcher`."""
    found = _MATCHER.fullmatch(text)
    hint = 'write label="value", label!="value", label=~"regex" or label!~"regex"'
    if found is None:
        raise RoutingError(f"{text[:80]!r} is not a label matcher", hint=hint)
    label, op, value = found.groups()
    if op in {"=~", "!~"}:
        try:
            re.compile(value)
        except re.error as exc:
            raise RoutingError(f"{text[:80]!r}: bad regular expression: {exc}", hint=hint) from None
    return Matcher(label, op, value)


@dataclass(frozen=True, slots=True)
class Rule:
    """Alerts matching every matcher get this action and, when set, team/service/severity.

    ``policy`` names the escalation policy an incident opened by such an alert pages (instead
    of its service's); with ``page`` an alert that joins an open incident pages it too.
    """

    matchers: tuple[Matcher, ...]
    action: str = "open"
    team: str = ""
    service: str = ""
    severity: str = ""
    policy: str = ""
    page: bool = False

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise RoutingError(f"unknown action {self.action!r}", hint=f"use one of {ACTIONS}")
        if self.severity and self.severity not in SEVERITIES:
            raise RoutingError(
                f"unknown severity {self.severity!r}", hint=f"use one of {SEVERITIES}"
            )

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(m.matches(labels) for m in self.matchers)


def rule(
    matchers: Sequence[str],
    action: str = "open",
    *,
    team: str = "",
    service: str = "",
    severity: str = "",
    policy: str = "",
    page: bool = False,
) -> Rule:
    """A :class:`Rule` from matcher strings."""
    found = tuple(parse_matcher(m) for m in matchers)
    return Rule(found, action, team, service, severity, policy, page)


@dataclass(frozen=True, slots=True)
class Route:
    """What to do with one alert."""

    action: str
    team: str
    service: str
    severity: str
    rule: int | None = None  # index of the rule that matched; None: the default
    policy: str = ""  # the rule's escalation policy ('' : the service's, if any)
    page: bool = False  # the rule pages for alerts joining an open incident too


def service_of(labels: Mapping[str, str]) -> str:
    """The first of the ``service``, ``app`` and ``job`` labels that is a service name once
    normalised (``Checkout API`` is ``checkout-api``; :mod:`postmortems.servicenames`); '' when
    none is. A label that is no name never refuses the alert: it stays among its labels."""
    for name in SERVICE_LABELS:
        found = servicenames.from_label(labels.get(name) or "")
        if found:
            return found
    return ""


def severity_of(labels: Mapping[str, str]) -> str:
    """SEV1..SEV4 from the ``severity`` label (SEV3 when it says nothing we know)."""
    value = labels.get("severity", "").strip()
    if value.upper() in SEVERITIES:
        return value.upper()
    return LABEL_SEVERITY.get(value.lower(), "SEV3")


def pages(labels: Mapping[str, str]) -> bool:
    """The default rule: ``severity`` critical or page, or a true ``page`` label."""
    return labels.get("severity", "").lower() in PAGING or labels.get("page", "").lower() in {
        "true",
        "yes",
        "1",
    }


def route(
    labels: Mapping[str, str], status: str, rules: Sequence[Rule], *, team: str = ""
) -> Route:
    """The route of an alert with ``labels``; ``team``: the integration's, when no rule says.

    A resolved alert never opens an incident: it joins (to be recorded on the incident its
    firing opened) or goes to the inbox.
    """
    for index, candidate in enumerate(rules):
        if candidate.matches(labels):
            action = candidate.action
            if status != "firing" and action == "open":
                action = "join"
            return Route(
                action,
                candidate.team or team,
                servicenames.from_label(candidate.service) or service_of(labels),
                candidate.severity or severity_of(labels),
                index,
                candidate.policy,
                candidate.page,
            )
    action = "open" if status == "firing" and pages(labels) else "inbox"
    if status != "firing" and pages(labels):
        action = "join"
    return Route(action, team, service_of(labels), severity_of(labels))
