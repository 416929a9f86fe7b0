"""What a drafted postmortem says and shows of the marks people set during the incident.

The demo's live incident, as an evaluator walked it: declared from alerts, the declaration
marked as a misleading path, a note "Rolled back …" a minute before the status moved to
monitoring (the mitigation), the severity lowered with a reason typed in lower case.
"""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from postmortems.document import parse
from postmortems.incident.draft import draft_postmortem
from postmortems.incident.lifecycle import milestones_from_events
from postmortems.incident.model import (
    Event,
    Incident,
    reason,
    severity_change,
    status_change,
)
from postmortems.render import executive_card, render_body
from postmortems.render.summary import summarize

UTC = dt.UTC


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 12, 5, hour, minute, 31, tzinfo=UTC)


def live(*, declared_misleading: bool = True) -> Incident:
    events = [
        Event(at(21, 25), "alert-fired", "CheckoutErrorRate: 5xx above 5%", author="am/prod"),
        status_change(at(21, 28), "", "triage", author="sam"),
        status_change(at(21, 30), "triage", "investigating", author="sam"),
        Event(at(21, 46), "note", "Rolled back the payments deploy.", author="sam"),
        severity_change(at(21, 46), "SEV1", "SEV2", author="sam", why="only 12% of searches fail"),
        status_change(at(21, 47), "investigating", "monitoring", author="sam"),
        status_change(at(22, 5), "monitoring", "resolved", author="sam"),
    ]
    marked = [
        Event(e.at, e.kind, e.text, author=e.author, detail=e.detail, key_moment=True)
        if e.kind == "note"
        else e
        for e in events
    ]
    if declared_misleading:
        marked[1] = Event(
            marked[1].at, "status-change", marked[1].text, author="sam",
            detail=marked[1].detail, misleading=True,
        )  # fmt: skip
    return Incident(
        key="INC-2026-0002",
        title="Checkout error rate above 5% in eu-west",
        severity="SEV2",
        status="resolved",
        timezone="UTC",
        milestones=milestones_from_events(marked),
        events=tuple(marked),
        team="sre",
        services=("checkout-api",),
    )


def timeline(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def test_a_misleading_mark_on_a_declaration_keeps_its_words() -> None:
    lines = timeline(draft_postmortem(live()))
    assert "- 21:28 UTC - Misleading path: declared as triage." in lines
    assert not [line for line in lines if line.endswith("- Misleading path.")]


def test_a_key_moment_on_a_status_change_without_a_reason_says_what_changed() -> None:
    incident = live(declared_misleading=False)
    events = [
        Event(e.at, e.kind, e.text, author=e.author, detail=e.detail, key_moment=True)
        if e.text == "Status changed from triage to investigating."
        else e
        for e in incident.events
    ]
    text = draft_postmortem(Incident(**{**_fields(incident), "events": tuple(events)}))
    assert "- 21:30 UTC - Status changed from triage to investigating." in timeline(text)


def _fields(incident: Incident) -> dict[str, object]:
    return {name: getattr(incident, name) for name in Incident.__dataclass_fields__}


def test_a_typed_reason_starts_its_sentence_with_a_capital() -> None:
    event = severity_change(at(1, 0), "SEV1", "SEV2", why="only 12% of searches fail")
    assert event.text == "Severity lowered from SEV1 to SEV2. Only 12% of searches fail"
    lines = timeline(draft_postmortem(live()))
    assert "- 21:46 UTC - Severity lowered from SEV1 to SEV2. Only 12% of searches fail." in lines
    # one recorded before (stored in lower case) is drafted with its capital too
    old = Event(at(21, 46), "severity-change", "Severity lowered from SEV1 to SEV2. only 12%",
                detail=(("from", "SEV1"), ("to", "SEV2")))  # fmt: skip
    incident = live()
    events = tuple(old if e.kind == "severity-change" else e for e in incident.events)
    text = draft_postmortem(Incident(**{**_fields(incident), "events": events}))
    assert "- 21:46 UTC - Severity lowered from SEV1 to SEV2. Only 12%." in timeline(text)


@pytest.mark.parametrize(
    ("typed", "written"),
    [("only 12% fail", "Only 12% fail"), ("  rolled back ", "Rolled back"),
     ("iOS only", "iOS only"), ("eBay checkout", "eBay checkout"), ("12% fail", "12% fail"),
     ("eu-west checkout fully down", "eu-west checkout fully down"),
     ("db01 out of disk", "db01 out of disk"), ("api.example.com: 502s", "api.example.com: 502s"),
     ("max_connections raised", "max_connections raised"), ("redis, then", "Redis, then"),
     ("mitigated.", "Mitigated."), ("customer-facing errors", "Customer-facing errors"),
     ("follow-up: the cache", "Follow-up: the cache"), ("api.v2 down", "api.v2 down"),
     ("us-east-1 only", "us-east-1 only"), ("/var full", "/var full")],
)  # fmt: skip
def test_a_reason_is_capitalised_unless_it_opens_with_a_name(typed: str, written: str) -> None:
    assert reason(typed) == written


def test_a_reason_that_opens_with_a_persons_name_keeps_it_as_typed() -> None:
    """ "sam is on it": sam is a person of the incident (an account on the server), not the
    start of a sentence to capitalise; another word still starts with a capital."""
    assert reason("sam is on it", {"sam"}) == "sam is on it"
    assert reason("sam, then ann", {"sam"}) == "sam, then ann"
    assert reason("only 12% fail", {"sam"}) == "Only 12% fail"
    incident = live(declared_misleading=False)
    words = "Status changed from investigating to monitoring. sam is on it"
    typed = status_change(at(21, 47), "investigating", "monitoring", author="ann", text=words)
    events = tuple(typed if e.at == at(21, 47) else e for e in incident.events)
    text = draft_postmortem(Incident(**{**_fields(incident), "events": events}))
    assert "- 21:47 UTC - Mitigated: sam is on it." in timeline(text)
    assert "Sam is on it" not in text


def marks(html: str) -> list[str]:
    return [m.get_text() for m in BeautifulSoup(html, "html.parser").select(".pm-entries .mark")]


def test_the_drafted_timeline_marks_each_milestone_once_the_status_change_winning() -> None:
    doc = parse(draft_postmortem(live()))
    html = render_body(doc)
    shown = marks(html)
    for milestone in ("detected", "mitigated", "resolved"):
        assert shown.count(milestone) == 1, shown
    soup = BeautifulSoup(html, "html.parser")
    mitigated = soup.select_one(".pm-entries .entry-mitigated")
    assert mitigated is not None
    assert mitigated.select_one(".when").get_text() == "21:47"  # the status change, not the note
    assert "misleading path" in shown


def test_the_card_states_no_time_to_detect_when_detection_is_the_start() -> None:
    doc = parse(draft_postmortem(live()))
    assert doc.meta.started == doc.meta.detected  # the alert's start: the only one known
    assert summarize(doc).detect_minutes is None
    assert "Time to detect" not in executive_card(doc)
    # a start set earlier than the detection is a measured time to detect
    later = draft_postmortem(live()).replace(
        "started: 2026-12-05T21:25+00:00", "started: 2026-12-05T21:10+00:00"
    )
    assert summarize(parse(later)).detect_minutes == 15
    assert "Time to detect" in executive_card(parse(later))


def test_an_acknowledgement_in_the_minute_of_the_mitigation_is_not_tagged_mitigated() -> None:
    """The demo walk's draft: the page acknowledged and the status moved to monitoring ("Fixed
    archive credentials …", which reads as a resolution) in one minute; the mitigation's line
    carries the tag, the acknowledgement none, in the page's list and the diagram alike."""
    from postmortems.render import timeline_svg

    paged = "paged demo — sre-default: step 1 of 1, round 1 of 1 (user demo)"
    events = (
        Event(at(11, 2), "alert-fired", "ArchiveUploadErrors: uploads failing", author="am"),
        status_change(at(11, 2), "", "triage", author="demo"),
        Event(at(11, 3), "page", paged, author="on-call", detail=(("page", "4"),)),
        Event(at(11, 6), "acknowledgement", "demo acknowledged the page.", detail=(("page", "4"),)),
        status_change(
            at(11, 6), "triage", "monitoring", author="demo",
            text="Fixed archive credentials and restarted the uploader.",
        ),
        status_change(at(11, 20), "monitoring", "resolved", author="demo"),
    )  # fmt: skip
    incident = Incident(
        **{**_fields(live()), "events": events, "milestones": milestones_from_events(events)}
    )
    doc = parse(draft_postmortem(incident))
    soup = BeautifulSoup(render_body(doc), "html.parser")
    tags = {
        li.select_one(".what").get_text(): li.select_one(".mark").get_text()
        for li in soup.select(".pm-entries li")
        if li.select_one(".mark") is not None
    }
    mitigated = next(text for text, tag in tags.items() if tag == "mitigated")
    assert mitigated.startswith("Mitigated: Fixed archive credentials")
    assert not [text for text in tags if text.startswith("Acknowledged")]
    drawn = BeautifulSoup(timeline_svg(doc), "html.parser")
    row = drawn.select_one('g.tl-row[data-mark="mitigated"] title')
    assert row is not None
    assert "Mitigated: Fixed archive credentials" in row.get_text()
