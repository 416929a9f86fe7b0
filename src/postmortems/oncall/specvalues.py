"""The values of on-call YAML: each parser takes the text of one scalar and returns the value or
raises ValueError saying what is wrong (the reader adds where it is and how to fix it)."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TypeVar
from zoneinfo import available_timezones

from postmortems import servicenames
from postmortems.oncall.model import UNITS, WEEKDAYS, ShiftLength

FIRST_YEAR, LAST_YEAR = 1970, 2100  # far enough; keeps every sum of dates in range
_SHIFT = re.compile(r"^(\d+)\s*(hours?|h|days?|d|weeks?|w)$", re.IGNORECASE)
_DELAY = re.compile(r"^(?:(\d{1,4})h)?\s*(?:(\d{1,6})m)?\s*(?:(\d{1,8})s)?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_UNIT_OF = {"h": "hours", "d": "days", "w": "weeks"}


def name(value: str) -> str:
    if not value or "\n" in value or not value.isprintable():
        raise ValueError("a name is one line of printable text")
    return value


def service_name(value: str) -> str:
    """A service's name as a file gives it: already a service name (not normalised, so that the
    file and the server say the same name); the name to write when there is one."""
    if servicenames.is_name(value):
        return value
    name = servicenames.normal(value)
    raise ValueError(f"write {name}" if servicenames.is_name(name) else "")


def time_of_day(value: str) -> time:
    match = _TIME.match(value)
    if not match:
        raise ValueError("")
    hour, minute, second = (int(g or 0) for g in match.groups())
    return time(hour, minute, second)


def shift(value: str) -> ShiftLength:
    match = _SHIFT.match(value)
    if not match or not 1 <= int(match[1]) <= 1000:
        raise ValueError("" if not match else "from 1 to 1000")
    unit = match[2].lower()
    unit = _UNIT_OF.get(unit, unit if unit.endswith("s") else unit + "s")
    assert unit in UNITS
    return ShiftLength(int(match[1]), unit)


def delay(value: str) -> timedelta:
    match = _DELAY.match(value)
    if not value or not match:
        raise ValueError("")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    delay = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if delay < timedelta(minutes=1):
        raise ValueError("shorter than a minute")
    if delay > timedelta(days=1):
        raise ValueError("longer than a day")
    return delay


def start_date(value: str) -> date:
    return _in_years(date.fromisoformat(value))


def instant(value: str) -> datetime:
    return _in_years(datetime.fromisoformat(value))


D = TypeVar("D", date, datetime)


def _in_years(value: D) -> D:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"years {FIRST_YEAR} to {LAST_YEAR}")
    return value


def flag(value: str) -> bool:
    """A YAML boolean: true or false (yes/no, on/off)."""
    said = value.lower()
    if said in {"true", "yes", "on"}:
        return True
    if said in {"false", "no", "off"}:
        return False
    raise ValueError("")


def repeat(value: str) -> int:
    if not value.isdigit() or int(value) > 10:
        raise ValueError("")
    return int(value)


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekday(value: str) -> int:
    key = value.lower()
    if key in WEEKDAYS:
        return WEEKDAYS.index(key)
    if key in _DAY_NAMES:
        return _DAY_NAMES.index(key)
    # A typo in a day would restrict the layer to other days than meant: say which was meant.
    close = difflib.get_close_matches(key, WEEKDAYS, n=1) or difflib.get_close_matches(
        key, _DAY_NAMES, n=1
    )
    meant = f": did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"not a day of the week{meant}")


def day_range(value: str) -> tuple[int, ...]:
    first, dash, last = value.partition("-")
    if not dash:
        return (weekday(value),)
    start, end = (_range_end(end.strip()) for end in (first, last))
    return tuple(sorted((start + i) % 7 for i in range((end - start) % 7 + 1)))


def _range_end(value: str) -> int:
    try:
        return weekday(value)
    except ValueError as exc:  # said with the end it is about: 'fry' of mon-fry
        raise ValueError(f"{value!r} is {exc}") from None


@cache
def zones() -> frozenset[str]:
    return frozenset(available_timezones())


def suggest(value: str, choices: list[str], otherwise: str) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f"did you mean {close[0]!r}?" if close else otherwise
