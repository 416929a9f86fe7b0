"""Local images as ``data:`` URIs, so a page written by ``pm render`` is one self-contained file."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import unquote, urlsplit

from postmortems.render.markdown import ImageResolver

TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",  # an <img> never runs an SVG's scripts
}
MAX_BYTES = 5 * 1024 * 1024


def inline_images(folder: Path) -> ImageResolver:
    """A resolver for images under ``folder`` (the document's): a ``data:`` URI, or None (the
    page then shows the image's text) for a file that is missing, outside the folder, of
    another type or larger than :data:`MAX_BYTES`."""
    top = folder.resolve()

    def resolve(src: str) -> str | None:
        path = (top / unquote(urlsplit(src).path)).resolve()
        kind = TYPES.get(path.suffix.lower())
        if kind is None or not path.is_relative_to(top) or not path.is_file():
            return None
        if path.stat().st_size > MAX_BYTES:
            return None
        return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")

    return resolve
