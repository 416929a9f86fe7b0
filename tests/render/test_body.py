"""The body fragment: sanitized, anchored, with the timeline and the action items modelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortems.document import parse
from postmortems.render import executive_card, render_body, render_page, timeline_svg
from postmortems.render.markdown import headings, to_html

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"


@pytest.fixture
def example():
    return parse(EXAMPLE.read_text(), str(EXAMPLE))


def test_sections_get_anchored_headings(example):
    html = render_body(example)
    assert '<h2 id="issue-summary">Issue Summary' in html
    assert 'href="#root-cause-and-resolution"' in html


def test_action_items_are_a_table_with_status(example):
    html = render_body(example)
    assert "<caption>Action items: 1 of 3 done</caption>" in html
    assert html.count("status-open") == 2
    assert html.count("status-done") == 1


def test_timeline_entries_carry_their_milestone(example):
    html = render_body(example)
    assert 'class="entry entry-detected"' in html
    assert 'class="entry entry-misleading"' in html
    assert 'class="entry entry-resolved"' in html


def test_card_shows_window_duration_and_users(example):
    card = executive_card(example)
    assert 'datetime="2024-02-12T04:00-08:00"' in card
    assert "2 h 30 min" in card
    assert "75%" in card
    assert "SEV2" in card


def test_nested_headings_never_skip_a_level():
    html = to_html("# Top\n\n#### Deep\n\ntext", base=3)
    assert [tag for tag in ("<h3", "<h4", "<h5", "<h6") if tag in html] == ["<h3", "<h4"]


def test_headings_are_listed_in_order():
    assert headings("# A\n\n## B\n") == [(1, "A"), (2, "B")]


def test_remote_images_become_links():
    html = to_html("![graph](https://evil.example/x.png) ![local](img/a.png)")
    assert 'src="img/a.png"' in html
    assert 'href="https://evil.example/x.png"' in html
    assert 'src="https://' not in html


def test_page_is_self_contained(example):
    page = render_page(example)
    assert "Content-Security-Policy" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert timeline_svg(example) in page


def test_a_typed_line_break_breaks_the_line_outside_code() -> None:
    from postmortems.render.markdown import plain, to_html

    html = to_html("Status: final<br> Owner: ann `a<br>b`\n")
    assert "final<br> Owner" in html
    assert "<code>a&lt;br&gt;b</code>" in html
    assert plain("Status: final<br>Owner: ann") == "Status: final Owner: ann"


def test_a_tag_written_as_an_entity_shows_as_typed() -> None:
    """``&lt;b>`` (as a drafted note writes a chat's ``<b>``) is text, not bold; ``<b>`` typed
    is bold."""
    from postmortems.render.markdown import inline_html, plain, to_html

    html = to_html("The bot wrote &lt;b>ok&lt;/b> and \\<br> twice; we saw <b>that</b>.\n")
    assert "wrote &lt;b&gt;ok&lt;/b&gt; and &lt;br&gt; twice" in html
    assert "<b>that</b>" in html
    assert inline_html("&lt;i>x&lt;/i> <I>y</I>") == "&lt;i&gt;x&lt;/i&gt; <i>y</i>"
    assert plain("&lt;b>ok&lt;/b> <b>that</b>") == "<b>ok</b> that"


def test_toml_front_matter_is_not_shown_as_text() -> None:
    from postmortems.document import parse
    from postmortems.render.body import render_body

    html = render_body(parse('+++\ntitle = "DNS outage"\n+++\n\nIntro.\n\n## Summary\nDown.\n'))
    assert "+++" not in html
    assert "Intro." in html


def test_small_print_tags_typed_in_the_text_are_kept_and_nothing_else() -> None:
    from postmortems.render.markdown import to_html

    html = to_html("<sub>Times are UTC.</sub> <script>alert(1)</script> <b onclick=x>z</b>\n")
    assert "<sub>Times are UTC.</sub>" in html
    assert "<script" not in html
    assert "onclick" not in html.replace("&lt;b onclick=x&gt;", "")


def test_the_title_line_is_not_repeated_below_the_card() -> None:
    from postmortems.document import parse
    from postmortems.render.body import render_body

    for text in (
        "**Nginx outage of 12 May**\n\n## Summary\nDown.\n",
        "### Nginx outage of 12 May\n#### Summary\nDown.\n",
        "Nginx outage of 12 May\n======================\n\nIntro.\n\n## Summary\nDown.\n",
    ):
        html = render_body(parse(text, "x.md"))
        assert "Nginx outage of 12 May" not in html, text
        assert "Down." in html


def test_a_page_says_the_state_a_server_holds_for_each_item():
    """The stored table says open or done (all a checkbox knows) and each row's place in the task
    list; a page given the states says them, a closed item never overdue."""
    import datetime as dt

    from bs4 import BeautifulSoup

    from postmortems.document import parse
    from postmortems.render.body import mark_items

    text = (
        "# Outage\n\n## Corrective and Preventative Measures\n\n"
        "- [ ] Add alerting on disk usage (owner: @ann, due: 2024-01-10)\n"
        "- [ ] Patch the nginx config (owner: @bob, due: 2024-01-10)\n"
        "- [x] Rotate the key (owner: @cy)\n"
        "- [ ] Write a runbook (owner: @dee, due: 2099-01-01)\n"
    )
    stored = render_body(parse(text, "x.md"))
    today = dt.date(2024, 2, 1)

    def shown(html):
        rows = BeautifulSoup(html, "html.parser").select("table.pm-actions tbody tr")
        return [
            (r["data-position"], r.select_one(".status").get_text(), bool(r.select(".overdue")))
            for r in rows
        ]

    assert shown(mark_items(stored, today)) == [
        ("0", "Open", True),
        ("1", "Open", True),
        ("2", "✓ Done", False),
        ("3", "Open", False),
    ]
    states = {0: "in-progress", 1: "wont-do", 2: "done", 3: "a state no table knows"}
    assert shown(mark_items(stored, today, states)) == [
        ("0", "In progress", True),
        ("1", "Won't do", False),
        ("2", "✓ Done", False),
        ("3", "Open", False),
    ]
    assert shown(mark_items(stored, today, {1: "done"}))[1] == ("1", "✓ Done", False)
