"""A form's address opened with GET (a reload after a refused form, a new tab, a link from the
address bar) answers 405 with a page that says so and leads to the page the form is on; the
API's answer stays JSON."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "form_page"),
    [
        ("/incidents/declare/", "/incidents/"),
        ("/incidents/INC-2026-0001/note/", "/incidents/INC-2026-0001/"),
        ("/oncall/s/sre-primary/overrides/", "/oncall/s/sre-primary/"),
        ("/p/PM-1/workflow/move/", "/p/PM-1/"),
        ("/tokens/5/revoke/", "/tokens/"),
    ],
)
def test_a_forms_address_opened_says_so_and_leads_to_the_form(
    make_user: Any, address: str, form_page: str
) -> None:
    client = Client()
    client.force_login(make_user("ann", "author"))
    for script_name in ("", "/pm"):  # under a sub-path too
        answer = client.get(address, SCRIPT_NAME=script_name)
        assert answer.status_code == 405
        assert answer["Allow"] == "POST"
        page = BeautifulSoup(answer.content, "html.parser")
        assert page.h1 is not None
        assert page.h1.get_text() == "This address only receives a form"
        assert page.select_one("#form-page")["href"] == script_name + form_page
    assert client.head(address).status_code == 405


def test_the_api_and_a_delete_keep_their_answers(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("ann", "author"))
    api = client.get("/api/oncall/apply")
    assert api.status_code == 405
    assert api.json()["detail"] == "GET is not accepted at /api/oncall/apply"
    deleted = client.delete("/incidents/declare/")  # not a page a browser opens: as Django says
    assert deleted.status_code == 405
    assert deleted.content == b""
