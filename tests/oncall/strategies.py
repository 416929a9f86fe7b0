"""Hypothesis strategies for on-call schedules and policies (the reference and round-trip tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import strategies as st

from postmortems.oncall import model

ZONES = ("Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe", "UTC")
USERS = ("ana", "bo", "cy", "di", "ed")
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)
MINUTES_IN_YEAR = int((YEAR_END - YEAR_START).total_seconds() // 60)

# Times of day near the DST changes of the zones above (Berlin 02:00-03:00, Los Angeles 02:00,
# Lord Howe 02:00-02:30 and 01:30-02:00), midnight, and any quarter hour.
times_of_day = st.one_of(
    st.sampled_from(
        [
            time(0),
            time(1, 30),
            time(1, 45),
            time(2),
            time(2, 15),
            time(2, 30),
            time(3),
            time(9),
            time(17),
        ]
    ),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
)
shift_lengths = st.one_of(
    st.builds(model.ShiftLength, st.integers(4, 48), st.just("hours")),
    st.builds(model.ShiftLength, st.integers(1, 7), st.just("days")),
    st.builds(model.ShiftLength, st.integers(1, 3), st.just("weeks")),
)
restrictions = st.builds(
    model.Restriction,
    st.sets(st.integers(0, 6), min_size=1).map(lambda days: tuple(sorted(days))),
    times_of_day,
    times_of_day,
)


# Hand-overs on the DST days themselves, in or next to the hour that is skipped or repeated: the
# DST changes of these zones are all on Sundays, so day rotations and week rotations started on
# a Sunday hand over on them.
DST_HANDOFFS = [time(1, 30), time(1, 45), time(2), time(2, 15), time(2, 30), time(2, 59)]
SUNDAYS = st.integers(0, 30).map(lambda k: date(2025, 11, 2) + timedelta(weeks=k))


@st.composite
def layers(draw: st.DrawFn, name: str) -> model.Layer:
    users = tuple(draw(st.lists(st.sampled_from(USERS), min_size=1, max_size=4, unique=True)))
    if draw(st.booleans()):
        shift = draw(st.sampled_from([model.ShiftLength(1, "days"), model.ShiftLength(1, "weeks")]))
        handoff, start = draw(st.sampled_from(DST_HANDOFFS)), draw(SUNDAYS)
    else:
        shift, handoff = draw(shift_lengths), draw(times_of_day)
        start = draw(st.dates(date(2025, 11, 1), date(2026, 6, 30)))
    return model.Layer(
        name, users, shift, handoff, start, tuple(draw(st.lists(restrictions, max_size=2)))
    )


@st.composite
def overrides(draw: st.DrawFn) -> model.Override:
    start = YEAR_START + timedelta(minutes=draw(st.integers(0, MINUTES_IN_YEAR)))
    end = start + timedelta(minutes=draw(st.integers(30, 14 * 24 * 60)))
    kind = draw(st.sampled_from(model.KINDS))
    replaces = draw(st.one_of(st.none(), st.sampled_from(USERS))) if kind == "replace" else None
    return model.Override(start, end, draw(st.sampled_from(USERS)), replaces, kind)


names = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)


@st.composite
def schedules(draw: st.DrawFn, name: str = "s", *, valid: bool = False) -> model.Schedule:
    """``valid``: as a file may hold it (no override repeats another's span and kind: the
    reader refuses a copy, and two people replacing the same one over one span)."""
    count = draw(st.integers(1, 3))
    span = (lambda o: (o.start, o.end, o.kind, o.replaces)) if valid else None
    return model.Schedule(
        name=name,
        timezone=draw(st.sampled_from(ZONES)),
        layers=tuple(draw(layers(f"layer-{i}")) for i in range(count)),
        overrides=tuple(draw(st.lists(overrides(), max_size=3, unique_by=span))),
        team=draw(st.one_of(st.just(""), names)),
    )


@st.composite
def policies(draw: st.DrawFn, name: str, schedule_names: list[str]) -> model.EscalationPolicy:
    kinds = ["user", "team"] + (["schedule"] if schedule_names else [])

    @st.composite
    def target(draw: st.DrawFn) -> model.Target:
        kind = draw(st.sampled_from(kinds))
        pool = st.sampled_from(schedule_names) if kind == "schedule" else names
        return model.Target(kind, draw(pool))

    steps = st.builds(
        model.Step,
        st.lists(target(), min_size=1, max_size=3).map(tuple),
        st.integers(1, 180).map(lambda m: timedelta(minutes=m)),
    )
    return model.EscalationPolicy(
        name,
        tuple(draw(st.lists(steps, min_size=1, max_size=4))),
        draw(st.integers(0, 3)),
        draw(st.one_of(st.just(""), names)),
    )


@st.composite
def configs(draw: st.DrawFn) -> model.Config:
    all_names = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    split = draw(st.integers(0, len(all_names)))
    schedule_names, policy_names = all_names[:split], all_names[split:]
    found = [draw(schedules(n, valid=True)) for n in schedule_names]
    made = tuple(draw(policies(n, schedule_names)) for n in policy_names)
    services: tuple[model.Service, ...] = ()
    if policy_names:
        service = st.builds(
            model.Service, names, st.sampled_from(policy_names), st.one_of(st.just(""), names)
        )
        found_services = draw(st.lists(service, max_size=3, unique_by=lambda s: s.name))
        services = tuple(found_services)
    return model.Config(tuple(found), made, {}, services)
