"""Bad input is a 4xx with a clear message, never a 500 (issue 13, item 9).

On PostgreSQL, NUL characters in text, search, comments or token names gave 500, and
``offset=2**63`` gave 500 on both databases; ``pm import`` stored files that ``pm parse``
refuses and followed symbolic links out of the folder it was given.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.server.conftest import doc_text

pytestmark = pytest.mark.django_db
NUL = "\x00"


@pytest.fixture
def alice(make_user: Any, make_pm: Any) -> Client:
    make_pm("PM-T-1", teams="sre")
    client = Client()
    client.force_login(make_user("alice", "author"))
    return client


def _json(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/postmortems", {"text": doc_text("PM-NUL") + NUL}),
        ("put", "/api/postmortems/PM-T-1", {"text": doc_text("PM-T-1") + NUL, "base_version": 1}),
        ("post", "/api/lint", {"text": "# a" + NUL}),
        ("post", "/api/tokens", {"name": "ci" + NUL}),
    ],
)
def test_nul_in_a_json_body_is_a_422(alice: Client, method: str, path: str, body: Any) -> None:
    """The API's schemas refuse NUL in every string field (and say which field)."""
    response = _json(alice, method, path, body)
    assert response.status_code == 422
    assert "does not match the schema" in response.json()["detail"]
    assert "pattern" in json.dumps(response.json()["errors"])


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/", {"q": "check" + NUL}),
        ("get", "/api/postmortems", {"q": NUL}),
        ("post", "/new/", {"text": doc_text("PM-NUL") + NUL}),
        ("post", "/p/PM-T-1/edit/", {"text": doc_text("PM-T-1") + NUL, "base_version": "1"}),
        ("post", "/p/PM-T-1/workflow/comment/", {"text": "hi" + NUL}),
        ("post", "/tokens/", {"name": "ci" + NUL}),
    ],
)
def test_nul_in_a_query_or_form_is_a_400(alice: Client, method: str, path: str, data: Any) -> None:
    response = getattr(alice, method)(path, data)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nothing_with_a_nul_was_stored(alice: Client) -> None:
    from postmortems.server.library.models import Postmortem

    _json(alice, "post", "/api/postmortems", {"text": doc_text("PM-NUL") + NUL})
    alice.post("/new/", {"text": doc_text("PM-NUL") + NUL})
    assert not Postmortem.objects.filter(key="PM-NUL").exists()


@pytest.mark.parametrize("offset", [2**63, 2**31 * 10**3, -1])
def test_an_offset_out_of_range_is_a_422(alice: Client, offset: int) -> None:
    response = alice.get("/api/postmortems", {"offset": str(offset)})
    assert response.status_code == 422
    assert "offset" in json.dumps(response.json())


def test_a_large_offset_in_range_is_an_empty_page(alice: Client) -> None:
    response = alice.get("/api/postmortems", {"offset": "1000000000"})
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- pm import ------------------------------------------------------------------------------


def test_import_refuses_what_pm_parse_refuses(tmp_path: Path, make_user: Any) -> None:
    from postmortems.server.library.models import Postmortem
    from postmortems.server.library.transfer import import_dir

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.md").write_text(doc_text("PM-BIG") + "x" * (9 * 1024 * 1024), "utf-8")
    (folder / "nul.md").write_bytes(doc_text("PM-NUL").encode() + b"\x00tail")
    (folder / "early-nul.md").write_bytes(b"\x00" + doc_text("PM-NUL2").encode())
    (folder / "ok.md").write_text(doc_text("PM-OK"), "utf-8")
    report = import_dir(folder, None)
    assert report.created == ["PM-OK"]
    failed = "\n".join(report.failed)
    assert "over the 5 MB limit" in failed
    assert "NUL" in failed
    assert len(report.failed) == 3
    assert set(Postmortem.objects.values_list("key", flat=True)) == {"PM-OK"}


def test_import_does_not_follow_links_out_of_the_folder(tmp_path: Path) -> None:
    from postmortems.server.library.models import Postmortem
    from postmortems.server.library.transfer import import_dir
    from postmortems.sources import markdown_files

    outside = tmp_path / "secret.md"
    outside.write_text(doc_text("PM-OUTSIDE"), "utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "inside.md").write_text(doc_text("PM-IN"), "utf-8")
    os.symlink(outside, folder / "link.md")
    os.symlink("/etc/passwd", folder / "passwd.md")
    os.symlink(folder / "inside.md", folder / "alias.md")  # inside: allowed
    other = tmp_path / "other"
    other.mkdir()
    (other / "elsewhere.md").write_text(doc_text("PM-ELSEWHERE"), "utf-8")
    os.symlink(other, folder / "up")  # a linked folder is not entered
    names = markdown_files(str(folder), confined=True)
    assert names == ["alias.md", "inside.md"]
    assert "up/elsewhere.md" in markdown_files(str(folder))  # pm lint and pm parse follow links
    import_dir(folder, None)
    assert set(Postmortem.objects.values_list("key", flat=True)) == {"PM-IN"}


def test_import_says_when_it_overwrites_a_same_id_postmortem(
    tmp_path: Path, make_user: Any
) -> None:
    from postmortems.server.library import store
    from postmortems.server.library.transfer import import_dir

    alice = make_user("alice", "author")
    pm = store.create(doc_text("PM-SAME"), alice).postmortem
    store.update(pm.key, doc_text("PM-SAME") + "\nAlice's edit.\n", alice, 1, "more detail")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "other.md").write_text(doc_text("PM-SAME", title="Other"), "utf-8")
    report = import_dir(folder, None)
    assert report.updated == ["PM-SAME"]
    [line] = [x for x in report.lines() if x.startswith("updated")]
    assert line == (
        "updated PM-SAME: overwrote revision 2 (saved by alice, more detail); "
        "it stays in the revisions"
    )
