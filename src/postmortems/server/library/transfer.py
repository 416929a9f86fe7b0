"""Files ↔ server: ``pm import DIR`` and ``pm export DIR``.

Import is idempotent by id (the front-matter ``id``, else the file's path in the folder): a file
whose text is already stored changes nothing. The exact text is stored, so exporting writes every
file back byte for byte; ``canonical=True`` rewrites through the canonical writer instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postmortems.document import write
from postmortems.errors import PostmortemsError
from postmortems.server.accounts.access import Access
from postmortems.server.library import fulltextindex, store
from postmortems.server.library.models import Postmortem
from postmortems.server.library.queries import visible
from postmortems.sources import decode, markdown_files


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "path: message"
    skipped: list[str] = field(default_factory=list)  # "path: why it is not a postmortem"
    overwritten: dict[str, str] = field(default_factory=dict)  # key: what the import replaced

    def lines(self) -> Iterator[str]:
        for verb, keys in (("created", self.created), ("updated", self.updated)):
            for key in keys:
                note = self.overwritten.get(key)
                yield f"{verb} {key}" + (f": overwrote {note}" if note else "")
        for message in self.failed:
            yield f"failed {message}"
        for message in self.skipped:
            yield f"skipped {message}"
        yield (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed, "
            f"{len(self.skipped)} skipped (not postmortems)"
        )


def read_file(path: Path) -> str:
    """The file's text, exactly (newlines untouched)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PostmortemsError(f"cannot read: {exc.strerror}", path=str(path)) from None
    text = decode(data, str(path))  # what `pm parse` refuses (too large, binary, not UTF-8)
    if "\x00" in text:
        raise PostmortemsError(
            "it contains a NUL character, which no postmortem holds",
            path=str(path),
            hint="remove it (binary data is not Markdown)",
        )
    return text


def _incoming(name: str, root: Path) -> store.Incoming:
    path = root / name
    try:
        return store.Incoming(name, read_file(path), path=str(path))
    except PostmortemsError as exc:
        return store.Incoming(name, error=str(exc))


def import_dir(root: Path, user: Any = None, *, quiet: bool = False) -> ImportReport:
    """Import every Markdown file under ``root`` (:func:`postmortems.sources.markdown_files`,
    following no link out of it; see :func:`store.save_many`, and its ``quiet``)."""
    if not root.is_dir():
        raise PostmortemsError("not a folder", path=str(root), hint="pass a folder of .md files")
    report = ImportReport()
    files = (_incoming(name, root) for name in markdown_files(str(root), confined=True))
    for outcome in store.save_many(files, user, quiet=quiet):
        if outcome.verb in {"failed", "skipped"}:
            getattr(report, outcome.verb).append(outcome.error)
        else:
            getattr(report, outcome.verb).append(outcome.key)
    report.overwritten = overwritten(report.updated)
    if report.created or report.updated:
        fulltextindex.analyze()  # PostgreSQL's word statistics, which similar-incident lookups read
    return report


def overwritten(keys: list[str]) -> dict[str, str]:
    """For each updated id, the revision the import replaced: who saved it, from which file."""
    out = {}
    for pm in Postmortem.objects.filter(key__in=keys):
        before = pm.revisions.filter(number=pm.version - 1).select_related("author").first()
        if before is None:
            continue
        who = before.author.get_username() if before.author else "an import"
        out[pm.key] = (
            f"revision {before.number} (saved by {who}, {before.message or 'no message'}); "
            "it stays in the revisions"
        )
    return out


def _safe_name(pm: Postmortem) -> str:
    name = pm.source_name or f"{pm.key}.md"
    parts = [p for p in Path(name).parts if p not in {"..", ".", "/"} and not p.startswith("/")]
    return str(Path(*parts)) if parts else f"{pm.key}.md"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


EXPORTED = ".pm-export.json"  # in the folder: each file's SHA-256 as the last export wrote it


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)  # written, or already the same
    kept: list[Path] = field(default_factory=list)  # changed since the last export: not touched
    outside: list[Path] = field(default_factory=list)  # in a folder linked out of it: not written


def export_dir(
    root: Path, access: Access | None = None, *, canonical: bool = False
) -> ExportReport:
    """Write every postmortem (or every one ``access`` may see) under ``root``.

    A file is overwritten only when it is as the last export left it: one changed since (an
    edit not imported yet) or one no export wrote is kept and reported, never lost. Two
    postmortems imported under one file name (a README of two folders) are two files: the
    second is named after its id.
    """
    before = _exported(root)
    after = dict(before)
    report = ExportReport()
    taken: set[str] = set()
    qs = visible(access) if access is not None else Postmortem.objects.all()
    for pm in qs.order_by("key").iterator():
        text = write(store.read(pm.text, pm.key)) if canonical else pm.text
        name = _free_name(pm, taken)
        taken.add(name)
        path = root / name
        if not path.parent.resolve().is_relative_to(root.resolve()):  # a folder linked elsewhere
            report.outside.append(path)
            continue
        data = text.encode()
        try:
            there = path.read_bytes()
        except FileNotFoundError:
            there = None
        if there is not None and there != data and before.get(name) != _digest(there):
            report.kept.append(path)
            continue
        if there != data:
            write_atomic(path, text)
        after[name] = _digest(data)
        report.written.append(path)
    write_atomic(root / EXPORTED, json.dumps(after, indent=0, sort_keys=True) + "\n")
    return report


def _free_name(pm: Postmortem, taken: set[str]) -> str:
    """The file name ``pm`` was imported under, else (taken in this export) its id's."""
    for name in (_safe_name(pm), f"{pm.key}.md", f"{pm.key}-{pm.pk}.md"):
        if name not in taken:
            return name
    raise AssertionError("an id and a row id are unique")  # pragma: no cover


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _exported(root: Path) -> dict[str, str]:
    """What the last export into ``root`` wrote (nothing when it is missing or damaged)."""
    try:
        data = json.loads((root / EXPORTED).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}
