"""The canonical writer and the parser agree (hypothesis + the shared corpus).

- A document built from parts (front matter from the field table, sections under canonical or
  synonym titles, timeline entries with times, zones, dates, ranges and midnight roll-over,
  action items with owner, due date and done) is written, read back, and holds what it was built
  from; reading the canonical text back gives the same ``Document``, and writing that again gives
  the same text, byte for byte.
- Every corpus file: its canonical rewrite reads back as the same ``Document``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.document import (
    ActionItem,
    Document,
    Meta,
    Section,
    SectionKind,
    TimelineEntry,
    WallTime,
    parse,
    write,
)
from postmortems.document.fields import FIELDS, FieldSpec, FieldType
from postmortems.document.model import CauseCategory, Severity, Status
from postmortems.document.sections import classify_title
from postmortems.document.zones import zone_from_text
from postmortems.errors import PostmortemsError

SETTINGS = settings(max_examples=150)

# Words that name no section, no time, no zone and no phase of an incident.
WORDS = """
the a cache node team restarted checked queue disk rolled back deploy latency rose fell paged
database replica lagged traffic shifted region config pushed load balancer worker pool drained
memory grew graphs looked normal again customers saw errors page slow
""".split()  # noqa: SIM905
VERBS = ["Add", "Automate", "Document", "Patch", "Remove", "Rotate", "Alert on", "Test"]
TITLES: dict[SectionKind, list[str]] = {
    SectionKind.SUMMARY: ["Issue Summary", "Summary", "Overview", "Incident summary"],
    SectionKind.IMPACT: ["Impact", "Customer impact"],
    SectionKind.TIMELINE: ["Timeline", "Incident timeline", "Chronology", "Sequence of events"],
    SectionKind.ROOT_CAUSE: ["Root cause", "Root cause analysis", "Root Causes"],
    SectionKind.RESOLUTION: ["Resolution", "Fix", "Mitigation"],
    SectionKind.ROOT_CAUSE_AND_RESOLUTION: ["Root Cause and Resolution"],
    SectionKind.MEASURES: [
        "Corrective and Preventative Measures",
        "Corrective and preventive measures",
        "Action items",
        "Follow-ups",
    ],
    SectionKind.LESSONS: ["Lessons learned"],
    SectionKind.OTHER: ["Appendix", "Notes"],
}
ZONES = ["UTC", "PST", "EST", "CET", "IST", "JST", "UTC+1", "GMT+1", "UTC-5"]
DAY = dt.date(2024, 2, 12)

sentence = st.lists(st.sampled_from(WORDS), min_size=8, max_size=16).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
paragraph = st.lists(sentence, min_size=1, max_size=3).map(" ".join)
body = st.one_of(
    st.just(""),
    paragraph,
    st.lists(paragraph, min_size=2, max_size=3).map("\n\n".join),
    st.tuples(paragraph, paragraph).map(lambda p: f"{p[0]}\n\n### Details\n\n{p[1]}"),
    paragraph.map(lambda p: f"{p}\n\n```\n$ systemctl restart nginx\n```"),
)
short_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
yaml_text = st.one_of(
    short_text.map(str.capitalize),
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=25
    ).filter(lambda t: t.strip() == t and t.strip()),
    st.sampled_from(["a: b", "#tag", "- dash", "yes", "null", "12", "'quoted'", '"x"', "[x]"]),
)


def field_value(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Values of the model attribute a field fills, as the parser gives them back."""
    if spec.type is FieldType.TEXT:
        return yaml_text
    if spec.type is FieldType.ENUM:
        enum_type = {"status": Status, "severity": Severity, "cause_category": CauseCategory}
        return st.sampled_from(list(enum_type[spec.name]))
    if spec.type is FieldType.LIST and spec.names:  # service names: postmortems.servicenames
        name = st.from_regex(
            r"[a-z0-9][a-z0-9_.-]{0,12}(/[a-z0-9][a-z0-9_.-]{0,8})?", fullmatch=True
        )
        return st.lists(name, max_size=3).map(tuple)
    if spec.type is FieldType.LIST:
        return st.lists(yaml_text, max_size=3).map(tuple)
    if spec.type is FieldType.BOOL:
        return st.booleans()
    if spec.type is FieldType.ZONE:
        names = ["UTC", "PST", "CET", "GMT+1", "America/Los_Angeles", "Europe/Paris", "Asia/Tokyo"]
        return st.sampled_from(names).map(zone_from_text)
    if spec.type is FieldType.PERCENT:
        return st.one_of(
            st.integers(0, 100).map(float),
            st.floats(0, 100, allow_nan=False).map(lambda f: round(f, 2)),
        )
    offsets = st.one_of(
        st.none(),
        st.integers(-12 * 4, 14 * 4).map(lambda q: dt.timezone(dt.timedelta(minutes=15 * q))),
    )
    return st.builds(
        lambda day, h, m, s, tz: dt.datetime.combine(day, dt.time(h, m, s), tzinfo=tz),
        st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
        st.integers(0, 23),
        st.integers(0, 59),
        st.sampled_from([0, 0, 0, 30]),
        offsets,
    )


@st.composite
def metas(draw: st.DrawFn) -> Meta:
    values = {}
    for spec in FIELDS:
        if draw(st.booleans()):
            values[spec.meta_attr] = draw(field_value(spec))
    extra = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["x-ticket", "owner_team", "review-date", "links"]),
                st.one_of(st.integers(), yaml_text, st.lists(short_text, max_size=2)),
            ),
            max_size=2,
            unique_by=lambda kv: kv[0],
        )
    )
    return Meta(**values, extra=tuple(extra))


@dataclass(frozen=True)
class Stamp:
    """What one generated timeline entry says about its time."""

    time: dt.time
    date: dt.date | None  # written on the entry
    zone: str | None  # written on the entry
    until: dt.time | None


stamps = st.builds(
    Stamp,
    st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 5, 10, 30, 45, 59])),
    st.one_of(st.none(), st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31))),
    st.one_of(st.none(), st.sampled_from(ZONES)),
    st.one_of(st.none(), st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 15, 30]))),
)


def entry_of(stamp: Stamp | None, text: str) -> TimelineEntry:
    """An entry as written in code: the date only when it is stated on the entry."""
    if stamp is None:
        return TimelineEntry(text)
    zone = zone_from_text(stamp.zone) if stamp.zone else None
    when = WallTime(stamp.time, stamp.date, zone)
    until = WallTime(stamp.until, None, zone) if stamp.until else None
    return TimelineEntry(text, when, until, zone_stated=zone is not None)


entries = st.lists(
    st.builds(entry_of, st.one_of(st.none(), stamps, stamps, stamps), st.one_of(sentence)),
    min_size=1,
    max_size=8,
)
items = st.lists(
    st.builds(
        ActionItem,
        st.tuples(st.sampled_from(VERBS), sentence).map(
            lambda t: f"{t[0]} {t[1][0].lower()}{t[1][1:]}"
        ),
        st.booleans(),
        st.one_of(st.none(), st.from_regex(r"[a-z][a-z0-9]{2,8}", fullmatch=True)),
        st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))),
    ),
    min_size=1,
    max_size=5,
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    meta = draw(metas())
    kinds = draw(
        st.lists(st.sampled_from(list(TITLES)), min_size=1, max_size=6, unique=True).map(
            lambda ks: sorted(ks, key=list(TITLES).index)
        )
    )
    sections = tuple(
        Section(kind, draw(st.sampled_from(TITLES[kind])), draw(body)) for kind in kinds
    )
    title = None
    if meta.title is None and draw(st.booleans()):
        title = draw(short_text.map(lambda t: f"Postmortem: {t}"))
    timeline = tuple(draw(entries)) if SectionKind.TIMELINE in kinds else ()
    tasks = tuple(draw(items)) if SectionKind.MEASURES in kinds else ()
    preamble = draw(st.one_of(st.just(""), paragraph))
    return Document(
        meta=meta,
        title=title or meta.title,
        preamble=preamble,
        sections=sections,
        timeline=timeline,
        action_items=tasks,
    )


def stated(entry: TimelineEntry) -> tuple[Any, ...]:
    """What an entry states by itself (not what the reader infers from around it)."""
    when, until = entry.when, entry.until
    return (
        entry.text,
        when and when.time,
        when.date if when and not when.date_inferred else None,
        entry.zone_stated and when and when.zone,
        until and until.time,
    )


@SETTINGS
@given(documents())
def test_generated_documents_read_back_as_built(built: Document) -> None:
    text = write(built)
    doc = parse(text)
    assert doc.meta == built.meta
    assert doc.title == built.title
    assert doc.preamble == built.preamble
    assert [(s.kind, s.title, s.body) for s in doc.sections] == [
        (classify_title(s.title), s.title, s.body) for s in built.sections
    ]
    assert [stated(e) for e in doc.timeline] == [stated(e) for e in built.timeline]
    assert doc.action_items == built.action_items


@SETTINGS
@given(documents())
def test_canonical_text_is_a_fixed_point(built: Document) -> None:
    text = write(built)
    doc = parse(text)
    assert parse(write(doc)) == doc
    assert write(doc) == text
    assert write(parse(write(doc))) == write(doc)


def rolled(times: list[dt.time], day: dt.date) -> list[dt.date]:
    """Dates a reader gives bare times from ``day`` on: a clock going back 12 h or more is the
    next day (DESIGN: timelines that cross midnight)."""
    out: list[dt.date] = []
    previous: dt.datetime | None = None
    for t in times:
        moment = dt.datetime.combine(day, t)
        if previous is not None and previous - moment >= dt.timedelta(hours=12):
            day += dt.timedelta(days=1)
            moment += dt.timedelta(days=1)
        out.append(day)
        previous = moment
    return out


@SETTINGS
@given(
    st.lists(
        st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 10, 50])),
        min_size=2,
        max_size=8,
    ),
    st.sampled_from([None, "PST", "UTC+1"]),
)
def test_midnight_roll_over_is_inferred_and_survives(
    times: list[dt.time], zone: str | None
) -> None:
    started = dt.datetime.combine(DAY, times[0])
    built = Document(
        meta=Meta(started=started),
        sections=(Section(SectionKind.TIMELINE, "Timeline"),),
        timeline=tuple(
            entry_of(Stamp(t, None, zone, None), f"Step {i} done.") for i, t in enumerate(times)
        ),
    )
    doc = parse(write(built))
    dates = [e.when.date for e in doc.timeline if e.when]
    assert dates == rolled(times, DAY)
    assert all(e.when and e.when.date_inferred for e in doc.timeline)
    again = parse(write(doc))
    assert again == doc
    # With inferred dates and no `started` to infer them from, date lines carry them.
    orphan = replace(doc, meta=Meta())
    assert [e.when for e in parse(write(orphan)).timeline] == [e.when for e in doc.timeline]


def test_written_entry_forms() -> None:
    pst = zone_from_text("PST")
    doc = Document(
        sections=(Section(SectionKind.TIMELINE, "Timeline"),),
        timeline=(
            TimelineEntry("Alert fired.", WallTime(dt.time(4, 7), None, pst), zone_stated=True),
            TimelineEntry("Rolled back.", WallTime(dt.time(4, 15), DAY)),
            TimelineEntry(
                "Failover drill.",
                WallTime(dt.time(5, 10), None, pst),
                WallTime(dt.time(5, 40), None, pst),
                zone_stated=True,
            ),
            TimelineEntry("Graphs looked normal again."),
        ),
    )
    assert write(doc) == (
        "## Timeline\n\n"
        "- 04:07 PST - Alert fired.\n"
        "- 2024-02-12 04:15 - Rolled back.\n"
        "- 05:10 to 05:40 PST - Failover drill.\n"
        "- Graphs looked normal again.\n"
    )


def reads_back(text: str) -> Document:
    """The document ``text`` is read as, after checking its canonical rewrite reads the same."""
    doc = parse(text)
    again = parse(write(doc))
    assert again == doc
    assert write(again) == write(doc)
    return doc


def test_table_cells_and_bullets_read_markup_alike() -> None:
    link = "<https://chat.example.com/t/1>"
    row = reads_back(
        "## Timeline\n\n| Time (UTC) | Event |\n| --- | --- |\n"
        f"| 2026-07-02 07:48 | CI outage <b>reported</b>.<br>Thread: {link} |\n"
    )
    bullet = reads_back(f"## Timeline\n\n- 07:48 - CI outage <b>reported</b>.<br/>Thread: {link}\n")
    assert row.timeline[0].text == bullet.timeline[0].text == f"CI outage reported. Thread: {link}"


def test_escaped_angle_brackets_are_text() -> None:
    doc = reads_back(
        "## Timeline\n\n"
        "Change submitted.<br> 21:14 - DNS changes take effect. **\\<START OF\n"
        "OUTAGE>**<br> 21:20 - Monitoring sends a first e-mail.\n"
    )
    assert [e.text for e in doc.timeline[-2:]] == [
        "DNS changes take effect. **\\<START OF OUTAGE>**",
        "Monitoring sends a first e-mail.",
    ]


def test_owners_of_a_task_survive_the_rewrite() -> None:
    doc = reads_back(
        "## Action Items\n\n"
        "| Action Item | Owner | Status |\n| :- | :- | :- |\n"
        "| Re-deploy the site on a new host | charles,olivier,stephane | TODO |\n"
        "| Page the on-call engineers | @alice and @bob | TODO |\n"
        "| Write the release process | Jane Doe (SRE) | TODO |\n"
        "| Develop a release checklist | ??? | TODO |\n"
    )
    assert [a.owner for a in doc.action_items] == [
        "charles,olivier,stephane",
        "alice and bob",
        "Jane Doe",
        None,  # "???" names no one
    ]
    assert "(owner: @charles,olivier,stephane)" in write(doc)


@pytest.mark.parametrize("zone", ["CEST", "Europe/Paris"])
def test_zone_declared_beside_a_date_heading_survives(zone: str) -> None:
    doc = reads_back(
        f"## Timeline\n\n#### 29-09-2021 (All times {zone})\n\n"
        "- 15:46 Storage driver switched on all hosts.\n\n"
        f"### 03-10-2021 (All times {zone})\n\n- 02:17 Alert about timeouts.\n"
    )
    declared = zone_from_text(zone)
    assert [(e.when and e.when.zone) for e in doc.timeline] == [declared, declared]
    assert doc.facts.zone == declared
    assert f"2021-09-29 (all times {zone})" in write(doc)


def test_bold_that_opens_an_entry_stays_bold() -> None:
    doc = reads_back(
        "## Timeline\n\n"
        "- 15:46 **ROOT CAUSE** — **Storage driver switched** on all hosts.\n"
        "- **16:02 Deploy started**\n"
        "- **16:10** - **Alert** fired and **paged** the on-call.\n"
    )
    assert [e.text for e in doc.timeline] == [
        "**ROOT CAUSE** — **Storage driver switched** on all hosts.",
        "Deploy started",
        "**Alert** fired and **paged** the on-call.",
    ]


def test_code_that_opens_an_entry_keeps_its_backtick() -> None:
    doc = reads_back(
        "## Timeline\n\n"
        "- 05:45 PST - `certificate has expired` found in the nginx error log.\n"
        "- `05:50` - Bob reloads nginx.\n"
    )
    assert [e.text for e in doc.timeline] == [
        "`certificate has expired` found in the nginx error log.",
        "Bob reloads nginx.",
    ]


# Files whose canonical rewrite the parser still reads differently, and why. Each is an
# expected failure (strict): when the parser learns to read it, the test says to remove it.
KNOWN: dict[str, str] = {}


def corpus_files() -> list[Any]:
    docs = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "docs"
    files = sorted(docs.iterdir()) if docs.is_dir() else []
    out = []
    for path in files:
        reason = next((why for name, why in KNOWN.items() if path.name.startswith(name)), None)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        out.append(pytest.param(path, marks=marks, id=path.name[:60]))
    return out


@pytest.mark.parametrize("path", corpus_files())
def test_corpus_canonical_rewrite_reads_back_the_same(path: Path, corpus_dir: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        doc = parse(text, str(path))
    except PostmortemsError:
        pytest.skip("front matter rejected with a message")
    canonical = write(doc)
    again = parse(canonical, str(path))
    assert again == doc
    assert write(again) == canonical


def test_every_corpus_file_parses(corpus_dir: Path) -> None:
    for path in sorted((corpus_dir / "docs").iterdir()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert isinstance(parse(text, str(path)), Document)


def test_a_table_of_entries_leaves_no_header_behind() -> None:
    """Its header only names the columns: rewritten as bullets, nothing of the table is left;
    a header that says more ("Time (PDT)"), or a table with no entry, stays as it was."""
    table = "| Time | **What happened** |\n| --- | --- |\n| 10:00 UTC | Alerts fired |\n"
    doc = reads_back(f"## Timeline\n\nAll times UTC.\n\n{table}| 10:20 UTC | Rolled back |\n")
    assert doc.sections[0].body == "All times UTC."
    assert write(doc) == (
        "## Timeline\n\nAll times UTC.\n\n- 10:00 UTC - Alerts fired\n- 10:20 UTC - Rolled back\n"
    )
    for header in ("Time (PDT)", "Time UTC", "UTC", "Owner"):  # it may zone the rows: it stays
        said = reads_back("## Timeline\n\n" + table.replace("| Time |", f"| {header} |"))
        assert said.sections[0].body == f"| {header} | **What happened** |\n| --- | --- |"
    mixed = table.replace("| 10:00", "| | continued |\n| 10:00")
    assert reads_back(f"## Timeline\n\n{mixed}| 10:20 UTC | Rolled back |\n").sections[0].body == (
        "| Time | **What happened** |\n| --- | --- |\n| | continued |"
    )
    later = f"{table}| | continued |\n"  # a row that is no entry, after the entries
    assert "| Time |" in reads_back(f"## Timeline\n\n{later}").sections[0].body
    untimed = "| Owner | Team |\n| --- | --- |\n| Ann | SRE |"
    assert reads_back(f"## Timeline\n\n{untimed}\n").sections[0].body == untimed


def test_a_date_of_its_own_in_a_table_dates_the_rows_and_is_not_their_text() -> None:
    """A date column's cell is the entry's date, not its text; a row that only states a date
    dates the rows below it, as a date line does."""
    columns = (
        "| Date | Time | Event |\n| --- | --- | --- |\n"
        "| 2024-02-12 | 10:00 UTC | Alerts fired |\n| 2024-02-13 | 09:00 UTC | Fixed |\n"
    )
    rows = (
        "| Time | Event |\n| --- | --- |\n| 2024-02-12 | |\n"
        "| 10:00 UTC | Alerts fired |\n| **2024-02-13** | |\n| 09:00 UTC | Fixed |\n"
    )
    for table in (columns, rows):
        doc = reads_back(f"## Timeline\n\n{table}")
        assert [(e.when.date.isoformat(), e.text) for e in doc.timeline if e.when] == [
            ("2024-02-12", "Alerts fired"),
            ("2024-02-13", "Fixed"),
        ]
        text = write(doc)
        assert "10:00 UTC - Alerts fired\n" in text
        assert "UTC - 2024" not in text  # the date is the entry's, not also its text
    alone = "| Time | Event |\n| --- | --- |\n| 2024-02-12 | |"  # no entry: the table stays
    assert reads_back(f"## Timeline\n\n{alone}\n").sections[0].body == alone
