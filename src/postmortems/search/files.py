"""A library of postmortem files read for search: every Markdown file under the paths, parsed
(in worker processes when there are many) into :class:`~postmortems.search.text.Doc` values
whose ``id`` is the path. Files that are not postmortems are left out; files that cannot be
read are returned as errors beside the others."""

from __future__ import annotations

from collections.abc import Iterable

from postmortems.errors import PostmortemsError
from postmortems.parallel import run_all
from postmortems.search.text import Doc, doc_from_document
from postmortems.sources import expand, read_text


def read_doc(path: str) -> Doc | PostmortemsError | None:
    """The file as a Doc; None when it is not a postmortem; the error when it cannot be read."""
    from postmortems.document import parse

    try:
        document = parse(read_text(path), path)
    except PostmortemsError as exc:
        return exc
    return doc_from_document(path, document) if document.is_postmortem else None


def read_library(
    paths: Iterable[str], *, workers: int | None = None
) -> tuple[list[Doc], list[PostmortemsError]]:
    """The postmortems under ``paths`` (files or folders), and the files that could not be read."""
    docs: list[Doc] = []
    errors: list[PostmortemsError] = []
    for result in run_all(read_doc, list(dict.fromkeys(expand(paths))), workers=workers):
        if isinstance(result, PostmortemsError):
            errors.append(result)
        elif result is not None:
            docs.append(result)
    return docs, errors
