"""`pm remind` runs the reminders against the server's database and reports what it did."""

from __future__ import annotations

import pytest

from postmortems.commands.remind import parse_now
from postmortems.errors import InputError


def test_now_is_parsed_or_refused_with_a_hint() -> None:
    assert parse_now("2024-03-01T09:00Z").isoformat() == "2024-03-01T09:00:00+00:00"
    assert parse_now("2024-03-01T09:00").tzinfo is not None
    assert parse_now(None) is None
    with pytest.raises(InputError, match=r"e\.g\. --now"):
        parse_now("tomorrow")


@pytest.mark.django_db
def test_pm_remind_reports_what_it_sent(capsys: pytest.CaptureFixture[str]) -> None:
    from workflow_fixtures import clean_text

    from postmortems.commands.remind import run_remind
    from postmortems.server.library import store

    store.create(clean_text(), None)
    assert run_remind({}, None, "2024-03-05T09:00Z") == 0
    out = capsys.readouterr().out
    assert "staff reviewers assigned: 0" in out
    assert "overdue reminders sent: 0" in out  # nobody named in the tasks has an account
