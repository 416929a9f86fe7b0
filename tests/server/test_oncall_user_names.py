"""A user name typed with other capitals than its account's (``Sam`` for ``sam``): refused,
as user names are everywhere on the server, with the account offered, never guessed."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("shifts_to_come")
def test_a_user_name_with_other_capitals_is_refused_with_the_account_it_may_mean(
    client: Any, make_user: Any
) -> None:
    """User names are case-sensitive everywhere here (Sam and sam may be two people): the
    account is offered, never guessed; what was typed stays in the form."""
    from postmortems.server.oncall.models import Override

    apply(rotation("primary", ("alice", "bob")), source="")
    make_user("alice", "author")
    make_user("sam", "viewer")
    client.force_login(make_user("erin", "author"))
    cover = {"user": "Sam", "replaces": "", "kind": "replace"}
    cover |= {"start": "2026-03-02 10:00", "end": "2026-03-02 12:00"}
    refused = client.post("/oncall/s/primary/overrides/", cover)
    assert refused.status_code == 400
    page = BeautifulSoup(refused.content, "html.parser")
    assert "no account Sam — did you mean sam?" in page.select_one("#override-form").get_text()
    assert page.select_one("#override-form input[name=user]")["value"] == "Sam"
    assert not Override.objects.exists()
    # Two accounts alike: no guess, the plain refusal.
    make_user("SAM", "viewer")
    cover["user"] = "sAm"
    said = client.post("/oncall/s/primary/overrides/", cover).content.decode()
    assert "no account sAm: a page to it would reach nobody" in said


def test_a_swap_and_a_layer_offer_the_account_too(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall import services
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary", ("alice", "bob")), source="")
    primary = Schedule.objects.get(name="primary")
    make_user("bob", "viewer")
    with pytest.raises(services.OncallError, match="no account Bob — did you mean bob"):
        services.check_accounts(["Bob"], primary)
    with pytest.raises(services.OncallError) as refused:
        services.check_accounts(["Bob", "ghost"], primary)
    assert refused.value.message == (
        "no account Bob (did you mean bob?), ghost: a page to it would reach nobody"
    )


@pytest.mark.usefixtures("shifts_to_come")
def test_an_account_that_may_not_see_the_schedule_is_not_offered(
    client: Any, make_user: Any
) -> None:
    """The spelling of an account of another team is not told to someone asking a swap, nor
    to an author of a restricted schedule: it is none they may give there."""
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary", ("alice", "bob")), source="")
    Schedule.objects.filter(name="primary").update(restricted=True)
    make_user("Zed_Secret", "viewer", team="payments")
    client.force_login(make_user("alice", "viewer"))
    ask = {"responder": "zed_secret", "give_start": "2026-03-02 09:00"}
    ask |= {"give_end": "2026-03-03 09:00"}
    said = client.post("/oncall/s/primary/swaps/", ask).content.decode()
    assert "no account zed_secret" in said
    assert "Zed_Secret" not in said
    client.force_login(make_user("erin", "author"))
    cover = {"user": "zed_secret", "replaces": "", "kind": "replace"}
    cover |= {"start": "2026-03-02 10:00", "end": "2026-03-02 12:00"}
    said = client.post("/oncall/s/primary/overrides/", cover).content.decode()
    assert "no account zed_secret: a page to it would reach nobody" in said
    assert "Zed_Secret" not in said
    layer = {"layer": "extra", "users": "zed_secret", "shift_unit": "days", "shift_count": "1"}
    layer |= {"handoff": "09:00", "start": "2026-03-02"}
    said = client.post("/oncall/s/primary/layers/", layer).content.decode()
    assert "no account zed_secret" in said
    assert "Zed_Secret" not in said
    # A member of the team, alike: offered.
    make_user("Zed", "viewer")
    cover["user"] = "zed"
    said = client.post("/oncall/s/primary/overrides/", cover).content.decode()
    assert "no account zed — did you mean Zed?" in said
