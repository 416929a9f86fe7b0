"""Rule thresholds and word lists, declared once with a default per profile.

Config files may override any of them (``max-words = 700``); ``docs/rules/index.md`` lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_Type = type[int] | type[list[str]]


@dataclass(slots=True)
class OptionSpec:
    """One rule option: its config key, type, default and per-profile defaults."""

    name: str  # kebab-case key in the config file
    type: type[int] | type[list[str]]
    default: Any
    help: str
    per_profile: tuple[tuple[str, Any], ...] = ()  # profile name → default
    least: int = 0  # a number's smallest value
    most: int | None = None  # a number's largest value
    patterns: bool = False  # a list of regular expressions

    def default_for(self, profile: str) -> Any:
        return dict(self.per_profile).get(profile, self.default)


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(
        "min-words",
        int,
        400,
        "Fewest prose words (PM601).",
        (("google-sre", 300), ("minimal", 0)),
    ),
    OptionSpec(
        "max-words",
        int,
        600,
        "Most prose words (PM601); 0 means no limit.",
        (("google-sre", 0), ("minimal", 0)),
    ),
    OptionSpec(
        "root-cause-min-words",
        int,
        25,
        "Fewest words in the root cause (PM401).",
        (("minimal", 8),),
    ),
    OptionSpec(
        "resolution-min-words",
        int,
        12,
        "Fewest words in the resolution (PM402).",
        (("minimal", 5),),
    ),
    OptionSpec(
        "timeline-max-sentences", int, 2, "Most sentences in a timeline entry (PM305).", least=1
    ),
    OptionSpec("timeline-max-words", int, 50, "Most words in a timeline entry (PM305).", least=1),
    OptionSpec("sentence-max-words", int, 40, "Most words in a prose sentence (PM605).", least=1),
    OptionSpec(
        "duration-tolerance-minutes",
        int,
        10,
        "Largest gap between a stated duration and start/end before PM205 reports it.",
    ),
    OptionSpec(
        "timeline-tolerance-minutes",
        int,
        60,
        "Largest gap between summary start/end and the first/last timeline entry (PM705, PM706).",
    ),
    OptionSpec("blame-words", list, [], "More words or phrases that blame people (PM602)."),
    OptionSpec("allowed-words", list, [], "Words or phrases PM602 must not report."),
    OptionSpec(
        "vague-tasks", list, [], "More regular expressions for vague tasks (PM505).", patterns=True
    ),
    OptionSpec("task-verbs", list, [], "More verbs a task may start with (PM503)."),
    OptionSpec(
        "repeat-min-score",
        int,
        25,
        "Least similarity, in percent, at which a cause matches an earlier postmortem's (PM801).",
        least=1,
        most=100,
    ),
)

OPTION_BY_NAME = {spec.name: spec for spec in OPTIONS}


def resolve(profile: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Option values for ``profile`` with ``overrides`` (already validated) applied."""
    values = {spec.name: spec.default_for(profile) for spec in OPTIONS}
    values.update(overrides)
    return values
