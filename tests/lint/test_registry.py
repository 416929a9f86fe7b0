"""Rule codes are validated at registration; profiles and prefixes choose rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postmortems.lint import LintConfig, lint_text
from postmortems.lint.config import ConfigError, from_mapping
from postmortems.lint.registry import FAMILIES, RegistryError, all_rules, rule
from postmortems.lint.selection import enabled_rules, profile_of
from postmortems.lint.violation import Severity

EXAMPLES = Path(__file__).parent / "examples"


# What a registration is refused for, and the (code, name) pairs refused for it.
BAD_REGISTRATIONS = {
    "PM + 3 digits": [("PM31", "short-code"), ("PM902", "bad-family"), ("XX302", "bad-prefix")],
    "kebab-case": [("PM399", "Not_Kebab")],
    "registered twice": [("PM302", "fresh-name"), ("PM398", "timeline-entry-without-time")],
}


@pytest.mark.parametrize(
    ("code", "name", "error"),
    [(code, name, error) for error, pairs in BAD_REGISTRATIONS.items() for code, name in pairs],
)
def test_bad_registrations_are_refused(code: str, name: str, error: str) -> None:
    all_rules()  # the real rules are registered first
    with pytest.raises(RegistryError, match=re.escape(error)):
        rule(code, name, Severity.INFO, requirement="x")(lambda ctx: [])


def test_every_rule_is_in_a_family_with_a_unique_kebab_name() -> None:
    rules = all_rules()
    assert len({r.name for r in rules}) == len(rules)
    assert {r.code[:3] for r in rules} == set(FAMILIES)


def test_profiles_choose_rules_and_thresholds() -> None:
    short = (EXAMPLES / "PM601" / "bad.md").read_text(encoding="utf-8")
    assert "PM601" in {v.code for v in lint_text(short, profile="classic")}
    assert "PM601" not in {v.code for v in lint_text(short, profile="minimal")}
    good = (EXAMPLES / "PM506" / "good.md").read_text(encoding="utf-8")
    no_owner = good.replace("(owner: @bob, due: 2024-03-01)", "")
    assert {"PM506", "PM507"} <= {v.code for v in lint_text(no_owner, profile="google-sre")}
    assert not {"PM506", "PM507"} & {v.code for v in lint_text(no_owner, profile="classic")}


def test_select_replaces_the_profile_and_longest_prefix_wins() -> None:
    classic = profile_of(LintConfig())
    only = enabled_rules(
        LintConfig(select=("PM3",), ignore=("PM30",), extend_select=("PM302",)), classic
    )
    assert [r.code for r in only] == ["PM302", "PM310", "PM311"]
    owners = enabled_rules(LintConfig(extend_select=("PM506",)), classic)
    assert "PM506" in [r.code for r in owners]
    assert "PM507" not in [r.code for r in owners]


def test_options_are_validated() -> None:
    assert from_mapping({"max-words": 800, "blame-words": ["cowboy"]}).options["max-words"] == 800
    for bad in (
        {"max-words": "800"},
        {"blame-words": "cowboy"},
        {"colour": True},
        {"profile": "strict"},
        {"select": "PM3"},
    ):
        with pytest.raises(ConfigError):
            from_mapping(bad)


def test_config_options_change_thresholds() -> None:
    short = (EXAMPLES / "PM601" / "bad.md").read_text(encoding="utf-8")
    config = from_mapping({"min-words": 10})
    assert "PM601" not in {v.code for v in lint_text(short, config=config)}
    blame = (EXAMPLES / "PM602" / "bad.md").read_text(encoding="utf-8")
    allowed = from_mapping({"allowed-words": ["carelessly"]})
    assert "PM602" not in {v.code for v in lint_text(blame, config=allowed)}


def test_a_documents_format_is_read_from_its_sections() -> None:
    from postmortems.document import parse
    from postmortems.document.skeleton import Answers, render
    from postmortems.lint.profiles import format_of

    found = {
        p: format_of(parse(render(p, Answers(title="x"))))
        for p in ("classic", "google-sre", "minimal")
    }
    assert found == {"classic": "classic", "google-sre": "google-sre", "minimal": "classic"}
