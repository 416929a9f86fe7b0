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
        assert answer["X-Frame-Options"] == "DENY"  # drawn inside the frame middleware
    assert client.head(address).status_code == 405


def test_the_way_back_is_a_web_address_and_a_message_is_shown_once(make_user: Any) -> None:
    from django.contrib.messages import get_messages

    client = Client()
    client.force_login(make_user("ann", "author"))
    answer = client.get("/p/a%3Fb c/workflow/move/")
    assert answer.status_code == 405
    link = BeautifulSoup(answer.content, "html.parser").select_one("#form-page")["href"]
    assert link == "/p/a%3Fb%20c/"
    assert list(get_messages(answer.wsgi_request)) == []  # none waiting, none kept for later


def test_the_api_and_a_delete_keep_their_answers(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("ann", "author"))
    api = client.get("/api/oncall/apply")
    assert api.status_code == 405
    assert api.json()["detail"] == "GET is not accepted at /api/oncall/apply"
    deleted = client.delete("/incidents/declare/")  # not a page a browser opens: as Django says
    assert deleted.status_code == 405
    assert deleted.content == b""
    from django.http import HttpResponseNotAllowed
    from django.test import RequestFactory

    from postmortems.server.formonly import FormOnlyPages

    get_only = FormOnlyPages(lambda request: HttpResponseNotAllowed(["GET"]))
    refused = get_only(RequestFactory().head("/oncall/feed/pmf_x.ics"))  # not a form's address
    assert (refused.status_code, refused["Allow"], refused.content) == (405, "GET", b"")
