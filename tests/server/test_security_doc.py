"""docs/security.md holds the permission table the permission code computes (issue 13)."""

from __future__ import annotations

from pathlib import Path

from postmortems.server.accounts.matrix import permission_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START = "<!-- permission-table: generated, do not edit by hand -->\n"
END = "<!-- end permission-table -->"


def test_the_documented_table_is_the_computed_one() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = text[text.index(START) + len(START) : text.index(END)]
    assert documented == permission_table(), (
        "docs/security.md is out of date: paste permission_table() between the markers"
    )


def test_the_table_says_what_issue_13_asks() -> None:
    rows = {line.split(" | ")[0].lstrip("| "): line for line in permission_table().splitlines()}
    delete = rows["delete it"].split(" | ")[1:]
    assert delete[3] == "✓"  # an admin of the team
    assert delete[7] == "–"  # an admin of another team
    move = rows["move it to another team (`teams:`)"].split(" | ")[1:]
    assert move[-1].startswith("✓")  # only a superuser
    assert all(cell == "–" for cell in move[:-1])
