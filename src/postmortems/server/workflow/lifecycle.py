"""The postmortem lifecycle as data: the states, and a table of who may move between which.

Nothing here touches the database; :mod:`postmortems.server.workflow.services` applies a
:class:`Transition` after :func:`refusals` found nothing in the way, and records an event row.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from postmortems.document.model import Severity, Status


class Who(enum.StrEnum):
    """The part a user plays for one postmortem."""

    AUTHOR = "author"  # created it, or is named in its `authors:`
    REVIEWER = "reviewer"  # was asked to review it (peer or staff team)
    ADMIN = "admin"  # has the admin role


class Guard(enum.StrEnum):
    """A condition on the postmortem beyond the actor's part."""

    NONE = "none"
    APPROVED_CLEAN = "enough approvals and no lint errors"
    MINOR = "severity below the review threshold"
    # As many reviewers asked as the severity needs approvals (fewer when fewer may be asked).
    HAS_REVIEWER = "enough reviewers for the approvals needed"
    # A team may publish only when every review thread is resolved (its setting).
    THREADS_RESOLVED = "every thread resolved where a team asks it"


@dataclass(frozen=True)
class Transition:
    name: str  # the verb shown on the button and used in URLs
    source: Status
    target: Status
    who: frozenset[Who]
    guard: Guard = Guard.NONE


AUTHORS = frozenset({Who.AUTHOR, Who.ADMIN})
REVIEWERS = frozenset({Who.REVIEWER, Who.ADMIN})
S = Status

TRANSITIONS: tuple[Transition, ...] = (
    Transition("request-review", S.DRAFT, S.IN_REVIEW, AUTHORS, Guard.HAS_REVIEWER),
    Transition("resubmit", S.CHANGES_REQUESTED, S.IN_REVIEW, AUTHORS, Guard.HAS_REVIEWER),
    Transition("withdraw", S.IN_REVIEW, S.DRAFT, AUTHORS),
    # approve first: the panel shows a reviewer's moves in this order, the primary one first
    Transition("approve", S.IN_REVIEW, S.APPROVED, REVIEWERS, Guard.APPROVED_CLEAN),
    Transition("request-changes", S.IN_REVIEW, S.CHANGES_REQUESTED, REVIEWERS),
    Transition("publish", S.APPROVED, S.PUBLISHED, AUTHORS, Guard.THREADS_RESOLVED),
    Transition("not-required", S.DRAFT, S.NOT_REQUIRED, AUTHORS, Guard.MINOR),
    Transition("reopen", S.NOT_REQUIRED, S.DRAFT, AUTHORS),
)

BY_NAME: dict[str, tuple[Transition, ...]] = {}
for _t in TRANSITIONS:
    BY_NAME[_t.name] = (*BY_NAME.get(_t.name, ()), _t)


def find(name: str, source: Status) -> Transition | None:
    """The transition called ``name`` out of ``source``, if the table has one."""
    return next((t for t in BY_NAME.get(name, ()) if t.source is source), None)


def available(source: Status, parts: frozenset[Who]) -> list[Transition]:
    """Transitions out of ``source`` that someone playing ``parts`` may attempt."""
    return [t for t in TRANSITIONS if t.source is source and t.who & parts]


def state_of(value: str) -> Status:
    """The lifecycle state of a stored status column (empty or unknown: draft)."""
    try:
        return Status(value)
    except ValueError:
        return Status.DRAFT


SEVERITY_ORDER = [s.value for s in Severity]  # SEV1 (worst) first


def is_minor(severity: str, threshold: str) -> bool:
    """True when ``severity`` is less severe than ``threshold`` (SEV4 is below SEV3)."""
    if severity not in SEVERITY_ORDER or threshold not in SEVERITY_ORDER:
        return False
    return SEVERITY_ORDER.index(severity) > SEVERITY_ORDER.index(threshold)


def approvals_needed(severity: str, table: tuple[str, ...]) -> int:
    """Approvals required for ``severity`` from ``SEVERITY:N`` entries (``*:N`` is the default)."""
    pairs = (entry.split(":", 1) for entry in table if ":" in entry)
    wanted = {name.strip(): count.strip() for name, count in pairs}  # "SEV1 : 2" as "SEV1:2"
    raw = wanted.get(severity) or wanted.get("*") or "1"
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


@dataclass(frozen=True)
class Facts:
    """What the guards look at, gathered by the service layer."""

    approvals: int = 0
    required: int = 1
    lint_errors: tuple[str, ...] = ()
    minor: bool = False
    reviewers: int = 0  # asked and not declined
    could_ask: int | None = None  # the most there could be: asked + who else may review
    fallback: int = 0  # the superusers the staff fallback asks when they are too few
    open_threads: int = 0  # review threads not resolved
    resolving_team: str = ""  # a team of the postmortem that publishes only with none open

    @property
    def held_by_threads(self) -> bool:
        """Open threads hold it back: a team of the postmortem publishes only with none."""
        return bool(self.resolving_team and self.open_threads)


def refusals(t: Transition, parts: frozenset[Who], facts: Facts) -> list[str]:
    """Why the transition may not happen now (empty: it may)."""
    out = []
    if not t.who & parts:
        allowed = " or ".join(sorted(w.value for w in t.who))
        out.append(f"only the {allowed} may {t.name.replace('-', ' ')}")
    if t.guard is Guard.APPROVED_CLEAN:
        if facts.lint_errors:
            shown = "; ".join(facts.lint_errors[:3])
            out.append(f"{len(facts.lint_errors)} lint error(s) must be fixed first: {shown}")
        if facts.approvals < facts.required:
            out.append(f"{facts.approvals} of {facts.required} required approvals")
    elif t.guard is Guard.MINOR and not facts.minor:
        out.append("only incidents below the review severity threshold may skip review")
    elif t.guard is Guard.HAS_REVIEWER:
        out += _too_few_reviewers(facts)
    elif t.guard is Guard.THREADS_RESOLVED and facts.held_by_threads:
        threads = f"{facts.open_threads} comment thread{'s' if facts.open_threads > 1 else ''}"
        out.append(
            f"{threads} still open: team {facts.resolving_team} publishes only when every "
            "thread is resolved"
        )
    return out


def _too_few_reviewers(facts: Facts) -> list[str]:
    """A review asked of fewer reviewers than it needs approvals could never be approved (the
    author would learn it only from the last reviewer's "more approvals are needed"). When
    fewer people may review it than it needs, all of them are enough: the staff fallback asks the
    superusers for the rest (``pm remind``). When nobody but its authors may review it, it goes
    into review with nobody asked if there is a superuser to fall back on."""
    if facts.reviewers == 0 and facts.could_ask == 0:
        if facts.fallback:
            return []
        return [
            "nobody besides its authors may review it: an admin of its teams can give a member "
            "the reviewer role or add one, or create a superuser for the staff fallback to ask "
            "(pm admin create-user NAME --superuser)"
        ]
    wanted = min(facts.required, max(facts.could_ask or 0, 1))
    if facts.reviewers == 0 and wanted <= 1:
        return ["ask at least one reviewer first"]
    if facts.reviewers >= wanted:
        return []
    needs = f"{facts.required} approval{'s' if facts.required > 1 else ''}"
    return [f"it needs {needs}: ask at least {wanted} reviewers ({facts.reviewers} asked)"]
