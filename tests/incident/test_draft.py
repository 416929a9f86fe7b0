"""The postmortem draft from an incident, and the update offered as a diff."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.cli.test_new import SECTIONS

from postmortems.document import parse
from postmortems.document.extract import extract
from postmortems.document.model import SectionKind
from postmortems.incident.draft import draft_postmortem
from postmortems.incident.lifecycle import milestones_from_events
from postmortems.incident.model import (
    Event,
    Incident,
    IncidentError,
    Milestones,
    milestone_edit,
    status_change,
)
from postmortems.incident.timeline import duration_text, zone_label
from postmortems.incident.update import draft_update

LA = ZoneInfo("America/Los_Angeles")


def at(day: int, hour: int, minute: int = 0, zone: dt.tzinfo = LA) -> dt.datetime:
    return dt.datetime(2026, 2, day, hour, minute, tzinfo=zone)


ALERT = "HighErrorRate: 5xx above 5% on checkout-api"
ROLLBACK = "Rolled back the 03:50 deploy; errors continue"
CAUSE = "The certificate on nginx expired at 04:00"


def record() -> list[Event]:
    return [
        Event(at(12, 4, 0), "alert-fired", ALERT, author="alertmanager/prod", external_id="am:1"),
        status_change(at(12, 4, 1), "", "triage", author="alertmanager/prod"),
        Event(at(12, 4, 2), "page", "Paged alice (checkout on-call)", author="oncall"),
        Event(at(12, 4, 9), "acknowledgement", "alice acknowledged", author="alice"),
        Event(at(12, 4, 15), "note", ROLLBACK, author="alice", misleading=True),
        Event(at(12, 4, 30), "escalation", "Pulled in the platform team", author="alice"),
        Event(at(12, 4, 31), "chat-message", "anyone else seeing this?", author="dan"),
        Event(at(12, 5, 20), "note", CAUSE, author="bob", key_moment=True),
        status_change(
            at(12, 6, 10),
            "identified",
            "monitoring",
            author="bob",
            text="Renewed the certificate and reloaded nginx",
        ),
        status_change(at(12, 6, 30), "monitoring", "resolved", author="bob"),
    ]


def incident(events: list[Event] | None = None, **changes: object) -> Incident:
    events = record() if events is None else events
    values: dict[str, object] = {
        "key": "INC-2026-0042",
        "title": "Checkout API returned 502s after certificate expiry",
        "severity": "SEV2",
        "status": "resolved",
        "timezone": "America/Los_Angeles",
        "milestones": milestones_from_events(events),
        "events": tuple(events),
        "team": "payments",
        "services": ("checkout-api", "nginx"),
        "restricted": True,
    }
    values.update(changes)
    return Incident(**values)  # type: ignore[arg-type]


def test_front_matter_comes_from_the_incident() -> None:
    doc = parse(draft_postmortem(incident(), author="alice"))
    meta = doc.meta
    assert meta.title == "Checkout API returned 502s after certificate expiry"
    assert (meta.status, meta.severity) == ("draft", "SEV2")
    assert (meta.services, meta.teams, meta.restricted) == (
        ("checkout-api", "nginx"),
        ("payments",),
        True,
    )
    assert meta.timezone is not None
    assert meta.timezone.iana == "America/Los_Angeles"
    assert (meta.started, meta.detected) == (at(12, 4, 0), at(12, 4, 0))
    assert (meta.mitigated, meta.resolved) == (at(12, 6, 10), at(12, 6, 30))
    assert meta.authors == ("alice",)
    assert dict(meta.extra)["incident"] == "INC-2026-0042"  # the link back to the incident


def test_the_sections_are_the_classic_format_s() -> None:
    doc = parse(draft_postmortem(incident()))
    kinds = [s.kind for s in doc.sections]
    assert kinds == SECTIONS["classic"]


def test_the_summary_states_start_end_duration_and_zone() -> None:
    text = draft_postmortem(incident())
    assert (
        "From 2026-02-12 04:00 PST to 2026-02-12 06:30 PST (2 hours 30 minutes), "
        "checkout-api and nginx were affected (incident INC-2026-0042, SEV2)."
    ) in text
    facts = parse(text).facts
    assert facts.start is not None
    assert facts.start.local_text() == "2026-02-12 04:00"
    assert facts.duration_minutes == 150


def test_the_timeline_tells_detection_pages_escalation_misleading_paths_and_resolution() -> None:
    got = [(e["time"], e["text"]) for e in extract(parse(draft_postmortem(incident())))["timeline"]]
    assert got == [
        ("04:00", f"Detected by an alert (alertmanager/prod): {ALERT}."),
        ("04:01", "Opened automatically by alertmanager/prod when its alert came in."),
        ("04:02", "Paged: alice (checkout on-call)."),
        ("04:09", "Acknowledged: alice acknowledged."),
        ("04:15", f"Misleading path: {ROLLBACK}."),
        ("04:30", "Escalated: Pulled in the platform team."),
        ("05:20", f"{CAUSE}."),
        ("06:10", "Mitigated: Renewed the certificate and reloaded nginx."),
        ("06:30", "Resolved."),
    ]  # the chat message is no key moment: left out
    assert "- 04:00 PST - Detected by an alert" in draft_postmortem(incident())


@pytest.mark.parametrize("lead", ["Alert fired", "Alert attached", "Alert fired again"])
def test_an_alert_routed_or_attached_from_the_inbox_detects_alike(lead: str) -> None:
    """The live timeline says how the alert came (``Alert fired: …`` routed, ``Alert attached:
    …`` attached by a person from the inbox, ``Alert fired again: …`` back after its incident
    ended); the draft says only that it detected."""
    first = Event(at(12, 4, 0), "alert-fired", f"{lead}: {ALERT}", author="alertmanager/prod")
    text = draft_postmortem(incident([first, *record()[1:]]))
    assert f"- 04:00 PST - Detected by an alert (alertmanager/prod): {ALERT}." in text
    assert lead not in text


def test_a_later_alert_is_told_when_it_fired_so_its_resolution_never_stands_alone() -> None:
    """A second alert joining the incident has a line when it fired, before the line of its
    resolution; the first stays the detection. One saying what another told already (the same
    check on another instance) is not told twice; one firing again after it resolved is."""
    search = "Search 5xx above 2%"
    am = {"author": "alertmanager/prod"}
    events = [
        *record()[:7],
        Event(at(12, 4, 40), "alert-fired", f"Alert fired: {search}", **am),
        Event(at(12, 4, 41), "alert-fired", f"Alert fired: {search}", **am),  # another pod
        Event(at(12, 4, 50), "alert-resolved", f"Alert resolved: {search}", **am),
        Event(at(12, 4, 58), "alert-fired", f"Alert fired again: {search}", **am),
        Event(at(12, 5, 5), "alert-resolved", f"Alert resolved: {search}", **am),
        *record()[7:],
    ]
    lines = [line for line in draft_postmortem(incident(events)).splitlines() if search in line]
    assert lines == [
        f"- 04:40 PST - Alert fired: {search}.",
        f"- 04:58 PST - Alert fired again: {search}.",
        f"- 05:05 PST - Alert resolved: {search}.",
    ]
    assert f"- 04:00 PST - Detected by an alert (alertmanager/prod): {ALERT}." in (
        draft_postmortem(incident(events))
    )


def test_a_fix_that_did_not_hold_the_cause_found_roles_and_the_alert_clearing_are_told() -> None:
    """A resolution a reopen undid is one of the facts a postmortem keeps; so is when the cause
    was identified, who took which role, and when the last alert stopped firing."""
    events = [
        Event(at(12, 4, 0), "alert-fired", ALERT, author="alertmanager/prod", external_id="am:1"),
        status_change(at(12, 4, 1), "", "investigating", author="alertmanager/prod"),
        Event(at(12, 4, 5), "role-change", "alice took the role commander", author="alice"),
        status_change(
            at(12, 4, 40), "investigating", "identified", author="bob", text="Cert expired"
        ),
        status_change(at(12, 4, 50), "identified", "resolved", author="bob"),
        status_change(at(12, 5, 10), "resolved", "investigating", author="bob", text="p99 is back"),
        Event(
            at(12, 5, 55),
            "alert-resolved",
            "Alert resolved: HighErrorRate",
            author="alertmanager/prod",
        ),
        status_change(at(12, 6, 30), "investigating", "resolved", author="bob"),
    ]
    got = [
        (e["time"], e["text"])
        for e in extract(parse(draft_postmortem(incident(events))))["timeline"]
    ]
    assert got == [
        ("04:00", f"Detected by an alert (alertmanager/prod): {ALERT}."),
        ("04:01", "Opened automatically by alertmanager/prod when its alert came in."),
        ("04:05", "alice took the role commander."),
        ("04:40", "Cause identified: Cert expired."),
        ("04:50", "Resolved, but it did not hold."),
        ("05:10", "Reopened (resolved → investigating): p99 is back."),
        ("05:55", "Alert resolved: HighErrorRate."),
        ("06:30", "Resolved."),
    ]


def test_the_resolution_dates_a_moment_after_the_first_day() -> None:
    """ "Mitigated at 04:00. Resolved at 00:30." reads as resolved first: the next day is dated."""
    from postmortems.incident.draft import resolution_text

    events = [
        Event(at(12, 22, 0), "alert-fired", ALERT, author="alertmanager/prod", external_id="am:1"),
        status_change(at(12, 22, 1), "", "investigating"),
        status_change(at(13, 4, 0), "investigating", "monitoring", text="Rolled back"),
        status_change(at(13, 5, 30), "monitoring", "resolved"),
    ]
    assert resolution_text(incident(events)) == (
        "Mitigated at 2026-02-13 04:00 PST: Rolled back. Resolved at 2026-02-13 05:30 PST."
    )
    assert resolution_text(incident()) == (
        "Mitigated at 06:10 PST: Renewed the certificate and reloaded nginx. Resolved at 06:30 PST."
    )


def test_mitigated_and_resolved_in_the_same_minute_is_said_once() -> None:
    """A move to monitoring and to resolved within one minute (or straight to resolved) is
    one moment: "Mitigated at 06:10. Resolved at 06:10." read as two."""
    from postmortems.incident.draft import resolution_text

    declared = [
        Event(at(12, 4, 0), "alert-fired", ALERT, author="alertmanager/prod", external_id="am:1"),
        status_change(at(12, 4, 1), "", "investigating"),
    ]
    both = [
        *declared,
        status_change(at(12, 6, 10), "investigating", "monitoring", text="Renewed the cert"),
        status_change(at(12, 6, 10) + dt.timedelta(seconds=40), "monitoring", "resolved"),
    ]
    assert (
        resolution_text(incident(both)) == "Mitigated and resolved at 06:10 PST: Renewed the cert."
    )
    straight = [*declared, status_change(at(12, 6, 30), "investigating", "resolved")]
    assert resolution_text(incident(straight)) == "Mitigated and resolved at 06:30 PST."
    apart = [*declared, *both[2:3], status_change(at(12, 6, 11), "monitoring", "resolved")]
    assert resolution_text(incident(apart)) == (
        "Mitigated at 06:10 PST: Renewed the cert. Resolved at 06:11 PST."
    )


def test_root_cause_and_measures_are_left_to_people_with_guidance() -> None:
    doc = parse(draft_postmortem(incident()))
    cause = next(s for s in doc.sections if s.kind is SectionKind.ROOT_CAUSE_AND_RESOLUTION)
    assert "<!-- In detail: what caused it" in cause.body
    assert "Mitigated at 06:10 PST: Renewed the certificate and reloaded nginx." in cause.body
    measures = next(s for s in doc.sections if s.kind is SectionKind.MEASURES)
    assert "<!-- What can be improved broadly" in measures.body
    assert doc.action_items == ()  # no task invented


def test_a_midnight_crossing_dates_each_day() -> None:
    events = [
        Event(at(12, 23, 50), "alert-fired", "Disk full on db-3"),
        status_change(at(13, 0, 40), "triage", "resolved"),
    ]
    text = draft_postmortem(incident(events))
    assert "2026-02-12\n\n- 23:50 PST - Detected" in text
    assert "2026-02-13\n\n- 00:40 PST - Resolved." in text
    dates = [e["date"] for e in extract(parse(text))["timeline"]]
    assert dates == ["2026-02-12", "2026-02-13"]
    one_day = draft_postmortem(incident())
    assert "\n2026-02-12\n" not in one_day  # one day: no date lines


def test_a_dst_change_writes_each_time_in_the_offset_it_had() -> None:
    events = [
        Event(dt.datetime(2026, 3, 8, 1, 30, tzinfo=LA), "alert-fired", "Latency high"),
        status_change(dt.datetime(2026, 3, 8, 3, 15, tzinfo=LA), "triage", "resolved"),
    ]
    text = draft_postmortem(incident(events))
    assert "From 2026-03-08 01:30 PST to 2026-03-08 03:15 PDT (45 minutes)" in text
    assert "- 03:15 PDT - Resolved." in text


def test_zone_labels_are_ones_the_parser_reads_as_that_offset() -> None:
    howe = ZoneInfo("Australia/Lord_Howe")
    assert zone_label(dt.datetime(2026, 1, 5, 12, tzinfo=howe)) == "UTC+11"
    assert zone_label(dt.datetime(2026, 6, 5, 12, tzinfo=howe)) == "UTC+10:30"
    assert zone_label(dt.datetime(2026, 6, 5, 12, tzinfo=ZoneInfo("Europe/Berlin"))) == "CEST"
    # Israel's IST is not India's IST (UTC+5:30): written as an offset
    assert zone_label(dt.datetime(2026, 1, 5, 12, tzinfo=ZoneInfo("Asia/Jerusalem"))) == "UTC+2"
    assert zone_label(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)) == "UTC"


def test_durations_read_as_people_write_them() -> None:
    assert duration_text(dt.timedelta(minutes=1)) == "1 minute"
    assert duration_text(dt.timedelta(minutes=150)) == "2 hours 30 minutes"
    assert duration_text(dt.timedelta(days=1, minutes=61)) == "1 day 1 hour 1 minute"


def test_milestones_set_by_hand_get_their_own_line_with_who_and_why() -> None:
    events = [
        *record(),
        milestone_edit(
            at(12, 9), "started", at(12, 3, 52), author="bob", why="graphs show 5xx from 03:52"
        ),
    ]
    text = draft_postmortem(incident(events))
    assert "- 03:52 PST - Impact began (set by bob: graphs show 5xx from 03:52)." in text
    assert "started: 2026-02-12T03:52-08:00" in text


def test_an_open_incident_says_so() -> None:
    events = record()[:6]
    text = draft_postmortem(incident(events, status="investigating"))
    assert "the incident was not resolved when this draft was written" in text
    assert "resolved:" not in text.split("---")[1]


def test_long_and_multi_line_texts_become_one_short_sentence() -> None:
    long = "Restarted " + " ".join(["pods"] * 60) + ".\nThen more."
    three = "Checked the DB. It was <b>fine</b>.\nThen more."
    events = [
        *record(),
        Event(at(12, 5), "note", long, key_moment=True),
        Event(at(12, 5, 1), "note", "10:05 it broke", key_moment=True),
        Event(at(12, 5, 2), "note", three, key_moment=True),
    ]
    got = [e["text"] for e in extract(parse(draft_postmortem(incident(events))))["timeline"]]
    restarted = next(t for t in got if t.startswith("Restarted"))
    assert len(restarted.split()) <= 31
    assert restarted.endswith("…")
    assert "Note: 10:05 it broke." in got  # a text opening with a time is not taken for the stamp
    # Two sentences, the third cut and said so; HTML shown as text.
    assert "Checked the DB. It was &lt;b>fine&lt;/b> …" in got


# --- the update ------------------------------------------------------------------------------


def test_nothing_changed_gives_no_diff() -> None:
    text = draft_postmortem(incident(), author="alice")
    assert draft_update(text, incident()) == ""


def edited(text: str) -> str:
    """The draft as people changed it: a title of their own, a root cause, a task."""
    return (
        text.replace(
            "title: Checkout API returned 502s after certificate expiry", "title: Our title"
        )
        .replace(
            "<!-- In detail: what caused it",
            "The certificate was renewed by hand.\n\n<!-- In detail: what caused it",
        )
        .replace(
            "due: YYYY-MM-DD) -->",
            "due: YYYY-MM-DD) -->\n\n- [ ] Automate certificate renewal (owner: @bob)",
        )
    )


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    """The lines a diff takes out and adds, the opening comments of drafted parts and the front
    matter's fields comment left out (they list the new lines' fingerprints)."""
    lines = [x for x in diff.splitlines() if "generated:" not in x]
    removed = [x for x in lines if x.startswith("-") and not x.startswith("---")]
    return removed, [x for x in lines if x.startswith("+") and not x.startswith("+++")]


def later() -> Incident:
    events = [
        *record(),
        Event(at(12, 5, 45), "deploy", "Deployed cert-manager", author="bob", key_moment=True),
        milestone_edit(
            at(12, 9), "resolved", at(12, 6, 45), author="bob", why="the last 502 at 06:44"
        ),
    ]
    return incident(events, severity="SEV1")


def test_later_changes_are_offered_as_a_diff_of_the_generated_parts() -> None:
    current = edited(draft_postmortem(incident(), author="alice"))
    diff = draft_update(current, later())
    removed, added = changed_lines(diff)
    assert removed == [
        "-severity: SEV2",
        "-resolved: 2026-02-12T06:30-08:00",
        "-From 2026-02-12 04:00 PST to 2026-02-12 06:30 PST (2 hours 30 minutes), checkout-api "
        "and nginx were affected (incident INC-2026-0042, SEV2).",
        "-- 06:30 PST - Resolved.",
        "-Mitigated at 06:10 PST: Renewed the certificate and reloaded nginx. "
        "Resolved at 06:30 PST.",
    ]
    assert "+- 05:45 PST - Deployed cert-manager." in added
    assert "+- 06:45 PST - Resolved (set by bob: the last 502 at 06:44)." in added
    assert "+severity: SEV1" in added
    # what people wrote is not touched
    changed = "\n".join(removed + added)
    assert "title:" not in changed
    assert "renewed by hand" not in changed
    assert "Automate certificate renewal" not in changed


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch program")
def test_the_diff_applies_and_is_never_applied_by_itself(tmp_path: Path) -> None:
    current = edited(draft_postmortem(incident(), author="alice"))
    diff = draft_update(current, later())
    assert current == edited(draft_postmortem(incident(), author="alice"))  # nothing applied
    target = tmp_path / "pm.md"
    target.write_text(current, encoding="utf-8")
    (tmp_path / "change.diff").write_text(diff, encoding="utf-8")
    subprocess.run(
        ["patch", "--quiet", str(target), str(tmp_path / "change.diff")],
        check=True,
        timeout=30,
    )
    patched = target.read_text(encoding="utf-8")
    assert "Our title" in patched
    assert "renewed by hand" in patched
    assert draft_update(patched, later()) == ""  # up to date now
    fresh = extract(parse(draft_postmortem(later())))
    assert extract(parse(patched))["timeline"] == fresh["timeline"]


def test_a_part_whose_markers_were_removed_is_left_alone() -> None:
    text = draft_postmortem(incident())
    text = "\n".join(x for x in text.split("\n") if "<!-- generated:timeline" not in x)
    diff = draft_update(text, later())
    assert "Deployed cert-manager" not in diff
    assert "+severity: SEV1" in diff


def test_a_text_without_front_matter_is_offered_one() -> None:
    body = "## Issue Summary\n\nIt broke.\n"
    diff = draft_update(body, incident())
    assert "+---\n+title: Checkout API returned 502s after certificate expiry\n" in diff
    assert "+incident: INC-2026-0042\n" in diff


def test_a_field_the_incident_no_longer_has_is_offered_for_removal() -> None:
    text = draft_postmortem(incident())
    reopened = [*record(), status_change(at(12, 7), "resolved", "investigating")]
    diff = draft_update(text, incident(reopened, status="investigating", milestones=Milestones()))
    assert "-resolved: 2026-02-12T06:30-08:00\n" in diff
    assert "-mitigated: 2026-02-12T06:10-08:00\n" in diff


# --- profiles --------------------------------------------------------------------------------


def test_the_google_sre_profile_has_its_sections_with_what_the_record_says() -> None:
    events = [
        Event(at(12, 3, 45), "deploy", "Rolled out v2. Flags on. Cache warmed.", author="bob"),
        Event(at(12, 3, 50), "deploy", "Deployed nginx 1.25 config", author="bob"),
        *record(),
    ]
    text = draft_postmortem(incident(events), profile="google-sre")
    assert "Rolled out v2. Flags on … (03:45 PST); Deployed" in text  # cut, and said so
    kinds = [s.kind for s in parse(text).sections]
    assert kinds == SECTIONS["google-sre"]  # the sections of its `pm new` skeleton
    assert "The impact on checkout-api, nginx lasted 2 hours 30 minutes." in text
    assert "Deployed nginx 1.25 config (03:50 PST)." in text
    # The alert's start is the only start on the record: no "time to detect" is measured.
    assert (
        f"At 04:00 PST: Detected by an alert (alertmanager/prod): {ALERT}. "
        "Time to acknowledge: 9 minutes."
    ) in text


def test_the_minimal_profile_and_an_unknown_one() -> None:
    kinds = [s.kind for s in parse(draft_postmortem(incident(), profile="minimal")).sections]
    assert kinds == [
        SectionKind.SUMMARY,
        SectionKind.TIMELINE,
        SectionKind.ROOT_CAUSE,
        SectionKind.RESOLUTION,
        SectionKind.MEASURES,
    ]
    with pytest.raises(IncidentError, match="classic, google-sre, minimal"):
        draft_postmortem(incident(), profile="fancy")


def test_an_update_refreshes_the_parts_of_any_profile() -> None:
    text = draft_postmortem(incident(), profile="google-sre")
    diff = draft_update(text, later())
    assert "+The impact on checkout-api, nginx lasted 2 hours 45 minutes." in diff
    assert "+- 05:45 PST - Deployed cert-manager." in diff
    assert draft_update(draft_postmortem(later(), profile="google-sre"), later()) == ""


def test_the_dst_repeated_hour_dates_every_entry() -> None:
    events = [
        Event(dt.datetime(2026, 11, 1, 1, 40, tzinfo=LA), "alert-fired", "Latency high"),
        Event(
            dt.datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=LA), "note", "Restarted", key_moment=True
        ),
        status_change(dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=LA), "triage", "resolved"),
    ]
    text = draft_postmortem(incident(events))
    assert "- 2026-11-01 01:40 PDT - Detected" in text
    assert "- 2026-11-01 01:10 PST - Restarted." in text  # later, though the clock says earlier
    assert "(50 minutes)" in text  # 08:40 to 09:30 UTC


@pytest.mark.parametrize(
    ("began", "ended", "label"),
    [
        ("2026-11-01T09:00+00:00", "2026-11-01T09:01+00:00", "PST"),  # the second 01:00
        ("2026-11-01T08:20+00:00", "2026-11-01T09:00+00:00", "PDT"),  # 01:20 PDT → 01:00 PST
    ],
)
def test_a_draft_of_the_night_the_clocks_go_back_reads_back_as_it_happened(
    began: str, ended: str, label: str
) -> None:
    """Found by test_draft_property: an incident in the hour Los Angeles repeats read back with
    the first hour's label, and an end at an earlier wall clock was taken for the next day."""
    from postmortems.lint import lint_text

    start, end = dt.datetime.fromisoformat(began), dt.datetime.fromisoformat(ended)
    events = (
        status_change(start, "", "triage", author="ana"),
        status_change(end, "triage", "resolved", author="alice"),
    )
    incident = Incident(
        key="INC-2026-0042",
        title="Checkout errors after a deploy",
        severity="SEV1",
        status="resolved",
        timezone="America/Los_Angeles",
        milestones=milestones_from_events(events),
        events=events,
        team="payments",
    )
    text = draft_postmortem(incident, author="alice")
    got = extract(parse(text, "draft.md"))
    minutes = int((end - start).total_seconds() // 60)
    assert (got["timezone"], got["duration_minutes"]) == (label, minutes)
    findings = {v.code for v in lint_text(text, path="draft.md")}
    assert not findings & {"PM702", "PM703", "PM705", "PM706"}, findings


def test_a_status_change_with_a_reason_is_drafted_as_the_reason() -> None:
    """The server writes "Status changed from identified to monitoring." before the reason typed
    with the change; the draft keeps only the reason, as a sentence."""
    from postmortems.incident.draft import resolution_text
    from postmortems.incident.timeline import said

    typed = "Status changed from investigating to monitoring. rolled back search-api to v2.30"
    events = [
        Event(at(12, 22, 0), "alert-fired", ALERT, author="alertmanager/prod", external_id="am:1"),
        status_change(at(12, 22, 1), "", "investigating"),
        status_change(at(12, 22, 30), "investigating", "monitoring", text=typed),
        status_change(at(12, 23, 0), "monitoring", "resolved"),
    ]
    assert said(events[2]) == "Rolled back search-api to v2.30."
    assert said(events[3]) == ""
    assert resolution_text(incident(events)) == (
        "Mitigated at 22:30 PST: Rolled back search-api to v2.30. Resolved at 23:00 PST."
    )
    assert "Mitigated: Rolled back search-api to v2.30." in draft_postmortem(incident(events))


@pytest.mark.parametrize(
    ("via", "author", "line"),
    [
        ("inbox", "demo", "Declared by demo from the alert inbox."),
        ("web", "demo", "Declared by demo on the incidents page."),
        ("api", "demo", "Declared by demo through the API."),
        ("alert", "am/prod", "Opened automatically by am/prod when its alert came in."),
        ("", "demo", "Declared by demo."),  # recorded before the way was kept
        ("", "am/prod", "Opened automatically by am/prod when its alert came in."),
    ],
)
def test_the_timeline_says_how_the_incident_was_declared_after_its_alert(
    via: str, author: str, line: str
) -> None:
    """An alert that waited in the inbox until someone declared an incident from it: the draft
    says who declared it, when and how, after the detection by the alert."""
    events = [
        Event(at(12, 4, 0), "alert-fired", ALERT, author="alertmanager/prod"),
        status_change(at(12, 4, 26), "", "triage", author=author, via=via),
        status_change(at(12, 6, 30), "triage", "resolved", author="bob"),
    ]
    got = [
        (e["time"], e["text"])
        for e in extract(parse(draft_postmortem(incident(events))))["timeline"]
    ]
    assert got[:2] == [
        ("04:00", f"Detected by an alert (alertmanager/prod): {ALERT}."),
        ("04:26", line),
    ]


def test_the_declaration_comes_before_the_pages_it_made() -> None:
    """Declared with paging on: the page is recorded at the same instant, after it."""
    when = at(12, 4, 26)
    events = [
        Event(at(12, 4, 0), "alert-fired", ALERT, author="alertmanager/prod"),
        Event(when, "page", "Paged demo — sre-default (schedule sre-primary).", author="on-call"),
        status_change(when, "", "triage", author="demo", via="inbox"),
    ]
    texts = [e["text"] for e in extract(parse(draft_postmortem(incident(events))))["timeline"]]
    assert texts[1:3] == [
        "Declared by demo from the alert inbox.",
        "Paged: demo — sre-default (schedule sre-primary).",
    ]


def test_a_declaration_that_detected_it_is_one_line() -> None:
    """Declared by hand with no alert before: the detection line says who opened it, once."""
    events = [
        status_change(at(12, 4, 26), "", "triage", author="demo", via="web"),
        status_change(at(12, 6, 30), "triage", "resolved", author="bob"),
    ]
    text = draft_postmortem(incident(events))
    assert "- 04:26 PST - Detected: demo noticed it and opened the incident." in text
    assert "Declared by" not in text
