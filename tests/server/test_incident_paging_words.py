"""How the on-call app's timeline entries read on the incident's page (the stored words stay)."""

from __future__ import annotations

import pytest

from postmortems.server.incidents import pagingwords


@pytest.mark.parametrize(
    ("author", "words", "shown"),
    [
        ("on-call", "paged alice — sre-page: step 1 of 2", "Paged alice — sre-page: step 1 of 2"),
        (
            "on-call",
            "escalated to bob — sre-page: step 2 of 2",
            "Escalated to bob — sre-page: step 2 of 2",
        ),
        ("on-call", "page 7 (sre-page) ran out of steps", "Page #7 (sre-page) ran out of steps"),
        ("on-call", "on-call hand-over on primary: a → b", "On-call hand-over on primary: a → b"),
        (
            "on-call",
            "the page was acknowledged (the name is hidden",
            "The page was acknowledged (the name is hidden",
        ),
        # A user name keeps its case; "pager" is not "paged"; a person's note is theirs.
        ("on-call", "alice acknowledged the page", "alice acknowledged the page"),
        ("on-call", "pagerduty bridge said hi", "pagerduty bridge said hi"),
        ("ann", "paged the DB team by phone", "paged the DB team by phone"),
    ],
)
def test_on_call_entries_read_as_sentences(author: str, words: str, shown: str) -> None:
    assert pagingwords.text(author, words) == shown


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
