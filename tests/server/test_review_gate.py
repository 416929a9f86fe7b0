"""The review cannot be skipped (issue 13, item 6).

Saving `status: published` in the text published the postmortem; text edited after approval
stayed approved; admins approved their own work. Now the state changes only through the
workflow, a material edit after approval returns to review, and nobody approves their own work.
`pm import`, an operator's tool, keeps the status a file states.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from workflow_fixtures import NOW, clean_text, with_settings

from postmortems.document.model import Severity, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "alice": make_user("alice", "author"),
        "bob": make_user("bob", "reviewer"),
        "ada": make_user("ada", "admin"),
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pm(status: str, key: str = "PM-G") -> Any:
    """Stored as an import would store it (no person: the status is taken as the file says)."""
    from postmortems.server.library import store

    return store.create(clean_text(key, status=status), None).postmortem


def _status(key: str = "PM-G") -> str:
    from postmortems.server.library.models import Postmortem

    return Postmortem.objects.get(key=key).status


def _saved_in_review(user: Any, pm: Any, text: str) -> None:
    """``user`` saves ``text`` over revision 1 of ``pm``, which is in review afterwards."""
    response = _client(user).post(f"/p/{pm.key}/edit/", {"text": text, "base_version": 1})
    assert response.status_code == 302
    pm.refresh_from_db()
    assert pm.status == "in-review"
    assert "status: in-review" in pm.text


# --- the status in the text ---------------------------------------------------------------------


@pytest.mark.parametrize("target", ["published", "approved", "in-review", "not-required"])
def test_the_editor_cannot_move_the_state(people: dict[str, Any], target: str) -> None:
    pm = _pm("draft")
    text = pm.text.replace("status: draft", f"status: {target}")
    response = _client(people["alice"]).post(
        f"/p/{pm.key}/edit/", {"text": text, "base_version": pm.version}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "changes through the review workflow" in page
    assert f"status: {target}" in page  # the text stays in the editor
    assert _status() == "draft"


def test_the_api_cannot_move_the_state(people: dict[str, Any]) -> None:
    pm = _pm("draft")
    body = {"text": pm.text.replace("status: draft", "status: published"), "base_version": 1}
    response = _client(people["alice"]).put(
        f"/api/postmortems/{pm.key}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert "review workflow" in response.json()["detail"]
    assert _status() == "draft"


def test_a_new_postmortem_starts_as_a_draft(people: dict[str, Any]) -> None:
    client = _client(people["alice"])
    response = client.post("/new/", {"text": clean_text("PM-N", status="published")})
    assert response.status_code == 422
    assert "starts as a draft" in response.content.decode()
    response = client.post(
        "/api/postmortems",
        json.dumps({"text": clean_text("PM-N", status="approved")}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert client.post("/new/", {"text": clean_text("PM-N")}).status_code == 302
    assert _status("PM-N") == "draft"


def _flow(text: str) -> str:
    """The front matter of ``text`` as one flow mapping (valid YAML, the same fields)."""
    import yaml

    head, body = text.split("\n---\n", 1)
    data = yaml.safe_load(head.removeprefix("---\n"))
    return "---\n" + json.dumps(data, default=str) + "\n---\n" + body


@pytest.mark.parametrize(
    "restate",
    [
        lambda t: t.replace("status: draft", "status: Published"),  # the parser ignores case
        lambda t: t.replace("status: draft", '"status": published'),
        lambda t: t.replace("status: draft", "status: draft\nstatus: published"),  # refused
        lambda t: _flow(t.replace("status: draft", "status: published")),
    ],
    ids=["capitals", "quoted-key", "repeated-key", "flow-mapping"],
)
def test_the_gate_reads_the_status_as_the_parser_does(people: dict[str, Any], restate: Any) -> None:
    """No way of writing the status in YAML gets a new postmortem past review."""
    client = _client(people["alice"])
    text = restate(clean_text("PM-N"))
    response = client.post("/new/", {"text": text})
    assert response.status_code == 422, response.content.decode()[:300]
    # A key given twice is no YAML at all: refused before the gate reads the status.
    said = "is given twice" if "status: draft\nstatus:" in text else "starts as a draft"
    assert said in response.content.decode()
    pm = _pm("draft")
    edited = client.post(
        f"/p/{pm.key}/edit/", {"text": restate(pm.text), "base_version": pm.version}
    )
    assert edited.status_code == 422
    assert _status() == "draft"


def test_a_flow_mapping_keeps_its_status_when_an_edit_leaves_it_out(
    people: dict[str, Any],
) -> None:
    pm = _pm("in-review")
    text = _flow(pm.text.replace("status: in-review\n", "")) + "\nMore detail.\n"
    _saved_in_review(people["alice"], pm, text)
    from postmortems.document import parse

    meta = parse(pm.text).meta  # written back as `key: value` lines, every field kept
    assert (meta.title, meta.status, meta.severity) == (
        "Checkout API returned 502s after certificate expiry",
        Status.IN_REVIEW,
        Severity.SEV2,
    )


def test_leaving_the_status_out_keeps_it(people: dict[str, Any]) -> None:
    pm = _pm("in-review")
    text = pm.text.replace("status: in-review\n", "").replace("SEV2", "SEV2", 1)
    response = _client(people["alice"]).post(
        f"/p/{pm.key}/edit/", {"text": text + "\nMore detail.\n", "base_version": 1}
    )
    assert response.status_code == 302
    assert _status() == "in-review"


# --- edits after approval ---------------------------------------------------------------------


@pytest.mark.parametrize("state", ["approved", "published"])
def test_a_material_edit_after_approval_returns_to_review(
    people: dict[str, Any], state: str
) -> None:
    from postmortems.server.workflow.models import Event, ReviewRequest

    pm = _pm(state)
    ReviewRequest.objects.create(
        postmortem=pm, reviewer=people["bob"], created=NOW, verdict="approved", state="accepted"
    )
    text = pm.text.replace("an expired TLS certificate", "an expired wildcard TLS certificate", 1)
    assert text != pm.text
    _saved_in_review(people["alice"], pm, text)
    event = Event.objects.filter(postmortem=pm).last()
    assert event is not None
    assert (event.from_state, event.to_state, event.actor) == (state, "in-review", people["alice"])
    assert ReviewRequest.objects.get(postmortem=pm).verdict == ""  # a new round


def test_ticking_ones_own_item_done_keeps_it_approved(people: dict[str, Any]) -> None:
    from postmortems.server.workflow.actions import Change, update_item
    from postmortems.server.workflow.models import ActionItem

    pm = _pm("approved")
    item = ActionItem.objects.get(postmortem=pm, owner="alice")
    update_item(item, Change(status="done"), people["alice"], now=NOW)
    pm.refresh_from_db()
    assert pm.version == 2
    assert pm.status == "approved"


def test_a_front_matter_only_edit_keeps_it_approved(people: dict[str, Any]) -> None:
    pm = _pm("approved")
    text = pm.text.replace("tags: [", "tags: [certificates, ", 1)
    assert text != pm.text
    _client(people["alice"]).post(f"/p/{pm.key}/edit/", {"text": text, "base_version": 1})
    pm.refresh_from_db()
    assert (pm.version, pm.status) == (2, "approved")


# --- nobody approves their own work -------------------------------------------------------------


def test_an_admin_cannot_approve_their_own_work(people: dict[str, Any], settings: Any) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.errors import WorkflowError

    with_settings(settings, review_approvals=("*:1",))
    ada = people["ada"]
    pm = store.create(clean_text("PM-ADA").replace("[alice]", "[ada]"), ada).postmortem
    services.request_review(pm, ada, [people["bob"]], now=NOW)
    pm.refresh_from_db()
    with pytest.raises(WorkflowError, match="nobody approves their own work"):
        services.approve(pm, ada, now=NOW)
    response = _client(ada).post(
        f"/p/{pm.key}/workflow/move/", {"transition": "approve"}, follow=True
    )
    assert "nobody approves their own work" in response.content.decode()
    assert _status("PM-ADA") == "in-review"
    assert services.approve(pm, people["bob"], now=NOW + dt.timedelta(minutes=1)) is not None
    assert _status("PM-ADA") == "approved"


# --- pm import keeps what the file says ---------------------------------------------------------


def test_import_keeps_the_status_a_file_states(people: dict[str, Any], tmp_path: Path) -> None:
    from postmortems.server.library.transfer import import_dir

    (tmp_path / "a.md").write_text(clean_text("PM-IMP", status="published"), encoding="utf-8")
    import_dir(tmp_path, people["ada"])
    assert _status("PM-IMP") == "published"
    (tmp_path / "a.md").write_text(
        clean_text("PM-IMP", status="approved").replace("an expired", "an old expired"),
        encoding="utf-8",
    )
    import_dir(tmp_path, people["ada"])
    assert _status("PM-IMP") == "approved"


def test_a_crlf_file_keeps_its_line_ends_and_its_one_front_matter(people: dict[str, Any]) -> None:
    from postmortems.server.library import store

    crlf = clean_text("PM-CRLF", status="approved").replace("\n", "\r\n")
    pm = store.create(crlf, None).postmortem
    edited = crlf.replace("an expired", "an old expired", 1)
    response = _client(people["alice"]).post(
        f"/p/{pm.key}/edit/", {"text": edited, "base_version": 1}
    )
    assert response.status_code == 302
    pm.refresh_from_db()
    assert pm.status == "in-review"
    assert pm.text == edited.replace("status: approved", "status: in-review")
    assert pm.text.count("---") == 2


@pytest.mark.parametrize(
    "disguise",
    [
        lambda t: t.replace("\n", "\r"),  # CR-only line ends: the parser reads them as lines
        lambda t: "\ufeff\ufeff" + t,  # two byte-order marks: the parser drops both
        lambda t: t.replace("status: published\n", "status: published\r---\n", 1),
    ],
    ids=["cr-lines", "two-boms", "cr-before-the-closing-dashes"],
)
def test_line_ends_and_byte_order_marks_do_not_hide_the_status(
    people: dict[str, Any], disguise: Any
) -> None:
    """The gate reads the text as the parser does (it judges, and the library stores, the
    text with its BOMs dropped and lone CRs as line ends)."""
    client = _client(people["alice"])
    text = disguise(clean_text("PM-N", status="published"))
    answer = client.post(
        "/api/postmortems", json.dumps({"text": text}), content_type="application/json"
    )
    assert answer.status_code == 422, answer.content[:300]
    assert "starts as a draft" in answer.json()["detail"]
    pm = _pm("draft")
    edited = pm.text.replace("status: draft\n", "x: 1\rstatus: published\r---\r", 1)
    refused = client.put(
        f"/api/postmortems/{pm.key}",
        json.dumps({"text": edited, "base_version": 1}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert _status() == "draft"


def test_a_status_line_inside_a_quoted_value_is_not_the_status(people: dict[str, Any]) -> None:
    """A material edit of a published postmortem returns it to review even when a quoted value
    holds a line `status: …` (the one a line edit would have rewritten)."""
    text = clean_text("PM-Q", status="published").replace(
        "status: published\n", 'notes: "one\nstatus: two\nthree"\nstatus: published\n', 1
    )
    from postmortems.server.library import store

    pm = store.create(text, None).postmortem
    edited = pm.text + "\nA sentence added after the approval.\n"
    answer = _client(people["alice"]).put(
        f"/api/postmortems/{pm.key}",
        json.dumps({"text": edited, "base_version": 1}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content[:300]
    assert _status("PM-Q") == "in-review"


def test_a_flow_mapping_over_several_lines_gets_its_status_set(people: dict[str, Any]) -> None:
    from postmortems.document import parse
    from postmortems.server.workflow.textedit import set_status

    text = "---\n{title: T,\nstatus: published, severity: SEV1}\n---\n# Body\n"
    out = set_status(text, Status.IN_REVIEW)
    meta = parse(out).meta
    assert (meta.title, meta.status, meta.severity) == ("T", Status.IN_REVIEW, Severity.SEV1)
