"""`pm parse`, `pm lint` and `pm build` find the same files in a folder (one function,
:func:`postmortems.sources.markdown_files`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortems.cli import cli
from postmortems.render.site.builder import load_records
from postmortems.sources import markdown_files

TAKEN = ["README", "a.md", "b.MARKDOWN", "c.txt", "sub/POSTMORTEM", "sub/d.mdown"]
LEFT_OUT = [".hidden.md", ".git/e.md", "notes.rst", "graph.png", "f.dev-out"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    top = tmp_path / "pms"
    for name in TAKEN + LEFT_OUT:
        path = top / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("## Summary\n\nText.\n", encoding="utf-8")
    return top


def test_markdown_suffixes_and_files_without_one_are_found_hidden_ones_are_not(
    folder: Path,
) -> None:
    assert markdown_files(str(folder)) == TAKEN


def test_parse_lint_and_build_take_the_same_files(folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    parsed = runner.invoke(cli, ["parse", "-f", "extract", str(folder)])
    assert parsed.exit_code == 0, parsed.output
    parsed_paths = [json.loads(line)["path"] for line in parsed.stdout.splitlines()]
    assert parsed_paths == [str(folder / name) for name in TAKEN]

    linted = runner.invoke(cli, ["lint", "--isolated", "-f", "json", str(folder)])
    assert linted.exit_code == 1  # none of them is a postmortem
    assert sorted({v["path"] for v in json.loads(linted.stdout)}) == parsed_paths

    site = tmp_path / "site"
    built = runner.invoke(cli, ["build", str(folder), "-o", str(site), "-j", "1"])
    assert built.exit_code == 0, built.output
    assert sorted(r["path"] for r in load_records(str(site))) == TAKEN


NOT_MARKDOWN = {
    "diagram": b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>14:02 UTC'
    b" failover</text></svg>\n",
    "chart": b'\n  <svg viewBox="0 0 10 10"></svg>\n',
    "page": b"<!DOCTYPE html>\n<html><body>Outage</body></html>\n",
    "deploy": b"#!/bin/sh\nkubectl rollout undo deploy/api\n",
    "screenshot": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "export": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "dump": b"## Summary\x00\x00\x01",
}


def test_a_file_without_extension_that_is_another_format_is_not_taken(
    folder: Path, tmp_path: Path
) -> None:
    for name, data in NOT_MARKDOWN.items():
        (folder / name).write_bytes(data)
    (folder / "notes").write_text("<h1>Checkout outage</h1>\n\nText.\n", encoding="utf-8")
    (folder / "a.md").write_text("See [the diagram](diagram) and [notes](notes).\n", "utf-8")
    taken = sorted([*TAKEN, "notes"])
    assert markdown_files(str(folder)) == taken
    parsed = CliRunner().invoke(cli, ["parse", "-f", "extract", str(folder)])
    assert parsed.exit_code == 0, parsed.output  # no "not UTF-8" for the picture
    assert [json.loads(line)["path"] for line in parsed.stdout.splitlines()] == [
        str(folder / name) for name in taken
    ]
    site = tmp_path / "site"
    built = CliRunner().invoke(cli, ["build", str(folder), "-o", str(site), "-j", "1"])
    assert built.exit_code == 0, built.output
    page = (site / "pm" / "a.html").read_text(encoding="utf-8")
    assert 'href="diagram"' in page  # not a page the build has: the link stays as written
    assert 'href="notes.html"' in page


def test_a_file_named_on_the_command_line_is_read_whatever_its_name(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["parse", "-f", "extract", str(folder / "notes.rst")])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["path"] == str(folder / "notes.rst")


def test_a_link_loop_is_walked_once_and_every_command_goes_on(folder: Path, tmp_path: Path) -> None:
    (folder / "sub" / "loop").symlink_to("..")  # sub/loop/sub/loop/… would never end
    outside = tmp_path / "shared"
    outside.mkdir()
    (outside / "g.md").write_text("## Summary\n\nText.\n", encoding="utf-8")
    (outside / "back").symlink_to(folder)  # out of the folder and back into it
    (folder / "shared").symlink_to(outside)
    assert markdown_files(str(folder)) == sorted([*TAKEN, "shared/g.md"])
    runner = CliRunner()
    for args in (["parse", "-f", "extract"], ["lint", "--isolated", "-f", "json"]):
        result = runner.invoke(cli, [*args, str(folder)])
        assert result.exit_code in (0, 1), result.output
    built = runner.invoke(cli, ["build", str(folder), "-o", str(tmp_path / "site"), "-j", "1"])
    assert built.exit_code == 0, built.output


@pytest.mark.parametrize("link", ["a-link", "z-link"])
def test_the_real_path_wins_over_a_link_to_the_same_folder(tmp_path: Path, link: str) -> None:
    """Whatever the link's name sorts as, the files are listed under their real folder."""
    top = tmp_path / "pms"
    (top / "real").mkdir(parents=True)
    (top / "real" / "a.md").write_text("## Summary\n\nText.\n", encoding="utf-8")
    (top / link).symlink_to("real")
    assert markdown_files(str(top)) == ["real/a.md"]
