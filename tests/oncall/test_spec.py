"""On-call YAML: every kind of mistake reported where it is, with a fix; dump() reads back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.oncall.model import Config, Restriction, Service, ShiftLength, Target
from postmortems.oncall.spec import OncallSpecError, Problem, dump, load_files, load_text

from .strategies import configs

GOOD = """\
schedules:
  - name: primary
    timezone: Europe/Berlin
    team: platform
    layers:
      - name: week
        users: [ana, bo]
        shift: 1 week
        handoff: 09:00
        start: 2026-01-05
      - name: office
        users: [cy]
        shift: 12h
        start: 2026-01-05
        restrictions:
          - {days: mon-fri, from: "09:00", to: "17:00"}
          - {days: [sat, Sunday], from: "22:00", to: "06:00"}
    overrides:
      - {user: di, replaces: ana, from: 2026-01-06T09:00, to: "2026-01-07T09:00+01:00"}
      - {user: ed, kind: add, from: 2026-01-06T09:00Z, to: 2026-01-06T18:00Z}
escalation_policies:
  - name: default
    repeat: 1
    steps:
      - targets: [{schedule: primary}]
        delay: 10m
      - targets: [{user: ed}, {team: platform}]
        delay: 1h30m
services:
  - name: checkout
    team: platform
    escalation_policy: default
"""


def problems(text: str) -> list[str]:
    with pytest.raises(OncallSpecError) as caught:
        load_text(text, "on-call.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_good_file_reads_into_values() -> None:
    config = load_text(GOOD, "on-call.yaml")
    primary = config.schedules[0]
    week, office = primary.layers
    assert week.handoff == time(9)  # 09:00 unquoted stays a time, not the number 540
    assert week.start == date(2026, 1, 5)
    assert office.shift == ShiftLength(12, "hours")
    assert office.handoff == time(0)
    assert office.restrictions == (
        Restriction((0, 1, 2, 3, 4), time(9), time(17)),
        Restriction((5, 6), time(22), time(6)),
    )
    replace, add = primary.overrides
    assert replace.start == datetime(2026, 1, 6, 8, tzinfo=UTC)  # naive: in the schedule's zone
    assert replace.end == datetime(2026, 1, 7, 8, tzinfo=UTC)
    assert (add.kind, add.start) == ("add", datetime(2026, 1, 6, 9, tzinfo=UTC))
    policy = config.policies[0]
    assert policy.repeat == 1
    assert policy.steps[1].delay == timedelta(hours=1, minutes=30)
    assert policy.steps[1].targets == (Target("user", "ed"), Target("team", "platform"))
    assert config.services == (Service("checkout", "default", "platform"),)
    assert config.sources == {
        "primary": "on-call.yaml",
        "default": "on-call.yaml",
        "service:checkout": "on-call.yaml",
    }


def replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def where(text: str, needle: str, occurrence: int = 1) -> str:
    """line:column of the start of the ``occurrence``-th ``needle`` in ``text``."""
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


# (the file, where the problem is: (text, occurrence), the start of the message after it)
MISTAKES = [
    (
        replace("Europe/Berlin", "Europe/Berln"),
        ("Europe/Berln", 1),
        "timezone 'Europe/Berln' is not an IANA zone — did you mean 'Europe/Berlin'?",
    ),
    (
        replace("shift: 1 week", "shift: weekly"),
        ("weekly", 1),
        "shift: 'weekly' is not valid — write a number and a unit",
    ),
    (
        replace("handoff: 09:00", "handoff: 9am"),
        ("9am", 1),
        "the time: '9am' is not valid — write a time of day as HH:MM",
    ),
    (
        replace("start: 2026-01-05", "start: 2026-13-05"),
        ("2026-13-05", 1),
        "start: '2026-13-05' is not valid",
    ),
    (replace("users: [ana, bo]", "users: []"), ("[]", 1), "users must be a list of at least one"),
    (
        replace("users: [ana, bo]", "userz: [ana, bo]"),
        ("userz", 1),
        "a layer has no field 'userz' — did you mean 'users'?",
    ),
    (
        replace("        shift: 1 week\n", ""),
        ("name: week", 1),
        "a layer has no shift: — add shift:",
    ),
    (
        replace("days: mon-fri", "days: mon-fry"),
        ("mon-fry", 1),
        "days: 'mon-fry' is not valid ('fry' is not a day of the week: did you mean 'fri'?)",
    ),
    (
        replace("days: mon-fri", "days: [mon, tus, wed]"),
        ("tus", 1),
        "a day: 'tus' is not valid (not a day of the week: did you mean 'tue'?)",
    ),
    (
        replace("to: 2026-01-06T18:00Z", "to: 2026-01-06T08:00Z"),
        ("2026-01-06T08:00Z", 1),
        "the override ends before it starts — make to: later than from:",
    ),
    (
        replace("kind: add,", "kind: add, replaces: ana,"),
        ("ana,", 3),
        "replaces: goes with kind: replace, not add",
    ),
    (
        replace("kind: add", "kind: plus"),
        ("plus", 1),
        "kind: 'plus' is not valid (not one of replace, add, remove)",
    ),
    (
        replace("{schedule: primary}", "{schedule: primary-2}"),
        ("primary-2", 1),
        "no schedule named 'primary-2' — did you mean 'primary'?",
    ),
    (
        replace("{schedule: primary}", "{schedule: primary, team: ops}"),
        ("{schedule", 1),
        "a target names one user, schedule or team",
    ),
    (
        replace("delay: 10m", "delay: 10 minutes"),
        ("10 minutes", 1),
        "delay: '10 minutes' is not valid — write a duration",
    ),
    (
        replace("delay: 10m", "delay: 20s"),
        ("20s", 1),
        "delay: '20s' is not valid (shorter than a minute)",
    ),
    (replace("repeat: 1", "repeat: many"), ("many", 1), "repeat: 'many' is not valid"),
    (
        replace("- name: default", "- name: primary").replace(": default", ": primary"),
        ("name: primary", 2),
        "the name 'primary' is used twice (also in on-call.yaml)",
    ),
    (replace("name: office", "name: week"), ("name: week", 2), "two layers are named 'week'"),
    (
        replace("escalation_policy: default", "escalation_policy: defualt"),
        ("defualt", 1),
        "no escalation policy named 'defualt' — did you mean 'default'?",
    ),
    (
        replace("escalation_policy: default", "escalation_policy: default\n    owner: a"),
        ("owner: a", 1),
        "a service has no field 'owner'",
    ),
    (
        GOOD + "  - name: checkout\n    escalation_policy: default\n",
        ("name: checkout", 2),
        "the name 'checkout' is used twice (also in on-call.yaml) — give every service its own",
    ),
    (
        replace("    team: platform\n", "    team: platform\n    team: ops\n"),
        ("team: ops", 1),
        "'team' is given twice — keep one of them",
    ),
    (replace("users: [ana, bo]", "users: [ana, bo"), (": 1 week", 1), "not valid YAML"),
    (
        "schedules: &x [1]\nescalation_policies: *x\n",
        ("*x", 1),
        "anchors and aliases (*name) are not read — write the value out",
    ),
    ("", ("", 1), "the file is empty"),
    ("- a list\n", ("-", 1), "the file must be a mapping"),
    ("schedules: primary\n", ("primary", 1), "schedules must be a list"),
]


@pytest.mark.parametrize(("text", "place", "message"), MISTAKES)
def test_each_mistake_is_reported_where_it_is(
    text: str, place: tuple[str, int], message: str
) -> None:
    expected = f"on-call.yaml:{where(text, *place)}: {message}"
    found = problems(text)
    assert any(p.startswith(expected) for p in found), found
    assert len(found) == 1 or "userz" in text, found  # no problem that follows from another


def test_every_problem_is_reported_at_once() -> None:
    text = replace("timezone: Europe/Berlin", "timezone: Mars/Base")
    text = text.replace("shift: 12h", "shift: 0h").replace("delay: 10m", "delay: soon")
    found = problems(text)
    assert [p.split(":")[1] for p in found] == ["3", "13", "26"]
    assert all(" — " in p for p in found)


def test_files_are_read_together_and_remember_where_each_object_came_from(tmp_path: Path) -> None:
    schedules, policies = GOOD.split("escalation_policies:")
    (tmp_path / "a.yaml").write_text(schedules)
    (tmp_path / "b.yaml").write_text("escalation_policies:" + policies)
    config = load_files([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert config == load_text(GOOD, "x")
    assert config.sources == {
        "primary": str(tmp_path / "a.yaml"),
        "default": str(tmp_path / "b.yaml"),
        "service:checkout": str(tmp_path / "b.yaml"),
    }
    with pytest.raises(OncallSpecError) as caught:
        load_files([tmp_path / "b.yaml", tmp_path / "missing.yaml"])
    messages = [str(p) for p in caught.value.problems]
    assert any("b.yaml:5:30: no schedule named 'primary'" in m for m in messages), messages
    assert any("missing.yaml:1:1: no such file" in m for m in messages), messages


@settings(max_examples=30)
@given(config=configs())
def test_dump_reads_back_to_the_same_config(config: Config) -> None:
    assert load_text(dump(config), "dumped.yaml") == config


@settings(max_examples=100)
@given(
    cut=st.integers(0, len(GOOD)),
    length=st.integers(0, 40),
    insert=st.text(
        alphabet=st.sampled_from(list("ab0123456789:-[]{}, \n'\"&*!#%@`|>?^é\t")), max_size=12
    ),
)
def test_any_edit_of_a_good_file_is_read_or_reported(cut: int, length: int, insert: str) -> None:
    text = GOOD[:cut] + insert + GOOD[cut + length :]
    found: list[Problem] = []
    config = None
    try:
        config = load_text(text, "edited.yaml")
    except OncallSpecError as exc:
        found = exc.problems
    if config is not None:
        assert load_text(dump(config), "again.yaml") == config
        return
    assert found
    for problem in found:
        assert problem.path == "edited.yaml"
        assert 1 <= problem.line <= text.count("\n") + 2
        assert " — " in str(problem)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("shift: 1 week", "shift: 99999999999 weeks", "from 1 to 1000"),
        ("start: 2026-01-05", "start: 9999-12-31", "years 1970 to 2100"),
        ("to: 2026-01-06T18:00Z", "to: 0001-01-01T00:00Z", "years 1970 to 2100"),
        ("delay: 10m", "delay: 99999999999999h", "not valid"),
        ("delay: 10m", "delay: 25h", "longer than a day"),
    ],
)
def test_values_out_of_range_are_refused(old: str, new: str, message: str) -> None:
    assert any(message in p for p in problems(replace(old, new)))


def test_a_missing_field_does_not_hide_the_problems_next_to_it() -> None:
    text = "schedules:\n  - name: x\n    timezone: Mars/Base\n"
    assert problems(text) == [
        "on-call.yaml:2:5: a schedule has no layers: — add layers:",
        "on-call.yaml:3:15: timezone 'Mars/Base' is not an IANA zone — write one such as "
        "Europe/Berlin",
    ]


REPEATED = """\
schedules:
  - name: primary
    timezone: Europe/Berlin
    layers:
      - {name: week, users: [ana, bo], shift: 1 week, start: 2026-01-05}
    overrides:
      - {user: di, replaces: ana, from: 2026-01-06T09:00, to: 2026-01-07T09:00}
      - {user: ed, kind: add, from: 2026-01-06T09:00, to: 2026-01-06T18:00}
      - {user: fay, kind: add, from: 2026-01-06T09:00, to: 2026-01-06T18:00}
      - {user: di, replaces: ana, from: "2026-01-06T08:00Z", to: 2026-01-07T09:00}
      - {user: gus, from: 2026-01-08T09:00, to: 2026-01-08T18:00}
      - {user: hal, from: 2026-01-08T09:00, to: 2026-01-08T18:00}
"""


def test_an_override_listed_twice_is_reported_where_the_copy_is() -> None:
    """The same override twice (08:00 UTC is 09:00 in Berlin: the same instant), and two
    people replacing everyone over the same span, of whom only the later applies; two people
    added over one span is no mistake."""
    assert problems(REPEATED) == [
        "on-call.yaml:10:9: the same override is listed twice in schedule 'primary' (also at "
        "line 7): di replaces ana, 2026-01-06 09:00 – 2026-01-07 09:00 — remove one of them",
        "on-call.yaml:12:9: two overrides replace everyone over the same span in schedule "
        "'primary' (also at line 11): gus and hal, so only one of them can apply — keep the one "
        "you mean, or change the times of the other",
    ]
    fixed = REPEATED.replace("T08:00Z", "T10:00").replace(
        "hal, from: 2026-01-08T09:00", "hal, from: 2026-01-08T12:00"
    )
    assert len(load_text(fixed, "on-call.yaml").schedules[0].overrides) == 6


def test_a_file_is_named_by_its_path_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postmortems.oncall.spec import file_aliases, file_name, read_files

    repo = tmp_path / "repo"
    (repo / "oncall").mkdir(parents=True)
    (repo / "oncall" / "sre.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "link").symlink_to(repo)  # a checkout reached by a link, as $PWD names it
    monkeypatch.chdir(tmp_path / "link")
    typed = ["oncall/sre.yaml", "./oncall/sre.yaml", "oncall/../oncall/sre.yaml"]
    typed += [str(repo / "oncall" / "sre.yaml"), str(tmp_path / "link" / "oncall" / "sre.yaml")]
    typed.append("../repo/oncall/sre.yaml")
    assert {file_name(t) for t in typed} == {"oncall/sre.yaml"}
    assert file_name(str(repo)) == str(repo)  # the directory itself: no empty name
    monkeypatch.chdir(repo / "oncall")
    assert file_name("../../outside.yaml") == "../../outside.yaml"  # outside, as typed
    assert file_name(str(tmp_path / "x" / ".." / "y.yaml")) == str(tmp_path / "y.yaml")
    # The names an apply gave the file before (as typed): its objects stored under them.
    full = str(repo / "oncall" / "sre.yaml")
    assert file_aliases([Path(full), Path("./sre.yaml")]) == {"sre.yaml": (full,)}
    assert file_aliases([Path("../oncall/sre.yaml")]) == {"sre.yaml": ("../oncall/sre.yaml", full)}
    texts, problems = read_files([Path("./sre.yaml")])
    assert ([name for name, _ in texts], problems) == (["sre.yaml"], [])
    config = load_files([Path(full)])  # typed in full, named from here
    assert (set(config.sources.values()), config.aliases) == ({"sre.yaml"}, {"sre.yaml": (full,)})


def test_without_a_working_directory_a_file_keeps_its_name_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postmortems.oncall.spec import file_aliases, file_name

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert file_name("/etc/./x.yaml") == "/etc/x.yaml"
    assert file_name("./x.yaml") == "x.yaml"
    assert file_aliases([Path("./x.yaml")]) == {"x.yaml": ()}


def test_restricted_is_a_flag_of_a_schedule_that_names_its_team() -> None:
    said = GOOD.replace(
        "    team: platform\n    layers:", "    team: platform\n    restricted: true\n    layers:"
    )
    assert load_text(said, "x").schedules[0].restricted is True
    assert (
        load_text(GOOD, "x").schedules[0].restricted is None
    )  # not said: the server keeps its own
    assert problems(said.replace("restricted: true", "restricted: maybe")) == [
        "on-call.yaml:5:17: restricted: 'maybe' is not valid — write restricted: true or "
        "restricted: false"
    ]
    assert problems(said.replace("    team: platform\n    restricted", "    restricted")) == [
        "on-call.yaml:4:17: a restricted schedule names its team — add team: NAME"
    ]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "Checkout API",
            "on-call.yaml:33:11: the service's name: 'Checkout API' is not valid "
            "(write checkout-api) — a service name is lower-case letters",
        ),
        (
            "../../etc",
            "on-call.yaml:33:11: the service's name: '../../etc' is not valid — a "
            "service name is lower-case letters",
        ),
    ],
)
def test_a_service_name_is_one_the_server_would_take(name: str, said: str) -> None:
    text = GOOD + f"  - name: {name}\n    escalation_policy: default\n"
    (found,) = problems(text)
    assert found.startswith(said), found
