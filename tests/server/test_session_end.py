"""A form post that lost its session, or whose CSRF token is refused, loses nothing it wrote: a
page of the site says what happened and shows the text back (never Django's bare 403, never a
login page that dropped it); htmx gets the words as plain text. Any other htmx request of
someone signed out takes the browser to the login page (``HX-Redirect``), back to the page it
showed; ``/session/`` says who is signed in."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client

pytestmark = pytest.mark.django_db

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}
COMMENT = "The timeline misses when the pager fired;\nplease add the 04:07 alert."


def _page(answer: Any) -> BeautifulSoup:
    return BeautifulSoup(answer.content.decode(), "html.parser")


def _shown(answer: Any) -> list[str]:
    return [box.get_text() for box in _page(answer).select("label.kept textarea[readonly]")]


@pytest.fixture
def stale(make_user: Any, make_pm: Any) -> Client:
    """ann, signed in, posting with a token her browser no longer holds (she signed in again
    in another tab)."""
    make_pm("PM-T-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("ann", "author"))
    client.get("/")  # the CSRF cookie
    return client


def test_a_signed_out_post_of_writing_shows_it_back(make_user: Any, make_pm: Any) -> None:
    make_pm("PM-T-1")
    edit = {"text": "We renewed it. Then the second edit", "editor": "ab12", "base_version": "1"}
    answer = Client().post("/p/PM-T-1/edit/", edit, HTTP_REFERER="/p/PM-T-1/edit/", **HTML)
    assert answer.status_code == 403
    page = _page(answer)
    assert page.h1.get_text() == "Not saved: you are signed out"
    assert "Sign in in another tab" in page.select_one("#refusal").get_text()
    assert _shown(answer) == [edit["text"]]  # the ids and the version are not writing
    assert page.select_one("#kept-note")  # the editor's post: its copy in the browser is said
    sign_in = page.select_one("a[target=_blank]")
    assert sign_in["href"] == "/login/?next=/p/PM-T-1/edit/"


def test_a_signed_out_post_of_nothing_written_still_goes_to_the_login_page(
    make_pm: Any,
) -> None:
    make_pm("PM-T-1")
    answer = Client().post("/p/PM-T-1/delete/", {}, **HTML)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/login/")


def test_a_signed_out_htmx_request_is_refused_in_words_not_sent_to_the_login_page() -> None:
    answer = Client().post("/preview/", {"text": "some words"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 403
    assert answer.content.decode() == "Not saved: you are signed out.\n"


HTMX = {"HTTP_HX_REQUEST": "true"}


def _sign_in_leads_back_to(answer: Any) -> str:
    """The page the login page that ``answer`` sends htmx to leads back to."""
    assert answer.status_code == 200
    assert "Location" not in answer  # htmx would follow it and show the login page in the panel
    login = urlsplit(answer["HX-Redirect"])
    assert login.path == "/login/"
    return parse_qs(login.query)["next"][0]


@pytest.mark.parametrize(
    "panel",
    [
        "/insights/factors/PM-T-1/",
        "/insights/similar/PM-T-1/",
        "/insights/seen-before/INC-2026-0001/",
        "/incidents/INC-2026-0001/timeline/?rev=3",
    ],
)
def test_a_signed_out_htmx_request_takes_the_browser_to_the_login_page(panel: str) -> None:
    shown = {"HTTP_HX_CURRENT_URL": "http://testserver/p/PM-T-1/?tab=review"}
    answer = Client().get(panel, **HTMX, **shown)
    assert _sign_in_leads_back_to(answer) == "/p/PM-T-1/?tab=review"


def test_the_login_page_leads_back_to_the_page_not_another_site() -> None:
    elsewhere = {"HTTP_HX_CURRENT_URL": "https://evil.example/phish/"}
    answer = Client().get("/incidents/INC-2026-0001/timeline/", **HTMX, **elsewhere)
    assert _sign_in_leads_back_to(answer) == "/incidents/INC-2026-0001/"  # the nearest page
    referred = Client().get(
        "/insights/factors/PM-T-1/", **HTMX, **elsewhere, HTTP_REFERER="http://testserver/p/PM-T-1/"
    )
    assert _sign_in_leads_back_to(referred) == "/p/PM-T-1/"


def test_a_signed_out_htmx_post_of_nothing_written_goes_to_the_login_page() -> None:
    shown = {"HTTP_HX_CURRENT_URL": "http://testserver/p/PM-T-1/"}
    decided = {"factor": "alerting", "state": "confirmed"}
    answer = Client().post("/insights/factors/PM-T-1/", decided, **HTMX, **shown)
    assert _sign_in_leads_back_to(answer) == "/p/PM-T-1/"


def test_a_signed_out_htmx_post_without_its_csrf_cookie_goes_to_the_login_page_too() -> None:
    client = Client(enforce_csrf_checks=True)  # no CSRF cookie: the session and it are gone
    decided = {"factor": "alerting", "state": "confirmed"}
    shown = {"HTTP_HX_CURRENT_URL": "http://testserver/p/PM-T-1/"}
    answer = client.post("/insights/factors/PM-T-1/", decided, **HTMX, **shown)
    assert _sign_in_leads_back_to(answer) == "/p/PM-T-1/"
    written = client.post("/preview/", {"text": "some words"}, **HTMX, **shown)
    assert written.status_code == 403  # the editor's, carrying writing: it says so itself
    assert written.content.decode() == "Not saved: you are signed out.\n"


def test_a_signed_out_page_and_api_keep_their_answers() -> None:
    page = Client().get("/incidents/", **HTML)
    assert page.status_code == 302
    assert page["Location"] == "/login/?next=/incidents/"
    assert "HX-Redirect" not in page
    api = Client().get("/api/postmortems", **HTMX, HTTP_ACCEPT="application/json")
    assert api.status_code == 401
    assert "HX-Redirect" not in api
    assert api.json()["detail"]


def test_a_signed_in_htmx_request_the_role_refuses_is_told_why(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("nemo"))  # no role in any team
    answer = client.get("/insights/factors/PM-T-1/", **HTMX)
    assert answer.status_code == 403
    assert "HX-Redirect" not in answer
    assert answer["Content-Type"].startswith("text/plain")  # what site.js shows on the page
    assert answer.content.decode() == "Not allowed: your role cannot read.\n"
    page = client.get("/insights/factors/PM-T-1/", **HTML)  # a page: the site's own, why in it
    assert page.status_code == 403
    assert _page(page).h1.get_text() == "Not allowed"
    assert "Your role cannot read." in _page(page).main.get_text()


def test_a_refused_token_shows_a_comment_back(stale: Client) -> None:
    posted = {"text": COMMENT, "csrfmiddlewaretoken": "x" * 32}
    answer = stale.post("/p/PM-T-1/workflow/comment/", posted, **HTML)
    assert answer.status_code == 403
    page = _page(answer)
    assert page.h1.get_text() == "Not saved: the page is older than your sign-in"
    assert "CSRF verification failed" not in answer.content.decode()
    assert _shown(answer) == [COMMENT]
    assert not page.select_one("#kept-note")  # no editor: nothing was kept in the browser
    # back to the page the form is on (no Referer: the nearest page above the address)
    assert page.select_one("p.actions a")["href"] == "/p/PM-T-1/"


def test_a_refused_token_never_shows_a_password_or_the_token(stale: Client) -> None:
    posted = {
        "old_password": "an old secret phrase",
        "new_password1": "a new secret phrase",
        "new_password2": "a new secret phrase",
        "csrfmiddlewaretoken": "y" * 32,
    }
    answer = stale.post("/password/", posted, **HTML)
    assert answer.status_code == 403
    assert "secret phrase" not in answer.content.decode()
    assert "y" * 32 not in answer.content.decode()


@pytest.mark.parametrize(
    "where",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"}],
    ids=["sec-fetch-site", "origin"],
)
def test_another_site_s_post_is_not_shown_back(stale: Client, where: dict[str, str]) -> None:
    posted = {"text": "Call +1 555 0100 to restore your account", "csrfmiddlewaretoken": "z" * 32}
    answer = stale.post("/p/PM-T-1/workflow/comment/", posted, **HTML, **where)
    assert answer.status_code == 403
    assert "555 0100" not in answer.content.decode()


def test_a_refused_htmx_token_is_said_in_words(stale: Client) -> None:
    posted = {"text": "some words", "key": "PM-T-1"}
    answer = stale.post("/preview/", posted, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN="q" * 32)
    assert answer.status_code == 403
    assert answer["Content-Type"].startswith("text/plain")
    assert answer.content.decode() == "Not saved: the page is older than your sign-in.\n"


def test_session_says_who_is_signed_in_with_a_token_for_this_browser(make_user: Any) -> None:
    client = Client()
    assert client.get("/session/").json()["user"] == ""
    client.force_login(make_user("ann", "author"))
    answer = client.get("/session/")
    assert answer.json()["user"] == "ann"
    assert len(answer.json()["csrf"]) == 64
    assert "no-store" in answer["Cache-Control"]
    assert client.post("/session/").status_code == 405


def test_a_save_names_its_editor_page_for_the_browser_to_forget_its_copy(
    make_user: Any, make_pm: Any
) -> None:
    from postmortems.server.library.models import Postmortem

    make_pm("PM-T-1")
    client = Client()
    client.force_login(make_user("ann", "author"))
    text = Postmortem.objects.get(key="PM-T-1").text.replace("renewed it.", "renewed it today.")
    refused = client.post("/p/PM-T-1/edit/", {"text": "", "editor": "ab12", "base_version": "1"})
    assert "pm_saved" not in refused.cookies  # not saved: the browser keeps its copy
    saved = client.post("/p/PM-T-1/edit/", {"text": text, "editor": "ab12", "base_version": "1"})
    assert saved.status_code == 302
    assert saved.cookies["pm_saved"].value == "ab12"
    assert saved.cookies["pm_saved"]["max-age"] == 60


ACCOUNT_PAGES = ["/tokens/", "/teams/", "/password/", "/password/done/"]


@pytest.mark.parametrize("page", ACCOUNT_PAGES)
def test_a_signed_out_htmx_request_of_an_account_page_takes_the_browser_to_the_login_page(
    page: str,
) -> None:
    """The account pages answer htmx as every other page does: not a 302 htmx would follow,
    swapping the login page into the region it was loading."""
    shown = {"HTTP_HX_CURRENT_URL": f"http://testserver{page}"}
    answer = Client().get(page, **HTMX, **shown)
    assert _sign_in_leads_back_to(answer) == page


@pytest.mark.parametrize(
    ("page", "form"),
    [
        ("/tokens/1/revoke/", {}),
        ("/teams/sre/", {"sre-draft_profile": "classic"}),
        ("/teams/sre/members/", {"sre-username": "ann", "sre-role": "author"}),
        ("/password/", {"old_password": "x", "new_password1": "y", "new_password2": "y"}),
    ],
)
def test_a_signed_out_htmx_post_to_an_account_page_goes_to_the_login_page(
    page: str, form: dict[str, str]
) -> None:
    shown = {"HTTP_HX_CURRENT_URL": "http://testserver/teams/"}
    answer = Client().post(page, form, **HTMX, **shown)
    assert _sign_in_leads_back_to(answer) == "/teams/"


@pytest.mark.parametrize("page", ACCOUNT_PAGES)
def test_a_signed_out_account_page_still_goes_to_the_login_page(page: str) -> None:
    answer = Client().get(page, **HTML)
    assert answer.status_code == 302
    assert answer["Location"] == f"/login/?next={page}"
    assert "HX-Redirect" not in answer


def test_a_signed_in_account_page_is_shown(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("nemo"))  # no role in any team: their own tokens still
    for page in ACCOUNT_PAGES:
        assert client.get(page, **HTMX).status_code == 200, page
