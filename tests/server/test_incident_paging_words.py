"""How the on-call app's timeline entries read on the incident's page (the stored words stay)."""

from __future__ import annotations

from typing import Any

import pytest
from incident_fixtures import logged_in, open_incident

from postmortems.server.incidents import pagingwords

# As the on-call app writes them → as the incident's page shows them.
ON_CALL = {
    "paged alice — sre-page: step 1 of 2": "Paged alice — sre-page: step 1 of 2",
    "escalated to bob — sre-page: step 2 of 2": "Escalated to bob — sre-page: step 2 of 2",
    "page 7 (sre-page) ran out of steps": "Page #7 (sre-page) ran out of steps",
    "on-call hand-over on primary: a → b": "On-call hand-over on primary: a → b",
    "the page was acknowledged (hidden)": "The page was acknowledged (hidden)",
    # A user name keeps its case; "pagerduty" is not "paged".
    "alice acknowledged the page": "alice acknowledged the page",
    "pagerduty bridge said hi": "pagerduty bridge said hi",
}


def test_on_call_entries_read_as_sentences() -> None:
    assert {words: pagingwords.text("on-call", words) for words in ON_CALL} == ON_CALL
    # A person's words are theirs, whatever they start with.
    assert pagingwords.text("ann", "paged the DB team by phone") == "paged the DB team by phone"


def test_who_names_the_paging_and_what_it_went_through() -> None:
    assert pagingwords.who("on-call", [["page", "7"], ["policy", "sre-page"]]) == (
        "On-call paging",
        "policy sre-page",
    )
    assert pagingwords.who("on-call", [["page", "8"], ["policy", "by hand"]]) == (
        "On-call paging",
        "by hand",
    )
    assert pagingwords.who("on-call", []) == ("On-call paging", "")  # a note: nobody was paged
    assert pagingwords.who("ann", [["policy", "x"]]) == ("ann", "")


@pytest.mark.django_db
def test_an_entry_a_person_posted_as_on_call_reads_as_written(make_user: Any, client: Any) -> None:
    """The app's entries are those the server wrote itself: a chat bot posting through the API
    under the name "on-call" keeps its words ("page 3 of the runbook", not "Page #3") and its
    name as who."""
    from django.utils import timezone

    from postmortems.incident import model as m
    from postmortems.server.incidents import services

    user = make_user("bot", "author", team="sre")
    incident = open_incident(client)
    said = "page 3 of the runbook says restart"
    services.record(
        incident, [m.Event(timezone.now(), "note", said, author="on-call")], user, timezone.now()
    )
    page = logged_in(user).get(f"/incidents/{incident.key}/").content.decode()
    assert said in page
    assert "Page #3 of the runbook" not in page
    assert not pagingwords.by_app("on-call", user.pk)
    assert pagingwords.by_app("on-call", None)
