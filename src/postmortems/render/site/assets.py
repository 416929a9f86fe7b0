"""Images a postmortem shows from its own folder, copied next to the site's pages.

Only image files inside the source folder are copied (a path that leaves it, through ``..`` or
a link, is not); an image that cannot be found is shown as its text instead of a broken image.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from postmortems.render.markdown import ImageResolver

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})
ASSETS = "assets"  # under SITE/pm/


@functools.lru_cache(maxsize=8)
def _real(folder: str) -> str:
    return os.path.realpath(folder)


def resolver(source: str, rel: str, out: str) -> ImageResolver:
    """Resolve image paths written in ``source/rel`` to copies under ``out/pm/assets``. The
    source folder's real path is looked up on the first image only (most pages have none)."""

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
        return quote(f"{ASSETS}/{inside}")

    return resolve
