"""The site in real headless Chromium: no console errors, search, filters, sorting, the
diagram, and accessibility basics (heading order, text alternatives, WCAG AA contrast in the
light and the dark theme). Screenshots go to each test's temporary folder."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

PAGES = (
    "index.html",
    "stats.html",
    "pm/checkout-502.html",
    "pm/orders-replication-lag.html",
    "pm/login-captcha.html",
    "pm/link-only.html",
    "services/postgres.html",
)

# WCAG contrast of every visible text node against its composited background; large text
# (24px, or 18.66px bold) needs 3:1, the rest 4.5:1.
CONTRAST_JS = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (top, under) => { const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
  const background = el => { const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c[3] > 0) layers.push(c);
      if (c && c[3] === 1) break; }
    let bg = [255, 255, 255, 1];
    const root = parse(getComputedStyle(document.documentElement).backgroundColor);
    if (root && root[3] > 0) bg = over(root, bg);
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg; };
  const bad = []; let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement; if (!el || el.closest('title,desc,script,style,option')) continue;
    const r = el.getBoundingClientRect(); if (!r.width || !r.height) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || +st.opacity === 0 || st.clip === 'rect(0px, 0px, 0px, 0px)')
      continue;
    const svg = el instanceof SVGElement;
    let fg = parse(svg ? st.fill : st.color); if (!fg) continue;
    const bg = background(svg ? el.closest('svg').parentElement : el);
    fg = over(fg, bg);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), weight = parseInt(st.fontWeight, 10);
    const need = size >= 24 || (size >= 18.66 && weight >= 700) ? 3 : 4.5;
    checked++;
    const text = n.textContent.trim().slice(0, 40);
    if (ratio < need) bad.push(`${ratio.toFixed(2)} < ${need}: "${text}"`
      + ` (${svg ? st.fill : st.color} on rgb(${bg.slice(0, 3).map(Math.round)}))`);
  }
  return {checked, bad};
}"""

HEADINGS_JS = """() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
  .map(h => +h.tagName[1])"""

ALT_JS = """() => {
  const missing = [];
  document.querySelectorAll('img').forEach(i => {
    if (!i.hasAttribute('alt')) missing.push(i.src); });
  document.querySelectorAll('svg').forEach(s => {
    if (s.closest('svg') !== s || s.getAttribute('aria-hidden') === 'true') return;
    const ids = (s.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
    const named = s.getAttribute('aria-label') || ids.some(id => document.getElementById(id));
    if (s.getAttribute('role') !== 'img' || !named) missing.push('svg ' + s.outerHTML.slice(0, 60));
  });
  return missing;
}"""


def open_page(tab: Any, site: Path, rel: str) -> Any:
    tab.page.goto((site / rel).as_uri())
    tab.page.wait_for_load_state("load")
    return tab.page


@pytest.mark.parametrize("rel", PAGES)
def test_page_renders_without_console_errors(rel: str, site: Path, tab: Any, tmp_path: Path):
    page = open_page(tab, site, rel)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=str(tmp_path / f"{scheme}.png"), full_page=True)
    assert (tmp_path / "dark.png").stat().st_size > 1000
    assert tab.errors == []
    assert tab.dialogs == []


def visible_titles(page: Any) -> list[str]:
    return page.locator("#pm-table tbody tr:visible td.title a").all_inner_texts()


def test_search_finds_a_postmortem_by_a_word_of_its_root_cause(site: Path, tab: Any):
    page = open_page(tab, site, "index.html")
    assert len(visible_titles(page)) == 3
    page.fill("#q", "flamingo")
    assert visible_titles(page) == [
        "Login page rejected valid users after a captcha provider change"
    ]
    page.fill("#q", "autovac")  # a prefix is enough
    assert visible_titles(page) == ["Orders database replication lag after a runaway export"]
    page.fill("#q", "autovac flamingo")  # every word must match
    assert visible_titles(page) == []
    assert page.inner_text("#count") == "0 of 3 shown"


def test_search_from_the_address(site: Path, tab: Any):
    tab.page.goto((site / "index.html").as_uri() + "?q=certificate")
    assert visible_titles(tab.page) == ["Checkout API returned 502s after certificate expiry"]


def test_filters_narrow_the_table(site: Path, tab: Any):
    page = open_page(tab, site, "index.html")
    page.select_option("select[data-filter=severity]", "SEV1")
    assert visible_titles(page) == ["Orders database replication lag after a runaway export"]
    page.select_option("select[data-filter=severity]", "")
    page.select_option("select[data-filter=service]", "nginx")
    assert visible_titles(page) == ["Checkout API returned 502s after certificate expiry"]
    page.select_option("select[data-filter=status]", "draft")
    assert visible_titles(page) == []


def test_columns_sort(site: Path, tab: Any):
    page = open_page(tab, site, "index.html")
    page.click("#pm-table th:has-text('Duration') button")
    durations = page.locator("#pm-table tbody td:nth-child(5)").all_inner_texts()
    assert durations == ["55 min", "2 h 30 min", "5 h 40 min"]
    page.click("#pm-table th:has-text('Duration') button")
    durations = page.locator("#pm-table tbody td:nth-child(5)").all_inner_texts()
    assert durations == ["5 h 40 min", "2 h 30 min", "55 min"]


PHONE = {"width": 390, "height": 844}


def test_the_index_reads_on_a_phone(site: Path, tab: Any, tmp_path: Path):
    """Each postmortem a block: its title on the whole width, the key facts under it, nothing
    off the screen and no sideways scroll (the table was wider than the phone)."""
    page = open_page(tab, site, "index.html")
    page.set_viewport_size(PHONE)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        wrap = page.locator(".pm-scroll")
        assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") <= 0
        for row in page.locator("#pm-table tbody tr").all():
            title = row.locator("td.title").bounding_box()
            assert title["width"] > PHONE["width"] * 0.8
            for cell in ("sev", "duration"):
                box = row.locator(f"td.{cell}").bounding_box()
                assert box["x"] >= 0, cell
                assert box["x"] + box["width"] <= PHONE["width"], cell
                assert box["y"] > title["y"]  # under the title
        assert page.locator("#pm-table th:has-text('Duration') button").is_visible()
        page.screenshot(path=str(tmp_path / "index-phone.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("width", [1280, 700, 390])
def test_a_due_date_is_never_broken(width: int, site: Path, tab: Any):
    page = open_page(tab, site, "pm/checkout-502.html")
    page.set_viewport_size({"width": width, "height": 900})
    try:
        lines = page.locator("table.pm-actions td.due .date").evaluate_all(
            "ds => ds.map(d => d.getClientRects().length)"
        )
        assert len(lines) >= 2
        assert set(lines) == {1}
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_the_stats_labels_stay_inside_their_charts(site: Path, tab: Any):
    page = open_page(tab, site, "stats.html")
    cut = page.evaluate(
        """() => Array.from(document.querySelectorAll('.chart svg')).flatMap(svg => {
          const box = svg.getBoundingClientRect();
          return Array.from(svg.querySelectorAll('text')).filter(t => {
            const r = t.getBoundingClientRect();
            return r.left < box.left - 0.5 || r.right > box.right + 0.5;
          }).map(t => t.textContent);
        })"""
    )
    assert cut == []


def test_the_card_says_how_a_fact_was_inferred_on_a_tap(tab: Any, tmp_path: Path):
    """A phone has no hover: the note under the card opens on what was inferred and how."""
    from postmortems.document import parse
    from postmortems.render import render_page

    source = Path(__file__).parents[2] / "examples" / "messy.md"  # its end is inferred
    html = tmp_path / "messy.html"
    html.write_text(render_page(parse(source.read_text(), str(source))), encoding="utf-8")
    page = tab.page
    page.set_viewport_size(PHONE)
    page.goto(html.as_uri())
    try:
        note = page.locator("#summary-card details.pm-inferred-note")
        assert note.count() == 1
        reasons = note.locator("li")
        assert not reasons.first.is_visible()
        note.locator("summary").click()
        assert reasons.first.is_visible()
        assert "timeline" in reasons.first.inner_text()
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_diagram_has_the_milestones(site: Path, tab: Any, tmp_path: Path):
    page = open_page(tab, site, "pm/orders-replication-lag.html")
    svg = page.locator("svg.pm-timeline:visible")
    assert svg.count() == 1  # of the three drawings, the one for a desktop column
    assert "tl-wide" in (svg.get_attribute("class") or "")
    for mark in ("detected", "escalated", "mitigated", "resolved"):
        assert svg.locator(f".tl-row-{mark}").count() == 1, mark
    assert svg.locator(".tl-row-misleading").count() >= 2
    assert svg.locator(".tl-row").count() == 29
    assert svg.locator("rect.tl-outage").count() == 2  # the window and its legend key
    assert svg.locator(".tl-midnight").count() == 1  # the incident crosses midnight
    assert "10 Mar" in svg.text_content()
    svg.screenshot(path=str(tmp_path / "diagram.png"))


def test_reader_sees_local_time_on_hover(site: Path, tab: Any):
    page = open_page(tab, site, "pm/checkout-502.html")
    title = page.locator("time[data-local]").first.get_attribute("title")
    assert title.startswith("Your time: ")
    assert "2024-02-12 12:00 UTC" in title


@pytest.mark.parametrize("rel", PAGES)
def test_headings_are_in_order(rel: str, site: Path, tab: Any):
    levels = open_page(tab, site, rel).evaluate(HEADINGS_JS)
    assert levels[0] == 1
    assert levels.count(1) == 1
    jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert jumps == []


@pytest.mark.parametrize("rel", PAGES)
def test_images_have_text_alternatives(rel: str, site: Path, tab: Any):
    assert open_page(tab, site, rel).evaluate(ALT_JS) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("rel", PAGES)
def test_text_contrast_is_wcag_aa(rel: str, scheme: str, site: Path, tab: Any):
    page = open_page(tab, site, rel)
    page.emulate_media(color_scheme=scheme)
    result = page.evaluate(CONTRAST_JS)
    assert result["checked"] > 10
    assert result["bad"] == []


def test_page_with_a_base_url_loads_without_csp_errors(tab: Any, tmp_path: Path):
    from postmortems.document import parse
    from postmortems.render import render_page

    source = Path(__file__).parent / "data" / "site" / "checkout-502.md"
    page = tmp_path / "page.html"
    doc = parse(source.read_text(), str(source))
    page.write_text(render_page(doc, base_url=tmp_path.as_uri() + "/"), encoding="utf-8")
    tab.page.goto(page.as_uri())
    assert tab.page.locator("time[data-local]").first.get_attribute("title").startswith("Your")
    assert tab.errors == []


@pytest.mark.parametrize("rel", PAGES)
def test_site_pages_share_one_stylesheet_and_it_applies(rel: str, site: Path, tab: Any):
    from postmortems.render.theme import CSS

    assert (site / "site.css").read_text(encoding="utf-8") == CSS
    html = (site / rel).read_text(encoding="utf-8")
    assert "<style>" not in html
    assert 'rel="stylesheet"' in html
    page = open_page(tab, site, rel)
    # The nav bar's bottom border comes only from the stylesheet: it loaded, and the page's
    # Content Security Policy let it.
    width = page.eval_on_selector(".pm-nav", "n => getComputedStyle(n).borderBottomWidth")
    assert width == "1px"
    assert tab.errors == []


@pytest.mark.parametrize("rel", PAGES)
def test_a_phone_reads_each_page_without_scrolling_sideways(rel: str, site: Path, tab: Any):
    """At 390 px (a phone held upright) nothing is wider than the screen: the stats page's
    charts shrink to it rather than keep the 30rem a desktop column gives them."""
    tab.page.set_viewport_size({"width": 390, "height": 900})
    page = open_page(tab, site, rel)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


# For the drawing of the diagram the page shows: each label's lines that reach past the
# drawing's edges, each row whose label is not its entry's whole text ("cut") and, of those,
# each that does not link to the whole text in the page ("lost").
LABELS_JS = """() => {
  const svgs = Array.from(document.querySelectorAll('svg.pm-timeline'))
    .filter(s => s.getBoundingClientRect().width > 0);
  if (svgs.length !== 1) return {shown: svgs.length};
  const svg = svgs[0], width = svg.viewBox.baseVal.width, outside = [], cut = [], lost = [];
  svg.querySelectorAll('text').forEach(t => {
    const box = t.getBBox();
    if (box.x < 0 || box.x + box.width > width) outside.push(t.textContent.slice(0, 50));
  });
  const bare = s => s.replace(/\\s+/g, '');
  svg.querySelectorAll('.tl-row').forEach(row => {
    const whole = row.querySelector('title').textContent.split(' — ').slice(1).join(' — ');
    const label = row.querySelector('.tl-label').textContent;
    if (bare(label).endsWith(bare(whole))) return;
    cut.push(whole.slice(0, 50));
    const link = row.querySelector('a.tl-more'), href = link && link.getAttribute('href');
    const target = href && document.getElementById(href.slice(1));
    if (!target || !bare(target.textContent).includes(bare(whole))) lost.push(whole.slice(0, 50));
  });
  return {shown: 1, name: svg.getAttribute('class'), outside, cut, lost,
          box: svg.parentElement.scrollWidth <= svg.parentElement.clientWidth,
          width: svg.getBoundingClientRect().width, room: svg.parentElement.clientWidth};
}"""

DIAGRAM_PAGES = ("pm/checkout-502.html", "pm/orders-replication-lag.html", "pm/login-captcha.html")


@pytest.mark.parametrize(
    ("width", "drawing"),
    [(390, "tl-narrow"), (600, "tl-medium"), (1280, "tl-wide"), (1600, "tl-wide")],
)
@pytest.mark.parametrize("rel", DIAGRAM_PAGES)
def test_the_diagram_fits_the_screen_and_shows_every_label_whole(
    rel: str, width: int, drawing: str, site: Path, tab: Any, tmp_path: Path
):
    """On a phone (390 px), between (600 px) and on a desktop (1280 and 1600 px) the page shows
    one drawing of the diagram, made for its width and as wide as the text column: nothing
    scrolls sideways, no label runs out of the drawing, and every entry's whole text is there to
    read, not shortened with "…"."""
    tab.page.set_viewport_size({"width": width, "height": 900})
    page = open_page(tab, site, rel)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.locator(".pm-diagram").screenshot(path=str(tmp_path / f"{scheme}.png"))
    result = page.evaluate(LABELS_JS)
    assert result["shown"] == 1
    assert drawing in result["name"]
    assert result["outside"] == []
    assert result["cut"] == []
    assert result["box"]  # the diagram's box does not scroll sideways either
    assert abs(result["width"] - result["room"]) < 1  # nor leaves room beside it unused
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_on_a_phone_a_label_too_long_for_the_diagram_leads_to_the_whole_entry(
    tab: Any, tmp_path: Path
):
    from postmortems.document import parse
    from postmortems.render import render_page

    long = " ".join(["The replica's disk filled with WAL segments kept for a dead slot."] * 8)
    text = (
        "# Replica lag\n\n## Timeline\n\n- 10:00 - Lag alert fires.\n"
        f"- 10:05 - {long}\n- 10:40 - Slot dropped; lag back under a second.\n"
    )
    page_file = tmp_path / "page.html"
    page_file.write_text(render_page(parse(text, "lag.md")), encoding="utf-8")
    tab.page.set_viewport_size({"width": 390, "height": 900})
    tab.page.goto(page_file.as_uri())
    result = tab.page.evaluate(LABELS_JS)
    assert len(result["cut"]) == 1  # shortened with "…"
    assert result["lost"] == []  # but linked to its whole text
    assert result["outside"] == []
    tab.page.locator("svg.tl-narrow a.tl-more").click()
    entry = tab.page.locator("li:target")
    assert "dead slot." in entry.inner_text()
    assert entry.is_visible()
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.errors == []
