"""The site build: find the files, re-render only those whose content (or the renderer)
changed, then write the index, group pages, stats, feed and the build manifest.

The manifest (``.pm-build.json`` in the output folder) maps each source path to its content
hash and record, so an unchanged file costs one read and one hash on the next build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postmortems import __version__
from postmortems.errors import InputError, cannot_write
from postmortems.parallel import run_all
from postmortems.render.site.assets import remove_unshown
from postmortems.render.site.entry import build_entry, write_file
from postmortems.render.site.feed import atom
from postmortems.render.site.index import group_pages, index_page
from postmortems.render.site.layout import STYLESHEET
from postmortems.render.site.records import (
    Record,
    default_slug,
    digest,
    page_path,
    safe_slug,
    stamp_of,
)
from postmortems.render.site.stats import stats_page
from postmortems.render.theme import CSS
from postmortems.sources import markdown_files, no_markdown

MANIFEST = ".pm-build.manifest"

Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    total: int = 0
    rendered: int = 0
    reused: int = 0
    removed: int = 0
    postmortems: int = 0
    restricted: int = 0  # left out
    others: list[Record] = field(default_factory=list)
    seconds: float = 0.0


def renderer_version() -> str:
    """Changes with the version of pm and with the code that reads documents and makes pages,
    so that a new parser or renderer re-renders everything (``--full`` does the same by hand)."""
    package = Path(__file__).resolve().parents[2]
    h = hashlib.blake2b(__version__.encode(), digest_size=12)
    for sub in ("render", "document"):
        for path in sorted((package / sub).rglob("*.py")):
            h.update(path.read_bytes())
    return h.hexdigest()


def assign_slugs(paths: list[str], known: dict[str, Record] | None = None) -> dict[str, str]:
    """A unique page name per file; a file keeps the name it had in the last build."""
    slugs: dict[str, str] = {}
    seen: set[str] = set()
    for rel in paths:
        old = known.get(rel) if known else None
        if old is not None and old.slug not in seen:
            slugs[rel] = old.slug
            seen.add(old.slug)
    for rel in paths:
        if rel in slugs:
            continue
        base = default_slug(rel)
        slug, n = base, 1
        while slug in seen:
            n += 1
            slug = f"{base}-{n}"
        seen.add(slug)
        slugs[rel] = slug
    return slugs


# The manifest is JSON of plain values; anything unexpected (an older format, a damaged file)
# just means a full build.
def _load_manifest(out: Path, version: str, title: str) -> dict[str, Record]:
    try:
        data = json.loads((out / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != version or data.get("title") != title:
        return {}
    try:
        found = {k: Record.from_json(v) for k, v in data["entries"].items()}
    except (KeyError, TypeError, AttributeError):
        return {}
    if not all(safe_slug(r.slug) and isinstance(r.path, str) for r in found.values()):
        return {}  # tampered: never delete or write where a manifest says; build afresh
    return found


def _save_manifest(out: Path, version: str, title: str, records: list[Record]) -> None:
    data = {"version": version, "title": title, "entries": {r.path: r.to_json() for r in records}}
    tmp = out / f"{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)


def _unchanged(source: str, old: Record | None, slug: str, pages: set[str]) -> bool:
    """Whether the file's content is what the last build rendered (by hash; the hash is only
    recomputed when the file's mtime or size moved)."""
    if old is None or old.slug != slug or not old.digest:
        return False
    if old.has_page and f"{slug}.html" not in pages:
        return False
    full = os.path.join(source, old.path)
    try:
        stamp = stamp_of(full)
        if stamp == old.stamp:
            return True
        with open(full, "rb") as fh:
            same = digest(fh.read()) == old.digest
    except OSError:
        return False
    if same:
        old.stamp = stamp
    return same


Job = tuple[str, str, str, str, str, bool, dict[str, str]]


def _job(args: Job) -> Record:
    return build_entry(*args)


def _render(jobs_args: list[Job], jobs: int | None, progress: Progress | None) -> Iterator[Record]:
    total = len(jobs_args)
    for n, record in enumerate(run_all(_job, jobs_args, workers=jobs), 1):
        if progress:
            progress(n, total)
        yield record


def _sources(source: str) -> list[str]:
    """The Markdown files of the folder; none is an error, as for pm parse and pm lint (a wrong
    folder would publish an empty site, and empty a published one)."""
    if not os.path.isdir(source):
        raise InputError("not a folder", path=source, hint="pass the folder of postmortems")
    paths = markdown_files(source)
    if not paths:
        raise no_markdown(source)
    return paths


def build_site(
    source: str,
    out: str,
    *,
    title: str = "Postmortems",
    full: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    base_url: str = "",
    restricted_too: bool = False,
) -> BuildReport:
    """Build (or update) the site in ``out`` from the files under ``source``.

    ``restricted: true`` postmortems are left out (no page, not in the index, the group pages,
    the stats or the feed) unless ``restricted_too``."""
    started = time.perf_counter()
    paths = _sources(source)
    target = _site_folder(out)
    version = renderer_version() + (":restricted" if restricted_too else "")
    old = {} if full else _load_manifest(target, version, title)
    if not (target / MANIFEST).is_file():  # the site is ours from now, should the build stop
        _save_manifest(target, version, title, [])
    slugs = assign_slugs(paths, old)
    # What a page's links to other files need besides the rule: the few names that differ.
    renamed = {rel: slug for rel, slug in slugs.items() if slug != default_slug(rel)}
    try:
        pages = set(os.listdir(target / "pm"))
    except OSError:
        pages = set()
    report = BuildReport(total=len(paths))
    records: dict[str, Record] = {}
    todo = []
    for rel in paths:
        prev = old.get(rel)
        if prev is not None and _unchanged(source, prev, slugs[rel], pages):
            records[rel] = prev
        else:
            todo.append((source, rel, slugs[rel], out, title, restricted_too, renamed))
    report.reused = len(records)
    for record in _render(todo, jobs, progress):
        records[record.path] = record
    report.rendered = len(todo)
    report.removed = _remove_stale(target, old, records)
    ordered = [records[p] for p in paths]
    shown = [r for r in ordered if not r.restricted]
    _write_aggregates(target, title, shown, now or dt.datetime.now(dt.UTC), base_url)
    _save_manifest(target, version, title, shown)  # a restricted file left out: not named
    remove_unshown(target, {a for r in shown if r.has_page for a in r.assets})
    report.postmortems = sum(1 for r in shown if r.ok)
    report.others = [r for r in shown if not r.ok]
    report.restricted = len(ordered) - len(shown)
    for r in ordered:
        if r.restricted:  # a page from a build with --include-restricted goes
            (target / page_path(r.slug)).unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report


def _site_folder(out: str) -> Path:
    """``out``, made if missing; refused when it holds files but no site pm build made."""
    target = Path(out)
    try:
        target.mkdir(parents=True, exist_ok=True)
        # hidden files are the folder's own (.git of a gh-pages checkout, .nojekyll)
        ours = (target / MANIFEST).is_file() or all(
            p.name.startswith(".") for p in target.iterdir()
        )
    except OSError as exc:
        raise cannot_write(out, exc) from None
    if not ours:  # its index.html or site.css would be someone's file, overwritten
        raise InputError(
            "the folder is not empty and holds no site `pm build` made (no .pm-build.manifest)",
            path=out,
            hint="build into a new or empty folder: pm build overwrites only what it wrote",
        )
    return target


def _remove_stale(out: Path, old: dict[str, Record], current: dict[str, Record]) -> int:
    keep = {r.slug for r in current.values() if r.has_page}
    removed = 0
    for r in old.values():
        if r.slug not in keep and r.has_page:  # a file listed apart had no page to remove
            (out / page_path(r.slug)).unlink(missing_ok=True)
            removed += 1
    return removed


def _write_aggregates(
    out: Path, title: str, records: list[Record], now: dt.datetime, base_url: str
) -> None:
    pages: dict[str, str] = {
        STYLESHEET: CSS,
        "index.html": index_page(title, records),
        "stats.html": stats_page(title, records),
        "feed.xml": atom(title, records, now=now, base_url=base_url),
    }
    pages.update(group_pages(title, "services", records))
    pages.update(group_pages(title, "tags", records))
    for sub in ("services", "tags"):
        folder = out / sub
        if folder.is_dir():
            for stale in folder.glob("*.html"):
                if f"{sub}/{stale.name}" not in pages:
                    stale.unlink()
    for rel, text in pages.items():
        write_file(out / rel, text)


def load_records(out: str) -> list[dict[str, Any]]:
    """The records of the last build (for tools and tests)."""
    data = json.loads((Path(out) / MANIFEST).read_bytes())
    return list(data["entries"].values())
