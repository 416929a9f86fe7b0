"""What people wrote on several lines, with addresses in it, in the drafted postmortem: one
timeline bullet per entry (its lines joined with " / "), addresses as Markdown autolinks, and
`pm parse` reading back as many entries as the record has. And an incident's details changed
after the draft: the update offers the new title only while the postmortem kept the old one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from postmortems.cli import cli
from postmortems.incident.draft import draft_postmortem
from postmortems.incident.model import (
    Event,
    Incident,
    IncidentError,
    details_change,
    status_change,
)
from postmortems.incident.timeline import sentence, timeline_entries
from postmortems.incident.update import draft_update, former_titles

T = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
GRAFANA = "https://grafana.example.com/d/abc?orgId=1&var-host=web-1"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            f"Error rate on the dashboard\n{GRAFANA}\nstill climbing",
            f"Error rate on the dashboard / <{GRAFANA}> / still climbing.",
        ),
        ("restarted web-1\n\n   web-2 too  ", "restarted web-1 / web-2 too."),
        ("(see https://x.example/a).", "(see <https://x.example/a>)."),
        ("already linked <https://x.example/a>", "already linked <https://x.example/a>."),
        ("typed <b>bold</b>", "typed &lt;b>bold&lt;/b>."),
        ("javascript:alert(1) and ftp://x.example", "javascript:alert(1) and ftp://x.example."),
        ("half an address https:// here", "half an address https:// here."),
    ],
)
def test_a_line_of_several_and_its_addresses(text: str, line: str) -> None:
    assert sentence(text) == line


def test_a_long_note_is_cut_between_words_never_inside_an_address() -> None:
    words = " ".join(f"w{n}" for n in range(29))
    cut = sentence(f"{words}\n{GRAFANA} and more words after it")
    assert cut == f"{words} / …"  # the 30th word is the joint; the address would be the 31st
    kept = sentence(f"{' '.join(words.split()[:27])}\n{GRAFANA} and more")
    assert f"<{GRAFANA}>" in kept
    assert kept.endswith(" …")


NOTES = (
    f"Error rate on the dashboard\n{GRAFANA}\nstill climbing",
    "restarted web-1\n14:10 errors gone\n  $ kubectl get pods\n  web-1   1/1   Running",
    "Checked the edge proxies.\nThe certificate expired at 04:00.\nRenewing it now.",
)


def _incident(notes: tuple[str, ...] = NOTES, *extra: Event) -> Incident:
    events = [status_change(T, "", "triage", author="ann")]
    for n, text in enumerate(notes, 1):
        events.append(Event(T + dt.timedelta(minutes=5 * n), "note", text, key_moment=True))
    events.append(status_change(T + dt.timedelta(hours=1), "triage", "resolved", author="ann"))
    return Incident(
        "INC-2026-0007", "Checkout 502s", "SEV2", "resolved", "Europe/Berlin",
        events=(*events, *extra), services=("checkout",),
    )  # fmt: skip


@pytest.mark.parametrize("profile", ["classic", "google-sre", "minimal"])
def test_pm_parse_reads_back_one_entry_per_entry_of_the_record(
    profile: str, tmp_path: object
) -> None:
    incident = _incident()
    path = f"{tmp_path}/draft.md"
    with open(path, "w", encoding="utf-8") as out:
        out.write(draft_postmortem(incident, author="ann", profile=profile))
    result = CliRunner().invoke(cli, ["parse", "--format", "extract", path])
    assert result.exit_code == 0, result.output
    timeline = json.loads(result.output)["timeline"]
    assert len(timeline) == len(timeline_entries(incident))
    said = [entry["text"] for entry in timeline]
    assert f"Error rate on the dashboard / <{GRAFANA}> / still climbing." in said
    assert "restarted web-1 / 14:10 errors gone / $ kubectl get pods / web-1 1/1 Running." in said


def _renamed(*changes: tuple[str, str]) -> Incident:
    """The incident after its title went through ``changes`` (old, new), in order."""
    events = [
        details_change(T + dt.timedelta(hours=2, minutes=n), "title", old, new, author="ann")
        for n, (old, new) in enumerate(changes)
    ]
    base = _incident((), *events)
    title = changes[-1][1] if changes else base.title
    return Incident(
        base.key, title, base.severity, base.status, base.timezone,
        events=base.events, services=("checkout", "edge-proxy"),
    )  # fmt: skip


def test_a_details_change_says_from_and_to() -> None:
    event = details_change(T, "title", "Checkout 502s", "Expired certificate", author="ann")
    assert event.text == "Title changed from “Checkout 502s” to “Expired certificate”."
    assert (event.get("field"), event.get("from"), event.get("to")) == (
        "title",
        "Checkout 502s",
        "Expired certificate",
    )
    team = details_change(T, "team", "", "sre")
    assert team.text == "Team changed from none to sre."
    with pytest.raises(IncidentError, match="unknown incident detail 'severity'"):
        details_change(T, "severity", "SEV1", "SEV2")


def test_the_update_offers_the_new_title_while_the_postmortem_kept_the_old_one() -> None:
    written = draft_postmortem(_incident(), author="ann")
    assert "title: Checkout 502s\n" in written
    renamed = _renamed(("Checkout 502s", "Expired certificate on the edge proxies"))
    assert former_titles(renamed) == {"Checkout 502s"}
    diff = draft_update(written, renamed)
    assert "-title: Checkout 502s\n" in diff
    assert "+title: Expired certificate on the edge proxies\n" in diff
    assert "+services: [checkout, edge-proxy]\n" in diff
    # Renamed twice: the postmortem's title is still one the incident had.
    twice = _renamed(("Checkout 502s", "Edge 502s"), ("Edge 502s", "Expired certificate"))
    assert "+title: Expired certificate\n" in draft_update(written, twice)


def test_a_title_people_wrote_is_theirs() -> None:
    written = draft_postmortem(_incident(), author="ann")
    theirs = written.replace("title: Checkout 502s", "title: The day the certificate expired")
    diff = draft_update(theirs, _renamed(("Checkout 502s", "Expired certificate")))
    assert "-title:" not in diff
    assert "+title:" not in diff
    assert "+services: [checkout, edge-proxy]\n" in diff  # the incident's fields still follow
    assert draft_update(written, _incident()) == ""  # never renamed: nothing offered


def test_a_later_page_escalates_and_each_persons_acknowledgement_is_told() -> None:
    """sam is paged by the policy and acknowledges; sam pages marcus by hand, who acknowledges:
    the draft says marcus was pulled in (the escalation), both acknowledgements, and no step
    and round of a policy."""
    from postmortems.incident.lifecycle import milestones_from_events

    at = [T + dt.timedelta(minutes=n) for n in range(6)]
    paged = "paged sam — sre-default: step 1 of 2, round 1 of 2 (schedule sre-primary)"
    by_hand = "paged marcus — paged by sam: step 1 of 1, round 1 of 2 (user marcus)"
    incident = _incident(
        (),
        # as the on-call app records them: author "on-call", each event naming its page
        Event(at[1], "page", paged, author="on-call", detail=(("page", "7"),)),
        Event(at[2], "acknowledgement", "sam acknowledged the page.", detail=(("page", "7"),)),
        Event(at[3], "page", by_hand, author="on-call", detail=(("page", "8"),)),
        Event(at[4], "acknowledgement", "marcus acknowledged.", detail=(("page", "8"),)),
        # one typed by hand, by someone already counted elsewhere: once per person
        Event(at[5], "acknowledgement", "ann is on it.", author="ann"),
    )
    assert milestones_from_events(incident.timeline).escalated == at[3]
    lines = [e.text for e in timeline_entries(incident)]
    assert "Paged: sam — sre-default (schedule sre-primary)." in lines
    assert "Escalated: marcus — paged by sam." in lines
    assert "Acknowledged: sam acknowledged the page." in lines
    assert "Acknowledged: marcus acknowledged." in lines
    assert "Acknowledged: ann is on it." in lines
    assert not [line for line in lines if "step 1 of" in line or "round 1 of" in line]
    # two people paged by one step at once: neither page is an escalation
    at_once = _incident((), Event(at[1], "page", paged), Event(at[1], "page", by_hand))
    assert milestones_from_events(at_once.timeline).escalated is None
    # sam paged again when the alert fired again: the same person, no escalation
    again = "paged sam — sre-default: step 1 of 2, round 1 of 2 (schedule sre-primary)"
    twice = _incident(
        (),
        Event(at[1], "page", paged, external_id="oncall:page:7:0:0:sam"),
        Event(at[4], "page", again, external_id="oncall:page:9:0:0:sam"),
    )
    assert milestones_from_events(twice.timeline).escalated is None


def test_a_repeat_page_is_told_as_one_and_escalations_are_worded_alike() -> None:
    """Round 2 of a page by hand reaches the same person again because nobody acknowledged: a
    repeat ("Paged again"), not an escalation; a policy's next step and a later page that pulled
    someone in are both "Escalated: <who> — …"."""
    from postmortems.incident.lifecycle import milestones_from_events

    at = [T + dt.timedelta(minutes=n) for n in range(6)]
    first = "paged priya — paged by demo: step 1 of 1, round 1 of 2 (user priya)"
    again = (
        "paged priya again (round 2 of 2, no acknowledgement) — paged by demo: step 1 of 1, "
        "round 2 of 2 (user priya)"
    )
    step = "escalated to lena — sre-default: step 2 of 2 (user lena)"
    page = (("page", "7"),)
    incident = _incident(
        (),
        Event(at[1], "page", first, author="on-call", external_id="oncall:page:7:0:0:priya"),
        Event(
            at[2],
            "page",
            again,
            author="on-call",
            external_id="oncall:page:7:0:1:priya",
            detail=(*page, ("repeat", "yes")),
        ),
        Event(at[3], "escalation", step, author="on-call", external_id="oncall:page:8:1:0:lena"),
    )
    assert milestones_from_events(incident.timeline).escalated == at[3]
    lines = [e.text for e in timeline_entries(incident)]
    assert "Paged: priya — paged by demo." in lines
    assert "Paged again: priya (round 2 of 2, no acknowledgement)." in lines
    assert "Escalated: lena — sre-default." in lines
    assert not [line for line in lines if "Escalated: to" in line]


def test_a_page_a_person_opened_leads_its_line_with_them() -> None:
    """The on-call app marks the first page of a page a person opened with ``by``: its line
    is their words ("priya paged …"), not "Paged: …", and a later one that pulled someone in
    is still an escalation; a page with no ``by`` (an alert's policy) keeps "Paged: …"."""
    from postmortems.incident.lifecycle import milestones_from_events

    at = [T + dt.timedelta(minutes=n) for n in range(4)]
    schedule = "priya paged the payments-primary schedule: sam is on call — “need DB help”"
    policy = "priya paged lena — sre-default: step 1 of 2 (user lena)"
    alert = "paged sam — sre-default: step 1 of 2 (schedule sre-primary)"
    incident = _incident(
        (),
        Event(at[1], "page", schedule, author="on-call", detail=(("page", "7"), ("by", "priya"))),
        Event(at[2], "page", policy, author="on-call", detail=(("page", "8"), ("by", "priya"))),
        Event(at[3], "page", alert, author="on-call", detail=(("page", "9"),)),
    )
    assert milestones_from_events(incident.timeline).escalated == at[2]
    lines = [e.text for e in timeline_entries(incident)]
    assert f"{schedule}." in lines
    assert "Escalated: priya paged lena — sre-default." in lines  # no step, no "(user lena)"
    assert "Paged: sam — sre-default (schedule sre-primary)." in lines
    assert not [line for line in lines if line.startswith("Paged: priya")]
