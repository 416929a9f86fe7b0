"""The verdicts in the review panel: Request changes says what should change (its note required
unless the reviewer's open comments say it), and the reason reaches the history and the authors'
email; Approve is the primary button, Request changes a secondary one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from workflow_fixtures import NOW, cast, clean_text, run_tasks, with_settings


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    found = cast(make_user, {"alice": "author", "bob": "reviewer"})
    found["alice"].email = "alice@example.com"
    found["alice"].save()
    return found


def _in_review(people: dict[str, Any]) -> Any:
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    pm = store.create(clean_text(severity="SEV3"), people["alice"]).postmortem
    services.request_review(pm, people["alice"], [people["bob"]], now=NOW)
    pm.refresh_from_db()
    return pm


def _form(client: Any, key: str, move: str) -> Any:
    page = BeautifulSoup(client.get(f"/p/{key}/").content, "html.parser")
    return page.select_one(f"#workflow form.move:has(button[data-move={move}])")


def test_the_reason_is_required_unless_open_comments_say_it(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.workflow import comments

    pm = _in_review(people)
    client.force_login(people["bob"])
    form = _form(client, pm.key, "request-changes")
    assert form.select_one("input[name=note]").has_attr("required")
    assert form.select_one("#why-request-changes").get_text() == (
        "Required, or comment on the lines to change first."
    )
    refused = client.post(f"/p/{pm.key}/workflow/move/", {"transition": "request-changes"})
    assert refused.status_code == 302  # back to the form, which says why
    said = _form(client, pm.key, "request-changes").select_one(".field-error").get_text()
    assert said.startswith("say what should change")
    pm.refresh_from_db()
    assert pm.status == "in-review"

    comments.add(pm, people["bob"], "Which alert fired first?", now=NOW, section="Timeline")
    form = _form(client, pm.key, "request-changes")
    assert not form.select_one("input[name=note]").has_attr("required")
    assert form.select_one("#why-request-changes").get_text() == (
        "Optional: your 1 open comment says what to change."
    )


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_the_reason_reaches_the_history_and_the_authors_email(
    make_user: Callable[..., Any], settings: Any, mailoutbox: Any
) -> None:
    from postmortems.server.workflow import comments, services

    with_settings(settings, email_backend="django.core.mail.backends.locmem.EmailBackend")
    people = cast(make_user, {"alice": "author", "bob": "reviewer"})
    people["alice"].email = "alice@example.com"
    people["alice"].save()
    pm = _in_review(people)
    services.request_changes(pm, people["bob"], now=NOW, note="The timeline misses 04:30.")
    run_tasks()
    [mail] = [m for m in mailoutbox if "requested changes" in m.subject]
    assert mail.to == ["alice@example.com"]
    assert "bob requested changes to" in mail.subject
    assert mail.subject.endswith(": The timeline misses 04:30.")
    assert services.history(pm)[-1].note == "The timeline misses 04:30."

    pm.refresh_from_db()
    services.request_review(pm, people["alice"], [], now=NOW)  # resubmitted: a new round
    pm.refresh_from_db()
    later = NOW.replace(hour=10)
    comments.add(pm, people["bob"], "Which alert?", now=later, section="Timeline")
    comments.add(pm, people["bob"], "Who paged?", now=later, section="Timeline")
    services.request_changes(pm, people["bob"], now=later)  # the comments say it
    run_tasks()
    assert services.history(pm)[-1].note == "see 2 open comments"
    assert mailoutbox[-1].subject.endswith(": see 2 open comments")


def test_approve_is_the_primary_button_and_request_changes_a_secondary_one(
    client: Any, people: dict[str, Any]
) -> None:
    pm = _in_review(people)
    client.force_login(people["bob"])
    approve = _form(client, pm.key, "approve").select_one("button[data-move=approve]")
    changes = _form(client, pm.key, "request-changes").select_one("button")
    assert "secondary" not in approve.get("class", [])
    assert "secondary" in changes.get("class", [])


def test_the_open_threads_remark_is_one_sentence_with_the_others(
    client: Any, people: dict[str, Any], settings: Any
) -> None:
    """Separate remarks wrapped one by one on a phone, leaving "· 1 comment thread still open"
    alone on its line: they are one element, which wraps as a sentence."""
    from postmortems.server.workflow import comments

    with_settings(settings, review_approvals=("*:2",))
    pm = _in_review(people)
    comments.add(pm, people["bob"], "Which alert fired first?", now=NOW, section="Timeline")
    client.force_login(people["bob"])
    form = _form(client, pm.key, "approve")
    [remark] = form.select("small.why")
    assert remark.get_text() == "0 of 2 required approvals · 1 comment thread still open"
    assert remark["id"] == form.select_one("button")["aria-describedby"]


def test_the_lint_panel_says_errors_block_approval_only_when_there_are_errors(
    client: Any, people: dict[str, Any]
) -> None:
    """A warning (too long) is a finding, not an error: nothing to fix before approval."""
    client.force_login(people["alice"])
    long = clean_text() + "\n" + " ".join(["word"] * 400) + "\n"
    warned = BeautifulSoup(client.post("/preview/", {"text": long}).content, "html.parser")
    assert [f["class"] for f in warned.select(".finding")]  # findings, warnings only
    assert all("error" not in f["class"] for f in warned.select(".finding"))
    assert "must be fixed" not in warned.select_one(".findings").get_text()
    broken = clean_text().replace("## Timeline", "## Notes")
    failed = BeautifulSoup(client.post("/preview/", {"text": broken}).content, "html.parser")
    assert failed.select(".finding.error")
    assert "Errors must be fixed before" in failed.select_one(".findings").get_text()
