"""Titles: front matter, else the first level-1 heading, else an opening heading or bold line,
else the file's name; "Untitled" only when there is nothing at all."""

from __future__ import annotations

import pytest

from postmortems.document import parse
from postmortems.document.titles import UNTITLED, display_title, from_path
from postmortems.render.summary import summarize

BODY = "## Summary\nThe API was down.\n"


def title(text: str, path: str | None = None) -> str:
    return display_title(parse(text, path))


def test_front_matter_title_wins() -> None:
    assert title("---\ntitle: From the front matter\n---\n# A heading\n" + BODY) == (
        "From the front matter"
    )


def test_toml_front_matter_title() -> None:
    text = '+++\npath = "2023/01/01/x"\ntitle = "DNS outage on 2023-01-25"\n+++\n' + BODY
    assert title(text, "x.md") == "DNS outage on 2023-01-25"


def test_first_level_one_heading_after_an_image() -> None:
    text = "![logo](logo.png)\n\n# Login outage of 12 May\n\n" + BODY
    assert title(text, "x.md") == "Login outage of 12 May"


def test_a_leading_h1_is_the_title_not_a_section() -> None:
    doc = parse("# Cache stampede\n\n" + BODY)
    assert doc.title == "Cache stampede"
    assert [s.title for s in doc.sections] == ["Summary"]


def test_a_level_one_heading_naming_a_section_is_not_the_title() -> None:
    text = "# Summary\nThe API was down.\n# Timeline\n- 10:00 alert\n"
    assert title(text, "db-failover.md") == "Db failover"


def test_opening_heading_of_a_lower_level() -> None:
    assert title("### Postmortem: the login fiasco\n" + BODY) == "Postmortem: the login fiasco"


def test_bold_first_line() -> None:
    assert title("**Nginx outage of 12 May**\n\n" + BODY) == "Nginx outage of 12 May"


def test_a_bold_label_is_not_a_title() -> None:
    text = "**Duration:** 2 hours\n\n" + BODY
    assert title(text, "2021-05-09-negative-coin-values.md") == (
        "Negative coin values (2021-05-09)"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("2021-05-09-negative-coin-values.md", "Negative coin values (2021-05-09)"),
        ("docs/incidents/db_failover.markdown", "Db failover"),
        ("0x19-postmortem/README.md", "0x19 postmortem"),
        ("reports/2024-02-28-Decide is down.md", "Decide is down (2024-02-28)"),
        ("README.md", "README"),
    ],
)
def test_file_name_made_readable(path: str, expected: str) -> None:
    assert from_path(path) == expected


def test_untitled_only_when_there_is_nothing() -> None:
    assert title("Some words.\n") == UNTITLED
    assert title("Some words.\n", "outage.md") == "Outage"


def test_the_card_uses_the_same_title() -> None:
    assert summarize(parse("**Nginx outage**\n\n" + BODY, "x.md")).title == "Nginx outage"
    assert summarize(parse(BODY, "disk-full.md")).title == "Disk full"


@pytest.mark.parametrize("heading", ["# ISSUE NAME", "# Title (incident #)", "# {{ title }}"])
def test_a_template_prompt_is_no_title(heading: str) -> None:
    text = f"{heading}\n\n**Disk full on the primary**\n\n" + BODY
    assert title(text, "x.md") == "Disk full on the primary"
    doc = parse(f"{heading}\n\n" + BODY, "2024-01-02-disk-full.md")
    assert display_title(doc) == "Disk full (2024-01-02)"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("# 2023-09-27 / Expired SSL certificate\n" + BODY, "2023-09-27"),
        ("# 2024-01-19 Certbot failure on the proxy\n" + BODY, "2024-01-19"),
        ("---\ntitle: 2024-01-19 Certbot failure\n---\n" + BODY, "2024-01-19"),
        # the front matter's start wins over the title's date; an impossible date is none
        ("---\ntitle: 2024-01-19 x\nstarted: 2024-01-18T23:00Z\n---\n" + BODY, "2024-01-18"),
        ("# 2023-02-30 Not a day\n" + BODY, None),
        ("# The release of 2024-01-19 went wrong\n" + BODY, None),  # not at the start
    ],
)
def test_a_date_that_opens_the_title_is_the_incident_day_when_nothing_else_says(
    text: str, day: str | None
) -> None:
    import datetime as dt

    assert parse(text).day == (dt.date.fromisoformat(day) if day else None)
