"""Routing rules: matchers, first match wins, and the default for no rules."""

from __future__ import annotations

import pytest

from postmortems.incident.routing import RoutingError, parse_matcher, route, rule


@pytest.mark.parametrize(
    ("labels", "action", "severity"),
    [
        ({"severity": "critical", "service": "db"}, "open", "SEV1"),
        ({"severity": "page"}, "open", "SEV2"),
        ({"severity": "warning"}, "inbox", "SEV4"),
        ({"alertname": "x"}, "inbox", "SEV3"),
        ({"severity": "info", "page": "true"}, "open", "SEV3"),
    ],
)
def test_default_without_rules(labels: dict[str, str], action: str, severity: str) -> None:
    r = route(labels, "firing", [], team="sre")
    assert (r.action, r.severity, r.team, r.rule) == (action, severity, "sre", None)


def test_resolved_alert_never_opens() -> None:
    assert route({"severity": "critical"}, "resolved", []).action == "join"
    assert route({"severity": "warning"}, "resolved", []).action == "inbox"
    rules = [rule(['team="db"'], "open")]
    assert route({"team": "db"}, "resolved", rules).action == "join"


def test_first_matching_rule_wins_and_sets_values() -> None:
    rules = [
        rule(['env!="prod"'], "inbox"),
        rule(
            ['service=~"check.*"', 'severity="warning"'], "open", team="payments", severity="SEV2"
        ),
        rule(['service=~"check.*"'], "join", service="checkout-api"),
    ]
    staging = route(
        {"env": "staging", "service": "checkout", "severity": "critical"}, "firing", rules
    )
    assert (staging.action, staging.rule) == ("inbox", 0)
    warn = route({"env": "prod", "service": "checkout", "severity": "warning"}, "firing", rules)
    assert (warn.action, warn.team, warn.severity, warn.service) == (
        "open",
        "payments",
        "SEV2",
        "checkout",
    )
    other = route({"env": "prod", "service": "checkout"}, "firing", rules, team="sre")
    assert (other.action, other.team, other.service) == ("join", "sre", "checkout-api")
    # A regex matches the whole value, as in Alertmanager.
    assert route({"env": "prod", "service": "precheckout"}, "firing", rules).rule is None


def test_a_rule_carries_its_policy_and_paging_to_the_route() -> None:
    rules = [
        rule(['service="db"'], "join", policy="dba", page=True),
        rule(['service="web"'], "open"),
    ]
    db = route({"service": "db"}, "firing", rules)
    assert (db.policy, db.page) == ("dba", True)
    web = route({"service": "web"}, "firing", rules)
    assert (web.policy, web.page) == ("", False)
    assert route({"severity": "critical"}, "firing", rules).policy == ""  # the default rule


def test_matcher_syntax() -> None:
    assert str(parse_matcher('severity = "critical"')) == 'severity="critical"'
    assert parse_matcher("job!~db.*").op == "!~"
    for bad in ("severity", '1x="a"', 'a=~"("'):
        with pytest.raises(RoutingError) as caught:
            parse_matcher(bad)
        assert caught.value.hint


def test_bad_rule_values() -> None:
    with pytest.raises(RoutingError):
        rule(['a="b"'], "escalate")
    with pytest.raises(RoutingError):
        rule(['a="b"'], "open", severity="P1")


def test_a_regex_is_not_tried_on_a_value_longer_than_any_name() -> None:
    """A regex like ".*-.*-.*-prod" backtracks for seconds on a label of thousands of characters (an
    alert sender writes the labels): such a value does not match, at once."""
    from postmortems.incident.routing import REGEX_VALUE_LIMIT

    matcher = parse_matcher('service=~".*-.*-.*-prod"')
    assert matcher.matches({"service": "eu-west-api-prod"})
    long = "a-" * 800 + "x"
    assert len(long) > REGEX_VALUE_LIMIT
    assert not matcher.matches({"service": long})  # would take seconds to find out
    assert parse_matcher('service!~".*-prod"').matches({"service": long + "-prod"})
    near = "a" * (REGEX_VALUE_LIMIT - 5) + "-prod"
    assert parse_matcher('service=~".*-prod"').matches({"service": near})
