"""Wall times a person reads and types, without ambiguity.

The hour a fall-back repeats happens twice (01:30 on the last Sunday of October in London is
01:30 BST, then an hour later 01:30 GMT), so a wall time there names two instants: it is written
with its zone's abbreviation (or an offset), and read back to the one it names. A wall time that
names one instant needs neither. The evaluator's own rule for such times (``model.resolve``:
the first) is for schedules written without an offset; a person asking for one shift is asked
which.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from postmortems.errors import PostmortemsError


class WallTimeError(PostmortemsError):
    """A typed time that is no instant of the zone, or that names two."""


def zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", zone))


def instants(wall: datetime, zone: tzinfo) -> list[datetime]:
    """The instants (aware, in ``zone``) whose wall time is the naive ``wall``: none when a
    spring-forward skips it, two in the hour a fall-back repeats, else one."""
    found: list[datetime] = []
    for fold in (0, 1):
        at = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        back = at.astimezone(zone)
        if back.replace(tzinfo=None) == wall and all(at != f for f in found):
            found.append(back)
    return found


def repeated(at: datetime, zone: tzinfo) -> bool:
    """Whether the wall time of instant ``at`` in ``zone`` happens twice that day."""
    return len(instants(at.astimezone(zone).replace(tzinfo=None), zone)) > 1


def teller(at: datetime, zone: tzinfo) -> str:
    """What follows the wall time of ``at`` to say which instant it is: the zone's
    abbreviation (``GMT``), or the offset where that would not tell (see :func:`_tellers`)."""
    local = at.astimezone(zone)
    found = instants(local.replace(tzinfo=None), zone)
    if len(found) < 2:
        return f"{local:%Z}"
    return _tellers(found)[[f.astimezone(UTC) for f in found].index(at.astimezone(UTC))]


def label(at: datetime, zone: tzinfo, fmt: str = "%a %d %b %H:%M") -> str:
    """``at`` as a wall time of ``zone`` in ``fmt``, followed by what tells it apart when that
    wall time happens twice (``Sun 25 Oct 01:30 GMT``)."""
    local = at.astimezone(zone)
    return f"{local:{fmt}} {teller(at, zone)}" if repeated(at, zone) else f"{local:{fmt}}"


def dated(at: datetime, zone: tzinfo, now: datetime, other: datetime | None = None) -> str:
    """``at`` as the on-call pages list a time, ``Fri 8 Jan 09:00`` (with the abbreviation as
    :func:`label` adds it), with the year when it is not ``now``'s year in ``zone``, or not the
    year of the period's ``other`` end: ``Fri 8 Jan 2027 09:00`` read in December, ``Thu 31 Dec
    2026 20:00`` for a period into the next year. A day and month alone would read as this
    year's."""
    local = at.astimezone(zone)
    years = {local.year, now.astimezone(zone).year}
    if other is not None:
        years.add(other.astimezone(zone).year)
    year = " %Y" if len(years) > 1 else ""
    return label(at, zone, f"%a {local.day} %b{year} %H:%M")


def written(at: datetime, zone: tzinfo) -> str:
    """``at`` as a form shows it and :func:`parse` and :func:`resolve` read it back, always with
    the zone's abbreviation: ``2026-10-25 01:30 GMT``."""
    return f"{at.astimezone(zone):%Y-%m-%d %H:%M} {teller(at, zone)}"


def _offset(at: datetime) -> str:
    """``+01:00`` (``%z`` gives ``+0100``)."""
    raw = f"{at:%z}"
    return f"{raw[:3]}:{raw[3:5]}"


def _names(at: datetime) -> set[str]:
    """What may follow a wall time to say it is ``at``: its abbreviation or its offset."""
    return {f"{at:%Z}".upper(), f"{at:%z}", _offset(at)}


def parse(text: str) -> tuple[datetime, str]:
    """``text`` as a date and time and what follows it: ``YYYY-MM-DD HH:MM`` (or with ``T``),
    ISO-style with an offset (``2026-10-25T01:30+00:00``: aware), or followed by a space and
    the zone's abbreviation or an offset (``2026-10-25 01:30 GMT``: naive, and ``GMT``).
    ValueError when it is no date and time."""
    raw = text.strip()
    try:
        return datetime.fromisoformat(raw), ""
    except ValueError:
        head, _, tail = raw.rpartition(" ")
        value = datetime.fromisoformat(head.strip())
        if value.tzinfo is not None or not tail:
            raise ValueError(raw) from None
        return value, tail


def resolve(value: datetime, name: str, zone: tzinfo) -> datetime:
    """The instant (UTC) of what :func:`parse` read, in ``zone``; :class:`WallTimeError` when it
    is no time of the zone, or names two and ``name`` does not say which."""
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    if name:
        return _named(value, name, zone).astimezone(UTC)
    return _only(value, zone).astimezone(UTC)


def _only(wall: datetime, zone: tzinfo) -> datetime:
    found = instants(wall, zone)
    when = f"{wall:%Y-%m-%d %H:%M}"
    if not found:
        raise WallTimeError(
            f"{when} does not happen in {zone_name(zone)}: the clocks go forward over it",
            hint="give a time before or after the change",
        )
    if len(found) > 1:
        first, second = _tellers(found)
        raise WallTimeError(
            f"{when} happens twice in {zone_name(zone)}: the clocks go back over it",
            hint=f"write {when} {first} for the first time or {when} {second} for the second",
        )
    return found[0]


def _tellers(found: list[datetime]) -> list[str]:
    """What tells the instants of one wall time apart: their abbreviations, or their offsets
    where an abbreviation is a number (``+1030``) or the same for both."""
    names = [f"{at:%Z}" for at in found]
    if all(n.isalpha() for n in names) and len(set(names)) == len(names):
        return names
    return [_offset(at) for at in found]


def _named(wall: datetime, name: str, zone: tzinfo) -> datetime:
    if name.lower() == zone_name(zone).lower():  # the schedule's own zone, named in full
        return _only(wall, zone)
    found = instants(wall, zone)
    for at in found:
        if name.upper() in _names(at):
            return at
    when = f"{wall:%Y-%m-%d %H:%M}"
    if not found:
        return _only(wall, zone)  # skipped: said as such, whatever follows it
    choices = " or ".join(f"{when} {t}" for t in _tellers(found))
    said = f"{name} is not the time of {zone_name(zone)} at {when}"
    if "/" in name:  # a zone's full name, not the schedule's
        said = f"{name} is another zone: the times are in {zone_name(zone)}"
    raise WallTimeError(
        said,
        hint=f"write {choices} (or leave the zone out: times are in {zone_name(zone)})"
        if len(found) == 1
        else f"write {choices}",
    )


STEP = timedelta(minutes=15)  # clocks change on a quarter hour of UTC, in every zone today


def fall_backs(zone: tzinfo, start: datetime, end: datetime) -> list[tuple[datetime, timedelta]]:
    """Each instant from ``start`` to ``end`` when ``zone``'s clocks go back, and by how much
    (the wall times of that long before it happen again)."""
    found = []
    day = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        after = day + timedelta(days=1)
        if _shift(after, zone) < _shift(day, zone):
            at = day + STEP
            while _shift(at, zone) == _shift(day, zone):
                at += STEP
            if start <= at < end:
                found.append((at, _shift(day, zone) - _shift(at, zone)))
        day = after
    return found


def _shift(at: datetime, zone: tzinfo) -> timedelta:
    return at.astimezone(zone).utcoffset() or timedelta()


def fall_back_note(zone: tzinfo, start: datetime, end: datetime) -> str:
    """What a form with times from ``start`` to ``end`` says about the hour ``zone`` repeats in
    them: ``On Sun 25 Oct 2026 the clocks go back: 01:00–02:00 happens twice in Europe/London.
    Write 2026-10-25 01:30 BST for the first 01:30, 2026-10-25 01:30 GMT for the second.``
    ('' when none)."""
    notes = []
    for at, back in fall_backs(zone, start, end):
        local = at.astimezone(zone)
        first, second = (at - back / 2).astimezone(zone), (at + back / 2).astimezone(zone)
        first_said, second_said = _tellers([first, second])
        wall, typed = f"{second:%H:%M}", f"{second:%Y-%m-%d %H:%M}"
        notes.append(
            f"On {local:%a} {local.day} {local:%b %Y} the clocks go back: "
            f"{local:%H:%M}–{(at + back).astimezone(zone):%H:%M} happens twice in "
            f"{zone_name(zone)}. Write {typed} {first_said} for the first {wall}, "
            f"{typed} {second_said} for the second."
        )
    return " ".join(notes)


def abbreviations(zone: tzinfo, at: datetime) -> list[str]:
    """The names ``zone``'s clocks go by in the year from ``at`` (``['GMT', 'BST']``), each
    once, in order: one for a zone without daylight saving."""
    found: list[str] = []
    for week in range(53):
        name = f"{(at + timedelta(weeks=week)).astimezone(zone):%Z}"
        if name not in found:
            found.append(name)
    return found
