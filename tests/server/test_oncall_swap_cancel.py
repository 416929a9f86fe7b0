"""Removing a half of an accepted swap cancels the swap: both halves go in one transaction, the
swap reads cancelled (by whom, when), the other person is told; the page's button says so, on
the page, through the API and `pm oncall override remove` alike. And an override of its own,
added and removed, is said on the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import apply, rotation
from workflow_fixtures import run_tasks

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shifts_to_come")]
CLOCK = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)  # the shifts_to_come clock


def _accepted_swap(client: Any, make_user: Any) -> tuple[Any, Any]:
    """alice (author, with an address) and bob (author) of primary (UTC, daily from Monday 2
    March 09:00: alice, bob…); alice gives Monday and takes Tuesday; bob accepts. The client is
    bob's; (swap, alice)."""
    from postmortems.server.oncall.models import SwapRequest

    apply(rotation("primary", ("alice", "bob")), source="")
    alice, bob = make_user("alice", "author"), make_user("bob", "author")
    alice.email, bob.email = "alice@example.com", "bob@example.com"
    alice.save()
    bob.save()
    client.force_login(alice)
    ask = {"responder": "bob", "give_start": "2026-03-02T09:00", "give_end": "2026-03-03T09:00"}
    ask |= {"take_start": "2026-03-03T09:00", "take_end": "2026-03-04T09:00"}
    assert client.post("/oncall/s/primary/swaps/", ask).status_code == 302
    swap = SwapRequest.objects.get()
    client.force_login(bob)
    assert client.post(f"/oncall/swaps/{swap.pk}/answer/", {"accept": "1"}).status_code == 302
    return swap, alice


def _on_call(at: dt.datetime) -> tuple[str, ...]:
    from postmortems.oncall import evaluate
    from postmortems.server.oncall import store

    return evaluate.on_call(store.load_config().schedules[0], at)


def test_removing_one_half_of_a_swap_cancels_it_and_tells_the_other(
    client: Any, make_user: Any, smtp_server: list[Any]
) -> None:
    from postmortems.server.oncall.models import Override, SwapRequest

    swap, _ = _accepted_swap(client, make_user)
    run_tasks()  # alice hears that bob accepted
    monday, tuesday = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), dt.datetime(2026, 3, 3, 12)
    tuesday = tuesday.replace(tzinfo=dt.UTC)
    assert (_on_call(monday), _on_call(tuesday)) == (("bob",), ("alice",))
    page = BeautifulSoup(client.get("/oncall/s/primary/").content, "html.parser")
    halves = list(Override.objects.filter(swap=swap))
    assert len(halves) == 2
    for half in halves:
        button = page.select_one(f"#override-{half.pk} button")
        assert button is not None
        assert button.get_text() == f"Cancel swap {swap.pk}"
        assert button["aria-label"].startswith(f"Cancel swap {swap.pk} (alice ↔ bob)")
        assert half.user in button["aria-label"]
        question = button.find_parent("form")["data-confirm"]
        assert "bob replaces alice, Mon 02 Mar 2026 09:00" in question
        assert "alice replaces bob, Tue 03 Mar 2026 09:00" in question

    # bob (an author of the team) removes his half: the swap is cancelled whole.
    done = client.post(f"/oncall/overrides/{halves[1].pk}/delete/?from=2026-03-02", follow=True)
    said = done.content.decode()
    assert f"Swap {swap.pk} (alice ↔ bob) cancelled" in said
    assert "alice is told" in said
    assert done.redirect_chain[-1][0] == "/oncall/s/primary/?from=2026-03-02#overrides"
    assert not Override.objects.exists()
    swap.refresh_from_db()
    assert (swap.state, swap.cancelled_by, swap.cancelled_at) == ("cancelled", "bob", CLOCK)
    assert (_on_call(monday), _on_call(tuesday)) == (("alice",), ("bob",))  # the rotation
    run_tasks()
    news = smtp_server[-1]
    assert (news["To"], news["Subject"]) == (
        "alice@example.com",
        "[postmortems] bob cancelled the swap on primary",
    )
    assert (
        "It had been accepted: its overrides are removed" in news.get_payload(decode=True).decode()
    )
    assert len(smtp_server) == 2  # bob, who did it, is not told
    assert SwapRequest.objects.get().state == "cancelled"


def test_a_third_person_cancelling_tells_both_and_a_half_under_way_stays_as_it_was(
    client: Any, make_user: Any, smtp_server: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Who was on call stays as it was: the half under way ends now, the half to come goes."""
    from django.utils import timezone

    from postmortems.server.oncall.models import Override

    swap, _ = _accepted_swap(client, make_user)
    run_tasks()
    later = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)  # Monday afternoon: bob covers alice
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.force_login(make_user("erin", "author"))
    under_way = Override.objects.get(swap=swap, user="bob")
    done = client.post(f"/oncall/overrides/{under_way.pk}/delete/", follow=True)
    assert "; alice and bob are told by email." in done.content.decode()
    (kept,) = Override.objects.all()
    assert (kept.user, kept.start, kept.end) == ("bob", under_way.start, later)
    assert _on_call(later - dt.timedelta(hours=1)) == ("bob",)  # history kept
    assert _on_call(later + dt.timedelta(hours=1)) == ("alice",)  # traded back from now
    run_tasks()
    told = sorted(m["To"] for m in smtp_server[1:])
    assert told == ["alice@example.com", "bob@example.com"]
    assert all(m["Subject"].endswith("erin cancelled the swap on primary") for m in smtp_server[1:])


def test_the_api_cancels_the_swap_and_says_which_overrides_are_a_swaps(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Override, SwapRequest

    swap, _ = _accepted_swap(client, make_user)
    token = ApiToken.issue(make_user("erin", "author"), "bot", scope="write")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/oncall/schedules/primary/overrides", **auth).json()
    assert [o["swap"] for o in listed] == [swap.pk, swap.pk]
    path = f"/api/oncall/schedules/primary/overrides/{listed[0]['id']}"
    done = client.delete(path, **auth)
    assert done.status_code == 200
    said = done.json()
    assert (said["swap"], said["ended"]) == (swap.pk, [])
    assert [o["id"] for o in said["removed"]] == [o["id"] for o in listed]
    assert not Override.objects.exists()
    assert SwapRequest.objects.values_list("state", "cancelled_by").get() == ("cancelled", "erin")


def test_the_api_answers_a_half_under_way_ended_now(
    client: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Override

    swap, _ = _accepted_swap(client, make_user)
    later = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: later)
    token = ApiToken.issue(make_user("erin", "author"), "bot", scope="write")[1]
    under_way = Override.objects.get(swap=swap, user="bob")
    path = f"/api/oncall/schedules/primary/overrides/{under_way.pk}"
    said = client.delete(path, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    ended = [(o["id"], dt.datetime.fromisoformat(o["end"])) for o in said["ended"]]
    assert ended == [(under_way.pk, later)]
    assert [o["user"] for o in said["removed"]] == ["alice"]


def test_the_page_says_told_only_those_the_email_reaches(
    client: Any, make_user: Any, smtp_server: list[Any]
) -> None:
    """bob has no address: the page does not say he is told (nothing is sent to him)."""
    from django.contrib.auth.models import User

    from postmortems.server.oncall.models import Override

    swap, _ = _accepted_swap(client, make_user)
    User.objects.filter(username="bob").update(email="")
    client.force_login(make_user("erin", "author"))
    half = Override.objects.filter(swap=swap).first()
    answer = client.post(f"/oncall/overrides/{half.pk}/delete/", follow=True)
    said = BeautifulSoup(answer.content, "html.parser").select("#messages li")
    [done] = [m.get_text() for m in said if "cancelled" in m.get_text()]
    assert "each has the shifts of the rotation again; alice is told by email." in done
    assert "bob is told" not in done
    assert "bob are told" not in done


def test_a_half_of_a_swap_all_over_stays_as_history(
    client: Any, make_user: Any, smtp_server: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A swap whose halves are all over is done, and its overrides are history (who was on
    call then, as pages were sent): removing a half, through the API or the page, is refused
    like any override over; the swap is not cancelled, nor anyone told."""
    from django.utils import timezone

    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Override, SwapRequest

    swap, _ = _accepted_swap(client, make_user)
    run_tasks()
    sent = len(smtp_server)
    later = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: later)
    token = ApiToken.issue(make_user("erin", "author"), "bot", scope="write")[1]
    first, second = Override.objects.filter(swap=swap).order_by("start")
    path = f"/api/oncall/schedules/primary/overrides/{first.pk}"
    refused = client.delete(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("this override is over (bob replaces alice, Mon 02")
    assert refused.json()["detail"].endswith("it stays as the history of who was on call")
    gone = client.post(f"/oncall/overrides/{second.pk}/delete/", follow=True).content.decode()
    assert "this override is over (alice replaces bob" in gone
    assert list(Override.objects.order_by("start")) == [first, second]
    assert SwapRequest.objects.get().state == "accepted"
    run_tasks()
    assert len(smtp_server) == sent


def test_an_override_of_its_own_is_removed_alone_with_a_message(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall.models import Override

    apply(rotation("primary", ("alice", "bob")), source="")
    make_user("alice", "author")
    make_user("bob", "author")
    client.force_login(make_user("erin", "author"))
    cover = {"user": "bob", "replaces": "alice", "kind": "replace"}
    cover |= {"start": "2026-03-02 10:00", "end": "2026-03-02 12:00", "note": "dentist"}
    made = client.post("/oncall/s/primary/overrides/?from=2026-03-02", cover, follow=True)
    row = Override.objects.get()
    # Added: said, and the page opens at the new override.
    assert made.redirect_chain[-1][0] == f"/oncall/s/primary/?from=2026-03-02#override-{row.pk}"
    said = made.content.decode()
    assert (
        "Override added: bob replaces alice, Mon 02 Mar 2026 10:00 – Mon 02 Mar 2026 12:00" in said
    )
    page = BeautifulSoup(said, "html.parser")
    button = page.select_one(f"#override-{row.pk} button")
    assert button is not None
    assert button.get_text() == "Remove"
    assert button["aria-label"] == (
        "Remove override: bob replaces alice, Mon 02 Mar 2026 10:00 – Mon 02 Mar 2026 12:00 (UTC)"
    )
    assert not button.find_parent("form").has_attr("data-confirm")
    gone = client.post(f"/oncall/overrides/{row.pk}/delete/", follow=True)
    assert "Override removed: bob replaces alice" in gone.content.decode()
    assert not Override.objects.exists()


def test_the_migration_ties_the_halves_of_swaps_accepted_before() -> None:
    """Swaps accepted before Override.swap was kept: their halves (noted ``swap N: a ↔ b``)
    are tied to them, so removing one still cancels the swap; an override merely noted so by
    hand (no made_by) is left alone, and a swap cancelled then was cancelled by its requester."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("oncall", "0010_page_message")],
        [("oncall", "0011_override_swap_and_swap_cancelled")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    schedule = old.get_model("oncall", "Schedule").objects.create(name="primary", timezone="UTC")
    swaps = old.get_model("oncall", "SwapRequest").objects
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    common = {"schedule": schedule, "requester": "alice", "responder": "bob", "created": start}
    common |= {"give_start": start, "give_end": start + dt.timedelta(days=1), "decided": start}
    accepted = swaps.create(state="accepted", **common)
    cancelled = swaps.create(state="cancelled", **common)
    overrides = old.get_model("oncall", "Override").objects
    span = {"schedule": schedule, "start": start, "end": start + dt.timedelta(days=1)}
    half = overrides.create(
        user="bob",
        replaces="alice",
        note=f"swap {accepted.pk}: alice ↔ bob",
        made_by="bob",
        **span,
    )
    by_hand = overrides.create(user="carol", note=f"swap {accepted.pk}: ask carol", **span)
    # Noted so, made by someone else than the responder, or naming other people, or of a swap
    # not accepted: overrides of their own.
    by_erin = overrides.create(
        user="carol",
        replaces="alice",
        note=f"swap {accepted.pk}: carol covers",
        made_by="erin",
        **span,
    )
    others = overrides.create(
        user="carol", replaces="alice", note=f"swap {accepted.pk}: carol", made_by="bob", **span
    )
    declined = swaps.create(state="declined", **common)
    of_declined = overrides.create(
        user="bob",
        replaces="alice",
        note=f"swap {declined.pk}: alice ↔ bob",
        made_by="bob",
        **span,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    rows = new.get_model("oncall", "Override").objects
    assert rows.get(pk=half.pk).swap_id == accepted.pk
    assert rows.get(pk=by_hand.pk).swap_id is None
    for own in (by_erin, others, of_declined):
        assert rows.get(pk=own.pk).swap_id is None
    was = new.get_model("oncall", "SwapRequest").objects.get(pk=cancelled.pk)
    assert (was.cancelled_by, was.cancelled_at, was.decided) == ("alice", start, None)
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
