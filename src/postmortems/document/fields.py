"""Front-matter fields, declared once.

Parsing (:mod:`frontmatter`), the canonical writer, the ``pm new`` skeleton and ``docs/format.md``
are all derived from ``FIELDS``; a test fails when the model and this table disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from postmortems.document.model import CauseCategory, Severity, Status


class FieldType(enum.Enum):
    TEXT = "text"
    ENUM = "enum"
    LIST = "list of text"
    BOOL = "boolean"
    ZONE = "timezone"
    DATETIME = "date-time"
    PERCENT = "percentage"


@dataclass
class FieldSpec:
    name: str  # key in the YAML front matter
    type: FieldType
    help: str
    example: str
    attr: str = ""  # attribute of Meta when it differs from name
    choices: tuple[str, ...] = ()
    nested: str = ""  # "impact.users_affected_pct" is written inside an `impact:` mapping
    names: bool = False  # a list whose items are service names (postmortems.servicenames)

    @property
    def meta_attr(self) -> str:
        return self.attr or self.name


def _values(enum_type: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum_type)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "title",
        FieldType.TEXT,
        "One line naming what broke and how.",
        "Checkout API returned 502s after certificate expiry",
    ),
    FieldSpec("id", FieldType.TEXT, "Stable identifier, unique in the library.", "PM-2024-007"),
    FieldSpec(
        "status",
        FieldType.ENUM,
        "Where the postmortem is in its review lifecycle.",
        "draft",
        choices=_values(Status),
    ),
    FieldSpec("severity", FieldType.ENUM, "SEV1 is the worst.", "SEV2", choices=_values(Severity)),
    FieldSpec(
        "services",
        FieldType.LIST,
        "Services that were down or degraded, by their service names.",
        "[checkout-api, nginx]",
        names=True,
    ),
    FieldSpec("tags", FieldType.LIST, "Free-form labels for finding related incidents.", "[tls]"),
    FieldSpec(
        "teams",
        FieldType.LIST,
        "Teams that own the postmortem (and may see it when it is restricted).",
        "[payments]",
    ),
    FieldSpec(
        "restricted",
        FieldType.BOOL,
        "Visible only to the listed teams (security incidents), so it names them in `teams`.",
        "false",
    ),
    FieldSpec(
        "timezone",
        FieldType.ZONE,
        "IANA name or abbreviation; applies to bare times in the body.",
        "America/Los_Angeles",
    ),
    FieldSpec("started", FieldType.DATETIME, "When the impact began.", "2024-02-12T04:00-08:00"),
    FieldSpec(
        "detected",
        FieldType.DATETIME,
        "When someone or something noticed.",
        "2024-02-12T04:07-08:00",
    ),
    FieldSpec(
        "mitigated",
        FieldType.DATETIME,
        "When users stopped being affected.",
        "2024-02-12T06:10-08:00",
    ),
    FieldSpec(
        "resolved", FieldType.DATETIME, "When the incident was closed.", "2024-02-12T06:30-08:00"
    ),
    FieldSpec(
        "impact.users_affected_pct",
        FieldType.PERCENT,
        "Share of users affected, 0–100.",
        "75",
        attr="users_affected_pct",
        nested="impact",
    ),
    FieldSpec(
        "cause_category",
        FieldType.ENUM,
        "Failure source, for trends.",
        "config",
        choices=_values(CauseCategory),
    ),
    FieldSpec("authors", FieldType.LIST, "Who wrote it.", "[alice]"),
    FieldSpec(
        "reviewers", FieldType.LIST, "Who reviewed it (a peer, or the staff reviewer).", "[bob]"
    ),
)

FIELD_BY_ATTR = {spec.meta_attr: spec for spec in FIELDS}
