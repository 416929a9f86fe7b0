"""Images a postmortem shows from its own folder, copied next to the site's pages.

Only image files inside the source folder are copied (a path that leaves it, through ``..`` or
a link, is not); an image that cannot be found is shown as its text instead of a broken image.
"""

from __future__ import annotations

import functools
import os
import posixpath
import shutil
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from postmortems.render.markdown import ImageResolver, PageResolver
from postmortems.render.site.records import default_slug
from postmortems.sources import is_markdown_file

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})
ASSETS = "assets"  # under SITE/pm/


@functools.lru_cache(maxsize=8)
def _real(folder: str) -> str:
    return os.path.realpath(folder)


def resolver(source: str, rel: str, out: str, shown: list[str] | None = None) -> ImageResolver:
    """Resolve image paths written in ``source/rel`` to copies under ``out/pm/assets``, adding
    each copy's path under it to ``shown``. The source folder's real path is looked up on the
    first image only (most pages have none)."""

    def resolve(src: str) -> str | None:
        path = unquote(urlsplit(src).path)
        if not path or path.startswith("/") or Path(path).suffix.lower() not in IMAGE_SUFFIXES:
            return None
        root = _real(source)
        folder = os.path.dirname(os.path.join(root, rel))
        full = os.path.realpath(os.path.join(folder, path))
        if not full.startswith(root + os.sep) or not os.path.isfile(full):
            return None
        inside = os.path.relpath(full, root).replace(os.sep, "/")
        target = Path(out, "pm", ASSETS, inside)
        if not target.exists() or target.stat().st_size != os.path.getsize(full):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(full, target)
        if shown is not None:
            shown.append(inside)
        return quote(f"{ASSETS}/{inside}")

    return resolve


def page_resolver(source: str, rel: str, renamed: dict[str, str]) -> PageResolver:
    """Links written in ``source/rel`` to another Markdown file of the folder (``b.md``,
    ``../x/README.md#timeline``) go to its page beside this one; any other link is kept."""

    def resolve(href: str) -> str | None:
        parts = urlsplit(href)
        path = unquote(parts.path)
        if parts.scheme or parts.netloc or not path or path.startswith("/"):
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
        *folders, _ = target.split("/")
        if target.startswith("../") or any(f.startswith(".") for f in folders):
            return None  # outside the folder, or in a hidden one the build leaves out
        full = os.path.join(source, target)
        if not os.path.isfile(full) or not is_markdown_file(full):
            return None  # a folder, or a file the build does not have
        slug = renamed.get(target) or default_slug(target)
        return quote(slug) + ".html" + (f"#{parts.fragment}" if parts.fragment else "")

    return resolve


def remove_unshown(out: Path, shown: set[str]) -> None:
    """Delete the copies under ``out/pm/assets`` that no page of the site shows any more: an
    image of a postmortem removed, changed, or restricted since an earlier build published it."""
    folder = out / "pm" / ASSETS
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
        inside = path.relative_to(folder).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif inside not in shown:
            path.unlink()
