"""`pm build`: the files it writes, what it lists apart, and incremental rebuilds."""

from __future__ import annotations

import html
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortems.cli import cli, main
from postmortems.render.site import build_site
from postmortems.render.site.builder import MANIFEST, load_records

DATA = Path(__file__).parent / "data" / "site"


def test_site_has_every_page(site: Path):
    for rel in (
        "index.html",
        "stats.html",
        "feed.xml",
        "pm/checkout-502.html",
        "pm/orders-replication-lag.html",
        "pm/link-only.html",
        "services/postgres.html",
        "tags/tls.html",
    ):
        assert (site / rel).is_file(), rel


def test_non_postmortems_and_broken_files_are_listed_apart(site: Path):
    index = (site / "index.html").read_text()
    notpm = index[index.index('id="notpm"') :]
    assert "link-only.md" in notpm
    assert "latin1.md" in notpm
    assert "not UTF-8" in notpm
    assert not (site / "pm" / "latin1.html").exists()


def test_feed_is_atom_with_newest_first(site: Path):
    root = ET.fromstring((site / "feed.xml").read_text())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles[0].startswith("Login page rejected")
    assert len(titles) == 3


def test_stats_page_has_the_charts(site: Path):
    stats = (site / "stats.html").read_text()
    for title in ("Incidents per month", "Causes by category", "Duration (median per month"):
        assert title in stats
    assert stats.count("<svg") >= 4


def _copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(DATA, src)
    return src


def test_rebuild_renders_only_what_changed(tmp_path: Path):
    src, out = _copy(tmp_path), tmp_path / "out"
    first = build_site(str(src), str(out), jobs=1)
    assert (first.rendered, first.reused) == (4, 0)
    again = build_site(str(src), str(out), jobs=1)
    assert (again.rendered, again.reused) == (0, 4)
    page = src / "login-captcha.md"
    page.write_text(page.read_text().replace("12% of logins", "15% of logins"))
    third = build_site(str(src), str(out), jobs=1)
    assert (third.rendered, third.reused) == (1, 3)
    assert "15% of logins" in (out / "pm" / "login-captcha.html").read_text()


def test_deleted_file_loses_its_page(tmp_path: Path):
    src, out = _copy(tmp_path), tmp_path / "out"
    build_site(str(src), str(out), jobs=1)
    (src / "checkout-502.md").unlink()
    report = build_site(str(src), str(out), jobs=1)
    assert report.removed == 1
    assert not (out / "pm" / "checkout-502.html").exists()
    assert not (out / "services" / "nginx.html").exists()
    assert "checkout-502.md" not in {r["path"] for r in load_records(str(out))}


def test_parallel_build_matches_serial(tmp_path: Path):
    src = _copy(tmp_path)
    for i in range(60):
        shutil.copy(src / "login-captcha.md", src / f"copy-{i:02d}.md")
    build_site(str(src), str(tmp_path / "a"), jobs=1)
    build_site(str(src), str(tmp_path / "b"), jobs=2)
    a = sorted(p.name for p in (tmp_path / "a" / "pm").glob("*.html"))
    b = sorted(p.name for p in (tmp_path / "b" / "pm").glob("*.html"))
    assert a == b
    assert len(a) == 64


def test_cli_build_reports_counts(tmp_path: Path):
    result = CliRunner().invoke(cli, ["build", str(DATA), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "3 postmortems, 1 other file;" in result.output
    assert "not a postmortem" in result.output


def test_cli_build_names_where_a_file_is_broken_and_exits_3(tmp_path: Path):
    """A file that cannot be read is an error (as for pm parse), at path:line:col; the rest
    of the site is still built; a file that is simply not a postmortem is not an error."""
    source = tmp_path / "src"
    shutil.copytree(DATA, source)
    (source / "broken.md").write_text("---\ntitle: [oops\n---\n# Outage\n", encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):  # an unchanged rebuild says the same, and removes nothing
        result = CliRunner().invoke(cli, ["build", str(source), "-o", str(out)])
        assert result.exit_code == 3, result.output
        assert f"{source}/broken.md:3:1: front matter is not valid YAML" in result.output
        assert f"{source}/link-only.md: not a postmortem: " in result.output
        assert "3 postmortems, 2 other files (1 could not be read)" in result.output
        assert "0 removed" in result.output
        assert (out / "pm" / "checkout-502.html").is_file()
    index = (out / "index.html").read_text()
    assert "<code>broken.md:3:1</code>" in index


def test_cli_build_missing_folder_is_a_clean_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope"), "-o", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_cli_build_refuses_an_empty_folder_and_options_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """An empty folder built "0 postmortems" (exit 0), where pm parse and pm lint refuse it;
    -j 0, a base URL that is no address and an empty title were taken as they were."""
    from postmortems.cli import main

    (tmp_path / "empty").mkdir()
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as empty:
        main(["build", str(tmp_path / "empty"), "-o", str(out)])
    assert empty.value.code == 3
    assert "is a directory with no Markdown files" in capsys.readouterr().err
    assert not out.exists()  # nothing written, nothing of a published site emptied
    for option, said in (
        (["-j", "0"], "0 is not in the range x>=1"),
        (["--base-url", "not a url"], "'not a url' is not an address"),
        (["--base-url", "pm.example.com"], "is not an address"),
        (["--title", " "], "give the site a title"),
    ):
        result = CliRunner().invoke(cli, ["build", str(DATA), "-o", str(out), *option])
        assert result.exit_code == 2, option
        assert said in result.output, option
    assert not out.exists()


def test_cli_render_writes_a_page(tmp_path: Path):
    out = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["render", str(DATA / "checkout-502.md"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "<svg" in out.read_text()


def test_whole_corpus_builds(corpus_dir: Path, tmp_path: Path):
    report = build_site(str(corpus_dir / "docs"), str(tmp_path / "site"))
    assert report.total == len(list((corpus_dir / "docs").iterdir()))
    assert report.postmortems > 100
    assert not [r for r in report.others if "could not be rendered" in r.reason]


def test_touched_but_unchanged_file_is_not_rendered_again(tmp_path: Path):
    src, out = _copy(tmp_path), tmp_path / "out"
    build_site(str(src), str(out), jobs=1)
    page = src / "checkout-502.md"
    page.write_text(page.read_text())  # new mtime, same content
    report = build_site(str(src), str(out), jobs=1)
    assert (report.rendered, report.reused) == (0, 4)


def test_feed_links_use_the_base_url(tmp_path: Path):
    out = tmp_path / "out"
    args = ["build", str(DATA), "-o", str(out), "--base-url", "https://pm.example.com/"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert 'href="https://pm.example.com/pm/checkout-502.html"' in (out / "feed.xml").read_text()


def test_local_images_are_copied_and_missing_ones_shown_as_text(site: Path):
    page = (site / "pm" / "login-captcha.html").read_text()
    assert 'src="assets/img/error-rate.png"' in page
    assert (site / "pm" / "assets" / "img" / "error-rate.png").is_file()
    assert "[image: A graph nobody saved]" in page
    assert "[image: Outside the folder]" in page
    assert "secret.png" not in page


def test_the_index_shows_an_inferred_duration_as_inferred(tmp_path: Path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "2024-03-05-api-errors.md").write_text(
        "## Summary\nThe API returned errors to a third of the users after a bad deploy.\n\n"
        "## Timeline\n- 2024-03-05 10:00 UTC Alert fired on the error rate.\n"
        "- 10:30 Looked at the logs of the API servers.\n\n"
        "## Root cause and resolution\nA configuration change removed the database host; we "
        "restored the previous configuration.\n\n"
        "## Corrective and preventative measures\n- [ ] Validate the configuration in CI.\n"
    )
    build_site(str(src), str(out), jobs=1)
    index = (out / "index.html").read_text()
    assert "Api errors (2024-03-05)" in index
    assert 'data-inferred="duration_minutes"' in index
    assert "≈" in index


def test_a_control_character_in_a_title_leaves_the_feed_readable(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    text = (DATA / "checkout-502.md").read_text(encoding="utf-8")
    text = text.replace("title: ", 'title: "Form\\x01feed" #', 1)
    assert "title: " in text
    (src / "ctl.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(src), "-o", str(out)]).exit_code in (0, 1)
    root = ET.fromstring((out / "feed.xml").read_text(encoding="utf-8"))  # not a parse error
    titles = [t.text for t in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Form feed" in titles


def test_links_between_postmortems_go_to_their_pages(tmp_path: Path):
    """`[x](b.md)` in a postmortem goes to b's page (pages are `pm/<name>.html`, side by side);
    a link to a file the build does not have, a folder, or another site is kept as written."""
    src, out = tmp_path / "src", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    (src / "b c.md").write_text("# B\n\nText.\n")
    (src / "b-c.md").write_text("# B again\n\nIts page name is taken: it becomes b-c-2.\n")
    (src / "sub" / "README.md").write_text("# Sub\n\nBack to [a](../a.md#timeline).\n")
    links = [
        "[b](b%20c.md)",
        "[twin](./b-c.md)",
        "[sub](sub/README.md#root-cause)",
        "[gone](missing.md)",
        "[folder](sub)",
        "[out](../outside.md)",
        "[web](https://example.com/x.md)",
    ]
    (src / "a.md").write_text("# A\n\n" + "\n".join(f"- {link}" for link in links) + "\n")
    (tmp_path / "outside.md").write_text("# Out\n")
    build_site(str(src), str(out), jobs=1)
    page = (out / "pm" / "a.html").read_text()
    assert 'href="b-c.html"' in page
    assert 'href="b-c-2.html"' in page
    assert 'href="sub-readme.html#root-cause"' in page
    for kept in ("missing.md", "sub", "../outside.md", "https://example.com/x.md"):
        assert f'href="{kept}"' in page
    for target in ("b-c", "b-c-2", "sub-readme"):
        assert (out / "pm" / f"{target}.html").is_file()
    assert 'href="a.html#timeline"' in (out / "pm" / "sub-readme.html").read_text()


def test_a_folder_that_is_no_site_is_not_built_into(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """Files pm build did not write are never overwritten: a folder with no manifest must be
    empty; a site it built is updated in place."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("MINE")
    with pytest.raises(SystemExit) as info:
        main(["build", str(DATA), "-o", str(out)])
    assert info.value.code == 3
    said = f"pm: {out}: the folder is not empty and holds no site `pm build` made"
    assert capsys.readouterr().err.startswith(said)
    assert (out / "index.html").read_text() == "MINE"
    (out / "index.html").unlink()
    for _ in range(2):  # empty, then a site it made
        assert CliRunner().invoke(cli, ["build", str(DATA), "-o", str(out)]).exit_code == 0


def test_a_folder_with_only_hidden_files_is_built_into_and_a_stopped_build_is_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A gh-pages checkout (.git, .nojekyll) is an empty site folder; a first build that stops
    halfway leaves a site pm build may finish."""
    from postmortems.render.site import builder

    out = tmp_path / "out"
    (out / ".git").mkdir(parents=True)
    (out / ".nojekyll").write_text("")

    def stop(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(builder, "_write_aggregates", stop)
    with pytest.raises(KeyboardInterrupt):
        build_site(str(DATA), str(out), jobs=1)
    monkeypatch.undo()
    assert build_site(str(DATA), str(out), jobs=1).postmortems > 0
    assert (out / ".nojekyll").exists()


def test_a_site_another_renderer_built_is_rendered_again_and_shows_what_was_typed(
    tmp_path: Path,
):
    """The build cache is the renderer's (pm's version and the code that reads documents and
    makes pages): a manifest that another renderer wrote, as the one that put curly quotes and
    dashes for what was typed, has every page rendered again; page, index and feed show the
    title and the root cause as typed."""
    src, out = _copy(tmp_path), tmp_path / "out"
    typed = "verify('t') --retry=3 -- \"410\" (c) ..."
    title = "Login rejected users in 'strict' mode -- \"captcha\"..."
    page = src / "login-captcha.md"
    text = page.read_text().replace("without notice (a", f"without notice ({typed}; a")
    page.write_text(
        text.replace("Login page rejected valid users after a captcha provider change", title)
    )
    build_site(str(src), str(out), jobs=1)
    manifest = out / MANIFEST
    data = json.loads(manifest.read_text())
    data["version"] = "an older renderer"
    manifest.write_text(json.dumps(data))
    old = out / "pm" / "login-captcha.html"  # as that renderer wrote it
    old.write_text(old.read_text().replace("&#x27;", "’").replace("'", "’"))
    again = build_site(str(src), str(out), jobs=1)
    assert (again.rendered, again.reused) == (4, 0)
    shown = {
        rel: html.unescape((out / rel).read_text())
        for rel in ("pm/login-captcha.html", "index.html", "feed.xml")
    }
    assert "provider's new endpoint" in shown["pm/login-captcha.html"]
    for rel in ("pm/login-captcha.html", "feed.xml"):  # the card's and the entry's root cause
        assert f"without notice ({typed}; a flamingo-coloured" in shown[rel], rel
    for rel, text in shown.items():
        assert title in text, rel
        assert not set("‘’“”©") & set(text), rel
