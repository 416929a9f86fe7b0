"""`pm new`: skeletons per profile, never overwriting, and the interactive questions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postmortems.cli import cli
from postmortems.document import SectionKind, Severity, parse
from postmortems.document.fields import FIELDS
from postmortems.document.skeleton import PROFILES

SECTIONS = {
    "classic": [
        SectionKind.SUMMARY,
        SectionKind.TIMELINE,
        SectionKind.ROOT_CAUSE_AND_RESOLUTION,
        SectionKind.MEASURES,
    ],
    "google-sre": [
        SectionKind.SUMMARY,
        SectionKind.IMPACT,
        SectionKind.ROOT_CAUSE,
        SectionKind.TRIGGER,
        SectionKind.RESOLUTION,
        SectionKind.DETECTION,
        SectionKind.MEASURES,
        SectionKind.LESSONS,
        SectionKind.TIMELINE,
    ],
    "minimal": [
        SectionKind.SUMMARY,
        SectionKind.TIMELINE,
        SectionKind.ROOT_CAUSE,
        SectionKind.RESOLUTION,
        SectionKind.MEASURES,
    ],
}


def pm(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.mark.parametrize("profile", PROFILES)
def test_skeleton_of_each_profile_reads_as_its_sections(profile: str) -> None:
    result = pm("new", "Checkout API returned 502s", "--profile", profile)
    assert result.exit_code == 0, result.output
    doc = parse(result.stdout)
    assert not doc.problems
    assert doc.title == "Checkout API returned 502s"
    assert [s.kind for s in doc.sections] == SECTIONS[profile]
    assert "<!--" in result.stdout  # guidance comments


@pytest.mark.parametrize(("profile", "slots"), [("classic", 3), ("google-sre", 2)])
def test_a_skeleton_left_unfilled_is_reported_slot_by_slot(profile: str, slots: int) -> None:
    """PM116 names each `…` and `@someone` left, the summary's "From 00:00 to 01:00 UTC, …"
    too; filled in, the same lines are quiet (the minimal skeleton is too short to be a
    postmortem: PM101 says so)."""
    from postmortems.lint import lint_text

    text = pm("new", "Checkout API returned 502s", "--profile", profile).stdout
    found = [v for v in lint_text(text, path="pm.md", profile=profile) if v.code == "PM116"]
    assert len(found) == slots
    assert all("a slot of the template is still to fill" in v.message for v in found)
    filled = text.replace("@someone", "@ana").replace(": …", ": checkout 5xx above 5%")
    filled = filled.replace("UTC, …", "UTC, checkout returned 502s to 10% of users.")
    filled = filled.replace("- 00:00 - …", "- 00:00 - Checkout errors began")
    filled = filled.replace("- [ ] …", "- [ ] Alert on certificate expiry")
    assert not [v for v in lint_text(filled, path="pm.md", profile=profile) if v.code == "PM116"]
    mail = filled.replace("Alert on certificate expiry", "Mail oncall@someone.org on expiry")
    assert not [v for v in lint_text(mail, path="pm.md", profile=profile) if v.code == "PM116"]


@pytest.mark.parametrize("profile", PROFILES)
def test_each_skeleton_has_every_section_its_profile_asks_for(profile: str) -> None:
    """The structure rules (PM101-PM109) of a profile never ask for a section its own
    skeleton left out (the minimal skeleton had no Resolution, which minimal requires)."""
    from postmortems.lint import lint_text

    text = pm("new", "Checkout API returned 502s", "--profile", profile).stdout
    prose = " ".join(["The checkout service returned errors to some users for an hour."] * 8)
    filled = re.sub(r"^(## .+)$", lambda m: f"{m[1]}\n\n{prose}", text, flags=re.M)
    found = [v.code for v in lint_text(filled, path="pm.md", profile=profile)]
    assert "PM101" not in found  # long enough to be read as a postmortem
    assert [code for code in found if code.startswith("PM10")] == []


def test_skeleton_front_matter_has_every_field_with_its_help() -> None:
    text = pm("new").stdout
    head = text.split("\n---\n", 1)[0]
    for spec in FIELDS:
        key = spec.nested or spec.name
        assert f"\n{key}:" in head, key
        assert spec.help in head


def test_output_file_is_written_and_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    first = pm("new", "Disk full", "-o", str(target))
    assert first.exit_code == 0
    assert f"wrote {target}" in first.stderr
    written = target.read_text(encoding="utf-8")
    assert parse(written).title == "Disk full"

    second = pm("new", "Something else", "-o", str(target))
    assert second.exit_code == 3
    assert second.stderr.startswith(f"{target}: already exists — ")
    assert target.read_text(encoding="utf-8") == written


def test_output_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = pm("new", "Checkout API returned 502s", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("---\ntitle: Checkout API returned 502s")
    assert not (tmp_path / "-").exists()


def test_questions_left_unanswered_write_nothing_and_say_so(tmp_path: Path) -> None:
    out = tmp_path / "pm.md"
    result = pm("new", "-i", "-o", str(out), stdin="")  # standard input closed at once
    assert result.exit_code == 2
    assert "stopped before every question was answered: nothing written" in result.stderr
    assert "Aborted!" not in result.output
    assert not out.exists()


def test_unknown_profile_is_a_usage_error() -> None:
    result = pm("new", "--profile", "itil")
    assert result.exit_code == 2
    assert "itil" in result.stderr


def test_interactive_answers_fill_the_front_matter(tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    answers = "Checkout 502s\n2024-02-12 04:00\n2024-02-12 06:30\nPST\nsev2\n"
    result = pm("new", "-i", "-o", str(target), stdin=answers)
    assert result.exit_code == 0, result.output
    doc = parse(target.read_text(encoding="utf-8"))
    assert doc.meta.title == "Checkout 502s"
    assert doc.meta.started == dt.datetime(2024, 2, 12, 4, 0)
    assert doc.meta.resolved == dt.datetime(2024, 2, 12, 6, 30)
    assert doc.meta.timezone is not None
    assert doc.meta.timezone.label == "PST"
    assert doc.meta.severity is Severity.SEV2
    assert "From 04:00 to 06:30 PST" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("zone", "day", "said"),
    [
        ("America/New_York", "2026-11-18", "From 14:02 to 16:10 EST"),
        ("America/New_York", "2026-07-18", "From 14:02 to 16:10 EDT"),  # its summer time
        ("Europe/Berlin", "2026-07-18", "From 14:02 to 16:10 CEST"),
        ("Asia/Dubai", "2026-07-18", "From 14:02 to 16:10 Asia/Dubai"),  # "+04" says less
    ],
)
def test_the_summary_says_an_iana_zone_as_its_abbreviation(zone: str, day: str, said: str) -> None:
    """The summary read "From 14:02 to 16:10 America/New_York": readers write "EST"."""
    answers = f"DB failover\n{day} 14:02\n{day} 16:10\n{zone}\nsev1\n"
    result = pm("new", "-i", stdin=answers)
    assert result.exit_code == 0, result.output
    assert said + ", …" in result.stdout
    doc = parse(result.stdout)
    assert doc.meta.timezone is not None
    assert doc.meta.timezone.iana == zone  # the front matter keeps the name


def test_interactive_defaults_are_accepted_with_enter() -> None:
    result = pm("new", "-i", "Given title", stdin="\n" * 5)
    assert result.exit_code == 0, result.output
    doc = parse(result.stdout)  # the questions went to stderr, the skeleton to stdout
    assert doc.meta.title == "Given title"
    assert doc.meta.severity is Severity.SEV3
    assert doc.meta.timezone is not None
    assert doc.meta.timezone.label == "UTC"
    assert doc.meta.started is not None
    assert doc.meta.resolved is not None
    assert doc.meta.started <= doc.meta.resolved
    assert "Severity" in result.stderr


def test_interactive_asks_again_after_a_bad_answer() -> None:
    times = ["yesterday", "2024-02-12 04:00", "2024-02-12 03:00", "2024-02-12 05:00"]
    answers = "\n".join(["T", *times, "Mars/Olympus", "GMT+1", "SEV9", "SEV1", ""])
    result = pm("new", "-i", stdin=answers)
    assert result.exit_code == 0, result.output
    assert "expected YYYY-MM-DD HH:MM" in result.stderr
    assert "the end is before the start" in result.stderr
    assert "unknown timezone 'Mars/Olympus'" in result.stderr
    doc = parse(result.stdout)
    assert doc.meta.resolved == dt.datetime(2024, 2, 12, 5, 0)
    assert doc.meta.timezone is not None
    assert doc.meta.timezone.offset == 60  # GMT+1 is one hour east of UTC
    assert doc.meta.severity is Severity.SEV1


def test_interactive_does_not_ask_when_the_file_exists(tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    target.write_text("mine\n", encoding="utf-8")
    result = pm("new", "-i", "-o", str(target), stdin="")
    assert result.exit_code == 3
    assert "Title" not in result.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"
