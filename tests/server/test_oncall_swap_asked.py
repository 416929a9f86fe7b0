"""Asking for a swap on a schedule's page says, at the top of the page it comes back to, what
was asked, of whom, and how they are told (by email when they have an address, in their inbox
always), as every other action there says what it did."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shifts_to_come")]

ASK = {"give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}


def _said(client: Any, responder: str, **more: str) -> list[str]:
    answer = client.post("/oncall/s/primary/swaps/", {"responder": responder, **ASK, **more})
    assert answer.status_code == 302
    page = BeautifulSoup(client.get(answer["Location"]).content, "html.parser")
    return [" ".join(m.get_text(" ").split()) for m in page.select("#messages li")]


def test_asking_for_a_swap_says_what_of_whom_and_who_is_told(client: Any, make_user: Any) -> None:
    apply(rotation("primary", ("alice", "bob", "carol")), source="")
    alice, bob = make_user("alice", "author"), make_user("bob", "author")
    make_user("carol", "author")
    bob.email = "bob@example.com"
    bob.save()
    client.force_login(alice)
    take = {"take_start": "2026-03-03T09:00", "take_end": "2026-03-04T09:00"}
    assert _said(client, "bob", **take) == [
        "Swap asked of bob: alice gives Mon 2 Mar 09:00–Tue 3 Mar 09:00 UTC and takes "
        "Tue 3 Mar 09:00–Wed 4 Mar 09:00 UTC back. bob is told by email and in their inbox, and "
        "accepts or declines there or on this page; nothing changes until they accept."
    ]
    # carol has no address: told in her inbox only.
    [said] = _said(client, "carol")
    assert said.startswith("Swap asked of carol: alice gives Mon 2 Mar 09:00–Tue 3 Mar 09:00 UTC.")
    assert "carol is told in their inbox, and accepts" in said
