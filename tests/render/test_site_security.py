"""`pm build` publishes no restricted postmortem unless asked, and a tampered build manifest
never makes it delete or write outside its output folder (issue 13, items 7 and 10)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from postmortems.cli import cli
from postmortems.render.site import build_site
from postmortems.render.site.builder import MANIFEST

DATA = Path(__file__).parent / "data" / "site"
SECRET = "Payroll vault breach"


def _source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(DATA, src)
    text = (src / "checkout-502.md").read_text(encoding="utf-8")
    secret = text.replace("---\n", "---\nrestricted: true\nteams: [security]\n", 1)
    title = next(line for line in secret.splitlines() if line.startswith("title:"))
    secret = secret.replace(title, f"title: {SECRET}")
    (src / "vault-breach.md").write_text(secret, encoding="utf-8")
    return src


def _site_text(site: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*")
        if p.is_file() and p.name != MANIFEST
    )


def test_restricted_postmortems_are_left_out(tmp_path: Path) -> None:
    src, site = _source(tmp_path), tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", str(src), "-o", str(site)])
    assert result.exit_code == 0, result.output
    assert "left out 1 restricted postmortem" in result.output
    assert SECRET not in _site_text(site)  # not in the index, feed, stats or group pages
    assert "vault-breach" not in _site_text(site)
    assert not (site / "pm" / "vault-breach.html").exists()
    assert (site / "pm" / "checkout-502.html").exists()


def test_include_restricted_publishes_them_and_a_later_build_removes_them(tmp_path: Path) -> None:
    src, site = _source(tmp_path), tmp_path / "site"
    runner = CliRunner()
    runner.invoke(cli, ["build", str(src), "-o", str(site), "--include-restricted"])
    assert (site / "pm" / "vault-breach.html").exists()
    assert SECRET in (site / "index.html").read_text(encoding="utf-8")
    assert SECRET in (site / "feed.xml").read_text(encoding="utf-8")
    runner.invoke(cli, ["build", str(src), "-o", str(site)])
    assert not (site / "pm" / "vault-breach.html").exists()
    assert SECRET not in _site_text(site)


def test_a_restricted_postmortems_images_and_name_go_with_its_page(tmp_path: Path) -> None:
    """After a build with --include-restricted, a build without it leaves nothing of the
    restricted postmortem in the folder: not its page, not the images it showed, not its file
    name in the build manifest. Images another page still shows stay."""
    src, site = _source(tmp_path), tmp_path / "site"
    (src / "breach").mkdir()
    shutil.copy(src / "img" / "error-rate.png", src / "breach" / "exfil-payroll-vault.png")
    text = (src / "vault-breach.md").read_text(encoding="utf-8")
    shows = "\n![Vault access](breach/exfil-payroll-vault.png)\n![Errors](img/error-rate.png)\n"
    (src / "vault-breach.md").write_text(text + shows, encoding="utf-8")
    build_site(str(src), str(site), restricted_too=True)
    assets = site / "pm" / "assets"
    assert (assets / "breach" / "exfil-payroll-vault.png").is_file()
    build_site(str(src), str(site))
    assert not (assets / "breach").exists()
    assert (assets / "img" / "error-rate.png").is_file()  # login-captcha.md shows it too
    assert "vault-breach" not in (site / MANIFEST).read_text(encoding="utf-8")
    build_site(str(src), str(site))  # read again, still left out
    assert not (site / "pm" / "vault-breach.html").exists()
    assert "vault-breach" not in (site / MANIFEST).read_text(encoding="utf-8")


def _tamper(site: Path, slug: str) -> None:
    data = json.loads((site / MANIFEST).read_bytes())
    for entry in data["entries"].values():
        entry["slug"] = slug
    (site / MANIFEST).write_text(json.dumps(data), encoding="utf-8")


def test_a_tampered_manifest_cannot_delete_outside_the_site(tmp_path: Path) -> None:
    src, site = _source(tmp_path), tmp_path / "site"
    build_site(str(src), str(site))
    victim = tmp_path / "victim.html"
    victim.write_text("keep me", encoding="utf-8")
    _tamper(site, "../../victim")  # pm/../../victim.html is tmp_path/victim.html
    (src / "checkout-502.md").unlink()  # makes the build remove "stale" pages
    build_site(str(src), str(site))
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_a_tampered_manifest_cannot_write_outside_the_site(tmp_path: Path) -> None:
    src, site = _source(tmp_path), tmp_path / "site"
    build_site(str(src), str(site))
    _tamper(site, "../../escaped")
    (src / "checkout-502.md").write_text(
        (src / "checkout-502.md").read_text(encoding="utf-8") + "\nChanged.\n", encoding="utf-8"
    )
    build_site(str(src), str(site))
    assert not (tmp_path / "escaped.html").exists()
    assert not list(tmp_path.glob("escaped*"))
    assert (site / "pm" / "checkout-502.html").exists()
