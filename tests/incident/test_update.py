"""The update offered once a drafted postmortem was edited by people: their lines stay theirs.

The sequence a team goes through: the draft is written from the incident, people edit it in
review (the impact and the root cause in the summary's paragraph, a root-cause paragraph above
how it was resolved, a timeline line made clearer), then the incident changes (its severity is
raised, an event is added, the resolution is set by hand). The update may change only the lines
still as drafted.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.incident.test_draft import at, changed_lines, incident, record

from postmortems.document import drafted
from postmortems.incident.draft import draft_postmortem
from postmortems.incident.model import Event, Incident, milestone_edit, severity_change
from postmortems.incident.update import Offer, draft_update, offer

DRAFTED_SUMMARY = (
    "From 2026-02-12 04:00 PST to 2026-02-12 06:30 PST (2 hours 30 minutes), checkout-api and "
    "nginx were affected (incident INC-2026-0042, SEV2)."
)
# The summary's sentence, completed in review on the same line: the % affected, the root cause.
REVIEWED_SUMMARY = (
    DRAFTED_SUMMARY + " About 40% of checkout attempts failed with a 502. The root cause was the "
    "nginx certificate, which expired because its renewal job was lost in a host migration."
)
ROOT_CAUSE = (
    "The renewal cron job was not carried over when nginx moved hosts in January, and nothing "
    "alerted on the certificate's expiry date."
)
DRAFTED_MISLEADING = "- 04:15 PST - Misleading path: Rolled back the 03:50 deploy; errors continue."
REVIEWED_MISLEADING = (
    "- 04:15 PST - Misleading path: the team first suspected the 03:50 deploy and rolled it "
    "back; errors continued."
)
DRAFTED_FIX = (
    "Mitigated at 06:10 PST: Renewed the certificate and reloaded nginx. Resolved at 06:30 PST."
)


def reviewed(text: str) -> str:
    """The draft as it was published after review."""
    for line in (DRAFTED_SUMMARY, DRAFTED_MISLEADING, DRAFTED_FIX):
        assert line in text
    return (
        text.replace("status: draft", "status: published")
        .replace(DRAFTED_SUMMARY, REVIEWED_SUMMARY)
        .replace(DRAFTED_MISLEADING, REVIEWED_MISLEADING)
        .replace(DRAFTED_FIX, f"{ROOT_CAUSE}\n\n{DRAFTED_FIX}")
    )


def changed() -> Incident:
    """The incident after the postmortem was published: the severity raised, a deploy
    recorded, the resolution set by hand to the last 502."""
    events = [
        *record(),
        Event(at(12, 5, 45), "deploy", "Deployed cert-manager", author="bob", key_moment=True),
        severity_change(
            at(12, 8), "SEV2", "SEV1", author="bob", why="every checkout in eu-west failed"
        ),
        milestone_edit(
            at(12, 9), "resolved", at(12, 6, 45), author="bob", why="the last 502 at 06:44"
        ),
    ]
    return incident(events, severity="SEV1")


def test_the_update_keeps_every_line_people_edited() -> None:
    current = reviewed(draft_postmortem(incident(), author="alice"))
    got = offer(current, changed())
    removed, added = changed_lines(got.diff)
    for line in (REVIEWED_SUMMARY, REVIEWED_MISLEADING, ROOT_CAUSE):
        assert f"-{line}" not in removed
    # what is still as drafted follows the record
    assert removed == [
        "-severity: SEV2",
        "-resolved: 2026-02-12T06:30-08:00",
        "-- 06:30 PST - Resolved.",
        f"-{DRAFTED_FIX}",
    ]
    assert "+severity: SEV1" in added
    assert "+- 05:45 PST - Deployed cert-manager." in added  # new on the record: added
    assert "+- 06:45 PST - Resolved (set by bob: the last 502 at 06:44)." in added
    raised = "+- 08:00 PST - Severity raised from SEV2 to SEV1. Every checkout in eu-west failed."
    assert raised in added  # the reason starts its sentence
    assert "+Mitigated at 06:10 PST: Renewed the certificate and reloaded nginx. " in "\n".join(
        added
    )
    # the summary's sentence people rewrote is left as it is, the record's shown beside it
    assert [(k.name, k.text) for k in got.kept] == [("summary", REVIEWED_SUMMARY)]
    assert "(2 hours 45 minutes)" in got.kept[0].record
    assert "SEV1" in got.kept[0].record
    assert got.theirs == 3  # the summary's line, the misleading path, the root cause


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch program")
def test_the_update_applied_keeps_what_people_wrote(tmp_path: Path) -> None:
    current = reviewed(draft_postmortem(incident(), author="alice"))
    target = tmp_path / "pm.md"
    target.write_text(current, encoding="utf-8")
    (tmp_path / "change.diff").write_text(draft_update(current, changed()), encoding="utf-8")
    subprocess.run(
        ["patch", "--quiet", str(target), str(tmp_path / "change.diff")], check=True, timeout=30
    )
    patched = target.read_text(encoding="utf-8")
    for line in (REVIEWED_SUMMARY, REVIEWED_MISLEADING, ROOT_CAUSE, "status: published"):
        assert line in patched
    assert "Deployed cert-manager" in patched
    assert draft_update(patched, changed()) == ""  # up to date: nothing more on offer
    # the record changes again: a line the update added (its fingerprint listed since) follows
    # it, as the lines people edited still do not
    edit = milestone_edit(at(12, 11), "resolved", at(12, 6, 50), author="bob", why="a late 502")
    removed, added = changed_lines(
        draft_update(patched, incident([*changed().events, edit], severity="SEV1"))
    )
    assert "-- 06:45 PST - Resolved (set by bob: the last 502 at 06:44)." in removed
    assert "+- 06:50 PST - Resolved (set by bob: a late 502)." in added
    assert not [line for line in removed if line[1:] in (REVIEWED_SUMMARY, REVIEWED_MISLEADING)]


def test_a_line_people_took_out_is_not_offered_again() -> None:
    text = draft_postmortem(incident())
    acknowledged = "- 04:09 PST - Acknowledged: alice acknowledged.\n"
    assert acknowledged in text
    assert draft_update(text.replace(acknowledged, ""), incident()) == ""


def test_a_paragraph_added_beside_the_drafted_sentence_is_kept_and_the_sentence_updated() -> None:
    text = draft_postmortem(incident())
    added = "About 40% of checkout attempts failed."
    current = text.replace(DRAFTED_SUMMARY, f"{DRAFTED_SUMMARY}\n\n{added}")
    got = offer(current, changed())
    removed, new = changed_lines(got.diff)
    assert f"-{DRAFTED_SUMMARY}" in removed  # still as drafted: it follows the record
    assert any("SEV1)." in line for line in new)
    assert f"-{added}" not in removed
    assert got.kept == ()


def test_an_edited_paragraph_the_record_did_not_change_is_not_reported() -> None:
    current = reviewed(draft_postmortem(incident(), author="alice"))
    assert offer(current, incident()) == Offer("", (), theirs=3)


def test_an_older_draft_without_fingerprints_loses_nothing() -> None:
    """Drafts written before the fingerprints: every line may be people's, so nothing is taken
    out; the record's new lines are added and its new sentence shown beside."""
    text = "\n".join(
        f"<!-- generated:{line.split('generated:')[1].split()[0]} from INC-2026-0042 -->"
        if line.startswith("<!-- generated:")
        else line
        for line in draft_postmortem(incident()).split("\n")
    )
    got = offer(text, changed())
    removed, added = changed_lines(got.diff)
    assert removed == ["-severity: SEV2", "-resolved: 2026-02-12T06:30-08:00"]
    assert "+- 05:45 PST - Deployed cert-manager." in added
    assert {k.name for k in got.kept} == {"summary", "resolution"}


def test_people_lines_in_a_drafted_part_are_what_people_wrote_for_the_index() -> None:
    current = reviewed(draft_postmortem(incident(), author="alice"))
    theirs, records = drafted.split(current)
    assert ROOT_CAUSE in theirs
    assert REVIEWED_SUMMARY in theirs
    assert DRAFTED_FIX in records
    assert DRAFTED_FIX not in theirs
    assert "<!-- generated:" not in theirs


def test_the_opening_comment_lists_each_drafted_line() -> None:
    text = draft_postmortem(incident())
    lines = text.split("\n")
    (summary, timeline, resolution) = drafted.regions(lines)
    assert summary.prints == {drafted.fingerprint(DRAFTED_SUMMARY)}
    assert len(timeline.prints or ()) == 9
    assert resolution.name == "resolution"
    assert "a line you edit is yours" in lines[summary.open_at]


def test_a_front_matter_value_people_changed_or_took_out_is_theirs() -> None:
    """Set to SEV3 in review, the severity stays SEV3 when the record raises it to SEV1; the
    services people took out are not put back; the resolution still follows the record."""
    current = draft_postmortem(incident(), author="alice")
    assert "\n# generated:front-matter from INC-2026-0042 (fields as drafted: title=" in current
    theirs = current.replace("severity: SEV2\n", "severity: SEV3\n").replace(
        "services: [checkout-api, nginx]\n", ""
    )
    got = offer(theirs, changed())
    removed, added = changed_lines(got.diff)
    assert not [line for line in removed + added if "severity:" in line or "services:" in line]
    # Listed beside the diff, as a paragraph people rewrote is: the record changed the severity
    # since (the services, which it did not change, are not).
    fields = [(k.name, k.text, k.record) for k in got.kept if k.name in ("severity", "services")]
    assert fields == [("severity", "severity: SEV3", "severity: SEV1")]
    assert "-resolved: 2026-02-12T06:30-08:00" in removed
    assert "+resolved: 2026-02-12T06:45-08:00" in added
    # As drafted, the same fields follow the record.
    removed, added = changed_lines(draft_update(current, changed()))
    assert (removed[0], added[0]) == ("-severity: SEV2", "+severity: SEV1")


def test_a_field_the_record_did_not_hold_when_drafted_is_added_once_known() -> None:
    """Drafted before it was resolved, the postmortem has no ``resolved``; the update adds it
    and lists it as the record's."""
    unresolved = [e for e in record() if e.kind != "status-change" or e.get("to") != "resolved"]
    early = draft_postmortem(incident(unresolved, status="monitoring"), author="alice")
    assert "\nresolved:" not in early
    got = draft_update(early, incident())
    removed, added = changed_lines(got)
    assert "+resolved: 2026-02-12T06:30-08:00" in added
    assert not [line for line in removed if line.startswith("-resolved")]
    note = [line for line in got.splitlines() if line.startswith("+# generated:front-matter")]
    assert len(note) == 1
    assert " resolved=" in note[0]  # listed now: it follows the record from here on


def test_an_older_draft_without_the_fields_comment_follows_the_record() -> None:
    """Drafted before the comment: every field of the incident follows the record, as it did
    (the title only while it is one the incident had)."""
    current = draft_postmortem(incident(), author="alice")
    older = "".join(
        line for line in current.splitlines(keepends=True) if "generated:front-matter" not in line
    ).replace("severity: SEV2\n", "severity: SEV3\n")
    got = draft_update(older, changed())
    removed, added = changed_lines(got)
    assert "-severity: SEV3" in removed
    assert "+severity: SEV1" in added
    assert "generated:front-matter" not in got  # the offer does not make it a new draft


def _applied_note(text: str, diff: str) -> str:
    """``text`` with the fields comment the diff offers (the rest of the diff left out)."""
    (old,) = [x[1:] for x in diff.splitlines() if x.startswith("-# generated:front-matter")]
    (new,) = [x[1:] for x in diff.splitlines() if x.startswith("+# generated:front-matter")]
    return text.replace(old, new)


def test_a_value_people_set_stays_theirs_when_the_record_meets_it_and_moves_on() -> None:
    """SEV3 set in review; the record goes to SEV3 and the offer's comment is copied in; the
    record goes on to SEV1: SEV3 is still theirs, never offered back. And a record that changes
    only people's fields changes nothing in the comment."""
    current = draft_postmortem(incident(), author="alice")
    theirs = current.replace("severity: SEV2\n", "severity: SEV3\n")
    retitled = incident(title="Checkout 502s")
    assert "generated:front-matter" not in draft_update(
        theirs.replace("title: Checkout API", "title: Our checkout API"), retitled
    )
    met = draft_update(theirs, incident(severity="SEV3", services=("checkout-api",)))
    removed, added = changed_lines(met)
    assert not [x for x in removed + added if x[1:].startswith("severity:")]
    assert "+services: [checkout-api]" in added
    theirs = _applied_note(theirs, met).replace(  # the offer copied in
        "services: [checkout-api, nginx]", "services: [checkout-api]"
    )
    later = draft_update(theirs, incident(severity="SEV1", services=("checkout-api",)))
    assert not [x for x in later.splitlines() if x[1:].startswith("severity:")]


def test_the_comment_indented_by_hand_still_counts() -> None:
    current = draft_postmortem(incident(), author="alice")
    indented = current.replace("\n# generated:front-matter", "\n  # generated:front-matter")
    theirs = indented.replace("severity: SEV2\n", "severity: SEV3\n")
    removed, added = changed_lines(draft_update(theirs, changed()))
    assert not [x for x in removed + added if x[1:].startswith("severity:")]
    assert "+resolved: 2026-02-12T06:45-08:00" in added


def test_empty_front_matter_gets_the_fields_inside_its_fences() -> None:
    lines = draft_update("---\n---\n\n# Checkout 502s\n", incident()).splitlines()
    assert lines[3:5] == [" ---", "+severity: SEV2"]  # after the opening fence, not above it
    assert lines[-4:] == ["+incident: INC-2026-0042", " ---", " ", " # Checkout 502s"]
