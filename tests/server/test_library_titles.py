"""The library lists a postmortem under the same title as the card and the static site."""

from __future__ import annotations

from postmortems.document import parse
from postmortems.server.library import derive


def test_a_document_without_a_stated_title_is_listed_by_its_file_name() -> None:
    doc = parse("## Summary\nThe disk filled up.\n", "2024-01-02-disk-full.md")
    assert derive.columns(doc)["title"] == "Disk full (2024-01-02)"


def test_a_bold_first_line_is_the_title() -> None:
    doc = parse("**Queue stuck for an hour**\n\n## Summary\nDown.\n", "q.md")
    assert derive.columns(doc)["title"] == "Queue stuck for an hour"
