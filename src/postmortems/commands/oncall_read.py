"""What `pm oncall who|shifts|gaps|export` ask of the on-call objects, asked of one
:class:`Reader`: the objects of YAML files or of the server's database (:class:`LocalReader`,
evaluated here), or the server's API (``oncall_remote.RemoteReader``, evaluated there). The
commands print the answers the same way whichever it is."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Protocol

import click

from postmortems.errors import ExitCode, PostmortemsError

if TYPE_CHECKING:
    from postmortems.oncall.model import Config, Schedule, Shift


class UsageError(PostmortemsError):
    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class Head:
    """A schedule's name, team and zone (times without an offset are read in it)."""

    name: str
    team: str
    zone: tzinfo


class Reader(Protocol):
    def schedules(self) -> list[Head]: ...

    def on_call(self, name: str, at: datetime) -> tuple[str, ...]: ...

    def team_on_call(
        self, team: str, heads: Sequence[Head], at: datetime
    ) -> dict[str, tuple[str, ...]]: ...

    def shifts(self, name: str, start: datetime, end: datetime) -> list[Shift]: ...

    def gaps(
        self, name: str, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]: ...

    def export(self) -> tuple[str, list[str]]:
        """The on-call YAML, and what it leaves out (a layer row no one can read)."""
        ...


def exit_status(body: Callable[[], int]) -> int:
    """The command's exit status; a PostmortemsError becomes its message on stderr."""
    from postmortems.oncall.spec import OncallSpecError

    try:
        return body()
    except OncallSpecError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        return exc.exit_code
    except PostmortemsError as exc:
        click.echo(f"pm oncall: {exc}", err=True)
        return exc.exit_code


def pick(heads: Sequence[Head], name: str) -> Head:
    """The schedule ``name``, or a usage error naming the closest (or every) schedule."""
    found = next((h for h in heads if h.name == name), None)
    if found is None:
        names = [h.name for h in heads]
        close = difflib.get_close_matches(name, names, n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else f"the schedules are: {', '.join(names) or 'none'}"
        )
        raise UsageError(f"no schedule named {name!r}", hint=hint)
    return found


class LocalReader:
    """The on-call objects of files or of the server's database, evaluated here."""

    def __init__(self, config: Config, left_out: Sequence[str] = ()) -> None:
        """``left_out``: what reading the server's database left out of ``config``."""
        self.config = config
        self.left_out = list(left_out)

    def schedules(self) -> list[Head]:
        return [Head(s.name, s.team, s.zone) for s in self.config.schedules]

    def _schedule(self, name: str) -> Schedule:
        found = self.config.schedule(name)
        if found is None:  # the commands pick the name among schedules() first
            raise UsageError(f"no schedule named {name!r}")
        return found

    def on_call(self, name: str, at: datetime) -> tuple[str, ...]:
        from postmortems.oncall.evaluate import on_call

        return on_call(self._schedule(name), at)

    def team_on_call(
        self, team: str, heads: Sequence[Head], at: datetime
    ) -> dict[str, tuple[str, ...]]:
        from postmortems.oncall.evaluate import on_call_many

        return on_call_many([self._schedule(h.name) for h in heads], at)

    def shifts(self, name: str, start: datetime, end: datetime) -> list[Shift]:
        from postmortems.oncall.evaluate import shifts

        return shifts(self._schedule(name), start, end)

    def gaps(self, name: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        from postmortems.oncall.evaluate import gaps

        return gaps(self._schedule(name), start, end)

    def export(self) -> tuple[str, list[str]]:
        from postmortems.oncall.spec import dump

        return dump(self.config), self.left_out
