"""`pm lint --library`: PM801 names an earlier postmortem with the same cause and open items."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from postmortems.cli import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "lint" / "examples" / "PM801"


def lint(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", "--select", "PM8", "--format", "json", *args])
    return result.exit_code, result.stdout, result.stderr


def findings(out: str) -> list[dict[str, object]]:
    payload = json.loads(out)
    return payload if isinstance(payload, list) else payload["violations"]


def test_repeat_is_reported_with_the_earlier_postmortem_and_its_open_items(tmp_path: Path) -> None:
    library = shutil.copytree(EXAMPLES / "library", tmp_path / "library")
    new = shutil.copy(EXAMPLES / "bad.md", tmp_path / "new.md")
    code, out, _ = lint(str(new), "--library", str(library))
    assert code == 1
    [finding] = [f for f in findings(out) if f["code"] == "PM801"]
    message = str(finding["message"])
    assert "2024-01-cert.md" in message
    assert "Alert when a certificate expires within 14 days" in message
    assert "Renew the certificate by hand" not in message  # done items are not named


def test_same_cause_with_items_done_is_not_reported(tmp_path: Path) -> None:
    library = shutil.copytree(EXAMPLES / "library", tmp_path / "library")
    new = shutil.copy(EXAMPLES / "good.md", tmp_path / "new.md")
    code, out, _ = lint(str(new), "--library", str(library))
    assert code == 0
    assert not [f for f in findings(out) if f["code"] == "PM801"]


def test_without_library_nothing_and_library_never_matches_itself(tmp_path: Path) -> None:
    library = shutil.copytree(EXAMPLES / "library", tmp_path / "library")
    code, out, _ = lint(str(library / "2024-01-cert.md"))
    assert code == 0
    code, out, _ = lint(str(library / "2024-01-cert.md"), "--library", str(library))
    assert not [f for f in findings(out) if f["code"] == "PM801"]


def test_a_later_postmortem_is_not_an_earlier_one(tmp_path: Path) -> None:
    library = shutil.copytree(EXAMPLES / "library", tmp_path / "library")
    text = (EXAMPLES / "bad.md").read_text(encoding="utf-8").replace("2024", "2023")
    (tmp_path / "old.md").write_text(text, encoding="utf-8")
    _, out, _ = lint(str(tmp_path / "old.md"), "--library", str(library))
    assert not [f for f in findings(out) if f["code"] == "PM801"]


def test_unreadable_library_file_is_reported(tmp_path: Path) -> None:
    library = shutil.copytree(EXAMPLES / "library", tmp_path / "library")
    (library / "broken.md").write_bytes(b"\x00\x01binary")
    new = shutil.copy(EXAMPLES / "bad.md", tmp_path / "new.md")
    code, out, err = lint(str(new), "--library", str(library))
    assert code == 3
    assert "broken.md" in err
    assert [f for f in findings(out) if f["code"] == "PM801"]


SRC = Path(__file__).resolve().parents[2] / "src" / "postmortems"
DEMO = SRC / "server" / "demo" / "postmortems"


def test_two_incidents_of_one_product_sharing_what_users_saw_are_no_repeat(
    tmp_path: Path,
) -> None:
    """The demo's stale prices (a CDN rule cached the price fragment for a day) read like its
    stale search index (the indexer skipped a renamed column) through the words of what the
    users saw, "price" and "product": different causes, no PM801 even at a low threshold."""
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(DEMO / "003-search-index-lag.md", library)
    new = shutil.copy(DEMO / "006-cdn-stale-prices.md", tmp_path / "new.md")
    (tmp_path / ".postmortems.toml").write_text("[lint]\nrepeat-min-score = 10\n", encoding="utf-8")
    _, out, _ = lint(str(new), "--library", str(library))
    assert not [f for f in findings(out) if f["code"] == "PM801"]
    # the same threshold still reports a cause that is the same
    shutil.copy(EXAMPLES / "library" / "2024-01-cert.md", library)
    bad = shutil.copy(EXAMPLES / "bad.md", tmp_path / "bad.md")
    _, out, _ = lint(str(bad), "--library", str(library))
    assert [f for f in findings(out) if f["code"] == "PM801"]
