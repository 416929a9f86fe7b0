"""The incidents list's *Search* (``/incidents/?q=``, ``GET /api/incidents?q=``) is the
incidents' full-text search (FTS5 on SQLite, GIN indexes on PostgreSQL): stemmed words and
quoted phrases, the key, newest first with the key's incident first, with the list's filters,
paging and permissions (docs/incidents.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from incident_fixtures import logged_in

from postmortems.server.accounts.access import access_of
from postmortems.server.library import fulltext

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def declare(title: str, by: Any, *, hours_ago: int = 0, **kw: Any) -> Any:
    from postmortems.server.incidents import services

    return services.declare(title, by, now=NOW - dt.timedelta(hours=hours_ago), **kw)


def note(incident: Any, text: str, by: Any) -> None:
    from postmortems.server.incidents import services

    services.note(incident, text, by, NOW)


def listed(me: Client, q: str, **more: str) -> list[str]:
    page = me.get("/incidents/", {"q": q, **more})
    assert page.status_code == 200, page.content.decode()[:500]
    cells = BeautifulSoup(page.content, "html.parser").select("table.incidents td code")
    return [c.get_text() for c in cells]


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "sam": make_user("sam", "author", team="sre"),
        "ivan": make_user("ivan", "author", "red"),
    }


def test_words_are_read_as_the_search_reads_them(people: dict[str, Any]) -> None:
    sam = people["sam"]
    edge = declare("Edge errors", sam, team="sre", services=["edge-proxy"], hours_ago=3)
    note(edge, "The TLS certificate of api.example expired at 09:00.", sam)
    queue = declare("Queue backlog", sam, team="sre", services=["billing-queue"], hours_ago=2)
    note(queue, "Certificates were fine; the consumers were stuck.", sam)
    me = logged_in(sam)
    assert listed(me, "expiring certificates") == [edge.key]  # stemmed, not a substring
    assert listed(me, "certificate") == [queue.key, edge.key]  # newest first
    assert listed(me, '"certificate expired"') == []  # a phrase: those words together
    assert listed(me, '"TLS certificate"') == [edge.key]
    assert listed(me, "billing-queue") == [queue.key]  # a service
    assert listed(me, "cert") == []  # whole words, not parts of them
    assert listed(me, "certificate", status="resolved") == []  # with the other filters
    assert listed(me, "certificate", severity="SEV3", team="sre") == [queue.key, edge.key]
    assert listed(me, "certificate", team="red") == []
    soup = BeautifulSoup(me.get("/incidents/", {"q": "TLS certificate"}).content, "html.parser")
    ranked = soup.select_one('a[href^="/incidents/search/"]')
    assert ranked is not None
    assert ranked["href"] == "/incidents/search/?q=TLS+certificate"
    assert edge.key in me.get(ranked["href"]).content.decode()
    filtered = me.get("/incidents/", {"q": "TLS", "severity": "SEV3", "team": "sre"})
    ranked = BeautifulSoup(filtered.content, "html.parser").select_one("p.muted a")
    assert ranked["href"] == "/incidents/search/?q=TLS&severity=SEV3&team=sre"
    assert edge.key in me.get(ranked["href"]).content.decode()
    other_team = me.get(ranked["href"].replace("sre", "red")).content.decode()
    assert "0 incidents match" in " ".join(other_team.split())


def test_when_nothing_matches_the_list_says_so_and_offers_both_searches(
    people: dict[str, Any],
) -> None:
    declare("Edge errors", people["sam"], team="sre")
    me = logged_in(people["sam"])
    page = me.get("/incidents/", {"q": "kafka lag", "team": "sre"})
    assert page.status_code == 200
    cell = BeautifulSoup(page.content, "html.parser").select_one("table.incidents td")
    assert cell.get_text().startswith("No incident matches “kafka lag” with these filters.")
    links = [a["href"] for a in cell.select("a")]
    assert links == ["/incidents/search/?q=kafka+lag&team=sre", "/search/?q=kafka%20lag"]


@pytest.mark.parametrize("q", ["%", "!!!", "-", ".", "\\", "'''", "- ."])
def test_punctuation_alone_lists_nothing_and_says_why(people: dict[str, Any], q: str) -> None:
    declare("Redis evictions", people["sam"], team="sre")
    me = logged_in(people["sam"])
    said = f"no words to search for in “{q}”: give letters or digits"
    for path in ("/incidents/", "/incidents/search/"):
        page = me.get(path, {"q": q})
        assert page.status_code == 400
        soup = BeautifulSoup(page.content, "html.parser")
        assert said in soup.select_one("ul.messages").get_text()
        soup.select_one("aside.ongoing").decompose()  # the open-incident banner names it
        assert "Redis evictions" not in soup.select_one("main").get_text()
    for path in ("/api/incidents", "/api/search/incidents"):
        refused = me.get(path, {"q": q})
        assert refused.status_code == 422
        assert said in refused.json()["errors"][0]["msg"]


def test_too_many_words_are_refused_alike_everywhere(people: dict[str, Any]) -> None:
    me = logged_in(people["sam"])
    q = "one two three four five six seven eight nine"
    for path in ("/incidents/", "/incidents/search/"):
        page = me.get(path, {"q": q})
        assert page.status_code == 400
        assert "search for 8 words at most (9 given)" in page.content.decode()
    for path in ("/api/incidents", "/api/search/incidents"):
        refused = me.get(path, {"q": q})
        assert refused.status_code == 422
        assert "search for 8 words at most (9 given)" in refused.json()["errors"][0]["msg"]
    assert me.get("/incidents/search/", {"q": " ".join(q.split()[:8])}).status_code == 200


def test_a_key_finds_its_incident_first(people: dict[str, Any]) -> None:
    sam = people["sam"]
    first = declare("Disk full on db-3", sam, team="sre", hours_ago=5)
    later = declare("Disk full again", sam, team="sre", hours_ago=1)
    note(later, f"Same as {first.key}: the WAL volume.", sam)
    declare("Unrelated", sam, team="sre")
    me = logged_in(sam)
    for q in (first.key, first.key.lower(), f" {first.key}, "):
        assert listed(me, q) == [first.key, later.key]  # the key's, then the one naming it
    assert listed(me, f"{first.key} WAL") == [later.key]  # more words: the words only


def test_a_keys_number_finds_it_but_not_a_part_of_the_number(people: dict[str, Any]) -> None:
    """Typed as people say it: ``0001``, ``2026-0001`` (the key's last parts, whole); ``1``
    and ``001`` are parts of a number, not a number."""
    sam, ivan = people["sam"], people["ivan"]
    first = declare("Disk full on db-3", sam, team="sre", hours_ago=5)
    declare("Cache cold", sam, team="sre", hours_ago=3)
    secret = declare("Payroll leak", ivan, team="red", restricted=True, hours_ago=1)
    me = logged_in(sam)
    number = first.key.rsplit("-", 1)[1]
    year_and_number = "-".join(first.key.split("-")[1:])
    assert listed(me, number) == [first.key]
    assert listed(me, year_and_number) == [first.key]
    assert listed(me, number.lstrip("0")) == []
    assert listed(me, number[1:]) == []
    assert listed(me, secret.key.rsplit("-", 1)[1]) == []  # another team's, restricted


def test_restricted_incidents_never_leak(people: dict[str, Any]) -> None:
    sam, ivan = people["sam"], people["ivan"]
    mine = declare("Payroll export slow", sam, team="sre", hours_ago=2)
    secret = declare("Payroll leak", ivan, team="red", restricted=True, hours_ago=1)
    note(secret, f"Found while looking at {mine.key}: payroll zebra.", ivan)
    outsider, member = logged_in(sam), logged_in(ivan)
    assert listed(outsider, "payroll") == [mine.key]
    assert listed(outsider, "zebra") == []
    assert listed(outsider, secret.key) == []  # not even by its key
    assert listed(outsider, mine.key) == [mine.key]  # not named by a hidden one's note
    assert listed(member, "payroll") == [secret.key, mine.key]
    assert listed(member, mine.key) == [mine.key, secret.key]
    page = outsider.get("/incidents/", {"q": "zebra"}).content.decode()
    assert "No incident matches “zebra”." in page
    assert "Payroll leak" not in page


def test_the_api_lists_the_same(people: dict[str, Any]) -> None:
    from postmortems.server.incidents import textsearch

    sam = people["sam"]
    old = declare("Resolver timeouts", sam, team="sre", services=["dns"], hours_ago=4)
    new = declare("Resolvers flapping", sam, team="sre", hours_ago=1)
    found = textsearch.listed(access_of(sam), q="resolver")
    assert [i.key for i in found] == [new.key, old.key]
    me = Client()
    me.force_login(sam)
    assert [i["key"] for i in me.get("/api/incidents", {"q": "resolver"}).json()] == [
        new.key,
        old.key,
    ]


def _pager(answer: Any) -> tuple[str, dict[str, str]]:
    """The list's pager: where it says you are, and its links by ``rel`` (prev, next)."""
    nav = BeautifulSoup(answer.content, "html.parser").select_one("nav.pages")
    return nav.select_one(".count").get_text(), {a["rel"][0]: a["href"] for a in nav("a")}


def test_paging_keeps_the_words_and_filters_both_ways(people: dict[str, Any]) -> None:
    sam = people["sam"]
    for n in range(102):
        declare(f"Flaky probe {n}", sam, team="sre", hours_ago=n + 1)
    declare("Something else", sam, team="sre")
    me = logged_in(sam)
    first = me.get("/incidents/", {"q": "flaky probe", "team": "sre", "status": "triage"})
    soup = BeautifulSoup(first.content, "html.parser")
    assert len(soup.select("table.incidents td code")) == 50
    said, links = _pager(first)
    assert said == "Page 1 of 3"
    assert list(links) == ["next"]  # no previous page on the first
    assert links["next"] == "?q=flaky+probe&team=sre&status=triage&page=2"
    second = me.get(f"/incidents/{links['next']}")
    said, links = _pager(second)
    assert said == "Page 2 of 3"
    assert links == {
        "prev": "?q=flaky+probe&team=sre&status=triage&page=1",
        "next": "?q=flaky+probe&team=sre&status=triage&page=3",
    }  # each page's number once: the one it goes to
    last = me.get(f"/incidents/{links['next']}")
    said, links = _pager(last)
    assert said == "Page 3 of 3"
    assert list(links) == ["prev"]
    table = BeautifulSoup(last.content, "html.parser").select_one("table.incidents").get_text()
    assert "Flaky probe 101" in table
    assert "Something else" not in table
    assert len(listed(me, "flaky probe", page="3")) == 2


BAD = [
    '"unbalanced',
    'redis"',
    "redis OR",
    "NOT redis",
    "redis AND NEAR(a b)",
    "title:redis",
    "redis*",
    "-redis",
    "^redis",
    "' OR 1=1 --",
    "a & b | !c <-> d",
    "(redis",
    "{redis}",
    "café:* 日本",
]


@pytest.mark.parametrize("q", BAD)
def test_query_syntax_never_fails_the_page(people: dict[str, Any], q: str) -> None:
    sam = people["sam"]
    hit = declare("Redis evictions", sam, team="sre")
    me = logged_in(sam)
    page = me.get("/incidents/", {"q": q})
    assert page.status_code == 200
    shown = listed(me, q)
    if fulltext.phrases(q) == [("redis",)]:
        assert shown == [hit.key]  # the word, the syntax aside
    api = Client()
    api.force_login(sam)
    assert api.get("/api/incidents", {"q": q}).status_code == 200


def test_a_nul_is_refused_with_a_message(people: dict[str, Any]) -> None:
    me = logged_in(people["sam"])
    for path in ("/incidents/", "/api/incidents"):
        refused = me.get(path, {"q": "redis\x00"})
        assert refused.status_code == 400
        assert "NUL character" in refused.content.decode()
