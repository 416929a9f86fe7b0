"""Full-text search in the server: ranking, snippets, filters, keeping in step, permissions.

Runs on SQLite (FTS5) and, with PM_TEST_DB=postgres, on PostgreSQL (tsvector): one API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from tests.server.conftest import doc_text

from postmortems.server.accounts.access import access_of
from postmortems.server.library import fulltext, fulltextindex, fulltextrelated, queries, store
from postmortems.server.library.models import Postmortem

pytestmark = pytest.mark.django_db

ANY = queries.Filters()


def body(key: str, summary: str, cause: str = "The TLS certificate expired.", **kw: Any) -> str:
    text = doc_text(key, **kw)
    text = text.replace(
        "From 04:00 to 06:30 UTC checkout returned 502s to 75% of users; the certificate expired.",
        summary,
    )
    return text.replace("The TLS certificate expired. We renewed it.", cause)


def found(user: Any, q: str, filters: queries.Filters = ANY) -> list[str]:
    return [h.postmortem.key for h in fulltext.search(access_of(user), filters, q).hits]


@pytest.fixture
def viewer(make_user: Any) -> Any:
    return make_user("vera", "viewer")


def test_every_part_of_the_text_is_searchable(viewer: Any) -> None:
    store.create(
        body("PM-A", "Checkout was slow.", cause="The redis cluster ran out of memory."), None
    )
    store.create(body("PM-B", "Logins failed."), None)
    assert found(viewer, "redis") == ["PM-A"]
    assert sorted(found(viewer, "Automate certificate renewal")) == ["PM-A", "PM-B"]  # a task
    assert found(viewer, "pager alert") != []  # the timeline
    assert found(viewer, "nothing-like-this-anywhere") == []


def test_html_comments_are_neither_searched_nor_shown(viewer: Any) -> None:
    # A skeleton's guidance and a draft's generated markers are not what the postmortem says.
    cause = "<!-- generated:resolution from INC-2026-0003 --> The redis cluster ran out of memory."
    text = body("PM-C", "Checkout was slow.", cause=cause)
    text = text.replace("## Timeline", "<!-- What can be improved (quokka)\n-->\n## Timeline")
    store.create(text, None)
    assert found(viewer, "quokka") == []
    hits = fulltext.search(access_of(viewer), ANY, "redis memory").hits
    assert [h.postmortem.key for h in hits] == ["PM-C"]
    assert "redis" in hits[0].snippet
    assert "<!--" not in hits[0].snippet
    assert "generated" not in hits[0].snippet


def test_ranking_puts_the_title_and_the_cause_first(viewer: Any) -> None:
    store.create(
        body("PM-BODY", "Checkout was slow.", cause="A disk filled up.").replace(
            "- 06:30 UTC - New certificate deployed, errors stopped.",
            "- 06:30 UTC - Someone mentioned memcached in passing.",
        ),
        None,
    )
    store.create(body("PM-CAUSE", "Checkout was slow.", cause="Memcached evicted every key."), None)
    store.create(body("PM-TITLE", "Checkout was slow.", title="Memcached eviction storm"), None)
    assert found(viewer, "memcached") == ["PM-TITLE", "PM-CAUSE", "PM-BODY"]


def test_snippets_are_escaped_then_highlighted(viewer: Any) -> None:
    nasty = 'The \ue000zookeeper\ue001 job hit <script>alert(1)</script>, a quota & "more".'
    store.create(body("PM-X", nasty), None)
    [hit] = fulltext.search(access_of(viewer), ANY, "zookeeper").hits
    html = str(hit.snippet)
    assert "<mark>zookeeper</mark>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)" in html  # escaped on both databases
    assert "alert(1)" in html
    assert "&amp;" in html
    assert html.count("<mark>") == 1
    assert html.count("</mark>") == 1


def test_snippets_mark_every_form_of_the_words_in_the_cause(viewer: Any) -> None:
    cause = "The TLS certificates expired; the renewal job expires them yearly."
    store.create(body("PM-F", "Checkout was slow.", cause=cause), None)
    [hit] = fulltext.search(access_of(viewer), ANY, "certificate expire").hits
    html = str(hit.snippet)
    for word in ("certificates", "expired", "expires"):
        assert f"<mark>{word}</mark>" in html
    assert "renewal job" in html  # the window of the cause, where both words are
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_a_snippet_across_a_heading_does_not_run_it_into_the_text(viewer: Any) -> None:
    """ "## Timeline" then "- 04:07 UTC - Pager alert": the snippet reads "Timeline: 04:07 …"."""
    store.create(body("PM-H", "Checkout was slow."), None)
    [hit] = fulltext.search(access_of(viewer), ANY, "pager").hits
    plain = str(hit.snippet).replace("<mark>", "").replace("</mark>", "")
    assert "Timeline: " in plain or "Timeline" not in plain
    assert "Timeline 04:07" not in plain
    pm = Postmortem.objects.get(key="PM-H")
    assert "Timeline:" in fulltextindex.parts_for([pm.pk])[pm.pk].body  # what is indexed


def test_filters_combine_with_the_words(viewer: Any) -> None:
    store.create(body("PM-1", "The kafka broker died."), None)
    store.create(body("PM-2", "The kafka broker died again.").replace("SEV2", "SEV1"), None)
    store.create(body("PM-3", "Nothing about brokers.").replace("SEV2", "SEV1"), None)
    assert found(viewer, "kafka", queries.Filters(severity="SEV1")) == ["PM-2"]
    assert found(viewer, "kafka", queries.Filters(service="nope")) == []
    assert sorted(found(viewer, "kafka")) == ["PM-1", "PM-2"]


def test_phrases_and_identifiers(viewer: Any) -> None:
    store.create(body("PM-P", "The connection pool was exhausted; oom-killer fired."), None)
    store.create(body("PM-Q", "The pool of workers lost its connection."), None)
    assert found(viewer, '"connection pool"') == ["PM-P"]
    assert found(viewer, "oom-killer") == ["PM-P"]
    assert sorted(found(viewer, "connection pool")) == ["PM-P", "PM-Q"]
    assert found(viewer, "the") == []  # a stop word alone is no search
    assert found(viewer, "' OR 1=1 --") == []  # punctuation never reaches the database


def test_hyphenated_identifiers_are_found_on_both_databases(make_user: Any) -> None:
    """PostgreSQL's parser reads ``PM-2024-007`` as ``pm``, ``-2024``, ``-007`` (signed
    numbers); the search finds such an identifier by its words in order as SQLite does, for a
    reader of the comments and for a viewer (whose query is limited to the text's weights)."""
    cause = "Same as PM-2024-007 and INC-2024-0012: db-01 and CVE-2024-3094 again."
    store.create(body("PM-IDS", "Checkout was slow.", cause=cause), None)
    store.create(body("PM-OTHER", "PM-2024-008 on db-02, in 2024."), None)
    for user in (make_user("vera", "viewer"), make_user("ann", "author")):
        for q in ("PM-2024-007", "inc-2024-0012", "2024-0012", "db-01", "CVE-2024-3094"):
            assert found(user, q) == ["PM-IDS"], q
        assert found(user, '"same as PM-2024-007"') == ["PM-IDS"]
        assert found(user, "PM-2024-008") == ["PM-OTHER"]
        assert found(user, "007-2024") == []  # the words in their order
        assert found(user, "PM-2024-009") == []
    hit = fulltext.search(access_of(make_user("ivan", "viewer")), ANY, "PM-2024-007").hits[0]
    assert "007</mark>" in hit.snippet  # SQLite marks the phrase, PostgreSQL each word


def test_a_dotted_host_or_version_is_found_by_its_parts_on_both_databases(
    make_user: Any,
) -> None:
    """PostgreSQL's parser read ``db-01.prod`` or ``v2.3.1`` as one word; the vector parts it at
    the dot (migration 0010), as SQLite's tokenizer does, in the title and the text alike."""
    cause = "A bad config on db-01.prod, shipped in v2.3.1 to api.example.com."
    store.create(body("PM-DOT", "Checkout was slow.", cause=cause), None)
    store.create(body("PM-NODOT", "The db-02 staging host was slow in v2.4."), None)
    for user in (make_user("vera", "viewer"), make_user("ann", "author")):
        for q in ("db-01.prod", "db-01", "prod", "v2.3.1", "v2.3", "api.example.com", "example"):
            assert found(user, q) == ["PM-DOT"], q
        assert found(user, "prod.db-01") == []  # the parts in their order


def test_the_index_follows_saves_imports_comments_and_deletes(viewer: Any) -> None:
    pm = store.create(body("PM-S", "The etcd quorum was lost."), None).postmortem
    assert found(viewer, "etcd") == ["PM-S"]
    store.update("PM-S", body("PM-S", "The consul quorum was lost."), None, base_version=1)
    assert (found(viewer, "etcd"), found(viewer, "consul")) == ([], ["PM-S"])
    outcomes = list(store.save_many([store.Incoming("i.md", body("PM-I", "Vault sealed."))], None))
    assert [o.verb for o in outcomes] == ["created"]
    assert found(viewer, "vault") == ["PM-I"]
    from postmortems.server.workflow import comments

    author = viewer.__class__.objects.create_superuser("root", password="pw-root")
    comments.add(pm, author, "Was the haproxy config involved?", now=pm.updated)
    assert found(author, "haproxy") == ["PM-S"]  # those who read the comments find them
    store.update("PM-S", body("PM-S", "The consul quorum was lost twice."), None, base_version=2)
    assert found(author, "haproxy") == ["PM-S"]  # a save keeps the comments' part
    store.delete(Postmortem.objects.get(key="PM-S"))
    Postmortem.objects.get(key="PM-I").delete()  # the API's way: no store involved
    assert found(viewer, "consul") == found(viewer, "vault") == []
    assert fulltextindex.indexed_ids() == set()


def test_reindex_rebuilds_what_was_lost(viewer: Any) -> None:
    store.create(body("PM-R", "The ntp drift broke tokens."), None)
    fulltextindex.clear()
    assert found(viewer, "ntp") == []
    assert fulltextindex.reindex() == 1
    assert found(viewer, "ntp") == ["PM-R"]


def test_the_cli_reindexes(viewer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from postmortems.commands import admin as admin_cmd

    store.create(body("PM-C", "The ceph cluster lost a placement group."), None)
    fulltextindex.clear()
    monkeypatch.setattr(admin_cmd, "boot_server", lambda *a, **k: None)  # booted by pytest
    result = CliRunner().invoke(admin_cmd.admin, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "indexed 1 postmortem (0 with comments)" in result.output
    assert found(viewer, "ceph") == ["PM-C"]
    # A text saved before this version refused it (a key given twice) is named, not skipped.
    from postmortems.server.library.models import Postmortem

    old = body("PM-D", "The disk filled.").replace(
        "---\n", "---\nrestricted: true\nrestricted: false\n", 1
    )
    Postmortem.objects.filter(key="PM-C").update(text=old)
    again = CliRunner().invoke(admin_cmd.admin, ["reindex"])
    assert again.exit_code == 1
    assert (
        "not read again: PM-C: front matter is not valid YAML: `restricted` is given twice"
        in again.output
    )


# -- permissions ----------------------------------------------------------------------------


@pytest.fixture
def secret(make_user: Any) -> dict[str, Any]:
    store.create(
        body(
            "PM-SECRET",
            "Payroll leaked through the zanzibar service.",
            restricted=True,
            teams="red",
        ),
        None,
    )
    store.create(body("PM-OPEN", "Zanzibar was slow."), None)
    return {
        "outsider": make_user("olga", "admin", team="blue"),
        "insider": make_user("ivan", "viewer", team="red"),
    }


def test_restricted_postmortems_stay_out_of_other_teams_results(secret: dict[str, Any]) -> None:
    outsider, insider = secret["outsider"], secret["insider"]
    assert found(outsider, "zanzibar") == ["PM-OPEN"]
    assert found(outsider, "payroll") == []
    results = fulltext.search(access_of(outsider), ANY, "zanzibar")
    assert results.count == 1
    assert all("payroll" not in str(h.snippet).lower() for h in results.hits)
    assert "<mark>Zanzibar</mark> was slow" in str(results.hits[0].snippet)
    assert sorted(found(insider, "zanzibar")) == ["PM-OPEN", "PM-SECRET"]
    assert found(insider, "payroll") == ["PM-SECRET"]


def test_with_or_without_filters_only_what_one_may_see(
    secret: dict[str, Any], make_user: Any
) -> None:
    # Without a filter the search leaves out the hidden postmortems; with one it keeps the
    # visible ones that match: both ways give each reader the same postmortems.
    boss = make_user("bea", superuser=True)
    nobody = make_user("nell")  # signed in, no team, no role
    since = queries.Filters(since=dt.date(2000, 1, 1))
    for filters in (ANY, since):
        assert found(secret["outsider"], "zanzibar", filters) == ["PM-OPEN"]
        assert sorted(found(secret["insider"], "zanzibar", filters)) == ["PM-OPEN", "PM-SECRET"]
        assert sorted(found(boss, "zanzibar", filters)) == ["PM-OPEN", "PM-SECRET"]
        assert found(nobody, "zanzibar", filters) == []
        assert fulltext.search(access_of(nobody), filters, "zanzibar").count == 0


def test_search_page_and_api_hide_restricted_ones(secret: dict[str, Any], client: Client) -> None:
    from postmortems.server.accounts.models import ApiToken

    client.force_login(secret["outsider"])
    page = client.get("/search/", {"q": "zanzibar payroll"}).content.decode()
    assert "PM-SECRET" not in page
    assert "Payroll" not in page
    assert 'Postmortems <span class="n">(0)</span>' in page
    _, raw = ApiToken.issue(secret["outsider"], "ci")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    data = api.get("/api/search", {"q": "zanzibar"}).json()
    assert [r["key"] for r in data["results"]] == ["PM-OPEN"]
    assert data["count"] == 1
    assert "payroll" not in str(data).lower()


def test_the_search_names_postmortems_by_key_service_or_tag(
    secret: dict[str, Any], client: Client
) -> None:
    """The header's box found no postmortem for `postgres`, a service of one, nor for its key:
    the front matter is not in the full-text index. Whole names, in any case, what one may see."""
    from bs4 import BeautifulSoup

    def named(user: Any, q: str) -> list[str]:
        client.force_login(user)
        page = BeautifulSoup(client.get("/search/", {"q": q}).content, "html.parser")
        return [a["href"] for a in page.select(".named-postmortems h3 a")]

    outsider, insider = secret["outsider"], secret["insider"]
    assert named(outsider, "NGINX") == ["/p/PM-OPEN/"]  # a service
    assert named(outsider, "tls") == ["/p/PM-OPEN/"]  # a tag
    assert named(outsider, "pm-open") == ["/p/PM-OPEN/"]  # its key
    assert named(outsider, "PM-OPEN zanzibar") == ["/p/PM-OPEN/"]  # a key among the words
    assert named(outsider, '"pm-open", checkout') == ["/p/PM-OPEN/"]  # in punctuation
    assert named(outsider, "PM-SECRET") == []  # not one they may see
    assert sorted(named(insider, "nginx")) == ["/p/PM-OPEN/", "/p/PM-SECRET/"]
    assert named(insider, "checkout") == []  # a part of "checkout-api" is no name
    client.force_login(outsider)
    filtered = client.get("/search/", {"q": "nginx", "severity": "SEV1"}).content.decode()
    assert "named-postmortems" not in filtered  # the filters hold for it too


def test_search_page_shows_ranked_highlighted_results(viewer: Any, client: Client) -> None:
    from bs4 import BeautifulSoup

    store.create(body("PM-W", "The nginx <b>worker</b> limit was hit."), None)
    client.force_login(viewer)
    response = client.get("/search/", {"q": "worker", "severity": "SEV2"})
    soup = BeautifulSoup(response.content, "html.parser")
    [item] = soup.select(".search-results li")
    assert item.select_one("a")["href"].endswith("/p/PM-W/")
    assert [m.get_text() for m in item.select(".snippet mark")] == ["worker"]
    assert item.select_one(".snippet b") is None  # the text's tags are never markup
    assert soup.select_one("header form.search")["action"] == "/search/"
    # The header's search box keeps the words on the results and the list, not on other pages.
    assert soup.select_one("header form.search input")["value"] == "worker"
    for path, value in (("/", "nginx"), ("/p/PM-W/", "nginx")):
        page = BeautifulSoup(client.get(path, {"q": value}).content, "html.parser")
        expected = value if path == "/" else ""
        assert page.select_one("header form.search input")["value"] == expected


def test_api_search_returns_scores_and_snippets(viewer: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    store.create(body("PM-J", "The jenkins agent pool drained."), None)
    store.create(
        body("PM-K", "Jenkins, jenkins, jenkins everywhere.", title="Jenkins outage"), None
    )
    for n in range(3):  # words in most documents weigh little: give jenkins some rarity
        store.create(body(f"PM-N{n}", "Something else entirely."), None)
    _, raw = ApiToken.issue(viewer, "ci")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    data = api.get("/api/search", {"q": "jenkins", "limit": 5}).json()
    assert [r["key"] for r in data["results"]] == ["PM-K", "PM-J"]
    assert data["results"][0]["score"] > data["results"][1]["score"] > 0
    assert "<mark>" in data["results"][1]["snippet"].lower()
    missing = api.get("/api/search")
    assert missing.status_code == 422
    assert "q" in json_text(missing)
    assert api.get("/api/search", {"q": "x", "limit": 0}).status_code == 422
    assert api.get("/api/search", {"q": "  "}).status_code == 422  # as an empty one
    # A filter no postmortem can have is refused, as /api/postmortems refuses it.
    for bad in ({"status": "bogus"}, {"severity": "SEV9"}):
        refused = api.get("/api/search", {"q": "x", **bad})
        assert refused.status_code == 422
        assert "give one of" in refused.text
    assert api.get("/api/search", {"q": "x", "status": "PUBLISHED"}).status_code == 200
    assert api.get("/api/postmortems", {"q": "x" * 201}).status_code == 422


def json_text(response: Any) -> str:
    return str(response.json())


def test_nobody_signed_out_searches(secret: dict[str, Any]) -> None:
    assert Client().get("/api/search", {"q": "zanzibar"}).status_code == 401
    page = Client().get("/search/", {"q": "zanzibar"})
    assert page.status_code == 302
    assert "/login/" in page["Location"]


def test_pages_past_the_last_still_count(viewer: Any) -> None:
    for n in range(3):
        store.create(body(f"PM-G{n}", "The grafana dashboards froze."), None)
    first = fulltext.search(access_of(viewer), ANY, "grafana", limit=2)
    second = fulltext.search(access_of(viewer), ANY, "grafana", limit=2, offset=2)
    past = fulltext.search(access_of(viewer), ANY, "grafana", limit=2, offset=10)
    assert (first.count, second.count, past.count) == (3, 3, 3)
    assert len(first.hits) == 2
    assert len(second.hits) == 1
    assert past.hits == []
    assert {h.postmortem.key for h in first.hits + second.hits} == {"PM-G0", "PM-G1", "PM-G2"}


def test_the_similar_lookup_asks_for_the_rarest_cause_words() -> None:
    for i in range(6):
        cause = "The database went read-only."
        if i < 2:
            cause += " A zookeeper quorum was lost."
        store.create(body(f"PM-R{i}", f"Incident {i} happened.", cause), None)
    fulltextindex.analyze()  # PostgreSQL counts from its statistics
    words = ["database", "zookeeper", "quorum"]
    assert fulltextrelated.rarest(words, budget=4) == ["zookeeper", "quorum"]  # 2 + 2 documents
    assert "database" not in fulltextrelated.rarest(words, budget=3)
    assert fulltextrelated.rarest(words, budget=1000) == words  # the order the cause gave them in
    assert fulltextrelated.rarest(["database"], budget=1) == ["database"]  # the rarest one at least
    assert fulltextrelated.rarest([]) == []


LINKED = (
    'The renewal cron died; see [the certbot runbook](https://wiki.example.com/certbot "Runbook")'
    " and ![renewal graph](graph.png), as [the vendor][docs] says <https://status.example.com/x>."
)


def test_a_link_or_an_image_reads_as_its_text(viewer: Any) -> None:
    """A snippet shows what the page shows: "[the runbook](https://…)" reads "the runbook"."""
    store.create(body("PM-L", "Checkout was slow.", cause=LINKED), None)
    [hit] = fulltext.search(access_of(viewer), ANY, "certbot runbook").hits
    plain = str(hit.snippet).replace("<mark>", "").replace("</mark>", "")
    said = "see the certbot runbook and renewal graph, as the vendor docs says https://status"
    assert said in plain
    assert "](" not in plain
    assert "graph.png" not in plain
    assert "&lt;" not in plain
    assert found(viewer, "wiki") == []  # a link's target is not what the page says
    assert found(viewer, "renewal graph") == ["PM-L"]  # an image's text is


def test_bracketed_words_side_by_side_are_words(viewer: Any) -> None:
    """A title's "[SEV1][payments]" is its tags, not a link whose label goes: both are found."""
    store.create(body("PM-B", "[SEV1][payments] Checkout down; see `cfg[region][zone]`."), None)
    assert found(viewer, "payments") == ["PM-B"]
    assert found(viewer, "zone") == ["PM-B"]


@pytest.mark.django_db(transaction=True)  # SQLite migrates outside a transaction
def test_a_migration_rewrites_the_rows_indexed_with_links(viewer: Any) -> None:
    """Rows indexed by an earlier version (the link's Markdown kept) lose it when rewritten."""
    store.create(body("PM-L", "Checkout was slow.", cause=LINKED), None)
    pm = Postmortem.objects.get(key="PM-L")
    old = fulltextindex.parts_for([pm.pk])[pm.pk]
    fulltextindex.write(pm.pk, fulltextindex.Parts(old.title, LINKED, old.body))  # as before
    assert found(viewer, "wiki") == ["PM-L"]
    call_command("migrate", "library", "0011", verbosity=0)
    try:
        call_command("migrate", "library", verbosity=0)  # library/0012
    finally:
        call_command("migrate", verbosity=0)
    assert found(viewer, "wiki") == []
    assert "the certbot runbook and" in fulltextindex.parts_for([pm.pk])[pm.pk].head


def test_the_cause_part_reads_as_its_root_cause_and_its_summary() -> None:
    from postmortems.server.library.fulltextindex import head_parts

    head = (
        "Root Cause and Resolution:\n\nA CDN rule matched the price fragment.\n\n\n"
        "Trigger:\n\nA rule change.\n\n\nIssue Summary:\n\nProduct pages showed old prices.\n"
    )
    root, summary = head_parts(head)
    assert "CDN rule" in root
    assert "A rule change" in root
    assert "Product pages" not in root
    assert "Product pages" in summary
    assert "CDN rule" not in summary
    # a line of prose that ends in a colon is no heading; a head naming no root cause is all
    # summary
    prose = "Issue Summary:\n\nThe cause was found and a fix deployed, as follows:\nold prices"
    assert head_parts(prose) == ("", prose)


def test_a_cause_part_headed_by_questions_reads_the_right_way_round() -> None:
    """Headings that ask ("Why did this happen?", "What happened?") keep their question mark
    in the index, not a colon: they still start the root cause and the summary."""
    from postmortems.server.library.fulltextindex import head_parts

    head = (
        "Why did this happen?\n\nAn indexer skipped the renamed column.\n\n\n"
        "Trigger:\n\nA schema migration.\n\n\nWhat happened?\n\nProduct pages showed old prices.\n"
    )
    root, summary = head_parts(head)
    assert "indexer skipped" in root
    assert "schema migration" in root
    assert "Product pages" in summary
    assert "indexer" not in summary
    assert "Product pages" not in root


def test_an_agent_noun_does_not_find_the_past_tense_the_stemmer_gives_it(viewer: Any) -> None:
    """FTS5's porter and PostgreSQL's english stemmers read "resolver" as "resolved"
    (``resolv``): a search for the DNS resolver listed every postmortem whose incident was
    resolved. It finds the resolver only, and a balancer still finds "load balancing"."""
    dns = "The internal DNS resolver dropped queries under load."
    store.create(body("PM-DNS", "Lookups timed out.", cause=dns), None)
    store.create(body("PM-LB", "Checkout was slow.", cause="Load balancing sent all to one."), None)
    done = "The queue was resolved by restarting the balanced workers."
    store.create(body("PM-Q", "Emails were late.", cause=done), None)
    assert found(viewer, "resolver") == ["PM-DNS"]
    assert found(viewer, "DNS resolvers") == ["PM-DNS"]
    assert found(viewer, "resolved") == ["PM-Q"]  # the verb, not the DNS resolver
    assert found(viewer, "balancer") == ["PM-LB"]
    assert fulltext.search(access_of(viewer), ANY, "resolver").count == 1


@pytest.mark.parametrize("word", ["resolve", "resolves", "resolved", "resolving", "Resolved"])
def test_a_verbs_forms_do_not_find_its_agent_noun_but_each_other(viewer: Any, word: str) -> None:
    """The stemmers give "resolved" the stem of "resolver" (``resolv``): a search for an
    incident resolved listed the postmortems of a DNS resolver. A verb's forms find each other
    and the verb, in any case and before a dot that ends a sentence; the noun is another word."""
    dns = "The DNS resolvers dropped queries."
    store.create(body("PM-DNS", "Lookups timed out.", cause=dns), None)
    forms = {
        "PM-BASE": "The queue was slow and nobody knew how to Resolve.",
        "PM-S": "It resolves itself after a restart.",
        "PM-ED": "The incident was resolved by restarting the workers.",
        "PM-ING": "Resolving the backlog took an hour.",
    }
    create_each(forms)
    assert sorted(found(viewer, word)) == sorted(forms)


def create_each(causes: dict[str, str]) -> None:
    """A postmortem of each key, its root cause the text."""
    for key, cause in causes.items():
        store.create(body(key, "Pages were stale.", cause=cause), None)


def test_other_verbs_the_stemmers_share_with_a_noun(viewer: Any) -> None:
    """The same for "scheduled" and a scheduler, "indexed" and an indexer; a verb that doubles
    its consonant meets its forms ("controlled", "control"); a verb no noun shares a stem with
    is asked nothing more ("cached" finds "cache")."""
    texts = {
        "PM-SCHEDULER": "The scheduler lost its lease.",
        "PM-SCHEDULED": "The job was scheduled twice.",
        "PM-INDEXER": "The indexer skipped a column.",
        "PM-INDEXED": "Rows indexed late.",
        "PM-CONTROL": "Nobody could control the rollout.",
        "PM-CACHE": "The CDN would cache the price fragment.",
    }
    create_each(texts)
    assert found(viewer, "scheduled") == ["PM-SCHEDULED"]
    assert found(viewer, "scheduler") == ["PM-SCHEDULER"]
    assert found(viewer, "indexed") == ["PM-INDEXED"]
    assert found(viewer, "controlled") == ["PM-CONTROL"]
    assert found(viewer, "cached") == ["PM-CACHE"]


def test_a_file_names_part_is_not_the_verb_the_stemmers_make_of_it(viewer: Any) -> None:
    """A search for "resolved" listed every postmortem naming ``/etc/resolv.conf``: the
    stemmers give the file's ``resolv`` the verb's stem. A word a dot joins to another
    (``resolv.conf``, ``systemd-resolve.service``, ``unit.resolving``) is a name; the name
    itself is still found wherever it is (the word asked, "resolve", in the unit's name), and
    a postmortem saying both is found for the verb."""
    create_each(
        {
            "PM-CONF": "A bad resolv.conf on the new image sent lookups nowhere.",
            "PM-PATH": "The new image ships an empty /etc/resolv.conf.",
            "PM-UNIT": "Nobody restarted systemd-resolve.service after the change.",
            "PM-BOTH": "An empty resolv.conf; the incident was resolved by restoring it.",
            "PM-VERB": "It resolved itself. Then the queue drained.",
        }
    )
    assert sorted(found(viewer, "resolved")) == ["PM-BOTH", "PM-VERB"]
    assert sorted(found(viewer, "resolve")) == ["PM-BOTH", "PM-UNIT", "PM-VERB"]
    # (PostgreSQL's parser reads "/etc/resolv" as one path, which its words do not find)
    assert {"PM-BOTH", "PM-CONF"} <= set(found(viewer, "resolv.conf"))
    # the stem as typed: the file's name, and the verb's forms the stemmers give it
    assert {"PM-BOTH", "PM-CONF", "PM-VERB"} <= set(found(viewer, "resolv"))
    assert found(viewer, "systemd-resolve.service") == ["PM-UNIT"]
