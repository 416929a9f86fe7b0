"""The on-call commands through the team server's API (``--url``/``PM_URL``, ``--token``/
``PM_TOKEN``): `pm oncall who|shifts|gaps|export` read with :class:`RemoteReader` (the server
evaluates; it answers only what the token's user may see), and `pm oncall apply --url` sends
validated on-call YAML to ``POST /api/oncall/apply``, which applies it through the same store
as ``--data-dir``."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from postmortems.commands import remote
from postmortems.commands.oncall_read import Head
from postmortems.commands.remote import Api, ServerError
from postmortems.errors import PostmortemsError
from postmortems.oncall.spec import OncallSpecError, Problem

if TYPE_CHECKING:
    import urllib.error

    from postmortems.oncall.model import Shift

TIMEOUT = 60.0
CHUNK = timedelta(days=400)  # the most shifts the server answers at once (api/oncall.MAX_RANGE)


class RemoteReader:
    """The on-call questions asked of the server's ``/api/oncall/`` endpoints."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self._heads: list[Head] | None = None
        self._begins: dict[str, datetime] = {}  # each schedule's rotation's start, as answered

    def schedules(self) -> list[Head]:
        """The schedules the token's user may see (read once)."""
        from zoneinfo import ZoneInfo

        if self._heads is None:
            rows = self.api.call("GET", "/oncall/schedules")
            self._heads = [Head(r["name"], r["team"], ZoneInfo(r["timezone"])) for r in rows]
        return self._heads

    def on_call(self, name: str, at: datetime) -> tuple[str, ...]:
        found = self.api.call("GET", f"/oncall/schedules/{_q(name)}/on-call", at=_utc(at))
        return tuple(found["on_call"])

    def team_on_call(
        self, team: str, heads: Sequence[Head], at: datetime
    ) -> dict[str, tuple[str, ...]]:
        found = self.api.call("GET", f"/oncall/teams/{_q(team)}/on-call", at=_utc(at))
        return {name: tuple(people) for name, people in found["schedules"].items()}

    def shifts(self, name: str, start: datetime, end: datetime) -> list[Shift]:
        """The shifts from ``start`` to ``end``, asked for 400 days at a time; a shift cut at
        the end of one answer is joined to its rest, as one evaluation would give it."""
        from postmortems.oncall.model import Shift

        found: list[Shift] = []
        left, end = _to_ms(start), _to_ms(end)
        while left < end:
            right = min(end, left + CHUNK)
            window = {"from": _utc(left), "to": _utc(right)}
            path, api = f"/oncall/schedules/{_q(name)}/shifts", self.api
            rows = remote.call(api.url, api.token, "GET", path, timeout=api.timeout, query=window)
            if rows.get("begins"):
                self._begins[name] = _when(rows["begins"])
            for row in rows["shifts"]:
                users, layer = tuple(row["users"]), row["layer"]
                last = found[-1] if found else None
                if (
                    last
                    and last.end == _when(row["start"])
                    and (last.users, last.layer)
                    == (
                        users,
                        layer,
                    )
                ):
                    found[-1] = Shift(last.start, _when(row["end"]), users, layer)
                else:
                    found.append(Shift(_when(row["start"]), _when(row["end"]), users, layer))
            left = right
        return found

    def gaps(self, name: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        from postmortems.oncall.evaluate import uncovered

        start, end = _to_ms(start), _to_ms(end)
        found = self.shifts(name, start, end)  # also reads when the rotation begins
        return uncovered(found, start, end, begins=self._begins.get(name))

    def export(self) -> tuple[str, list[str]]:
        found = self.api.call("GET", "/oncall/export")
        return str(found["text"]), [str(x) for x in found.get("left_out", ())]


def _q(name: str) -> str:
    return urllib.parse.quote(name, safe="")


def _to_ms(at: datetime) -> datetime:
    """``at`` to the millisecond, as the server's JSON says instants: a range asked for to the
    microsecond would end after its last shift (a gap of less than a millisecond)."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def schedule_names(url: str, token: str) -> list[str]:
    """The server's schedules the token's user may see: those a policy of the files may page
    without defining them (made in the UI there)."""
    rows = remote.call(url, token, "GET", "/oncall/schedules", timeout=TIMEOUT, refused=_refusal)
    return [str(row["name"]) for row in rows or ()]


def apply_files(
    url: str,
    token: str,
    texts: Sequence[tuple[str, str]],
    aliases: Mapping[str, Sequence[str]],
    *,
    dry_run: bool,
) -> tuple[list[str], list[str]]:
    """The changes the server made (or, with ``dry_run``, would make), and its warnings."""
    files = [{"path": p, "text": t, "aliases": list(aliases.get(p, ()))} for p, t in texts]
    body = {"files": files, "dry_run": dry_run}
    data = remote.call(url, token, "POST", "/oncall/apply", body, timeout=TIMEOUT, refused=_refusal)
    data = data or {}
    return [str(c) for c in data.get("changes", [])], [str(w) for w in data.get("warnings", [])]


def _refusal(exc: urllib.error.HTTPError) -> PostmortemsError:
    data = remote.answer_json(exc)
    detail = str(data.get("detail") or exc.reason or "refused")
    errors = data.get("errors") or []
    if exc.code == 409 and errors and all("line" in e for e in errors):
        return OncallSpecError(
            [Problem(e["path"], e["line"], e["column"], e["message"], e["hint"]) for e in errors]
        )
    hint = {
        401: "check --token (or PM_TOKEN): an API token of this server",
        403: "check --token: a write token of this server, of someone with the admin role in "
        "the teams the files name",
    }.get(exc.code)
    if hint is None and "nothing was applied" not in detail:  # the server's refusal says it
        hint = "nothing was applied"
    return ServerError(f"the server refused the files (HTTP {exc.code}): {detail}", hint=hint)
