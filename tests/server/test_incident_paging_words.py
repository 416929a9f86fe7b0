"""How the on-call app's timeline entries read on the incident's page (the stored words stay)."""

from __future__ import annotations

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
