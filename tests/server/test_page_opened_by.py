"""`pm page open` on the server's database pages as someone: `--as NAME`, or by default the
account named as the operating-system user; without such an account it says how to choose and
pages nobody. The page then says who opened it, as the web form's does: "opened … by ivy" and
"Message from ivy" on its page, and its notifications' "Message from ivy".

Before, the command opened every page as nobody (`opened_by` empty, "Message: …")."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from incident_fixtures import logged_in
from oncall_fixtures import apply, pm_here, policy, rotation

pytestmark = pytest.mark.django_db

OPEN = ("page", "open", "--policy", "sre-page", "--summary", "db down", "--message", "need DB")


@pytest.fixture
def pm(make_user: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """`pm` here, team sre with ivy and carol (on call), policy sre-page; the operating-system
    user is ``monkeypatch``'s to set (LOGNAME, USER)."""
    for name in ("ivy", "carol"):
        make_user(name, "author")
    apply(rotation("primary", ("carol",)), source="")
    apply(policies=(policy(steps=(((("schedule", "primary"),), 10),)),), source="")
    return pm_here(monkeypatch, capsys, "page")


def _system_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("LOGNAME", name)
    monkeypatch.setenv("USER", name)


def test_the_page_is_opened_as_the_system_user_s_account(
    pm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postmortems.server.oncall.models import Page

    _system_user(monkeypatch, "ivy")
    code, out, err = pm(*OPEN)
    page = Page.objects.get()
    assert (code, out, err) == (0, f"page {page.pk} opened by ivy; paged carol\n", "")
    assert page.opened_by.username == "ivy"
    shown = logged_in(page.opened_by).get(reverse("oncall:page", args=[page.pk]))
    html = BeautifulSoup(shown.content, "html.parser")
    assert html.select_one("#opened-by").get_text() == "ivy"
    assert html.select_one("#page-message").get_text(" ", strip=True) == "Message from ivy: need DB"


def test_as_names_who_opens_it(pm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from postmortems.server.oncall import pagemail
    from postmortems.server.oncall.models import Page

    _system_user(monkeypatch, "ivy")
    code, out, _ = pm(*OPEN, "--as", "carol")  # --as wins over the system's user
    page = Page.objects.get()
    assert (code, out) == (0, f"page {page.pk} opened by carol; paged carol\n")
    assert page.opened_by.username == "carol"
    assert pagemail._message(page) == "Message from carol: “need DB”"


def test_without_an_account_it_says_how_to_choose_and_pages_nobody(
    pm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postmortems.server.oncall.models import Page

    _system_user(monkeypatch, "root")
    code, out, err = pm(*OPEN)
    assert (code, out) == (2, "")
    assert err == (
        "pm: who opens the page? no account named 'root' (your operating-system user) on this "
        "server — give --as USERNAME (an active account: the page's history names them), or "
        "page through the server's API (PM_URL and PM_TOKEN) as your token's user, or create "
        "the account (pm admin create-user root)\n"
    )
    code, out, err = pm(*OPEN, "--as", "nobody")
    assert (code, out, err) == (3, "", "pm: no active user named 'nobody' — give your username\n")
    assert not Page.objects.exists()
