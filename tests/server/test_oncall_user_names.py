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
    from postmortems.server.accounts.access import access_of
    from postmortems.server.oncall import services
    from postmortems.server.oncall.models import Schedule

    apply(rotation("primary", ("alice", "bob")), source="")
    primary = Schedule.objects.get(name="primary")
    make_user("bob", "viewer")
    asker = access_of(make_user("erin", "author"))
    with pytest.raises(services.OncallError, match="no account Bob — did you mean bob"):
        services.check_accounts(["Bob"], primary, asker)
    with pytest.raises(services.OncallError) as refused:
        services.check_accounts(["Bob", "ghost"], primary, asker)
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


@pytest.mark.usefixtures("shifts_to_come")
def test_on_an_open_schedule_only_people_the_asker_knows_of_are_offered(
    client: Any, make_user: Any
) -> None:
    """primary is open to everyone, but "did you mean …?" names only an account of one of the
    asker's teams or one already on its rotation (its page shows it); not the spelling of an
    account of a team the asker is not in, which is more likely someone else than the person
    meant. A superuser knows everyone."""
    apply(rotation("primary", ("alice", "bob", "Kim")), source="")
    make_user("Zed_Payments", "viewer", team="payments")
    make_user("Kim", "viewer", team="payments")  # of another team, on the rotation
    cover = {"replaces": "", "kind": "replace", "start": "2026-03-02 10:00"}
    cover |= {"end": "2026-03-02 12:00"}
    client.force_login(make_user("erin", "author"))
    said = client.post("/oncall/s/primary/overrides/", {**cover, "user": "zed_payments"})
    assert "no account zed_payments: a page to it would reach nobody" in said.content.decode()
    assert "Zed_Payments" not in said.content.decode()
    said = client.post("/oncall/s/primary/overrides/", {**cover, "user": "kim"})
    assert "no account kim — did you mean Kim?" in said.content.decode()
    client.force_login(make_user("alice", "viewer"))  # asking a swap: the same rule
    ask = {"responder": "zed_payments", "give_start": "2026-03-02 09:00"}
    ask |= {"give_end": "2026-03-03 09:00"}
    said = client.post("/oncall/s/primary/swaps/", ask).content.decode()
    assert "no account zed_payments" in said
    assert "Zed_Payments" not in said
    client.force_login(make_user("root", superuser=True))
    said = client.post("/oncall/s/primary/overrides/", {**cover, "user": "zed_payments"})
    assert "no account zed_payments — did you mean Zed_Payments?" in said.content.decode()
