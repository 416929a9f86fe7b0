"""Property: any incident's draft reads back as the incident, and lints clean where it can.

Incidents are generated with events in any order, in zones with odd offsets and daylight saving
(Europe/Berlin, America/Los_Angeles, Australia/Lord_Howe's half-hour shift…), around midnight and
around the DST changes. The draft is read with the function behind `pm parse --format extract`
and linted in-process; the extraction must give back the start, end, duration, timezone and the
timeline entries, and the lint must find no structure, summary, timeline or consistency problem
that the draft could have avoided.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.document import parse
from postmortems.document.extract import extract
from postmortems.document.zones import zone_from_text
from postmortems.incident.draft import PROFILES, draft_postmortem
from postmortems.incident.lifecycle import milestones_from_events
from postmortems.incident.model import Event, Incident, status_change
from postmortems.incident.timeline import minute, timeline_entries
from postmortems.lint import Severity, lint_text

ZONES = [
    "Europe/Berlin",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "UTC",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/Sao_Paulo",
    "Pacific/Chatham",
]
# Around the 2026 DST changes (local wall times), around midnight, and an ordinary afternoon.
ANCHORS = [
    (2026, 3, 29, 1, 30),  # Berlin springs forward at 02:00
    (2026, 10, 25, 2, 30),  # Berlin falls back at 03:00
    (2026, 3, 8, 1, 40),  # Los Angeles springs forward
    (2026, 11, 1, 1, 20),  # Los Angeles falls back: 01:xx happens twice
    (2026, 4, 5, 1, 45),  # Lord Howe falls back half an hour at 02:00
    (2026, 10, 4, 1, 50),  # Lord Howe springs forward half an hour
    (2026, 6, 30, 23, 40),  # midnight, end of a month
    (2026, 12, 31, 23, 15),  # midnight, end of the year
    (2026, 5, 12, 14, 5),
]
SENTENCES = [
    "Error rate above 5% on checkout-api",
    "Rolled back the 03:50 deploy; errors continue",
    "Restarted the payment workers",
    "Database CPU at 95%",
    "Suspected the CDN and purged it",
    "Pulled in the platform team",
    "Customers report failed logins",
    "Latency p99 over 2s (api/v2)",
    "Failover to the secondary region",
    "Dashboards green again",
    "Checked the load balancer logs",
    "Disk full on db-3",
    "Restarted `nginx` and *all* workers_now",
    "Saw <b>bold</b> errors in <!-- the logs",
    "Checked the DB. It was fine. Then more",
    "Errors gone! Watching. Then?",
]
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-/%", min_size=1, max_size=9)
TEXT = st.builds(
    lambda base, extra: " ".join([base, *extra]),
    st.sampled_from(SENTENCES),
    st.lists(WORDS, max_size=4),
)
# (kind, key moment, misleading)
PLAIN_EVENTS = st.tuples(
    st.sampled_from(
        ["note", "chat-message", "page", "acknowledgement", "escalation", "deploy", "key-moment"]
    ),
    st.booleans(),
    st.booleans(),
)


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(name)
    y, mo, d, h, mi = draw(st.sampled_from(ANCHORS))
    # a wall time (fold=1: the second of a repeated hour) shifted by up to ±3 h
    base = dt.datetime(y, mo, d, h, mi, tzinfo=zone, fold=draw(st.integers(0, 1)))
    base = base.astimezone(dt.UTC) + dt.timedelta(minutes=draw(st.integers(-180, 180)))
    length = draw(st.integers(min_value=1, max_value=60 * 50))  # up to two days and more

    def moment(low: int, high: int) -> dt.datetime:
        """A time from minute ``low`` to the end of minute ``high`` after the start, before the
        end."""
        high = max(low, min(high, length - 1))
        return base + dt.timedelta(seconds=draw(st.integers(low * 60, high * 60 + 59)))

    events: list[Event] = []
    if draw(st.booleans()):
        events.append(Event(base, "alert-fired", draw(TEXT), author="alertmanager/prod"))
        events.append(status_change(moment(0, 1), "", "triage", author="alertmanager/prod"))
    else:
        events.append(status_change(base, "", "triage", author=draw(st.sampled_from(["ana", ""]))))
    for kind, key, misleading in draw(st.lists(PLAIN_EVENTS, max_size=8)):
        author = draw(st.sampled_from(["alice", "Bob Smith", ""]))
        at = moment(0, length)
        events.append(
            Event(at, kind, draw(TEXT), author=author, key_moment=key, misleading=misleading)
        )
    if draw(st.booleans()):
        events.append(status_change(moment(0, length), "triage", "monitoring", text=draw(TEXT)))
    end = base + dt.timedelta(minutes=length)
    events.append(status_change(end, "monitoring", "resolved", author="alice"))
    random.Random(draw(st.integers(0, 2**16))).shuffle(events)  # any order
    return Incident(
        key="INC-2026-0042",
        title="Checkout errors after a deploy",
        severity=draw(st.sampled_from(["SEV1", "SEV2", "SEV3", "SEV4"])),
        status="resolved",
        timezone=name,
        milestones=milestones_from_events(events),
        events=tuple(events),
        team="payments",
        services=tuple(draw(st.lists(st.sampled_from(["checkout-api", "web", "db"]), unique=True))),
    )


# What the draft is responsible for: none of these may be reported on a draft.
STRUCTURE = {"PM101", "PM102", "PM103", "PM104", "PM105", "PM106", "PM107", "PM108", "PM109"}
STRUCTURE |= {"PM110", "PM111", "PM112", "PM113", "PM114"}
SUMMARY = {"PM115", "PM201", "PM202", "PM203", "PM204", "PM205"}
TIMELINE = {"PM301", "PM302", "PM303", "PM304", "PM305", "PM306", "PM307", "PM311"}
CONSISTENCY = {"PM701", "PM702", "PM703", "PM705", "PM706", "PM707"}


@settings(max_examples=100)
@given(incidents(), st.sampled_from(sorted(PROFILES)))
def test_the_draft_reads_back_as_the_incident(incident: Incident, profile: str) -> None:
    text = draft_postmortem(incident, author="alice", profile=profile)
    got = extract(parse(text, "draft.md"))
    zone, m = incident.tzinfo, incident.milestones
    assert m.started is not None
    assert m.resolved is not None
    start, end = minute(m.started, zone), minute(m.resolved, zone)

    assert got["is_postmortem"], got
    assert got["start"] == start.strftime("%Y-%m-%d %H:%M")
    assert got["end"] == end.strftime("%Y-%m-%d %H:%M")
    # Instants, not wall clocks (Python subtracts two times of one zone by their wall clocks).
    utc_minutes = (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)) // dt.timedelta(minutes=1)
    assert got["duration_minutes"] == utc_minutes
    # The zone as it was when the incident began (its label changes with the clocks).
    began = zone_from_text(incident.timezone).label_at(start.date(), start.time())  # type: ignore[union-attr]
    assert got["timezone"] == began
    stated = parse(text).meta.timezone
    assert stated is not None
    assert (stated.iana or stated.label) == incident.timezone

    expected = [
        {"time": f"{e.at:%H:%M}", "date": e.at.date().isoformat(), "text": e.text}
        for e in timeline_entries(incident)
    ]
    assert got["timeline"] == expected
    # The record's key facts are on it: detection first, the resolution last, every key moment.
    assert expected[0]["text"].startswith("Detected")
    assert expected[-1]["text"].startswith("Resolved")
    assert (expected[-1]["date"], expected[-1]["time"]) == (f"{end:%Y-%m-%d}", f"{end:%H:%M}")
    keys = [e for e in incident.events if e.key_moment or e.misleading or e.kind == "escalation"]
    assert len(expected) >= len(keys) + 2

    findings = lint_text(text, path="draft.md", profile=profile)
    errors = [
        v for v in findings if v.severity is Severity.ERROR and v.code[:3] in ("PM1", "PM2", "PM3")
    ]
    assert errors == []
    avoidable = [v for v in findings if v.code in STRUCTURE | SUMMARY | TIMELINE | CONSISTENCY]
    assert avoidable == [], "\n".join(f"{v.code} {v.message}" for v in avoidable)
