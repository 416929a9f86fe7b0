"""An override that would change nothing is refused, on the schedule's page and through the API
alike: a person put in their own place, or on call where they already are the whole time (alone,
for one replacing everyone). Nothing is saved, so the team never thinks a shift covered."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from oncall_fixtures import apply, page_text, rotation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shifts_to_come")]

PAGE = "/oncall/s/primary/overrides/"
API = "/api/oncall/schedules/primary/overrides"
# The Berlin rotation: alice on Monday 2 March 2026 from 09:00, bob Tuesday, carol Wednesday.
TUESDAY = {"start": "2026-03-03 10:00", "end": "2026-03-03 12:00"}


@pytest.fixture
def sam(make_user: Any) -> Client:
    """sam, author of team sre, signed in; bob and dave are of the team too."""
    apply(rotation("primary", zone="Europe/Berlin"), source="")
    for name in ("alice", "bob", "carol", "dave"):
        make_user(name, "viewer")
    client = Client()
    client.force_login(make_user("sam", "author"))
    return client


def _stored() -> int:
    from postmortems.server.oncall.models import Override

    return Override.objects.count()


@pytest.mark.parametrize(
    ("form", "field", "said"),
    [
        (
            {"user": "bob", "kind": "replace", "replaces": "bob"},
            "replaces",
            "bob would replace bob: this override changes nothing",
        ),
        (
            {"user": "bob", "kind": "replace", "replaces": ""},
            "user",
            "bob is already on call alone on primary the whole time, Tue 03 Mar 2026 10:00 – "
            "Tue 03 Mar 2026 12:00 (Europe/Berlin): this override changes nothing",
        ),
        (
            {"user": "bob", "kind": "add", "replaces": ""},
            "user",
            "bob is already on call on primary the whole time, Tue 03 Mar 2026 10:00",
        ),
    ],
)
def test_the_page_and_the_api_refuse_an_override_that_changes_nothing(
    sam: Client, form: dict[str, str], field: str, said: str
) -> None:
    answer = sam.post(PAGE, {**form, **TUESDAY, "note": ""})
    assert answer.status_code == 400
    assert said in page_text(answer)
    assert "Override added" not in page_text(answer)
    refused = sam.post(API, {**form, **TUESDAY}, content_type="application/json")
    assert refused.status_code == 422, refused.content
    body = refused.json()
    assert said in body["detail"]
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["hint"].startswith("put someone else on call")
    assert _stored() == 0


def test_an_override_that_changes_someone_is_still_made(sam: Client) -> None:
    # bob over alice's Monday evening and his own Tuesday morning: it changes Monday.
    made = {"user": "bob", "kind": "replace", "replaces": "", "note": ""}
    answer = sam.post(PAGE, {**made, "start": "2026-03-02 20:00", "end": "2026-03-03 12:00"})
    assert answer.status_code == 302
    # dave added beside bob; dave in bob's place: each changes who is on call.
    for form in ({"user": "dave", "kind": "add"}, {"user": "dave", "replaces": "bob"}):
        body = {"kind": "replace", "replaces": "", **form, **TUESDAY, "note": ""}
        assert sam.post(PAGE, body).status_code == 302
    assert _stored() == 3
    # Now bob and dave are both on at Tuesday noon: bob replacing everyone there changes it.
    noon = {"start": "2026-03-03 12:00", "end": "2026-03-03 13:00"}
    added = sam.post(API, {"user": "dave", "kind": "add", **noon}, content_type="application/json")
    assert added.status_code == 201, added.content
    alone = {"user": "bob", "kind": "replace", **noon}
    assert sam.post(API, alone, content_type="application/json").status_code == 201
    assert _stored() == 5
