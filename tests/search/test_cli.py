"""`pm search` and `pm similar` on real files, through the click runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortems.cli import cli

POSTMORTEM = """\
---
title: {title}
services: [{services}]
---
# {title}

## Summary
{summary} The team was paged by the alert, looked at the dashboards and the logs, found what
had changed, fixed it and watched the service recover before closing the incident.

## Root cause
{cause}

## Timeline
- 10:00 the alert fired and the on-call engineer acknowledged the page
- 10:10 the engineer found the cause in the logs of the failing service
- 10:30 the fix was applied and the service recovered; the incident was resolved

## Action items
{actions}
"""


def write(folder: Path, name: str, title: str, cause: str, **kw: str) -> Path:
    path = folder / name
    path.write_text(
        POSTMORTEM.format(
            title=title,
            cause=cause,
            summary=kw.get("summary", "Users saw errors for half an hour."),
            services=kw.get("services", "web"),
            actions=kw.get("actions", "- [ ] Add an alert (owner: @ann)"),
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    lib.mkdir()
    write(
        lib,
        "cert.md",
        "TLS outage",
        "The TLS certificate expired: certbot renewal failed.",
        services="cdn",
        actions="- [ ] Alert 14 days before expiry\n- [x] Renew the certificate",
    )
    write(
        lib,
        "disk.md",
        "Disk full",
        "The disk filled with logs; ENOSPC on every write.",
        services="db",
    )
    write(
        lib,
        "pool.md",
        "Checkout errors",
        "The connection pool was exhausted by a leak.",
        services="checkout",
    )
    (lib / "notes.md").write_text("https://docs.google.com/document/d/abc\n", encoding="utf-8")
    return lib


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_search_json_ranks_the_matching_postmortem(library: Path) -> None:
    code, out, _ = run("search", "expired certificate", str(library), "--format", "json")
    assert code == 0
    payload = json.loads(out)
    first = payload["results"][0]
    assert first["path"].endswith("cert.md")
    assert first["title"] == "TLS outage"
    assert first["score"] > 0
    assert "expired" in first["snippet"]
    assert payload["searched"] == 3  # the link-only file is not a postmortem


def test_search_text_and_top(library: Path) -> None:
    code, out, _ = run("search", "errors", str(library), "--top", "1")
    assert code == 0
    assert out.startswith("1. ")
    assert "2. " not in out


def test_search_nothing_found_says_so(library: Path) -> None:
    code, out, _ = run("search", "kubernetes", str(library))
    assert code == 0
    assert out == "none of the 3 postmortems read matches 'kubernetes'\n"
    long = "kubernetes " * 20
    code, out, _ = run("search", long, str(library))
    assert out == f"none of the 3 postmortems read matches {long[:80] + '…'!r}\n"


def test_nothing_read_is_not_said_as_nothing_found(tmp_path: Path) -> None:
    """ "none of the 0 postmortems read matches 'x'" followed the error of a path that does not
    exist."""
    code, out, err = run("search", "patroni", str(tmp_path / "nope"))
    assert code == 3
    assert "no such file" in err
    assert out == ""
    code, out, err = run("similar", str(tmp_path / "nope.md"), "--library", str(tmp_path / "no"))
    assert code == 3
    assert "none of the 0" not in out
    # read, and none a postmortem: that is said
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("# Readme\n\nThis folder holds notes.\n")
    code, out, _ = run("search", "checkout", str(tmp_path / "notes"))
    assert code == 0
    assert out == "none of the 0 postmortems read matches 'checkout'\n"


def test_search_query_of_stop_words_is_a_usage_error(library: Path) -> None:
    code, _, err = run("search", "the of and", str(library))
    assert code == 2
    assert "no words to search for" in err


def test_search_reports_a_bad_file_and_searches_the_rest(library: Path) -> None:
    (library / "bad.md").write_bytes(b"\xff\xfe not utf-8")
    code, out, err = run("search", "disk", str(library), "--format", "json")
    assert code == 3
    assert "bad.md" in err
    assert "not UTF-8" in err
    assert json.loads(out)["results"][0]["path"].endswith("disk.md")


def test_similar_json_names_reasons_and_open_actions(library: Path, tmp_path: Path) -> None:
    new = write(
        tmp_path,
        "new.md",
        "Certificate expired again",
        "The certificate expired because the certbot renewal failed again.",
        services="cdn",
    )
    code, out, _ = run("similar", str(new), "--library", str(library), "--format", "json")
    assert code == 0
    first = json.loads(out)["results"][0]
    assert first["path"].endswith("cert.md")
    assert "shared service: cdn" in first["reasons"]
    assert any(r.startswith("root cause: ") and "expired" in r for r in first["reasons"])
    assert first["action_items"]["open"] == 1
    assert first["action_items"]["done"] == 1


def test_similar_text_never_lists_the_file_itself(library: Path) -> None:
    code, out, _ = run("similar", str(library / "pool.md"), "--library", str(library))
    assert code == 0
    assert "pool.md" not in out


def test_similar_of_a_missing_file_is_an_error(library: Path) -> None:
    code, _, err = run("similar", str(library / "nope.md"), "--library", str(library))
    assert code == 3
    assert "no such file" in err


def test_similar_needs_a_library(library: Path) -> None:
    code, _, err = run("similar", str(library / "pool.md"))
    assert code == 2
    assert "--library" in err


def test_similar_of_a_file_that_is_not_a_postmortem(library: Path) -> None:
    code, _, err = run("similar", str(library / "notes.md"), "--library", str(library))
    assert code == 3
    assert "is not a postmortem" in err


def test_similar_leaves_out_later_postmortems(library: Path, tmp_path: Path) -> None:
    new = write(tmp_path, "new.md", "Certificate expired", "The TLS certificate expired again.")
    text = new.read_text(encoding="utf-8").replace(
        "---\ntitle:", "---\nstarted: 2024-05-01T10:00:00Z\ntitle:"
    )
    new.write_text(text, encoding="utf-8")
    cert = library / "cert.md"
    dated = cert.read_text(encoding="utf-8").replace("---\ntitle:", "---\nstarted: {}\ntitle:")
    cert.write_text(dated.format("2024-06-01T10:00:00Z"), encoding="utf-8")
    _, out, _ = run("similar", str(new), "--library", str(library), "--format", "json")
    assert not [r for r in json.loads(out)["results"] if r["path"].endswith("cert.md")]
    cert.write_text(dated.format("2024-01-01T10:00:00Z"), encoding="utf-8")
    _, out, _ = run("similar", str(new), "--library", str(library), "--format", "json")
    assert json.loads(out)["results"][0]["path"].endswith("cert.md")


def test_an_untitled_postmortem_is_named_as_every_page_names_it(tmp_path: Path) -> None:
    """No title stated: the file's name, as the site and the server show it, not "(untitled)"."""
    lib = tmp_path / "lib"
    lib.mkdir()
    text = POSTMORTEM.format(
        title="x",
        cause="The disk filled up.",
        summary="Uploads failed.",
        services="web",
        actions="- [ ] Alert on disk",
    )
    untitled = text.replace("title: x\n", "").replace("# x\n", "")
    (lib / "disk-full-2024.md").write_text(untitled, encoding="utf-8")
    code, out, _ = run("search", "disk", str(lib))
    assert code == 0
    assert out.split("\n")[1].strip() == "Disk full 2024"
