"""The header search finds incidents: their title, services and timeline (notes, alerts'
summaries), ranked (the key, then the title's words, then newer first), never a restricted
incident of another team, on SQLite (FTS5) and PostgreSQL (GIN indexes) alike
(docs/search.md, "Incidents")."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from incident_fixtures import am_alert, am_payload, integration, logged_in, post

from postmortems.server.accounts.access import access_of

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def declare(title: str, by: Any, *, days_ago: int = 0, **kw: Any) -> Any:
    from postmortems.server.incidents import services

    return services.declare(title, by, now=NOW - dt.timedelta(days=days_ago), **kw)


def note(incident: Any, text: str, by: Any) -> Any:
    from postmortems.server.incidents import services

    return services.note(incident, text, by, NOW)


def search(user: Any, q: str, **kw: Any) -> Any:
    from postmortems.server.incidents import textsearch

    return textsearch.search(access_of(user), q, **kw)


def keys(user: Any, q: str, **kw: Any) -> list[str]:
    return [h.incident.key for h in search(user, q, **kw).hits]


def text_of(tag: Any) -> str:
    return " ".join(tag.get_text(" ").split())


@pytest.fixture
def sre(make_user: Any) -> Any:
    return make_user("sam", "author", "sre")


def test_words_of_the_title_and_the_timeline_find_an_incident(sre: Any) -> None:
    backlog = declare("Webhook deliveries delayed", sre, services=["hooks-api"])
    note(backlog, "The backlog grew past 40k messages; redis was slow.", sre)
    declare("Checkout errors", sre)
    assert keys(sre, "webhook backlog") == [backlog.key]  # title and a note together
    assert keys(sre, "hooks-api") == [backlog.key]  # a service
    assert keys(sre, "backlogs") == [backlog.key]  # stemmed, as the postmortems' search
    assert keys(sre, backlog.key.lower()) == [backlog.key]  # the key, in any case
    assert keys(sre, '"redis was slow"') == [backlog.key]
    assert keys(sre, '"slow redis"') == []  # a phrase is in order
    assert keys(sre, "webhook zanzibar") == []  # every phrase somewhere
    assert keys(sre, "the") == []  # a stop word alone searches nothing


def test_an_alerts_summary_finds_the_incident_it_opened(client: Client, sre: Any) -> None:
    integ, secret = integration(team="sre")
    first, second = am_alert("f1", service="hooks"), am_alert("f2", service="hooks")
    first["annotations"]["summary"] = "Webhook deliveries failing"
    second["annotations"]["summary"] = "Webhook queue depth above 10k"
    assert post(client, integ, secret, am_payload("g1", first, second)).status_code == 200
    [hit] = search(sre, "queue depth").hits  # the second alert's, not the title's
    assert "queue" not in hit.incident.title
    assert hit.kind == "alert-fired"
    assert "<mark>queue</mark> <mark>depth</mark>" in hit.snippet
    assert hit.at == dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def test_the_key_then_the_titles_words_then_the_newest(sre: Any) -> None:
    only_noted_old = declare("Checkout latency", sre, days_ago=10)
    note(only_noted_old, "A webhook backlog upstream.", sre)
    whole_title = declare("Webhook backlog on hooks-api", sre, days_ago=20)
    only_noted_new = declare("Payments down", sre, days_ago=1)
    note(only_noted_new, "The webhook backlog again", sre)
    half_title = declare("Webhook retries", sre, days_ago=30)
    note(half_title, "backlog of retries", sre)
    assert keys(sre, "webhook backlog") == [
        whole_title.key,  # the title holds both, though older than the others
        half_title.key,  # the title holds one: before those whose title holds none
        only_noted_new.key,  # then newer first
        only_noted_old.key,
    ]
    note(only_noted_new, f"Same cause as {only_noted_old.key}.", sre)
    # The key first; then the text that names it.
    assert keys(sre, only_noted_old.key) == [only_noted_old.key, only_noted_new.key]
    assert [h.in_title for h in search(sre, "webhook backlog").hits] == [1, 0, 0, 0]


def test_the_snippet_is_the_entry_with_the_most_words(sre: Any) -> None:
    incident = declare("Checkout errors", sre)
    note(incident, "Looked at the webhook dashboards.", sre)
    note(incident, "The webhook backlog is draining <b>now</b>.", sre)
    note(incident, "Nothing about it here.", sre)
    [hit] = search(sre, "webhook backlog").hits
    assert hit.kind == "note"
    assert "<mark>webhook</mark> <mark>backlog</mark>" in hit.snippet
    assert "&lt;b&gt;now&lt;/b&gt;" in hit.snippet  # the text escaped, only <mark> added
    titled = declare("Webhook backlog", sre)
    [first, _] = search(sre, "webhook backlog").hits
    assert first.incident.key == titled.key
    assert first.snippet == ""


def test_a_restricted_incident_of_another_team_never_shows(make_user: Any, sre: Any) -> None:
    red = make_user("rita", "author", "red")
    open_one = declare("Webhook backlog", sre)
    note(open_one, "zanzibar rotation done", sre)
    secret = declare("Webhook backlog in the vault", red, team="red", restricted=True)
    note(secret, "zanzibar master key is 1234-secret", red)
    found = search(sre, "zanzibar")
    assert [h.incident.key for h in found.hits] == [open_one.key]
    assert found.count == 1
    assert "1234" not in found.hits[0].snippet
    assert keys(sre, "vault") == []
    assert keys(sre, secret.key) == []  # not even by its key
    assert set(keys(red, "zanzibar")) == {open_one.key, secret.key}
    client = logged_in(sre)
    page = client.get("/search/", {"q": "zanzibar"}).content.decode()
    assert "1234" not in page
    assert "vault" not in page
    assert secret.key not in page
    assert 'Incidents <span class="n">(1)</span>' in page
    api = client.get("/api/search/incidents", {"q": "zanzibar"}).json()
    assert [r["key"] for r in api["results"]] == [open_one.key]
    assert api["count"] == 1
    assert "1234" not in json.dumps(api)
    nobody = make_user("nora")  # no role anywhere
    assert search(nobody, "zanzibar").count == 0


def test_an_edited_or_redacted_entry_is_found_by_its_new_words_only(
    make_user: Any, sre: Any
) -> None:
    from postmortems.server.incidents import entries

    incident = declare("Checkout errors", sre)
    typo = note(incident, "redis evicted the sessions", sre)
    entries.edit(incident, typo.pk, sre, NOW, text="memcached evicted the sessions")
    assert keys(sre, "redis") == []
    assert keys(sre, "memcached") == [incident.key]
    leak = note(incident, "the password is hunter2", sre)
    boss = make_user("ada", "admin", "sre")
    entries.redact(incident, leak.pk, "a password", boss, NOW)
    assert keys(sre, "hunter2") == []
    if connection.vendor == "sqlite":  # the index's pages hold the word no more
        with connection.cursor() as cur:
            cur.execute("SELECT block FROM incidents_event_fts_data")
            blocks = b"".join(bytes(b) for (b,) in cur.fetchall() if b)
        assert b"unter2" not in blocks


def test_filters_the_incidents_have_narrow_them(sre: Any) -> None:
    one = declare("Webhook backlog", sre, severity="SEV1", services=["hooks-api"], team="sre")
    declare("Webhook backlog too", sre, severity="SEV3", services=["payments"], days_ago=40)
    from postmortems.server.library.queries import Filters

    assert keys(sre, "webhook", narrowing=Filters(severity="SEV1")) == [one.key]
    assert keys(sre, "webhook", narrowing=Filters(service="HOOKS-API")) == [one.key]
    assert keys(sre, "webhook", narrowing=Filters(team="SRE")) == [one.key]
    since = (NOW - dt.timedelta(days=5)).date()
    assert keys(sre, "webhook", narrowing=Filters(since=since)) == [one.key]
    client = logged_in(sre)
    page = BeautifulSoup(client.get("/search/", {"q": "webhook"}).content, "html.parser")
    assert len(page.select(".found-incidents li")) == 2
    # A review status or a tag is a postmortem's only: the incidents are not searched then.
    page = BeautifulSoup(
        client.get("/search/", {"q": "webhook", "status": "draft"}).content, "html.parser"
    )
    assert page.select(".found-incidents") == []


def test_the_search_page_shows_incidents_above_the_postmortems(make_pm: Any, sre: Any) -> None:
    make_pm("PM-HOOKS", title="Webhook backlog last year")
    incident = declare("Webhook backlog", sre, services=["hooks-api"], timezone="Europe/Paris")
    note(incident, "The webhook backlog is at 40k.", sre)
    client = logged_in(sre)
    soup = BeautifulSoup(client.get("/search/", {"q": "webhook"}).content, "html.parser")
    groups = soup.select("main section.search-group")
    assert [g.select_one("h2").get_text(" ", strip=True) for g in groups] == [
        "Incidents (1)",
        "Postmortems (1)",
    ]
    [item] = groups[0].select("li")
    assert item.select_one("h3 a")["href"] == f"/incidents/{incident.key}/"
    assert item.select_one("h3 code").get_text() == incident.key
    assert "Webhook backlog" in item.select_one("h3").get_text()
    assert item.select_one(".badge.st-triage").get_text() == "triage"
    assert item.select_one(".badge.sev-sev3").get_text() == "SEV3"
    assert "started 2026-03-01 13:00 CET" in text_of(item.select_one(".meta"))
    assert item.select_one(".meta a")["href"] == "/services/hooks-api/"
    assert "From the timeline, note at 2026-03-01 13:00 CET" in text_of(item)
    assert groups[1].select_one("h3 a")["href"] == "/p/PM-HOOKS/"


def test_more_incidents_than_the_group_shows_link_to_all_of_them(sre: Any) -> None:
    made = [declare(f"Webhook backlog {n}", sre, days_ago=n) for n in range(7)]
    client = logged_in(sre)
    soup = BeautifulSoup(client.get("/search/", {"q": "webhook"}).content, "html.parser")
    group = soup.select_one(".found-incidents")
    assert len(group.select("li")) == 5
    more = group.select_one(".more a")
    assert more.get_text(" ", strip=True).startswith("All 7 incidents")
    whole = BeautifulSoup(client.get(more["href"]).content, "html.parser")
    listed = [c.get_text() for c in whole.select(".incident-results h3 code")]
    assert listed == [i.key for i in made]  # newest first: all seven
    past = BeautifulSoup(
        client.get("/incidents/search/", {"q": "webhook", "page": "2"}).content, "html.parser"
    )
    assert past.select(".incident-results li") == []  # 20 a page: nothing on the second
    assert text_of(past.select_one("p.count")).startswith("7 incidents match")  # still counted
    bad = client.get("/incidents/search/", {"q": "webhook", "since": "yesterday"})
    assert bad.status_code == 400
    assert b"Enter a valid date" in bad.content


def test_the_search_costs_the_same_queries_for_many_incidents(sre: Any) -> None:
    from postmortems.server.incidents import textsearch

    def cost(n: int) -> int:
        for k in range(n):
            note(declare(f"Webhook backlog {k}", sre), "backlog at 40k", sre)
        me = access_of(sre)
        with CaptureQueriesContext(connection) as ran:
            textsearch.search(me, "webhook backlog", limit=5)
        return len(ran)

    # The page with its count, the snippets (PostgreSQL: and the words' stems, one statement).
    few = cost(2)
    assert few == (3 if connection.vendor == "postgresql" else 2)
    assert cost(12) == few
    client = logged_in(sre)
    client.get("/search/", {"q": "webhook"})  # warm: the session, the caches
    with CaptureQueriesContext(connection) as page:
        assert client.get("/search/", {"q": "webhook"}).status_code == 200
    declare("Webhook again", sre)
    with CaptureQueriesContext(connection) as again:
        client.get("/search/", {"q": "webhook"})
    assert len(again) == len(page)


def test_a_dotted_host_or_version_is_found_by_its_parts_on_both_databases(sre: Any) -> None:
    """PostgreSQL's parser read ``web-01.prod`` as one word (a host); its indexes part it at
    the dot, as SQLite's tokenizer does, so any of its parts, in order, finds it."""
    fire = declare("Disk full on web-01.prod", sre, services=["api.example.com"])
    note(fire, "Rolled back to v1.2-3 on the canary.", sre)
    declare("Disk full on web-02.staging", sre)
    for q in ("web-01.prod", "web-01", "prod", "api.example.com", "example", "v1.2-3", "v1.2"):
        assert keys(sre, q) == [fire.key], q
    assert keys(sre, "prod.web-01") == []  # the parts in their order


def test_the_words_are_read_from_the_indexes(sre: Any) -> None:
    """The query reads the FTS5 tables on SQLite, the GIN indexes on PostgreSQL (forced: on a
    table this small the planner would rather scan), never every entry."""
    from postmortems.server.incidents import textsearch

    note(declare("Webhook backlog", sre), "redis was slow", sre)
    me = access_of(sre)
    with CaptureQueriesContext(connection) as ran:
        textsearch.search(me, "webhook redis", limit=5)
    sql = ran.captured_queries[0]["sql"]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET enable_seqscan = off")
            cur.execute("EXPLAIN " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
            cur.execute("RESET enable_seqscan")
            assert "incidents_event_words" in plan
            assert "incidents_incident_words" in plan
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(str(r[-1]) for r in cur.fetchall())
            assert "SCAN incidents_event_fts VIRTUAL TABLE INDEX" in plan
            assert "SCAN incidents_incident_fts VIRTUAL TABLE INDEX" in plan
            assert "SCAN e\n" not in plan + "\n"
            assert "SCAN incidents_event\n" not in plan + "\n"


def test_the_api_searches_incidents_apart_from_postmortems(sre: Any, make_pm: Any) -> None:
    make_pm("PM-HOOKS", title="Webhook backlog last year")
    incident = declare("Webhook backlog", sre, services=["hooks-api"])
    note(incident, "drained at 12:40", sre)
    client = logged_in(sre)
    data = client.get("/api/search/incidents", {"q": "webhook drained"}).json()
    assert data["count"] == 1
    [hit] = data["results"]
    assert hit["key"] == incident.key
    assert hit["services"] == ["hooks-api"]
    assert hit["title_match"] is False
    assert hit["snippet_kind"] == "note"
    assert "<mark>drained</mark>" in hit["snippet"]
    assert client.get("/api/search/incidents", {"q": "webhook"}).json()["results"][0]["title_match"]
    # The postmortems' search keeps its shape: postmortems only.
    assert [r["key"] for r in client.get("/api/search", {"q": "webhook"}).json()["results"]] == [
        "PM-HOOKS"
    ]
    bad = client.get("/api/search/incidents", {"q": "webhook", "severity": "SEV9"})
    assert bad.status_code == 422
    assert "SEV9" in bad.content.decode()
    assert client.get("/api/search/incidents").status_code == 422


def test_the_migration_indexes_the_incidents_already_there(sre: Any) -> None:
    from django.core.management import call_command

    older = declare("Webhook backlog", sre, services=["hooks-api"])
    note(older, "redis was slow", sre)
    call_command("migrate", "incidents", "0007", verbosity=0)
    try:
        call_command("migrate", "incidents", verbosity=0)
    finally:
        call_command("migrate", verbosity=0)
    assert keys(sre, "redis hooks-api webhook") == [older.key]
    newer = declare("Redis down", sre)
    assert keys(sre, "redis") == [newer.key, older.key]


def test_a_resolver_is_not_an_alert_resolved(sre: Any) -> None:
    """The stemmers read "resolver" as "resolved": every incident whose alert resolved was a
    match for the DNS resolver. It is asked in its own forms, in the title or an entry."""
    dns = declare("Lookups timing out", sre)
    note(dns, "The eu-west resolvers drop half the queries.", sre)
    titled = declare("Resolver restarts", sre)
    other = declare("Checkout errors", sre)
    note(other, "Alert resolved: CheckoutErrors", sre)
    assert sorted(keys(sre, "resolver")) == sorted([dns.key, titled.key])
    assert keys(sre, "resolved") == [other.key]  # the alert resolved, not the resolvers


def test_a_file_name_is_not_the_verb_the_stemmers_make_of_it(sre: Any) -> None:
    """ "resolved" found an incident whose note named ``/etc/resolv.conf`` (the stemmers give
    the file's ``resolv`` the verb's stem); the file is found by its name (not on PostgreSQL in a
    path: its parser reads ``/etc/resolv`` as one word, which the search's words do not find)."""
    conf = declare("Lookups failing", sre)
    note(conf, "The new image ships an empty resolv.conf.", sre)
    path = declare("Lookups failing again", sre)
    note(path, "The new image ships an empty /etc/resolv.conf.", sre)
    other = declare("Checkout errors", sre)
    note(other, "Alert resolved: CheckoutErrors", sre)
    assert keys(sre, "resolved") == [other.key]
    assert conf.key in keys(sre, "resolv.conf")
    assert conf.key in keys(sre, "resolv")  # with the verb's forms, the stem as typed


@pytest.mark.django_db(transaction=True)
def test_incidents_declared_after_migrating_back_and_forth_are_found(make_user: Any) -> None:
    """Going back over a migration that copies the incidents' table (SQLite drops a foreign key
    column so) keeps the search's triggers: an incident declared afterwards is found."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("incidents", "0015_service_names")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    sre = make_user("sam", "author", "sre")
    found = declare("Webhook deliveries delayed", sre)
    assert keys(sre, "webhook") == [found.key]
