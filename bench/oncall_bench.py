"""On-call speed (issue 15): a year's feed, and who is on call now on 1,000 schedules.

    python bench/oncall_bench.py [--runs 15] [--schedules 1000]

(a) Feed: the final timeline of a year (``evaluate.shifts``) and its iCalendar feed
    (``ical.feed``) for a 10-person rotation — weekly hand-overs; then daily hand-overs with a
    business-hours layer on top and a dozen overrides (ten times the shifts). Goal: < 200 ms.
(b) Who now: ``evaluate.on_call_many`` for ``--schedules`` schedules at one instant (zones with
    DST, 1-3 layers, restrictions, overrides), the pure part of the server's "who is on call now"
    (reading them from the database is the server app's bench). Goal: < 50 ms in all.

Figures are the median of ``--runs`` runs, wall-clock and CPU time of this process (the machine
may be shared: CPU time says what the code costs).
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from postmortems.oncall.evaluate import on_call_many, shifts
from postmortems.oncall.ical import feed
from postmortems.oncall.model import Layer, Override, Restriction, Schedule, ShiftLength
from timing import wall_and_cpu_ms

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)
PEOPLE = tuple(f"person-{i}" for i in range(10))
ZONES = ("Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Tokyo", "UTC")


def weekly() -> Schedule:
    layer = Layer("weekly", PEOPLE, ShiftLength(1, "weeks"), clock(9), date(2026, 1, 5))
    return Schedule("weekly", "Europe/Berlin", (layer,))


def daily_with_business_hours() -> Schedule:
    base = Layer("daily", PEOPLE, ShiftLength(1, "days"), clock(9), date(2026, 1, 1))
    office = Layer(
        "office",
        PEOPLE[::-1],
        ShiftLength(1, "days"),
        clock(9),
        date(2026, 1, 1),
        (Restriction((0, 1, 2, 3, 4), clock(9), clock(17)),),
    )
    overrides = tuple(
        Override(
            YEAR_START + timedelta(days=30 * i),
            YEAR_START + timedelta(days=30 * i, hours=30),
            PEOPLE[i % 10],
            PEOPLE[(i + 3) % 10],
        )
        for i in range(12)
    )
    return Schedule("daily", "Europe/Berlin", (base, office), overrides)


def many(count: int) -> list[Schedule]:
    rng = random.Random(15)
    found = []
    for n in range(count):
        layers = []
        for k in range(rng.randint(1, 3)):
            unit = rng.choice(("hours", "days", "weeks"))
            size = {"hours": rng.choice((8, 12, 24)), "days": rng.randint(1, 7), "weeks": 1}[unit]
            limits = () if k == 0 else (Restriction((0, 1, 2, 3, 4), clock(9), clock(17)),)
            users = tuple(rng.sample(PEOPLE, rng.randint(2, 8)))
            start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 500))
            layers.append(
                Layer(
                    f"l{k}",
                    users,
                    ShiftLength(size, unit),
                    clock(rng.randint(0, 23)),
                    start,
                    limits,
                )
            )
        moment = YEAR_START + timedelta(hours=rng.randint(0, 8000))
        overrides = (Override(moment, moment + timedelta(days=2), rng.choice(PEOPLE)),)
        found.append(Schedule(f"s{n}", rng.choice(ZONES), tuple(layers), overrides))
    return found


def measure(runs: int, body: Callable[[], object]) -> tuple[float, float]:
    walls, cpus = wall_and_cpu_ms(body, runs)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--schedules", type=int, default=1000)
    args = parser.parse_args()
    print("| case | shifts / schedules | median wall ms | median CPU ms | goal ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for schedule in (weekly(), daily_with_business_hours()):
        year = shifts(schedule, YEAR_START, YEAR_END)

        def year_feed(schedule: Schedule = schedule) -> bytes:
            return feed(shifts(schedule, YEAR_START, YEAR_END), name=schedule.name)

        wall, cpu = measure(args.runs, year_feed)
        print(
            f"| a year's feed, 10 people, {schedule.name} | {len(year)} "
            f"| {wall:.1f} | {cpu:.1f} | 200 |"
        )
    schedules = many(args.schedules)
    now = datetime(2026, 7, 1, 12, tzinfo=UTC)
    wall, cpu = measure(args.runs, lambda: on_call_many(schedules, now))
    print(f"| who is on call now, one call | {len(schedules)} | {wall:.1f} | {cpu:.1f} | 50 |")


if __name__ == "__main__":
    main()
