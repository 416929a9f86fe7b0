"""Did you mean…? on the search page: a search that finds nothing because of a mistyped word
offers the nearest words of what the reader may see, and never a restricted postmortem's."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from tests.server.conftest import doc_text

from postmortems.server.accounts.access import access_of
from postmortems.server.library import fulltext, queries, store, vocabulary

pytestmark = pytest.mark.django_db


def _page(client: Client, query: str) -> Any:
    response = client.get("/search/" + query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _secret() -> None:
    text = doc_text("PM-SECRET", restricted=True, teams="red", title="Quokkaride outage")
    store.create(text.replace("The TLS certificate expired.", "The quokkaride job died."), None)


def test_a_mistyped_word_offers_the_word_that_finds_something(make_user: Any) -> None:
    store.create(doc_text("PM-CERT", title="Upstream certificate expired"), None)
    me = Client()
    me.force_login(make_user("vera", "viewer"))
    page = _page(me, "?q=certifcate&severity=SEV2")
    assert page.select(".found-postmortems .search-results > li h3 a") == []
    offer = page.select_one(".did-you-mean a")
    assert offer.get_text() == "certificate"
    assert offer["href"] == "?q=certificate&severity=SEV2"  # the filters kept
    assert [a.get_text() for a in _page(me, offer["href"]).select(".search-results h3 a")] == [
        "Upstream certificate expired"
    ]
    assert _page(me, "?q=certifcate&severity=SEV4").select_one(".did-you-mean") is None
    assert _page(me, "?q=quokka").select_one(".did-you-mean") is None  # nothing near it
    assert _page(me, "?q=certificate").select_one(".did-you-mean") is None  # found
    api = me.get("/api/search", {"q": "certifcate", "severity": "SEV2"}).json()
    assert (api["count"], api["suggestion"]) == (0, "certificate")
    assert me.get("/api/search", {"q": "certificate"}).json()["suggestion"] is None
    assert me.get("/api/search", {"q": "quokka"}).json()["suggestion"] is None


def test_a_restricted_postmortem_is_never_suggested(make_user: Any) -> None:
    _secret()
    outsider, member = make_user("vera", "viewer"), make_user("rita", "viewer", team="red")
    me = Client()
    me.force_login(outsider)
    page = _page(me, "?q=quokaride")
    assert page.select_one(".did-you-mean") is None
    assert "Quokkaride" not in page.get_text()
    assert "quokkaride" not in page.get_text()
    assert fulltext.did_you_mean(access_of(outsider), queries.Filters(), "quokaride") is None
    assert me.get("/api/search", {"q": "quokaride"}).json() == {
        "count": 0,
        "limit": 20,
        "offset": 0,
        "results": [],
        "suggestion": None,
    }
    member_sees = fulltext.did_you_mean(access_of(member), queries.Filters(), "quokaride")
    assert member_sees == "quokkaride"


def test_operators_of_other_engines_are_said_to_be_words(make_user: Any) -> None:
    """ "certificate OR dns" narrows (every word must match) and "-dns" finds "dns": the page
    says so, instead of answering as if they were obeyed."""
    assert fulltext.operators("certificate OR dns -nginx -2") == ["OR", "-nginx"]
    assert fulltext.operators('"certificate OR dns" oom-killer or - -') == []
    store.create(doc_text("PM-CERT", title="Upstream certificate expired"), None)
    me = Client()
    me.force_login(make_user("vera", "viewer"))
    note = _page(me, "?q=certificate+OR+nginx+-dns").select_one(".search-operators")
    assert note is not None
    assert [c.get_text() for c in note.select("code")] == ["OR", "-dns"]
    assert "Every word must match" in note.get_text()
    assert _page(me, "?q=certificate+nginx").select_one(".search-operators") is None
    assert _page(me, "?q=oom-killer").select_one(".search-operators") is None


def _with_body(key: str, body: str, **kw: Any) -> str:
    text = doc_text(key, **kw)
    return text.replace("The TLS certificate expired. We renewed it.", body)


def test_a_word_only_the_text_holds_is_offered(make_user: Any) -> None:
    store.create(_with_body("PM-CERT", "The certbot timer was disabled by a base image."), None)
    me = Client()
    me.force_login(make_user("vera", "viewer"))
    offer = _page(me, "?q=certbto").select_one(".did-you-mean a")
    assert offer is not None
    assert offer.get_text() == "certbot"  # in no title, service or tag: in the root cause
    assert me.get("/api/search", {"q": "certbto timr"}).json()["suggestion"] == "certbot timer"


def test_a_restricted_postmortems_own_word_is_offered_to_its_team_only(make_user: Any) -> None:
    """A word only a restricted postmortem's text holds is never offered outside its teams,
    while a word it shares with an open postmortem is offered to all."""
    store.create(_with_body("PM-OPEN", "The certbot timer was disabled."), None)
    secret = "The zanzibarite vault lost its certbot timer."
    store.create(_with_body("PM-RED", secret, restricted=True, teams="red"), None)
    outsider = make_user("vera", "viewer")
    member = make_user("rita", "viewer", team="red")
    root = make_user("root", superuser=True)
    for user in (outsider, member, root):  # the vocabulary as each may read it
        words = vocabulary.for_reader(access_of(user))
        assert "certbot" in words
        assert ("zanzibarite" in words) is (user is not outsider), user
    # the member's and the superuser's words (the same restricted postmortems) are built once
    assert vocabulary.for_reader(access_of(member)) is vocabulary.for_reader(access_of(root))
    me = Client()
    me.force_login(outsider)
    page = _page(me, "?q=zanzbarite")
    assert page.select_one(".did-you-mean") is None
    assert "zanzibarite" not in page.get_text().lower()
    assert me.get("/api/search", {"q": "zanzbarite"}).json()["suggestion"] is None
    red = Client()
    red.force_login(member)
    assert red.get("/api/search", {"q": "zanzbarite"}).json()["suggestion"] == "zanzibarite"


def test_a_postmortem_restricted_later_takes_its_words_away(make_user: Any) -> None:
    created = store.create(_with_body("PM-X", "The zanzibarite vault failed."), None)
    outsider = access_of(make_user("vera", "viewer"))
    assert "zanzibarite" in vocabulary.for_reader(outsider)
    first = vocabulary.current()
    assert vocabulary.current() is first  # no change, no new reading of the library
    pm = created.postmortem
    restricted = pm.text.replace("timezone: UTC\n", "timezone: UTC\nrestricted: true\n", 1)
    store.update(pm.key, restricted, None, pm.version)
    assert vocabulary.current() is not first
    assert "zanzibarite" not in vocabulary.for_reader(outsider)


def test_a_review_comments_words_are_not_offered(make_user: Any) -> None:
    from postmortems.server.workflow import comments

    author = make_user("ann", "author")
    pm = store.create(doc_text("PM-CERT"), author).postmortem
    comments.add(pm, author, "Mention the quetzalcoatl runbook.", now=timezone.now())
    me = access_of(author)
    assert fulltext.search(me, queries.Filters(), "quetzalcoatl").count == 1  # it reads them
    assert "quetzalcoatl" not in vocabulary.for_reader(me)  # a viewer would not: never offered


def test_a_save_during_a_build_is_read_again_not_kept(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build reads the flags first and the text later: a save restricting a postmortem in
    between would leave its words among everyone's. The token moved under that build, so it is
    not kept: the library is read again, and the secret word is not offered to an outsider."""
    created = store.create(_with_body("PM-X", "The zanzibarite vault failed."), None)
    pm = created.postmortem
    outsider = access_of(make_user("vera", "viewer"))
    real_parts = vocabulary.fulltextindex.parts_for
    saved: list[bool] = []

    def restrict_meanwhile(pks: Any) -> Any:
        if not saved:  # the first build only: a save lands between its two reads
            saved.append(True)
            text = pm.text.replace("timezone: UTC\n", "timezone: UTC\nrestricted: true\n", 1)
            store.update(pm.key, text, None, pm.version)
        return real_parts(pks)

    monkeypatch.setattr(vocabulary.fulltextindex, "parts_for", restrict_meanwhile)
    assert "zanzibarite" not in vocabulary.for_reader(outsider)
    assert saved == [True]
