"""The library and the editor as a user sees them (HTML checked through Django's test client)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.conftest import doc_text

from postmortems.errors import PostmortemsError
from postmortems.server.library.models import Draft, Postmortem, Revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("alice", "author"))
    return client


def _keys(html: str) -> list[str]:
    return re.findall(r'href="/p/([^/"]+)/"', html)


def test_an_empty_library_says_how_to_fill_it_and_a_filter_says_how_to_clear_it(
    author: Client, make_pm: Any
) -> None:
    empty = BeautifulSoup(author.get("/").content, "html.parser").select_one(".empty")
    assert "No postmortems you may read yet" in empty.get_text()
    assert "pm import DIR" in empty.get_text()
    assert empty.select_one("a")["href"] == "/new/"
    sorted_only = BeautifulSoup(author.get("/?sort=oldest").content, "html.parser")
    assert "No postmortems you may read yet" in sorted_only.select_one(".empty").get_text()
    make_pm("PM-1")
    none = BeautifulSoup(author.get("/?severity=SEV1&q=zzz").content, "html.parser")
    assert none.select_one(".empty").get_text().startswith("Nothing matches.")


def test_an_empty_library_offers_a_viewer_nothing_they_cannot_do(make_user: Any) -> None:
    viewer = Client()
    viewer.force_login(make_user("vic", "viewer"))
    empty = BeautifulSoup(viewer.get("/").content, "html.parser").select_one(".empty")
    assert "once your team writes or imports them" in empty.get_text()
    assert empty.select_one("a") is None


def test_list_filters_sorts_and_paginates(author: Client, make_pm: Any) -> None:
    from postmortems.server.library import store

    for i in range(30):
        text = doc_text(f"PM-L-{i:02d}", title=f"Outage {i:02d}")
        text = text.replace("2024-02-12", f"2024-03-{i + 1:02d}")
        if i % 3 == 0:
            text = text.replace("severity: SEV2", "severity: SEV1").replace("[tls]", "[dns]")
        store.create(text, None)
    page1 = author.get("/").content.decode()
    assert "30 postmortems" in page1
    assert _keys(page1)[:2] == ["PM-L-29", "PM-L-28"]
    assert len(_keys(page1)) == 25
    assert _keys(author.get("/?page=2").content.decode()) == [
        f"PM-L-{i:02d}" for i in range(4, -1, -1)
    ]
    sev1 = _keys(author.get("/?severity=SEV1").content.decode())
    assert sorted(sev1) == [f"PM-L-{i:02d}" for i in range(0, 30, 3)]
    assert sorted(_keys(author.get("/tags/dns/").content.decode())) == sorted(sev1)
    # a label in any case, as the badges show it (`DNS`) or as people say it
    assert sorted(_keys(author.get("/?tag=DNS").content.decode())) == sorted(sev1)
    assert len(_keys(author.get("/?service=CHECKOUT-API").content.decode())) == 25
    ranged = _keys(author.get("/?since=2024-03-05&until=2024-03-07&sort=oldest").content.decode())
    assert ranged == ["PM-L-04", "PM-L-05", "PM-L-06"]
    assert _keys(author.get("/?q=outage 07").content.decode()) == ["PM-L-07"]
    assert len(_keys(author.get("/?q=checkout-api").content.decode())) == 25


def test_the_list_shows_each_outage_s_duration_and_share_of_users(
    author: Client, make_pm: Any
) -> None:
    """What an executive scans for, in the list: how long, how many users (the card's facts)."""
    from postmortems.server.library import store

    store.create(doc_text("PM-DUR"), None)  # 04:00 to 06:30 UTC, 75% of users
    row = BeautifulSoup(author.get("/").content, "html.parser").select_one("table.pm-list tbody tr")
    assert row.select_one("td.duration").get_text() == "2 h 30 min"
    assert row.select_one("td.users").get_text() == "75% of users"
    headers = [th.get_text() for th in row.find_parent("table").select("thead th")]
    assert headers[3:5] == ["Duration", "Users affected"]


def test_detail_renders_sanitized_html_and_caches_it(author: Client, make_pm: Any) -> None:
    from postmortems.server.library import store

    text = doc_text("PM-XSS") + "\n<script>alert(1)</script>\n[x](javascript:alert(1))\n"
    store.create(text, None)
    html = author.get("/p/PM-XSS/").content.decode()
    assert "Checkout API returned 502s" in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    pm = Postmortem.objects.get(key="PM-XSS")
    assert pm.rendered_version == pm.version
    assert "Pager alert" in pm.rendered_html


def test_preview_shows_findings_and_autosaves_a_draft(author: Client) -> None:
    response = author.post("/preview/", {"text": "---\ntitle: [broken\n---\n", "key": ""})
    html = response.content.decode()
    assert 'data-line="' in html
    assert Draft.objects.get(postmortem=None).text.startswith("---\ntitle: [broken")
    # the editor brings the draft back after the tab was closed
    assert "Restored your unsaved draft" in author.get("/new/").content.decode()


def test_the_preview_s_headings_are_a_level_below_the_editor_s_h1(author: Client) -> None:
    """The rendered text's title and headings sit under the editor page's h1 (which says what
    is edited), in the labelled preview region; even the basic rendering of a broken text."""
    good = author.post("/preview/", {"text": doc_text("PM-PREV"), "key": ""}).content.decode()
    broken = "---\ntitle: [broken\n---\n# Words\n\n###### Small\n\n`<h1>` in code\n"
    basic = author.post("/preview/", {"text": broken, "key": ""}).content.decode()
    for html in (good, basic):
        region = BeautifulSoup(html, "html.parser").find("section", class_="preview")
        assert region["aria-labelledby"] == region.find("h2")["id"] == "preview-title"
        assert not region.find("h1")
    card = BeautifulSoup(good, "html.parser").select_one(".preview .pm-card h2")
    assert card.get_text() == "Checkout API returned 502s"
    assert "<h2>Words</h2>" in basic
    assert "<h6>Small</h6>" in basic  # no level below h6
    assert "&lt;h1&gt;" in basic  # text stays text


def test_the_live_lint_holds_a_google_sre_postmortem_to_its_own_format(author: Client) -> None:
    """A draft written in the Google SRE template (`pm incident postmortem --profile google-sre`)
    is not told to rename its sections to the classic ones."""
    from postmortems.document.skeleton import Answers, render

    google = render("google-sre", Answers(title="Checkout API returned 502s"))
    html = author.post("/preview/", {"text": google, "key": ""}).content.decode()
    assert "PM107" not in html  # its Impact section is there
    assert "PM112" not in html
    classic = render("classic", Answers(title="Checkout API returned 502s"))
    renamed = classic.replace("## Issue Summary", "## Summary of the incident")
    assert "PM112" in author.post("/preview/", {"text": renamed, "key": ""}).content.decode()


def test_new_starts_from_the_skeleton_and_saves(author: Client) -> None:
    page = author.get("/new/?fresh=1").content.decode()
    assert "## Issue Summary" in page
    assert "## Corrective and Preventative Measures" in page
    response = author.post("/new/", {"text": doc_text("PM-NEW")})
    assert response.status_code == 302
    assert response["Location"] == "/p/PM-NEW/"
    assert Revision.objects.get(postmortem__key="PM-NEW").author.username == "alice"


def test_the_change_note_is_kept_on_a_refused_save_and_names_the_first_revision(
    author: Client,
) -> None:
    note = "first draft, from the incident channel"
    broken = doc_text("PM-NOTE").replace("title:", "tags: [queues\ntitle:", 1)
    refused = author.post("/new/", {"text": broken, "message": note})
    assert refused.status_code == 422
    kept = BeautifulSoup(refused.content, "html.parser").select_one("input[name=message]")
    assert kept["value"] == note  # typed, not lost
    assert author.post("/new/", {"text": doc_text("PM-NOTE"), "message": note}).status_code == 302
    assert Revision.objects.get(postmortem__key="PM-NOTE").message == note
    assert author.post("/new/", {"text": doc_text("PM-NONE")}).status_code == 302
    assert Revision.objects.get(postmortem__key="PM-NONE").message == "created"
    pm = Postmortem.objects.get(key="PM-NOTE")
    stale = {"text": doc_text("PM-NOTE"), "base_version": 0, "message": "second look"}
    again = author.post("/p/PM-NOTE/edit/", stale)
    assert again.status_code in (409, 422)
    assert "second look" in again.content.decode()
    assert pm.version == 1


def test_an_untouched_skeleton_is_not_saved_as_a_postmortem(author: Client) -> None:
    """Saving New's skeleton as it came would make a postmortem of its example times; a
    skeleton with one word written is the author's to save."""
    from postmortems.document.skeleton import render

    as_posted = render("google-sre").replace("\n", "\r\n")  # a browser's line ends
    response = author.post("/new/", {"text": as_posted})
    assert response.status_code == 422
    html = response.content.decode()
    assert "This is the format&#x27;s skeleton as New wrote it" in html
    assert "## Root Causes" in html  # the text stays in the editor
    assert not Postmortem.objects.exists()
    yesterday = dt.date.today() - dt.timedelta(days=1)  # a page opened before midnight
    assert author.post("/new/", {"text": render("minimal", today=yesterday)}).status_code == 422
    assert not Postmortem.objects.exists()
    started = render("classic").replace("## Timeline", "Paged at 09:12.\n\n## Timeline", 1)
    assert started != render("classic")
    assert author.post("/new/", {"text": started}).status_code == 302


def test_bad_front_matter_is_not_saved_and_the_text_stays(author: Client) -> None:
    text = "---\ntitle: [broken\n---\nmy precious words\n"
    response = author.post("/new/", {"text": text})
    assert response.status_code == 422
    html = response.content.decode()
    assert "front matter is not valid YAML" in html
    assert "new.md:" not in html  # a file the writer never named
    assert "my precious words" in html
    assert not Postmortem.objects.exists()


def test_a_text_that_cannot_be_read_is_shown_with_the_basic_rendering() -> None:
    from django.template.loader import render_to_string

    from postmortems.document import parse
    from postmortems.server.library.rendering import render_document

    def page(text: str, name: str) -> str:
        try:
            doc = parse(text, name)
        except PostmortemsError:
            doc = None
        return render_to_string("library/_rendered.html", {"r": render_document(text, doc)})

    broken = page("---\ntitle: [broken\n---\nmy <script>x</script> *words*\n", "b.md")
    assert "Basic rendering (the document could not be read)" in broken
    assert "<em>words</em>" in broken
    assert "<script>" not in broken
    good = page(doc_text("PM-GOOD"), "good.md")
    assert "Basic rendering" not in good
    assert "<svg" in good


def test_stale_save_shows_both_versions_and_keeps_mine(author: Client, make_pm: Any) -> None:
    pm = make_pm("PM-C")
    theirs = pm.text.replace("We renewed it.", "We renewed it. THEIRS")
    mine = pm.text.replace("We renewed it.", "We renewed it. MINE")
    assert author.post("/p/PM-C/edit/", {"text": theirs, "base_version": "1"}).status_code == 302
    response = author.post("/p/PM-C/edit/", {"text": mine, "base_version": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "THEIRS" in html  # the current text is shown
    assert "MINE" in html  # and mine is still in the editor
    assert 'name="base_version" value="2"' in html
    assert Postmortem.objects.get(key="PM-C").text == theirs
    # saving again from the merged page is accepted
    assert author.post("/p/PM-C/edit/", {"text": mine, "base_version": "2"}).status_code == 302


def test_revisions_list_and_diff(author: Client, make_pm: Any) -> None:
    pm = make_pm("PM-R")
    author.post(
        "/p/PM-R/edit/",
        {"text": pm.text.replace("SEV2", "SEV1"), "base_version": "1", "message": "raise severity"},
    )
    listing = author.get("/p/PM-R/revisions/").content.decode()
    assert "raise severity" in listing
    assert "alice" in listing
    diff = author.get("/p/PM-R/revisions/2/").content.decode()
    assert "+severity: SEV1" in diff
    assert "-severity: SEV2" in diff


def test_forms_enforce_csrf(make_user: Any, make_pm: Any) -> None:
    make_pm("PM-CSRF")
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("carol", "admin"))
    for path, data in (
        ("/new/", {"text": doc_text("PM-Z")}),
        ("/p/PM-CSRF/edit/", {"text": "x", "base_version": "1"}),
        ("/p/PM-CSRF/delete/", {}),
        ("/preview/", {"text": "x"}),
        ("/tokens/", {"name": "t"}),
    ):
        assert client.post(path, data).status_code == 403, path
    assert Postmortem.objects.filter(key="PM-CSRF").exists()
    client.get("/new/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    ok = client.post("/p/PM-CSRF/delete/", {"csrfmiddlewaretoken": token})
    assert ok.status_code == 302
    assert not Postmortem.objects.filter(key="PM-CSRF").exists()


def test_login_logout_and_password_change(make_user: Any) -> None:
    make_user("dave", "viewer")
    client = Client()
    refused = client.post("/login/", {"username": "dave", "password": "wrong"})
    assert refused.status_code == 400
    assert "Wrong user name or password." in refused.content.decode()
    assert 'value="dave"' in refused.content.decode()  # the form again, the name kept
    response = client.post("/login/", {"username": "dave", "password": "pw-dave"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # The app's own page, in its frame (not the Django admin's, which shares the template name).
    form = client.get("/password/").content.decode()
    assert '<header class="top">' in form
    assert "Django administration" not in form
    changed = client.post(
        "/password/",
        {
            "old_password": "pw-dave",
            "new_password1": "A-new-pass-42!",
            "new_password2": "A-new-pass-42!",
        },
    )
    assert changed.status_code == 302
    done = client.get(changed["Location"]).content.decode()
    assert '<header class="top">' in done
    assert "Django administration" not in done
    client.post("/logout/")
    assert client.get("/").status_code == 302
    again = client.post("/login/", {"username": "dave", "password": "A-new-pass-42!"})
    assert again.status_code == 302


def test_token_page_shows_the_token_once(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("erin", "viewer"))
    first = client.post("/tokens/", {"name": "laptop"}).content.decode()
    raw = re.search(r"(pmt_[A-Za-z0-9_-]+)", first)
    assert raw is not None
    assert raw.group(1) not in client.get("/tokens/").content.decode()
    api = Client().get("/api/me", headers={"Authorization": f"Bearer {raw.group(1)}"})
    assert api.json()["username"] == "erin"


def test_cached_list_follows_edits_and_visibility(make_user: Any, make_pm: Any) -> None:
    from postmortems.server.library import store

    make_pm("PM-OPEN")
    make_pm("PM-SECRET", restricted=True, teams="security")
    insider, outsider = Client(), Client()
    insider.force_login(make_user("sec", "viewer", team="security"))
    outsider.force_login(make_user("out", "viewer"))
    assert "PM-SECRET" in insider.get("/").content.decode()
    assert "PM-SECRET" not in outsider.get("/").content.decode()  # not the insider's cache
    pm = Postmortem.objects.get(key="PM-OPEN")
    store.update("PM-OPEN", pm.text.replace("returned 502s", "returned 503s"), None, 1)
    assert "Checkout API returned 503s" in outsider.get("/").content.decode()
    Postmortem.objects.get(key="PM-SECRET").delete()
    assert "PM-SECRET" not in insider.get("/").content.decode()


def test_a_restored_stale_draft_cannot_overwrite_a_newer_revision(
    author: Client, make_pm: Any
) -> None:
    pm = make_pm("PM-DRAFT")
    author.post(
        "/preview/", {"text": pm.text + "\nmy draft\n", "key": "PM-DRAFT", "base_version": "1"}
    )
    from postmortems.server.library import store

    assert "Someone saved" not in author.get("/p/PM-DRAFT/edit/").content.decode()
    store.update("PM-DRAFT", pm.text + "\nsomeone else\n", None, 1)
    page = author.get("/p/PM-DRAFT/edit/").content.decode()
    assert "Restored your unsaved draft" in page
    assert "Someone saved revision 2 after you started it" in page  # said before more typing
    assert 'name="base_version" value="1"' in page
    saved = author.post(
        "/p/PM-DRAFT/edit/", {"text": pm.text + "\nmy draft\n", "base_version": "1"}
    )
    assert saved.status_code == 409
    assert Postmortem.objects.get(key="PM-DRAFT").text.endswith("someone else\n")


def test_a_draft_left_on_the_conflict_page_is_still_known_stale_when_restored(
    author: Client, make_pm: Any
) -> None:
    """Tab B saves; tab A's save is refused (409) and A leaves its text on the conflict page.
    Reopened, the editor says someone saved since, and a save shows both texts again instead of
    dropping B's line."""
    pm = make_pm("PM-TABS")
    edit = "/p/PM-TABS/edit/"
    b_text, a_text = pm.text + "\nB's line\n", pm.text + "\nA's line\n"
    assert (
        author.post(edit, {"text": b_text, "base_version": "1", "editor": "b"}).status_code == 302
    )
    refused = author.post(edit, {"text": a_text, "base_version": "1", "editor": "a"})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert 'name="draft_base" value="1"' in page
    assert 'name="editor" value="a"' in page
    # the conflict page's editor autosaves A's text (its form based on revision 2)
    posted = {"text": a_text, "key": "PM-TABS", "base_version": "2", "draft_base": "1"}
    author.post("/preview/", {**posted, "editor": "a"})
    reopened = author.get(edit).content.decode()
    assert "Restored your unsaved draft" in reopened
    assert "Someone saved revision 2 after you started it" in reopened
    assert 'name="base_version" value="1"' in reopened
    again = author.post(edit, {"text": a_text, "base_version": "1", "editor": "a"})
    assert again.status_code == 409
    assert "B's line" in Postmortem.objects.get(key="PM-TABS").text


def test_a_save_in_one_tab_keeps_the_unsaved_words_of_another(author: Client, make_pm: Any) -> None:
    pm = make_pm("PM-TWO")
    a_text, b_text = pm.text + "\nA typed this\n", pm.text + "\nB typed this\n"
    author.post("/preview/", {"text": a_text, "key": "PM-TWO", "base_version": "1", "editor": "a"})
    author.post("/preview/", {"text": b_text, "key": "PM-TWO", "base_version": "1", "editor": "b"})
    saved = author.post("/p/PM-TWO/edit/", {"text": b_text, "base_version": "1", "editor": "b"})
    assert saved.status_code == 302
    assert list(Draft.objects.values_list("editor", "text")) == [("a", a_text)]
    reopened = author.get("/p/PM-TWO/edit/").content.decode()
    assert "A typed this" in reopened
    assert "Someone saved revision 2 after you started it" in reopened
    # discarding it (the page names its draft) leaves no draft, and the editor opens revision 2
    name = reopened.split('name="editor" value="', 1)[1].split('"', 1)[0]
    author.post("/draft/discard/", {"key": "PM-TWO", "editor": name})
    assert not Draft.objects.exists()
    assert "Restored" not in author.get("/p/PM-TWO/edit/").content.decode()


def test_an_untouched_skeleton_is_not_kept_as_a_draft(author: Client) -> None:
    from postmortems.document.skeleton import render

    author.post("/preview/", {"text": render("classic"), "key": ""})
    assert not Draft.objects.exists()


def test_editing_in_a_browser_keeps_the_files_line_endings(author: Client) -> None:
    from postmortems.server.library import store

    crlf = doc_text("PM-CRLF").replace("\n", "\r\n")
    store.create(crlf, None)
    edited = crlf.replace("We renewed it.", "We renewed it today.")
    response = author.post("/p/PM-CRLF/edit/", {"text": edited, "base_version": "1"})
    assert response.status_code == 302
    assert Postmortem.objects.get(key="PM-CRLF").text == edited


def test_the_menu_offers_new_to_writers_only_and_refusals_keep_the_frame(
    make_user: Any, author: Client
) -> None:
    from bs4 import BeautifulSoup

    def menu(client: Client) -> list[str]:
        soup = BeautifulSoup(client.get("/").content, "html.parser")
        return [a.get_text() for a in soup.select("header nav a")]

    viewer = Client()
    viewer.force_login(make_user("vic", "viewer"))
    writers, readers = menu(author), menu(viewer)
    assert readers == [name for name in writers if name != "New"]
    assert "New" in writers
    # A viewer who opens the editor anyway is refused in the app's frame, told why.
    refused = viewer.get("/new/")
    assert refused.status_code == 403
    page = BeautifulSoup(refused.content, "html.parser")
    assert page.select_one("header.top nav") is not None
    assert page.select_one("main h1").get_text() == "Not allowed"
    assert "cannot write" in page.select_one("main p").get_text()
    missing = viewer.get("/p/PM-NOWHERE/")
    assert missing.status_code == 404
    page = BeautifulSoup(missing.content, "html.parser")
    assert page.select_one("header.top nav") is not None
    assert page.select_one("main h1").get_text() == "Not found"
    # Tokens: a viewer is offered read-only access, a writer both.
    scopes = BeautifulSoup(viewer.get("/tokens/").content, "html.parser").select(
        "select[name=scope] option"
    )
    assert [o["value"] for o in scopes] == ["read"]
    scopes = BeautifulSoup(author.get("/tokens/").content, "html.parser").select(
        "select[name=scope] option"
    )
    assert [o["value"] for o in scopes] == ["write", "read"]


def test_refusals_are_not_logged_as_faults() -> None:
    from django.conf import settings

    # 403 and 404 answers would otherwise log a warning with a traceback each.
    assert settings.LOGGING["loggers"]["django.request"]["level"] == "ERROR"


def test_a_service_or_tag_page_exists_only_for_a_label_the_reader_may_see(
    author: Client, make_user: Any
) -> None:
    from postmortems.server.library import store

    store.create(doc_text("PM-OPEN"), None)
    secret = doc_text("PM-HUSH", restricted=True, teams="security").replace("[tls]", "[hsm]")
    store.create(secret, None)
    page = author.get("/services/checkout-api/")
    assert page.status_code == 200
    assert "Feed of all postmortems" in page.content.decode()  # not a feed of the service
    assert ">Feed</a>" in author.get("/").content.decode()
    assert author.get("/services/CHECKOUT-API/").status_code == 200  # as the badge shows it
    assert author.get("/tags/tls/").status_code == 200
    missing = author.get("/services/checkout-apj/")
    assert missing.status_code == 404
    assert "Back to the library" in missing.content.decode()
    # a label only a restricted postmortem has is not revealed by its page
    assert author.get("/tags/hsm/").status_code == 404
    insider = Client()
    insider.force_login(make_user("sam", "viewer", team="security"))
    page = insider.get("/tags/hsm/")
    assert page.status_code == 200
    assert "PM-HUSH" in page.content.decode()


PERIOD = ("since", "until")


def test_a_filter_the_library_cannot_take_is_named_not_dropped(
    author: Client, make_pm: Any
) -> None:
    """`?since=notadate` listed every postmortem as if filtered; now the page says which filter
    is wrong (400) and lists nothing, on the list, a service page and the search page."""
    make_pm("PM-F-1")
    for path in ("/", "/services/checkout-api/", "/search/"):
        for query, label in (
            ("since=notadate", "From"),
            ("until=2026-13-45", "To"),
            ("status=bogus", "Status"),
            ("severity=SEV9", "Severity"),
            ("sort=sideways", "Sort"),
            ("since=2026-12-01&until=2026-01-01", "To"),  # before From: "swap them"
        ):
            answer = author.get(f"{path}?q=outage&{query}")
            assert answer.status_code == 400, (path, query)
            soup = BeautifulSoup(answer.content, "html.parser")
            errors = [li.get_text(" ", strip=True) for li in soup.select("ul.messages li.error")]
            assert len(errors) == 1, (path, query, errors)
            assert errors[0].startswith(label), (path, query, errors)
            assert "PM-F-1" not in _keys(answer.content.decode()), (path, query)
        # The refused period stays in its inputs, as typed, to be swapped there.
        reversed_period = author.get(f"{path}?since=2026-12-01&until=2026-01-01")
        soup = BeautifulSoup(reversed_period.content, "html.parser")
        shown = {name: soup.select_one(f"input[name={name}]")["value"] for name in PERIOD}
        assert shown == {"since": "2026-12-01", "until": "2026-01-01"}, path
        fine = author.get(f"{path}?q=outage&since=2024-01-01&status=draft&severity=SEV2")
        assert fine.status_code == 200, path
        # a choice in any case, as the text filters take it
        assert author.get(f"{path}?q=outage&status=Draft&severity=sev2").status_code == 200


def test_an_empty_text_is_not_saved_as_a_postmortem(author: Client, make_pm: Any) -> None:
    """Saving an emptied editor made a postmortem titled "New" (after the file name)."""
    from postmortems.server.library.models import Postmortem

    pm = make_pm("PM-KEEP")
    for text in ("", "  \n\n"):
        answer = author.post("/new/", {"text": text})
        assert answer.status_code == 422
        assert "the text is empty" in answer.content.decode()
        edit = author.post(f"/p/{pm.key}/edit/", {"text": text, "base_version": pm.version})
        assert edit.status_code == 422
    assert list(Postmortem.objects.values_list("key", flat=True)) == ["PM-KEEP"]
    pm.refresh_from_db()
    assert pm.version == 1
    api = author.post("/api/postmortems", {"text": " "}, content_type="application/json")
    assert api.status_code == 422  # the schema's rule: some text, not only spaces
    assert "text" in api.json()["errors"][0]["loc"]


def test_a_refused_save_keeps_its_pages_draft_and_the_revision_it_began_from(
    author: Client, make_pm: Any
) -> None:
    """A save refused for its text (422) keeps the page's draft name and its base: the draft
    it wrote is forgotten when the corrected text saves, and a draft that began before someone
    else's save still cannot overwrite it after the refusal."""
    from postmortems.server.library import store

    pm = make_pm("PM-FIX")
    mine = pm.text + "\nmine\n"
    author.post("/preview/", {"text": mine, "key": "PM-FIX", "base_version": "1", "editor": "a"})
    store.update("PM-FIX", pm.text + "\ntheirs\n", None, 1)
    broken = "---\ntitle: [oops\n---\n" + mine
    refused = author.post("/p/PM-FIX/edit/", {"text": broken, "base_version": "1", "editor": "a"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'name="base_version" value="1"' in page  # not the current revision, 2
    assert 'name="editor" value="a"' in page
    again = author.post("/p/PM-FIX/edit/", {"text": mine, "base_version": "1", "editor": "a"})
    assert again.status_code == 409  # theirs is not overwritten
    assert Postmortem.objects.get(key="PM-FIX").text.endswith("theirs\n")


def test_two_tabs_restoring_one_draft_keep_each_others_words(author: Client, make_pm: Any) -> None:
    pm = make_pm("PM-BOTH")
    first = pm.text + "\nfirst words\n"
    author.post("/preview/", {"text": first, "key": "PM-BOTH", "base_version": "1", "editor": "a"})
    names = []
    for _tab in range(2):
        page = author.get("/p/PM-BOTH/edit/").content.decode()
        names.append(page.split('name="editor" value="', 1)[1].split('"', 1)[0])
    assert names[0] != names[1]  # each page writes under a name of its own
    more = first + "tab 2 typed more\n"
    author.post(
        "/preview/", {"text": more, "key": "PM-BOTH", "base_version": "1", "editor": names[1]}
    )
    author.post(
        "/p/PM-BOTH/edit/", {"text": first + "tab 1\n", "base_version": "1", "editor": names[0]}
    )
    assert list(Draft.objects.values_list("text", flat=True)) == [more]
